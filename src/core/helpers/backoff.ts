import { onAbort } from '../connection/abort-signal.js';

/** Exponential backoff with full jitter: a random delay in [base·2^attempt / 2, base·2^attempt], capped. */
export function backoffDelay(attempt: number, base: number, max: number): number {
  const ceiling = Math.min(max, base * 2 ** attempt);
  // Half fixed, half random: spreads retries of concurrent batches without ever retrying instantly.
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      offAbort?.();
      resolve();
    };
    const timer = setTimeout(done, ms);
    // One listener per signal however many batches wait on it.
    const offAbort = signal === undefined ? undefined : onAbort(signal, done);
  });
}
