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
