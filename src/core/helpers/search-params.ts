import type { QueryValue } from '../transport/types.js';

// Search parameters that only exist in the query string; every other key belongs to the body.
const QUERY_ONLY = new Set([
  'allow_no_indices',
  'allow_partial_search_results',
  'analyzer',
  'analyze_wildcard',
  'batched_reduce_size',
  'ccs_minimize_roundtrips',
  'default_operator',
  'df',
  'expand_wildcards',
  'filter_path',
  'force_synthetic_source',
  'ignore_throttled',
  'ignore_unavailable',
  'include_named_queries_score',
  'lenient',
  'max_concurrent_shard_requests',
  'pre_filter_shard_size',
  'preference',
  'q',
  'request_cache',
  'rest_total_hits_as_int',
  'routing',
  'search_type',
  'suggest_field',
  'suggest_mode',
  'suggest_size',
  'suggest_text',
  'typed_keys',
  '_source_excludes',
  '_source_includes',
]);

/** Flat search parameters as the search API takes them: body keys and query-string keys mixed. */
export interface SearchParams {
  readonly index?: string | readonly string[];
  readonly query?: unknown;
  readonly sort?: unknown;
  readonly size?: number;
  readonly _source?: unknown;
  readonly [key: string]: unknown;
}

export interface SplitSearch {
  readonly querystring: Record<string, QueryValue>;
  readonly body: Record<string, unknown>;
}

/** Splits flat search parameters into query string and body (`index` and `omit` keys dropped). */
export function splitSearchParams(params: SearchParams, omit: readonly string[] = []): SplitSearch {
  const querystring: Record<string, QueryValue> = {};
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || key === 'index' || omit.includes(key)) continue;
    if (QUERY_ONLY.has(key)) querystring[key] = value as QueryValue;
    else body[key] = value;
  }
  return { querystring, body };
}

/** A search hit as the helpers read it. */
export interface HelperHit<TDocument = unknown> {
  readonly _index: string;
  readonly _id: string;
  readonly _source?: TDocument;
  readonly _routing?: string;
  readonly sort?: readonly unknown[];
  readonly [key: string]: unknown;
}

export interface HelperSearchResponse<TDocument = unknown> {
  readonly hits: {
    readonly hits: readonly HelperHit<TDocument>[];
    readonly total?: { readonly value: number; readonly relation: string } | number;
  };
  readonly _scroll_id?: string;
  readonly pit_id?: string;
  readonly [key: string]: unknown;
}

/** The sources of a page's hits, in order (hits without `_source` are skipped). */
export function documentsOf<TDocument>(hits: readonly HelperHit<TDocument>[]): TDocument[] {
  const documents: TDocument[] = [];
  for (const hit of hits) if (hit._source !== undefined) documents.push(hit._source);
  return documents;
}

/** `hits.total` as a number, whichever form the response used. */
export function totalOf(body: HelperSearchResponse<unknown>): number | undefined {
  const total = body.hits.total;
  return typeof total === 'number' ? total : total?.value;
}
