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

const BRAND = Symbol.for('elastiq.DslError');

/**
 * The one error class of elastiq/dsl: a stable `code` plus a message that says what to do.
 *
 * @example
 * ```ts
 * import { DslError, Q } from 'elastiq/dsl';
 * try {
 *   Q('no_such_query', {});
 * } catch (err) {
 *   if (DslError.is(err)) console.log(err.code); // 'DSL_UNKNOWN_QUERY'
 * }
 * ```
 */
export class DslError extends Error {
  readonly code: DslErrorCode;

  constructor(code: DslErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DslError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** `instanceof` that also holds across duplicate copies of the package. */
  static is(value: unknown): value is DslError {
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}
