/**
 * The requests behind `Model`: each operation is a function of the model's resolved metadata, a
 * client and the instance, so `Model` itself stays a thin typed facade.
 */

import type { Refresh } from '../../core/api/generated/types.js';
import type { Client } from '../../core/client.js';
import { OrmError } from '../errors.js';
import { getDocumentMetadata, getModelMetadata } from '../metadata/registry.js';
import type { FieldMetadata, ModelConstructor, ModelMetadata } from '../metadata/types.js';
import { resolveClient } from './connections.js';
import { OrmNotFoundError } from './errors.js';
import {
  documentMissing,
  errorReason,
  errorType,
  indexMissing,
  isIndexMissing,
  writeError,
} from './persistence-errors.js';
import {
  forgetWrite,
  homeOf,
  isPartial,
  metaOf,
  type RawMeta,
  recordMeta,
  setPartial,
} from './persistence-state.js';
import { readWithVectors } from './persistence-vectors.js';
import { fromSource, toSource } from './source.js';
import { OrmValidationError, validateDocument } from './validation.js';

/** Options every call takes: the client to use instead of the default one. */
export interface ClientOptions {
  /** Overrides the client set with `setDefaultClient` for this call. */
  readonly client?: Client | undefined;
}

/** Options of `Model.get()`. */
export interface GetOptions extends ClientOptions {
  readonly routing?: string | undefined;
  /** `false` reads the last refreshed state instead of the latest write (default `true`). */
  readonly realtime?: boolean | undefined;
  /** Read from this index or alias instead of the model's (later writes go there too). */
  readonly index?: string | undefined;
  /** A missing document rejects with ORM_NOT_FOUND (`'throw'`, default) or resolves to `null`. */
  readonly missing?: 'throw' | 'null' | undefined;
  /**
   * Load only some `_source` fields. The instance is then partial: `save()` refuses it
   * (ORM_PARTIAL_DOCUMENT) since it would drop the rest; `update()` works.
   */
  readonly source?: SourceFilter | undefined;
}

/** Source filtering of a read: paths to include and/or exclude (wildcards allowed). */
export interface SourceFilter {
  readonly includes?: readonly string[] | undefined;
  readonly excludes?: readonly string[] | undefined;
}

/** Options of `Model.mget()`. */
export interface MgetOptions extends ClientOptions {
  readonly routing?: string | undefined;
  readonly realtime?: boolean | undefined;
  readonly index?: string | undefined;
  /** A missing id gives `null` in its place (default), is left out, or rejects the call. */
  readonly missing?: 'null' | 'skip' | 'throw' | undefined;
}

/** Options of `Model.exists()`. */
export interface ExistsOptions extends ClientOptions {
  readonly routing?: string | undefined;
  readonly realtime?: boolean | undefined;
  readonly index?: string | undefined;
}

/** Options of `doc.save()`. */
export interface SaveOptions extends ClientOptions {
  readonly refresh?: Refresh | undefined;
  readonly routing?: string | undefined;
  /** `false` skips validation (default `true`: an invalid document is never sent). */
  readonly validate?: boolean | undefined;
  /** `'create'` only creates: an existing id rejects with ORM_CONFLICT. */
  readonly opType?: 'index' | 'create' | undefined;
}

/** Options of `doc.update()`. */
export interface UpdateOptions extends ClientOptions {
  readonly refresh?: Refresh | undefined;
  /**
   * Let Elasticsearch retry this many times on a concurrent change. It then writes the given
   * fields over whatever is current, so no seqNo check is sent (Elasticsearch refuses both).
   */
  readonly retryOnConflict?: number | undefined;
  readonly validate?: boolean | undefined;
}

/** Options of `doc.delete()` and `doc.reload()`. */
export interface DeleteOptions extends ClientOptions {
  readonly refresh?: Refresh | undefined;
}

/** The index name a model reads and writes through (an alias when migrations manage it). */
export function indexNameOf(model: ModelConstructor): string {
  return getDocumentMetadata(model).index.name;
}

/** The class of a document instance. */
function modelOf(doc: object): ModelConstructor {
  return doc.constructor as ModelConstructor;
}

/**
 * A new instance from the model's data properties: class field initialisers give the defaults,
 * then `props` are assigned (plain objects of object/nested fields become their InnerDoc class).
 */
export function createDocument<T extends object>(
  model: ModelConstructor<T>,
  props: Readonly<Record<string, unknown>>,
): T {
  const meta = getDocumentMetadata(model);
  const doc = new (model as new () => T)();
  assignProps(doc, props, meta);
  return doc;
}

function assignProps(
  target: object,
  props: Readonly<Record<string, unknown>>,
  meta: ModelMetadata,
): void {
  const record = target as Record<string, unknown>;
  for (const key of Object.keys(props)) {
    const field = meta.fields.get(key);
    record[key] = field ? toFieldValue(field, props[key]) : props[key];
  }
}

/** Plain objects given for an object/nested field become instances of its InnerDoc class. */
function toFieldValue(field: FieldMetadata, value: unknown): unknown {
  if (field.target === undefined || value === null || typeof value !== 'object') return value;
  const inner = field.target();
  if (Array.isArray(value)) return value.map((v) => toInner(inner, v));
  return toInner(inner, value);
}

function toInner(inner: ModelConstructor, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof inner) return value;
  const instance = new (inner as new () => object)();
  assignProps(instance, value as Record<string, unknown>, getModelMetadata(inner));
  return instance;
}

/** The instance's id, or ORM_NOT_FOUND: an operation on a stored document needs one. */
function requireId(doc: object, index: string, action: string): string {
  const id = metaOf(doc).id;
  if (id !== undefined) return id;
  throw new OrmNotFoundError(
    index,
    undefined,
    `Cannot ${action} a ${modelOf(doc).name} that has no id: save() it first, or set meta.id.`,
  );
}

function partialSave(doc: object): OrmError {
  return new OrmError(
    'ORM_PARTIAL_DOCUMENT',
    `This ${modelOf(doc).name} was loaded with source filtering, so saving it whole would drop ` +
      'the fields left out. Use update() with the fields you changed, or reload() it first.',
  );
}

/**
 * Validation of a partial document's update: only issues of the fields being updated count
 * (the fields it was loaded without are missing, not invalid).
 */
function validateFields(doc: object, meta: ModelMetadata, keys: readonly string[]): void {
  try {
    validateDocument(doc, meta);
  } catch (error) {
    if (!(error instanceof OrmValidationError)) throw error;
    const issues = error.issues.filter((i) => keys.includes(String(i.path[0])));
    if (issues.length > 0) throw new OrmValidationError(meta.className, issues);
  }
}

/** `if_seq_no`/`if_primary_term` when this instance has seen a write of the document. */
function concurrency(doc: object): { if_seq_no?: number; if_primary_term?: number } {
  const { seqNo, primaryTerm } = metaOf(doc);
  return seqNo !== undefined && primaryTerm !== undefined
    ? { if_seq_no: seqNo, if_primary_term: primaryTerm }
    : {};
}

/** Hydrates a found document (get, mget item) and records its meta. */
function hydrate<T extends object>(
  model: ModelConstructor<T>,
  raw: RawMeta & { readonly _source?: unknown },
  home: string,
): T {
  if (typeof raw._id !== 'string') {
    throw invalidResponse(`a found document without an _id in index "${home}"`);
  }
  if (raw._source === undefined) {
    throw invalidResponse(
      `document ${JSON.stringify(raw._id)} came back without _source (is _source disabled in the mapping of "${home}"?)`,
    );
  }
  const doc = fromSource(model, raw._source);
  recordMeta(doc, raw, home);
  return doc;
}

function invalidResponse(what: string): OrmError {
  return new OrmError(
    'ORM_INVALID_RESPONSE',
    `Elasticsearch answered with ${what}: the model cannot be loaded from it.`,
  );
}

/** Saves (indexes) the whole document; see `Model.save`. */
export async function saveDocument(doc: object, options: SaveOptions = {}): Promise<void> {
  const meta = getDocumentMetadata(modelOf(doc));
  if (isPartial(doc)) throw partialSave(doc);
  if (options.validate !== false) validateDocument(doc, meta);
  const document = toSource(doc, meta);
  const client = resolveClient(options.client);
  const docMeta = metaOf(doc);
  const index = homeOf(doc) ?? meta.index.name;
  const create = options.opType === 'create';
  const guard = create ? {} : concurrency(doc);
  const routing = options.routing ?? docMeta.routing;
  let response: RawMeta;
  try {
    response = await client.index({
      index,
      document,
      ...(docMeta.id === undefined ? {} : { id: docMeta.id }),
      ...(create ? { op_type: 'create' as const } : {}),
      ...guard,
      ...(routing === undefined ? {} : { routing }),
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  } catch (error) {
    throw writeError(error, { id: docMeta.id, index, expectedSeqNo: guard.if_seq_no, create });
  }
  recordMeta(doc, response, index);
  if (routing !== undefined) docMeta.routing = routing;
}

/** Partially updates the document with `partial`; see `Model.update`. */
export async function updateDocument(
  doc: object,
  partial: Readonly<Record<string, unknown>>,
  options: UpdateOptions = {},
): Promise<void> {
  const meta = getDocumentMetadata(modelOf(doc));
  const index = homeOf(doc) ?? meta.index.name;
  const id = requireId(doc, index, 'update');
  const record = doc as Record<string, unknown>;
  const keys = Object.keys(partial);
  const previous = keys.map((k) => [k, Object.hasOwn(record, k), record[k]] as const);
  assignProps(doc, partial, meta);
  try {
    await sendUpdate(doc, meta, keys, { index, id, options });
  } catch (error) {
    // The instance keeps showing what is stored: the change it was refused is taken back.
    for (const [k, had, value] of previous) {
      if (had) record[k] = value;
      else delete record[k];
    }
    throw error;
  }
}

async function sendUpdate(
  doc: object,
  meta: ModelMetadata,
  keys: readonly string[],
  target: { readonly index: string; readonly id: string; readonly options: UpdateOptions },
): Promise<void> {
  const { index, id, options } = target;
  if (options.validate !== false) {
    if (isPartial(doc)) validateFields(doc, meta, keys);
    else validateDocument(doc, meta);
  }
  const full = toSource(doc, meta);
  const partialSource: Record<string, unknown> = {};
  for (const key of keys) {
    const name = meta.fields.get(key)?.name ?? key;
    // A field given as undefined/null is cleared: send null rather than leave it out.
    partialSource[name] = full[name] ?? null;
  }
  const retry = options.retryOnConflict;
  const guard = retry === undefined ? concurrency(doc) : {};
  const routing = metaOf(doc).routing;
  const client = resolveClient(options.client);
  let response: RawMeta;
  try {
    response = await client.update({
      index,
      id,
      doc: partialSource,
      ...guard,
      ...(retry === undefined ? {} : { retry_on_conflict: retry }),
      ...(routing === undefined ? {} : { routing }),
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  } catch (error) {
    throw writeError(error, { id, index, expectedSeqNo: guard.if_seq_no });
  }
  recordMeta(doc, response, index);
}

/** Deletes the document; see `Model.delete`. */
export async function deleteDocument(doc: object, options: DeleteOptions = {}): Promise<void> {
  const meta = getDocumentMetadata(modelOf(doc));
  const index = homeOf(doc) ?? meta.index.name;
  const id = requireId(doc, index, 'delete');
  const guard = concurrency(doc);
  const routing = metaOf(doc).routing;
  const client = resolveClient(options.client);
  let response: RawMeta;
  try {
    response = await client.delete({
      index,
      id,
      ...guard,
      ...(routing === undefined ? {} : { routing }),
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  } catch (error) {
    throw writeError(error, { id, index, expectedSeqNo: guard.if_seq_no, delete: true });
  }
  recordMeta(doc, { _version: response._version }, index);
  forgetWrite(doc);
}

/** Reads the stored document back into the instance; see `Model.reload`. */
export async function reloadDocument(doc: object, options: ClientOptions = {}): Promise<void> {
  const model = modelOf(doc);
  const meta = getDocumentMetadata(model);
  const index = homeOf(doc) ?? meta.index.name;
  const id = requireId(doc, index, 'reload');
  const routing = metaOf(doc).routing;
  const fresh = await getDocument(model, id, {
    index,
    missing: 'throw',
    ...(routing === undefined ? {} : { routing }),
    ...(options.client === undefined ? {} : { client: options.client }),
  });
  replaceData(doc, fresh as object);
  recordMeta(doc, rawMetaOf(metaOf(fresh as object)), index);
  setPartial(doc, false);
}

/** Makes `doc` hold exactly the data of `fresh` (same class): own properties replaced. */
function replaceData(doc: object, fresh: object): void {
  const target = doc as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(target)) {
    if (!Object.hasOwn(fresh, key)) delete target[key];
  }
  for (const key of Reflect.ownKeys(fresh))
    target[key] = (fresh as Record<string | symbol, unknown>)[key];
}

function rawMetaOf(meta: {
  id?: string;
  index?: string;
  seqNo?: number;
  primaryTerm?: number;
  version?: number;
  routing?: string;
}): RawMeta {
  return {
    _id: meta.id,
    _index: meta.index,
    _seq_no: meta.seqNo,
    _primary_term: meta.primaryTerm,
    _version: meta.version,
    _routing: meta.routing,
  };
}

/** Loads one document by id; see `Model.get`. */
export async function getDocument<T extends object>(
  model: ModelConstructor<T>,
  id: string,
  options: GetOptions = {},
): Promise<T | null> {
  const meta = getDocumentMetadata(model);
  const index = options.index ?? meta.index.name;
  const client = resolveClient(options.client);
  // A 404 is an answer here (missing document or index), read from the body below.
  const { includes, excludes } = options.source ?? {};
  const request = {
    index,
    id,
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
    ...(includes === undefined ? {} : { _source_includes: [...includes] }),
    ...(excludes === undefined ? {} : { _source_excludes: [...excludes] }),
  };
  const response = (await readWithVectors(client, model, (querystring) =>
    client.get(request, { ignore: [404], querystring }),
  )) as RawMeta & { readonly found?: unknown; readonly _source?: unknown };
  if (response.found === true) {
    const doc = hydrate(model, response, index);
    if (options.source !== undefined) setPartial(doc, true);
    return doc;
  }
  if (isIndexMissing(response)) throw indexMissing(index, id);
  if (response.found !== false)
    throw invalidResponse(`a get answer without "found" for ${JSON.stringify(id)}`);
  if (options.missing === 'null') return null;
  throw documentMissing(index, id);
}

/** Loads documents by ids, in the order given; see `Model.mget`. */
export async function mgetDocuments<T extends object>(
  model: ModelConstructor<T>,
  ids: readonly string[],
  options: MgetOptions = {},
): Promise<(T | null)[]> {
  const meta = getDocumentMetadata(model);
  const index = options.index ?? meta.index.name;
  if (ids.length === 0) return [];
  const client = resolveClient(options.client);
  const request = {
    index,
    ids: [...ids],
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
  };
  const response = (await readWithVectors(client, model, (querystring) =>
    client.mget(request, { querystring }),
  )) as { readonly docs?: unknown };
  const docs = response.docs;
  if (!Array.isArray(docs) || docs.length !== ids.length) {
    throw invalidResponse(
      `an mget answer with ${Array.isArray(docs) ? docs.length : 'no'} docs for ${ids.length} ids`,
    );
  }
  const out: (T | null)[] = [];
  const missing: string[] = [];
  for (let i = 0; i < docs.length; i++) {
    const item = docs[i] as RawMeta & {
      readonly found?: unknown;
      readonly error?: unknown;
      readonly _source?: unknown;
    };
    if (item.found === true) out.push(hydrate(model, item, index));
    else if (item.error !== undefined) throw itemError(item, index, ids[i]!);
    else if (options.missing === 'throw') missing.push(ids[i]!);
    else if (options.missing !== 'skip') out.push(null);
  }
  if (missing.length > 0) throw documentsMissing(index, missing);
  return out;
}

function itemError(item: { readonly error?: unknown }, index: string, id: string): OrmError {
  if (isIndexMissing(item)) return indexMissing(index, id);
  const type = errorType(item) ?? 'unknown error';
  return new OrmError(
    'ORM_INVALID_RESPONSE',
    `Elasticsearch could not read document ${JSON.stringify(id)} from "${index}": ${type}: ${errorReason(item) ?? 'no reason given'}.`,
  );
}

function documentsMissing(index: string, ids: readonly string[]): OrmNotFoundError {
  const list = ids.map((id) => JSON.stringify(id)).join(', ');
  return new OrmNotFoundError(
    index,
    ids[0],
    `${ids.length} of the documents asked for were not found in index "${index}": ${list}. ` +
      "Pass { missing: 'null' } or { missing: 'skip' } to load the others anyway.",
  );
}

/** Whether a document with this id exists; see `Model.exists`. */
export async function documentExists(
  model: ModelConstructor,
  id: string,
  options: ExistsOptions = {},
): Promise<boolean> {
  const index = options.index ?? indexNameOf(model);
  const client = resolveClient(options.client);
  return client.exists({
    index,
    id,
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
  });
}
