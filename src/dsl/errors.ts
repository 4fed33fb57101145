import { ElastiqError } from '../core/errors.js';

/** Stable codes of every error elastiq/dsl throws (listed in docs/dsl.md). */
export type DslErrorCode =
  | 'DSL_UNKNOWN_QUERY'
  | 'DSL_UNKNOWN_AGGREGATION'
  | 'DSL_INVALID_QUERY'
  | 'DSL_INVALID_AGGREGATION'
  | 'DSL_INVALID_SLICE'
  | 'DSL_NO_CLIENT'
  | 'DSL_NOT_A_BUCKET'
  | 'DSL_UNKNOWN_FACET';

/**
 * The error elastiq/dsl throws: an `ElastiqError` (so one `instanceof` catches every elastiq
 * error) with a DSL `code` and a message that says what to do.
 *
 * @example
 * ```ts
 * import { DslError, Q } from 'elastiq/dsl';
 * try {
 *   Q('no_such_query' as never, {} as never);
 * } catch (err) {
 *   if (err instanceof DslError) console.log(err.code); // 'DSL_UNKNOWN_QUERY'
 * }
 * ```
 */
export class DslError extends ElastiqError {
  static override readonly kind: string = 'DslError';
  static override readonly defaultCode: string = 'DSL_ERROR';
  declare readonly code: DslErrorCode;

  constructor(code: DslErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? { code } : { code, cause: options.cause });
  }

  /** `instanceof DslError`, as a type guard (works across duplicate copies of the package). */
  static is(value: unknown): value is DslError {
    return value instanceof DslError;
  }
}
