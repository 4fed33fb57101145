/** Errors of document persistence that carry data beside their code (see src/orm/errors.ts). */
import { OrmError } from '../errors.js';

/** What a conflict error knows about the document. */
export interface ConflictDetails {
  readonly id: string | undefined;
  readonly index: string;
  /** The seqNo the write expected (what this instance last saw), when it sent one. */
  readonly expectedSeqNo?: number | undefined;
  /** The document's current seqNo on the server, when Elasticsearch said it. */
  readonly currentSeqNo?: number | undefined;
  /** The write was a create (`opType: 'create'`): the conflict means the id is taken. */
  readonly create?: boolean | undefined;
  /** The guarded document no longer exists (deleted since this instance read it). */
  readonly deleted?: boolean | undefined;
}

/**
 * A write was refused because the document changed since this instance loaded or saved it (or,
 * with `opType: 'create'`, because it already exists). Nothing was overwritten.
 *
 * @example
 * ```ts
 * import { OrmConflictError } from 'elastiq/orm';
 * function isStale(err: unknown): boolean {
 *   return err instanceof OrmConflictError; // reload() the document, reapply, save again
 * }
 * ```
 */
export class OrmConflictError extends OrmError {
  static override readonly kind: string = 'OrmConflictError';
  readonly id: string | undefined;
  readonly index: string;
  readonly expectedSeqNo: number | undefined;
  readonly currentSeqNo: number | undefined;

  constructor(details: ConflictDetails, options: { readonly cause?: unknown } = {}) {
    super('ORM_CONFLICT', conflictMessage(details), options);
    this.id = details.id;
    this.index = details.index;
    this.expectedSeqNo = details.expectedSeqNo;
    this.currentSeqNo = details.currentSeqNo;
  }
}

function conflictMessage(d: ConflictDetails): string {
  const doc = `document ${JSON.stringify(d.id)} in index "${d.index}"`;
  if (d.create) {
    return `Cannot create ${doc}: it already exists. Load it with get() to change it, or save without opType: 'create' to overwrite it.`;
  }
  if (d.deleted) {
    return `Cannot write ${doc}: it was deleted since this instance read it, and nothing was written. Clear meta.seqNo and meta.primaryTerm to recreate it, or drop the change.`;
  }
  const seen = d.expectedSeqNo === undefined ? '' : ` at seqNo ${d.expectedSeqNo}`;
  const current = d.currentSeqNo === undefined ? '' : ` (it is now at seqNo ${d.currentSeqNo})`;
  return (
    `Cannot write ${doc}: it changed since this instance read it${seen}${current}, and nothing ` +
    'was overwritten. Call reload(), reapply your change and retry.'
  );
}

/**
 * A document (or the index holding it) does not exist.
 *
 * @example
 * ```ts
 * import { OrmNotFoundError } from 'elastiq/orm';
 * const missing = (err: unknown) => err instanceof OrmNotFoundError && err.id !== undefined;
 * ```
 */
export class OrmNotFoundError extends OrmError {
  static override readonly kind: string = 'OrmNotFoundError';
  readonly id: string | undefined;
  readonly index: string;

  constructor(
    index: string,
    id: string | undefined,
    message: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super('ORM_NOT_FOUND', message, options);
    this.id = id;
    this.index = index;
  }
}

/**
 * Elasticsearch refused the write of one document of a bulk save (`Model.saveAll`) with a status
 * other than 409 (a mapping error, a missing index with auto-creation off, ...), or the document
 * was never acknowledged because the bulk run stopped (`status` undefined, the reason is `cause`).
 *
 * @example
 * ```ts
 * import { OrmWriteError } from 'elastiq/orm';
 * const isMappingError = (err: unknown) =>
 *   err instanceof OrmWriteError && err.type === 'document_parsing_exception';
 * ```
 */
export class OrmWriteError extends OrmError {
  static override readonly kind: string = 'OrmWriteError';
  readonly id: string | undefined;
  readonly index: string;
  /** The item's HTTP status; undefined when the document was never acknowledged. */
  readonly status: number | undefined;
  /** Elasticsearch's error type (`document_parsing_exception`, ...), when it gave one. */
  readonly type: string | undefined;
  readonly reason: string | undefined;

  constructor(
    details: {
      readonly id: string | undefined;
      readonly index: string;
      readonly status: number | undefined;
      readonly type?: string | undefined;
      readonly reason?: string | undefined;
    },
    options: { readonly cause?: unknown } = {},
  ) {
    super('ORM_WRITE_FAILED', writeMessage(details), options);
    this.id = details.id;
    this.index = details.index;
    this.status = details.status;
    this.type = details.type;
    this.reason = details.reason;
  }
}

function writeMessage(d: {
  readonly id: string | undefined;
  readonly index: string;
  readonly status: number | undefined;
  readonly type?: string | undefined;
  readonly reason?: string | undefined;
}): string {
  const doc = d.id === undefined ? 'a new document' : `document ${JSON.stringify(d.id)}`;
  if (d.status === undefined) {
    return `The write of ${doc} to index "${d.index}" was never acknowledged: the bulk run stopped (see cause). It may or may not be stored; save it again.`;
  }
  const what = [d.type, d.reason].filter((s) => s !== undefined).join(': ');
  return `Elasticsearch refused the write of ${doc} to index "${d.index}" with status ${d.status}${what === '' ? '' : ` (${what})`}. Fix the document or the index mapping and save it again.`;
}

/** One document a bulk save could not save, and why. */
export interface BulkSaveFailure<T extends object = object> {
  readonly document: T;
  /**
   * OrmValidationError (invalid, never sent), OrmError ORM_PARTIAL_DOCUMENT (never sent),
   * OrmConflictError (409), OrmNotFoundError (index missing) or OrmWriteError (other refusals).
   */
  readonly error: OrmError;
}

/** What `OrmBulkSaveError` carries: the same as the result of `saveAll({ raiseOnError: false })`. */
export interface BulkSaveDetails<T extends object = object> {
  /** The saved documents, in input order, when the input was an array; else undefined. */
  readonly saved: readonly T[] | undefined;
  /** How many documents were saved (always counted, whatever the input). */
  readonly savedCount: number;
  readonly failed: readonly BulkSaveFailure<T>[];
}

/**
 * `Model.saveAll` left documents unsaved: `failed` says which and why (each with its typed error),
 * `savedCount` (and `saved`, for an array input) what was written. Saved documents have their
 * `meta` updated; failed ones keep theirs.
 *
 * @example
 * ```ts
 * import { OrmBulkSaveError, OrmConflictError } from 'elastiq/orm';
 * declare const posts: Post[];
 * try {
 *   await Post.saveAll(posts);
 * } catch (err) {
 *   if (!(err instanceof OrmBulkSaveError)) throw err;
 *   const stale = err.failed.filter((f) => f.error instanceof OrmConflictError);
 *   for (const { document } of stale) await document.reload(); // reapply, then save again
 * }
 * ```
 */
export class OrmBulkSaveError<T extends object = object> extends OrmError {
  static override readonly kind: string = 'OrmBulkSaveError';
  readonly saved: readonly T[] | undefined;
  readonly savedCount: number;
  readonly failed: readonly BulkSaveFailure<T>[];
  /** The run stopped before reading all the input (a request failed, or the input threw). */
  readonly stopped: boolean;

  constructor(
    details: BulkSaveDetails<T>,
    options: { readonly cause?: unknown; readonly stopped?: boolean } = {},
  ) {
    super('ORM_BULK_FAILED', bulkMessage(details, options.stopped === true), options);
    this.saved = details.saved;
    this.savedCount = details.savedCount;
    this.failed = details.failed;
    this.stopped = options.stopped === true;
  }
}

function bulkMessage(details: BulkSaveDetails, stopped: boolean): string {
  const counts = new Map<string, number>();
  for (const { error } of details.failed) counts.set(error.code, (counts.get(error.code) ?? 0) + 1);
  const why = [...counts].map(([code, n]) => `${n} ${code}`).join(', ');
  const head = stopped
    ? `saveAll stopped before the end of its input (see cause): ${details.savedCount} saved, ${details.failed.length} not saved`
    : `saveAll saved ${details.savedCount} documents and failed ${details.failed.length}`;
  return (
    `${head}${why === '' ? '' : ` (${why})`}. Each entry of \`failed\` holds the document and its ` +
    'error: fix invalid ones, reload() conflicting ones and reapply, then saveAll them again ' +
    '(or pass raiseOnError: false to get { saved, failed } instead of this error).'
  );
}
