import { ElastiqError } from '../core/errors.js';

/**
 * Stable codes of every error elastiq/orm throws (each has a row in docs/errors.md).
 * Grouped by area: model definitions, documents, migrations.
 */
export type OrmErrorCode =
  // model definitions (decorators, metadata, mappings)
  | 'ORM_INVALID_MODEL'
  | 'ORM_NOT_A_DOCUMENT'
  // documents (validation, persistence)
  | 'ORM_VALIDATION'
  | 'ORM_CONFLICT'
  | 'ORM_NOT_FOUND'
  | 'ORM_NO_CLIENT'
  | 'ORM_INVALID_SOURCE'
  | 'ORM_MAPPING_CONFLICT'
  | 'ORM_INVALID_RESPONSE'
  | 'ORM_PARTIAL_DOCUMENT'
  | 'ORM_EMPTY_UPDATE'
  | 'ORM_WRITE_FAILED'
  | 'ORM_BULK_FAILED'
  // migrations
  | 'ORM_MIGRATION_FAILED'
  | 'ORM_MIGRATION_LOCKED'
  | 'ORM_MIGRATION_INVALID'
  | 'ORM_MIGRATION_MISSING'
  | 'ORM_NO_MIGRATIONS';

/**
 * The error elastiq/orm throws: an `ElastiqError` (one `instanceof` catches every elastiq error)
 * with an ORM `code` and a message that says what to do. Subclasses add data (validation issues,
 * the conflicting document).
 *
 * @example
 * ```ts
 * import { OrmError } from 'elastiq/orm';
 * function describe(err: unknown): string {
 *   return err instanceof OrmError ? `${err.code}: ${err.message}` : String(err);
 * }
 * ```
 */
export class OrmError extends ElastiqError {
  static override readonly kind: string = 'OrmError';
  static override readonly defaultCode: string = 'ORM_ERROR';
  declare readonly code: OrmErrorCode;

  constructor(code: OrmErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? { code } : { code, cause: options.cause });
  }

  /** `instanceof OrmError`, as a type guard (works across duplicate copies of the package). */
  static is(value: unknown): value is OrmError {
    return value instanceof OrmError;
  }
}
