import { ConfigurationError } from '../errors.js';
import type {
  TransportLike,
  TransportRequestOptions,
  TransportRequestParams,
} from '../transport/types.js';
import { backoffDelay, sleep } from './backoff.js';
import { HelperRetriesExhaustedError } from './helper-errors.js';

/** What the helpers need from a client: only its transport, so any client shape works. */
export interface HelperClient {
  readonly transport: TransportLike;
}

export interface RetryPolicy {
  /** Retries after a retryable status. */
  readonly retries: number;
  /** Base backoff delay in ms. */
  readonly wait: number;
  readonly maxWait: number;
  readonly retryOnStatus: readonly number[];
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  retries: 3,
  wait: 1000,
  maxWait: 30_000,
  retryOnStatus: Object.freeze([429]),
});

/** Request options a helper passes through to the transport (never `meta`/`asBoolean`). */
export type HelperRequestOptions = Omit<TransportRequestOptions, 'meta' | 'asBoolean'>;

/**
 * Sends one request and retries it, with jittered exponential backoff, while Elasticsearch answers
 * a retryable status (429: too many requests). The transport's own retries (connection errors,
 * 502/503/504) happen inside each attempt.
 */
export async function requestWithRetry<TBody>(
  transport: TransportLike,
  params: TransportRequestParams,
  options: HelperRequestOptions,
  policy: RetryPolicy,
): Promise<TBody> {
  const ignore = [...(options.ignore ?? []), ...policy.retryOnStatus];
  for (let attempt = 0; ; attempt++) {
    const result = await transport.request<TBody>(params, { ...options, ignore, meta: true });
    const retryable =
      policy.retryOnStatus.includes(result.statusCode) &&
      options.ignore?.includes(result.statusCode) !== true;
    if (!retryable) return result.body;
    if (attempt >= policy.retries) {
      throw new HelperRetriesExhaustedError(result.statusCode, result.body, attempt + 1);
    }
    await sleep(backoffDelay(attempt, policy.wait, policy.maxWait), options.signal);
    options.signal?.throwIfAborted();
  }
}

/** `/a,b` path segment for one index or a list (each name encoded, commas kept). */
export function indexSegment(index: string | readonly string[]): string {
  const names = typeof index === 'string' ? index.split(',') : index;
  return names.map((name) => encodeURIComponent(name.trim())).join(',');
}

/** A helper option that must be a number above zero (or, with `allowZero`, at least zero). */
export function positiveOption(
  value: number | undefined,
  fallback: number,
  option: string,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  const valid = typeof value === 'number' && (allowZero ? value >= 0 : value > 0);
  if (!valid) {
    throw new ConfigurationError(
      `helper option \`${option}\` must be a number ${allowZero ? '>= 0' : '> 0'}, got ${String(value)}`,
      { option },
    );
  }
  return value;
}
