/**
 * `Model.saveAll`: many documents saved through the core bulk helper, each decided exactly as
 * `save()` decides it (validation, partial refusal, index name, id, routing, seqNo guard), each
 * reported with the same typed errors, and each one's `meta` updated from its bulk item.
 */
import type { Refresh } from '../../core/api/generated/types.js';
import type {
  BulkAction,
  BulkHelperItem,
  BulkOperationMeta,
} from '../../core/helpers/bulk-types.js';
import { BulkHelperError } from '../../core/helpers/helper-errors.js';
import { OrmError } from '../errors.js';
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';
import { resolveClient } from './connections.js';
import {
  type BulkSaveDetails,
  type BulkSaveFailure,
  OrmBulkSaveError,
  OrmConflictError,
  OrmWriteError,
} from './errors.js';
import { modelOf, partialSave } from './persistence.js';
import { currentSeqNo, errorReason, errorType, indexMissing } from './persistence-errors.js';
import type { CallOptions } from './persistence-options.js';
import { homeOf, isPartial, metaOf, recordMeta, serialized } from './persistence-state.js';
import { toSource } from './source.js';
import { validateDocument } from './validation.js';

/** Options of `Model.saveAll()`. */
export interface SaveAllOptions extends CallOptions {
  /** Refresh of every bulk request (`'wait_for'`: resolve once the documents are searchable). */
  readonly refresh?: Refresh | undefined;
  /** Bulk requests in flight at once (the bulk helper's default, 5, when unset). */
  readonly concurrency?: number | undefined;
  /** A bulk request is sent once its NDJSON holds this many bytes (default 5 MiB). */
  readonly flushBytes?: number | undefined;
  /** `false` skips validation (default `true`: an invalid document is never sent). */
  readonly validate?: boolean | undefined;
  /** `'create'` only creates: a document whose id exists fails with ORM_CONFLICT. */
  readonly opType?: 'index' | 'create' | undefined;
  /**
   * `true` (default): reject with OrmBulkSaveError (ORM_BULK_FAILED) when any document was not
   * saved. `false`: resolve with `{ saved, savedCount, failed }` whatever happened to the items.
   */
  readonly raiseOnError?: boolean | undefined;
}

/** What `saveAll` of an array resolves to: the saved documents are listed, in input order. */
export interface SaveAllResult<T extends object> extends BulkSaveDetails<T> {
  readonly saved: readonly T[];
}

/**
 * What `saveAll` of an iterable or async iterable resolves to: saved documents are only counted,
 * so memory stays bounded however long the input (failed ones are listed).
 */
export interface SaveAllStreamResult<T extends object> extends BulkSaveDetails<T> {
  readonly saved: undefined;
}

// What an item's meta needs: the rest of a full item (_shards, ...) is parsed for nothing.
const ITEM_FIELDS = [
  'errors',
  ...['status', 'error', 'result', '_id', '_index', '_seq_no', '_primary_term', '_version'].map(
    (field) => `items.*.${field}`,
  ),
].join(',');

/** One document on its way through the bulk helper (what `onDocument` turns into an action). */
interface Entry {
  readonly doc: object;
  readonly position: number;
  readonly index: string;
  readonly source: Record<string, unknown>;
  readonly id: string | undefined;
  readonly routing: string | undefined;
  readonly expectedSeqNo: number | undefined;
  readonly primaryTerm: number | undefined;
  /** Lets the next write of this instance run (see `serialized`). */
  readonly release: () => void;
}

/** The run's bookkeeping: only what the result reports is kept. */
class Outcomes {
  readonly #savedFlags: Uint8Array | undefined;
  readonly #failed: { readonly position: number; readonly failure: BulkSaveFailure }[] = [];
  savedCount = 0;

  constructor(arrayLength: number | undefined) {
    this.#savedFlags = arrayLength === undefined ? undefined : new Uint8Array(arrayLength);
  }

  saved(position: number): void {
    this.savedCount += 1;
    if (this.#savedFlags !== undefined) this.#savedFlags[position] = 1;
  }

  failed(position: number, document: object, error: OrmError): void {
    this.#failed.push({ position, failure: { document, error } });
  }

  details(input: unknown): BulkSaveDetails {
    const flags = this.#savedFlags;
    const saved =
      flags === undefined ? undefined : (input as readonly object[]).filter((_, i) => flags[i]);
    // Items settle out of order (concurrent requests, retries): report them in input order.
    const failed = this.#failed.sort((a, b) => a.position - b.position).map((f) => f.failure);
    return { saved, savedCount: this.savedCount, failed };
  }
}

/**
 * Validates and saves every document of `docs` with the bulk API; see `Model.saveAll`. Array
 * inputs list their saved documents in the result; iterables only count them (memory bound).
 */
export async function saveDocuments(
  model: ModelConstructor,
  docs: Iterable<object> | AsyncIterable<object>,
  options: SaveAllOptions = {},
): Promise<BulkSaveDetails> {
  getDocumentMetadata(model); // ORM_NOT_A_DOCUMENT before anything is read
  const client = resolveClient(options.client);
  const outcomes = new Outcomes(Array.isArray(docs) ? docs.length : undefined);
  const create = options.opType === 'create';
  const inRun = new Set<object>();
  const done = (entry: Entry): void => {
    inRun.delete(entry.doc);
    entry.release();
  };
  const run = client.helpers.bulk<Entry>({
    datasource: prepared(model, docs, { options, outcomes, inRun }),
    onDocument: (entry) => actionOf(entry, create),
    onSuccess: ({ document: entry, result }) => {
      recordMeta(entry.doc, result, entry.index);
      outcomes.saved(entry.position);
      done(entry);
    },
    onDrop: ({ document: entry, status, error }) => {
      outcomes.failed(entry.position, entry.doc, itemError(entry, status, error ?? null, create));
      done(entry);
    },
    params: {
      filter_path: ITEM_FIELDS,
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    },
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.flushBytes === undefined ? {} : { flushBytes: options.flushBytes }),
  });
  let stopped: unknown;
  try {
    await run;
  } catch (error) {
    stopped = error;
    for (const { document: entry } of unacknowledged(error)) {
      const { id, index } = entry;
      outcomes.failed(
        entry.position,
        entry.doc,
        new OrmWriteError({ id, index, status: undefined }, { cause: error }),
      );
      done(entry);
    }
  }
  const details = outcomes.details(docs);
  if (stopped !== undefined) throw new OrmBulkSaveError(details, { cause: stopped, stopped: true });
  if (options.raiseOnError !== false && details.failed.length > 0) {
    throw new OrmBulkSaveError(details);
  }
  return details;
}

function unacknowledged(error: unknown): readonly { readonly document: Entry }[] {
  return error instanceof BulkHelperError
    ? (error.unacknowledged as readonly { readonly document: Entry }[])
    : [];
}

interface PrepareContext {
  readonly options: SaveAllOptions;
  readonly outcomes: Outcomes;
  readonly inRun: Set<object>;
}

/** The documents to send, each decided as `save()` decides; refused ones are reported, not sent. */
async function* prepared(
  model: ModelConstructor,
  docs: Iterable<object> | AsyncIterable<object>,
  context: PrepareContext,
): AsyncGenerator<Entry> {
  let position = 0;
  for await (const doc of docs) {
    const entry = await prepare(model, doc, position, context);
    position += 1;
    if (entry !== undefined) yield entry;
  }
}

async function prepare(
  model: ModelConstructor,
  doc: object,
  position: number,
  { options, outcomes, inRun }: PrepareContext,
): Promise<Entry | undefined> {
  const refused = refusal(model, doc, inRun);
  if (refused !== undefined) {
    outcomes.failed(position, doc, refused);
    return undefined;
  }
  // Waits for this instance's writes under way (a save() racing the bulk), as save() does.
  const release = await acquire(doc);
  let source: Record<string, unknown>;
  try {
    if (isPartial(doc)) throw partialSave(doc);
    const meta = getDocumentMetadata(modelOf(doc));
    if (options.validate !== false) validateDocument(doc, meta);
    source = toSource(doc, meta);
  } catch (error) {
    release();
    if (!(error instanceof OrmError)) throw error;
    outcomes.failed(position, doc, error);
    return undefined;
  }
  inRun.add(doc);
  const docMeta = metaOf(doc);
  const guarded = options.opType !== 'create' && docMeta.seqNo !== undefined;
  return {
    doc,
    position,
    index: homeOf(doc) ?? getDocumentMetadata(modelOf(doc)).index.name,
    source,
    id: docMeta.id,
    routing: docMeta.routing,
    expectedSeqNo: guarded ? docMeta.seqNo : undefined,
    primaryTerm: guarded ? docMeta.primaryTerm : undefined,
    release,
  };
}

/** Why a value of the input cannot be saved at all (checked before anything else). */
function refusal(model: ModelConstructor, doc: unknown, inRun: Set<object>): OrmError | undefined {
  if (typeof doc !== 'object' || doc === null || !(doc instanceof model)) {
    const what = typeof doc === 'object' && doc !== null ? doc.constructor.name : typeof doc;
    return new OrmError(
      'ORM_NOT_A_DOCUMENT',
      `${model.name}.saveAll() was given a ${what}, not a ${model.name}: create documents with ${model.name}.create() (or load them) before saving them.`,
    );
  }
  if (inRun.has(doc)) {
    // Waiting for the first write would hold the reading until its batch is sent.
    return new OrmError(
      'ORM_BULK_FAILED',
      `This ${modelOf(doc).name} was given twice to one saveAll() while its first write was under way: only the first was sent (its outcome is reported on its own). Give each document once.`,
    );
  }
  return undefined;
}

/** Joins the instance's write queue; resolves with the function that lets the next write run. */
function acquire(doc: object): Promise<() => void> {
  return new Promise((acquired) => {
    void serialized(doc, () => new Promise<void>((release) => acquired(release)));
  });
}

/** The bulk action of one document: what `save()` would send as an index request. */
function actionOf(entry: Entry, create: boolean): BulkAction {
  const meta: BulkOperationMeta = {
    _index: entry.index,
    ...(entry.id === undefined ? {} : { _id: entry.id }),
    ...(entry.routing === undefined ? {} : { routing: entry.routing }),
    ...(entry.expectedSeqNo === undefined || entry.primaryTerm === undefined
      ? {}
      : { if_seq_no: entry.expectedSeqNo, if_primary_term: entry.primaryTerm }),
  };
  return create ? [{ create: meta }, entry.source] : [{ index: meta }, entry.source];
}

// A seqNo guard on a document that no longer exists: "... primary term [1]. but no document was found"
const NO_DOCUMENT = /no document was found/;

/** A refused bulk item as the error `save()` would have thrown for the same refusal. */
function itemError(
  entry: Entry,
  status: number,
  error: BulkHelperItem['error'] | null,
  create: boolean,
): OrmError {
  const body = { error };
  const { id, index } = entry;
  if (status === 409) {
    return new OrmConflictError(
      {
        id,
        index,
        expectedSeqNo: entry.expectedSeqNo,
        currentSeqNo: currentSeqNo(body),
        create,
        deleted: NO_DOCUMENT.test(errorReason(body) ?? ''),
      },
      { cause: error },
    );
  }
  if (status === 404 && errorType(body) === 'index_not_found_exception') {
    return indexMissing(index, id, error);
  }
  return new OrmWriteError(
    { id, index, status, type: errorType(body), reason: errorReason(body) },
    error === null ? {} : { cause: error },
  );
}
