// A minimal TransportLike on undici for the helper tests (and the bench until the Client lands):
// JSON/NDJSON bodies, query strings, `ignore`, `meta`, retries of connection errors and 502/503/504.
import { Pool } from 'undici';
import { ConnectionError, ResponseError } from '../../../../../src/core/errors.js';
import type {
  QueryValue,
  TransportLike,
  TransportRequestOptions,
  TransportRequestOptionsWithMeta,
  TransportRequestParams,
  TransportResult,
} from '../../../../../src/core/transport/types.js';

const RETRY_STATUS = new Set([502, 503, 504]);

export class TestTransport implements TransportLike {
  readonly #pool: Pool;
  readonly #maxRetries: number;
  #requestId = 0;

  constructor(url: string, options: { maxRetries?: number; connections?: number } = {}) {
    this.#pool = new Pool(url, { connections: options.connections ?? 16, pipelining: 1 });
    this.#maxRetries = options.maxRetries ?? 3;
  }

  request<TBody = unknown>(
    params: TransportRequestParams,
    options: TransportRequestOptionsWithMeta,
  ): Promise<TransportResult<TBody>>;
  request<TBody = unknown>(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
  ): Promise<TBody>;
  async request<TBody>(
    params: TransportRequestParams,
    options: TransportRequestOptions = {},
  ): Promise<TBody | TransportResult<TBody>> {
    const requestId = ++this.#requestId;
    const path = params.path + queryString({ ...params.querystring, ...options.querystring });
    const [body, contentType] = encodeBody(params);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (contentType !== undefined) headers['content-type'] = contentType;
    let attempt = 0;
    while (true) {
      attempt++;
      let statusCode: number;
      let text: string;
      let responseHeaders: Record<string, string | string[] | undefined>;
      try {
        const response = await this.#pool.request({
          method: params.method,
          path,
          headers,
          body: body ?? null,
          signal: options.signal ?? null,
        });
        statusCode = response.statusCode;
        responseHeaders = response.headers;
        text = await response.body.text();
      } catch (error) {
        if (options.signal?.aborted === true || attempt > this.#maxRetries) {
          throw new ConnectionError(`request failed: ${(error as Error).message}`, {
            cause: error,
          });
        }
        continue;
      }
      if (RETRY_STATUS.has(statusCode) && attempt <= this.#maxRetries) continue;
      const parsed = text.length > 0 && text[0] !== '<' ? safeParse(text) : text;
      const meta = { requestId, name: 'test', node: undefined, attempts: attempt, aborted: false };
      const result = { body: parsed as TBody, statusCode, headers: responseHeaders, meta };
      if (statusCode >= 400 && options.ignore?.includes(statusCode) !== true) {
        throw new ResponseError(result);
      }
      return options.meta === true ? result : result.body;
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function encodeBody(
  params: TransportRequestParams,
): [string | Uint8Array | undefined, string | undefined] {
  const bulk = params.bulkBody;
  if (bulk !== undefined) {
    if (typeof bulk === 'string' || bulk instanceof Uint8Array)
      return [bulk, 'application/x-ndjson'];
    const lines = bulk.map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
    return [`${lines.join('\n')}\n`, 'application/x-ndjson'];
  }
  if (params.body === undefined) return [undefined, undefined];
  if (typeof params.body === 'string' || params.body instanceof Uint8Array) {
    return [params.body, 'application/json'];
  }
  return [JSON.stringify(params.body), 'application/json'];
}

function queryString(query: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const text = Array.isArray(value)
      ? value.join(',')
      : value instanceof Date
        ? value.toISOString()
        : String(value);
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
