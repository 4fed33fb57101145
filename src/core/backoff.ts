import { onAbort } from './connection/abort-signal.js';

/**
 * Exponential backoff with equal jitter: a delay in [ceiling/2, ceiling], where the ceiling is
 * `base·2^attempt` capped at `max`. Half fixed, half random: spreads the retries of concurrent
 * requests without ever retrying instantly. The transport and the helpers both back off with it.
 */
export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  // 2^30 already exceeds any cap: a larger exponent would only overflow (0·Infinity is NaN).
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Waits `ms`. When `signal` aborts (or already has), the wait ends at once: it resolves, or, given
 * `abortError`, rejects with the error it builds (the transport's RequestAbortedError). Holds one
 * listener per signal however many waits share it (abort-signal.ts), removed when the wait ends.
 */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  abortError?: (signal: AbortSignal) => Error,
): Promise<void> {
  if (signal?.aborted === true) {
    return abortError === undefined ? Promise.resolve() : Promise.reject(abortError(signal));
  }
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      offAbort?.();
      resolve();
    }, ms);
    const offAbort =
      signal === undefined
        ? undefined
        : onAbort(signal, () => {
            clearTimeout(timer);
            if (abortError === undefined) resolve();
            else reject(abortError(signal));
          });
  });
}
