import { sleep as backoffSleep } from '../backoff.js';
import { ConnectionError, ErrorCodes, RequestAbortedError, TimeoutError } from '../errors.js';

/** What to do after a failed attempt: give up, move to another node (marking this one dead), or wait and retry. */
export const RetryVerdict = { Stop: 0, NodeFault: 1, Backoff: 2 } as const;
export type RetryVerdict = (typeof RetryVerdict)[keyof typeof RetryVerdict];

/**
 * 502/503/504 say the node (or its proxy) is unwell; 429 says "slow down", unless its body says
 * the operation alone is over the node's indexing pressure limit (it would fail every time).
 * Anything else, 413 included (the body is over `http.max_content_length`), is final.
 */
export function verdictForStatus(statusCode: number, body?: unknown): RetryVerdict {
  if (statusCode === 502 || statusCode === 503 || statusCode === 504) return RetryVerdict.NodeFault;
  if (statusCode === 429)
    return indexingPressureOverLimit(body) === undefined ? RetryVerdict.Backoff : RetryVerdict.Stop;
  return RetryVerdict.Stop;
}

/** An indexing pressure rejection that no retry can get through. */
export interface IndexingPressureOverLimit {
  /** Bytes of the rejected operation (a document, or a whole bulk request on the coordinating node). */
  readonly operationBytes: number;
  /** The node's limit for it. */
  readonly limitBytes: number;
  /** The node setting behind `limitBytes`. */
  readonly setting: string;
}

// Elasticsearch 8/9 (IndexingPressure): "rejected execution of coordinating operation
// [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0,
// coordinating_operation_bytes=52428800, max_coordinating_bytes=53687091]" (before 8.17:
// max_coordinating_and_primary_bytes; primary and replica operations alike), and the large
// operation check: "Request contains an operation of size [N] bytes, which exceeds the maximum
// allowed limit of [M] bytes".
const PRESSURE = /rejected execution of (coordinating|primary|replica) operation \[([^\]]*)\]/;
const LARGE_OPERATION =
  /Request contains an operation of size \[(\d+)\] bytes, which exceeds the maximum allowed limit of \[(\d+)\] bytes/;

/**
 * Reads an indexing pressure rejection out of a 429 body (its raw text) and
 * returns it when the operation's own bytes exceed the limit: the node rejects it even idle.
 * Undefined for a transient rejection (the node is busy with other operations) or any other 429.
 */
export function indexingPressureOverLimit(body: unknown): IndexingPressureOverLimit | undefined {
  // An Elasticsearch error body is small: a long one is not this rejection.
  if (typeof body !== 'string' || body.length > 100_000) return undefined;
  const text = body;
  const large = LARGE_OPERATION.exec(text);
  if (large !== null) {
    return {
      operationBytes: Number(large[1]),
      limitBytes: Number(large[2]),
      setting: 'indexing_pressure.memory.max_operation_size',
    };
  }
  const match = PRESSURE.exec(text);
  if (match === null) return undefined;
  const kind = match[1]!;
  const fields: Record<string, number> = {};
  for (const pair of match[2]!.split(',')) {
    const [key, value] = pair.trim().split('=');
    if (key !== undefined && value !== undefined) fields[key] = Number(value);
  }
  const operationBytes = fields[`${kind}_operation_bytes`];
  const limitBytes =
    fields[`max_${kind}_bytes`] ?? fields.max_coordinating_and_primary_bytes ?? Number.NaN;
  if (operationBytes === undefined || !(operationBytes > limitBytes)) return undefined;
  return {
    operationBytes,
    limitBytes,
    setting:
      kind === 'replica'
        ? 'indexing_pressure.memory.replica.limit'
        : 'indexing_pressure.memory.limit',
  };
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

export { backoffDelay } from '../backoff.js';

/** A Retry-After header in seconds, as ms; undefined when absent or not a number of seconds. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Waits `ms`, or rejects with RequestAbortedError as soon as `signal` aborts (or already has). */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return backoffSleep(ms, signal, aborted);
}

function aborted(signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError('The request was aborted', { cause: signal.reason });
}
