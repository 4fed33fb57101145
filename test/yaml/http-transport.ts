// A bare undici transport for the YAML runner, used only when src/core/client.ts is not there:
// it speaks the TransportLike contract (JSON, NDJSON, HEAD booleans, meta, ignore) and nothing more.
import { request } from 'undici';
import { ResponseError } from '../../src/core/errors.js';
import type {
  QueryValue,
  TransportLike,
  TransportRequestOptions,
  TransportRequestParams,
  TransportResult,
} from '../../src/core/transport/types.js';

function queryString(...sources: (Readonly<Record<string, QueryValue>> | undefined)[]): string {
  const parts: string[] = [];
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) {
      if (value === undefined || value === null) continue;
      const text = Array.isArray(value)
        ? value.join(',')
        : value instanceof Date
          ? value.toISOString()
          : String(value);
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
    }
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function ndjson(body: TransportRequestParams['bulkBody']): string | Uint8Array {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return (
    (body ?? [])
      .map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
      .join('\n') + '\n'
  );
}

function payload(params: TransportRequestParams): { body?: string | Uint8Array; type?: string } {
  if (params.bulkBody !== undefined)
    return { body: ndjson(params.bulkBody), type: 'application/x-ndjson' };
  if (params.body === undefined || params.body === null) return {};
  if (typeof params.body === 'string' || params.body instanceof Uint8Array) {
    return { body: params.body, type: 'application/json' };
  }
  return { body: JSON.stringify(params.body), type: 'application/json' };
}

let requestId = 0;

/** Creates a TransportLike that sends every request to one node. */
export function createHttpTransport(node: string): TransportLike {
  const base = node.replace(/\/$/, '');
  async function send(
    params: TransportRequestParams,
    options: TransportRequestOptions = {},
  ): Promise<unknown> {
    const { body, type } = payload(params);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (type) headers['content-type'] = type;
    for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
    const url = base + params.path + queryString(params.querystring, options.querystring);
    const response = await request(url, {
      method: params.method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.body.text();
    const contentType = String(response.headers['content-type'] ?? '');
    const parsed: unknown =
      contentType.includes('json') && text.length > 0 ? JSON.parse(text) : text;
    const meta = { requestId: ++requestId, name: 'yaml', node: base, attempts: 0, aborted: false };
    const responseHeaders = response.headers as TransportResult['headers'];
    const status = response.statusCode;
    if (options.asBoolean && (status === 404 || (status >= 200 && status < 300))) {
      return wrap(status !== 404, status, responseHeaders, meta, options);
    }
    if (status >= 400 && !options.ignore?.includes(status)) {
      throw new ResponseError({ body: parsed, statusCode: status, headers: responseHeaders, meta });
    }
    return wrap(parsed, status, responseHeaders, meta, options);
  }
  return { request: send } as TransportLike;
}

function wrap(
  body: unknown,
  statusCode: number,
  headers: TransportResult['headers'],
  meta: TransportResult['meta'],
  options: TransportRequestOptions,
): unknown {
  return options.meta ? { body, statusCode, headers, meta } : body;
}
