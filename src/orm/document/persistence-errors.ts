/** Turns the responses Elasticsearch refuses a document write with into ORM errors. */
import { ResponseError } from '../../core/errors.js';
import { OrmConflictError, OrmNotFoundError } from './errors.js';

/** What a failed write was about. */
export interface WriteTarget {
  readonly id: string | undefined;
  readonly index: string;
  /** The seqNo sent as `if_seq_no` (undefined for an unconditional or create write). */
  readonly expectedSeqNo: number | undefined;
  /** The write was `opType: 'create'`. */
  readonly create?: boolean;
  /** A delete: a guard that finds no document means the document is gone, not a conflict. */
  readonly delete?: boolean;
}

/** The `type` of an Elasticsearch error body (`{ error: { type } }`), if any. */
export function errorType(body: unknown): string | undefined {
  const error = (body as { error?: { type?: unknown } } | null | undefined)?.error;
  return typeof error?.type === 'string' ? error.type : undefined;
}

/** The `reason` of an Elasticsearch error body, if any. */
export function errorReason(body: unknown): string | undefined {
  const error = (body as { error?: { reason?: unknown } } | null | undefined)?.error;
  return typeof error?.reason === 'string' ? error.reason : undefined;
}

// "... required seqNo [4], primary term [1]. current document has seqNo [5] and primary term [1]"
const CURRENT_SEQ_NO = /current document has seqNo \[(\d+)\]/;

// A seqNo guard on a document that no longer exists: "... primary term [1]. but no document was found"
const NO_DOCUMENT = /no document was found/;

/** The seqNo the server says the document is at, from a version-conflict reason. */
export function currentSeqNo(body: unknown): number | undefined {
  const match = CURRENT_SEQ_NO.exec(errorReason(body) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A 404 for an index that is not there (rather than a document that is not). */
export function isIndexMissing(body: unknown): boolean {
  return errorType(body) === 'index_not_found_exception';
}

/** The not-found error for a missing index, telling how to create it. */
export function indexMissing(
  index: string,
  id: string | undefined,
  cause?: unknown,
): OrmNotFoundError {
  return new OrmNotFoundError(
    index,
    id,
    `Index "${index}" does not exist: create it with the model's init() (or run the migrations) first.`,
    cause === undefined ? {} : { cause },
  );
}

/** The not-found error for a document id. */
export function documentMissing(index: string, id: string, cause?: unknown): OrmNotFoundError {
  return new OrmNotFoundError(
    index,
    id,
    `Document ${JSON.stringify(id)} was not found in index "${index}". ` +
      `Check the id (and routing), or pass { missing: 'null' } to get null instead.`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * A write's failure as the ORM error that says what to do: 409 → OrmConflictError, 404 →
 * OrmNotFoundError; anything else is rethrown unchanged.
 */
export function writeError(error: unknown, target: WriteTarget): unknown {
  if (!(error instanceof ResponseError)) return error;
  if (error.statusCode === 409) {
    const gone = NO_DOCUMENT.test(errorReason(error.body) ?? '');
    if (gone && target.delete && target.id !== undefined) {
      return documentMissing(target.index, target.id, error);
    }
    return new OrmConflictError(
      {
        id: target.id,
        index: target.index,
        expectedSeqNo: target.expectedSeqNo,
        currentSeqNo: currentSeqNo(error.body),
        create: target.create === true,
        deleted: gone,
      },
      { cause: error },
    );
  }
  if (error.statusCode === 404) {
    if (isIndexMissing(error.body)) return indexMissing(target.index, target.id, error);
    if (target.id !== undefined) return documentMissing(target.index, target.id, error);
  }
  return error;
}
