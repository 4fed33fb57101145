import { onAbort } from '../connection/abort-signal.js';
import { ConnectionError, ErrorCodes, RequestAbortedError, TimeoutError } from '../errors.js';

/** What to do after a failed attempt: give up, move to another node (marking this one dead), or wait and retry. */
export const RetryVerdict = { Stop: 0, NodeFault: 1, Backoff: 2 } as const;
export type RetryVerdict = (typeof RetryVerdict)[keyof typeof RetryVerdict];

/** 502/503/504 say the node (or its proxy) is unwell; 429 says "slow down". */
export function verdictForStatus(statusCode: number): RetryVerdict {
  if (statusCode === 502 || statusCode === 503 || statusCode === 504) return RetryVerdict.NodeFault;
  if (statusCode === 429) return RetryVerdict.Backoff;
  return RetryVerdict.Stop;
}

/** Connection failures move to another node; timeouts only when the caller accepts replays. */
export function verdictForError(error: unknown, retryOnTimeout: boolean): RetryVerdict {
  if (error instanceof TimeoutError)
    return retryOnTimeout ? RetryVerdict.NodeFault : RetryVerdict.Stop;
  if (error instanceof ConnectionError) {
    return error.code === ErrorCodes.closed || error.code === ErrorCodes.tlsFingerprint
      ? RetryVerdict.Stop
      : RetryVerdict.NodeFault;
  }
  return RetryVerdict.Stop;
}

/** Exponential backoff with equal jitter: half fixed, half random, capped at `max`. */
export function backoffDelay(
  retry: number,
  base: number,
  max: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(retry, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A Retry-After header in seconds, as ms; undefined when absent or not a number of seconds. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Waits `ms`, or rejects with RequestAbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(new RequestAbortedError('The request was aborted', { cause: signal.reason }));
    const timer = setTimeout(() => {
      offAbort?.();
      resolve();
    }, ms);
    // One listener per signal however many requests back off on it (abort-signal.ts).
    const offAbort =
      signal === undefined
        ? undefined
        : onAbort(signal, () => {
            clearTimeout(timer);
            reject(new RequestAbortedError('The request was aborted', { cause: signal.reason }));
          });
  });
}
