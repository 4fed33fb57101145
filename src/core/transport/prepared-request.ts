import type { Readable } from 'node:stream';
import type { Connection, ConnectionRequest } from '../connection/types.js';
import type { Serializer } from '../serializer/json-serializer.js';
import type { TransportRequestOptions, TransportRequestParams } from './types.js';

export const EMPTY_OPTIONS: TransportRequestOptions = Object.freeze({});

/** What a request body is, which decides its media type and whether it may be retried. */
export type BodyKind = 'none' | 'json' | 'ndjson' | 'stream';

// One logical request, prepared once and reused by every attempt (it is what connections receive).
export class PreparedRequest implements ConnectionRequest {
  // Where the latest attempt went, for diagnostics.
  attempts = 0;
  connection: Connection | undefined = undefined;
  statusCode: number | undefined = undefined;
  // What the headers were built from, to rebuild them after a compatibility change.
  kind: BodyKind = 'none';
  compress = false;
  options: TransportRequestOptions = EMPTY_OPTIONS;

  constructor(
    readonly method: string,
    readonly path: string,
    public headers: Readonly<Record<string, string>>,
    readonly body: string | Uint8Array | Readable | null,
    readonly timeout: number,
    readonly signal: AbortSignal | undefined,
    readonly maxResponseSize: number,
    readonly maxCompressedResponseSize: number,
    readonly maxCompressionRatio: number,
  ) {}
}

/** True for a Readable or any async iterable (a streamed body: sent once, never retried). */
export function isStream(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (typeof (value as Readable).pipe === 'function' || Symbol.asyncIterator in value)
  );
}

/**
 * The bytes (or stream) to send and their kind: `bulkBody` becomes NDJSON, a string or bytes go
 * as they are, a stream is passed through, anything else is serialized to JSON.
 */
export function encodeBody(
  params: TransportRequestParams,
  serializer: Serializer,
): { body: string | Uint8Array | Readable | null; kind: BodyKind } {
  const bulk = params.bulkBody;
  if (bulk !== undefined && bulk !== null) {
    const body =
      typeof bulk === 'string' || bulk instanceof Uint8Array ? bulk : serializer.ndserialize(bulk);
    return { body, kind: 'ndjson' };
  }
  const raw = params.body;
  if (raw === undefined || raw === null) return { body: null, kind: 'none' };
  if (typeof raw === 'string' || raw instanceof Uint8Array) return { body: raw, kind: 'json' };
  if (isStream(raw)) return { body: raw as Readable, kind: 'stream' };
  return { body: serializer.serialize(raw), kind: 'json' };
}
