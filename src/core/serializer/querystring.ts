import type { QueryValue } from '../transport/types.js';

type QueryRecord = Readonly<Record<string, QueryValue>>;

/**
 * Serializes query-string parameters: arrays comma-joined, booleans as true/false, dates as
 * ISO-8601, `undefined`/`null` dropped. Returns '' or a string starting with '?'.
 *
 * @example
 * querystring({ index: ['a', 'b'], refresh: true, routing: undefined }); // '?index=a,b&refresh=true'
 */
export function querystring(query: QueryRecord | undefined, extra?: QueryRecord): string {
  let out = '';
  if (query !== undefined) out = appendQuery(out, query, extra);
  if (extra !== undefined) out = appendQuery(out, extra, undefined);
  return out;
}

function appendQuery(out: string, query: QueryRecord, skip: QueryRecord | undefined): string {
  for (const key in query) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    // The per-request options' parameters win over the request's own.
    if (skip !== undefined && skip[key] !== undefined && skip[key] !== null) continue;
    const encoded = encodeQueryValue(value);
    out += `${out.length === 0 ? '?' : '&'}${encodeURIComponent(key)}=${encoded}`;
  }
  return out;
}

function encodeQueryValue(value: Exclude<QueryValue, undefined | null>): string {
  if (typeof value === 'string') return encodeURIComponent(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value instanceof Date) return encodeURIComponent(value.toISOString());
  let joined = '';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) joined += ',';
    joined += encodeURIComponent(String(value[i]));
  }
  return joined;
}
