import type * as S from '../generated/spec-types.js';

// Keys of a spec request type that are neither path parts nor body fields: its query string.
type QueryKeys<TRequest, TNotQuery extends keyof TRequest> = Exclude<
  keyof TRequest,
  TNotQuery | 'body'
>;

// A Record over the spec's keys: the compiler rejects a missing or an unknown entry, so these
// sets follow the generated request types when the spec changes.
const countQuery: Record<QueryKeys<S.CountRequest, 'index' | 'query' | 'project_routing'>, true> = {
  allow_no_indices: true,
  analyzer: true,
  analyze_wildcard: true,
  default_operator: true,
  df: true,
  expand_wildcards: true,
  ignore_throttled: true,
  ignore_unavailable: true,
  lenient: true,
  min_score: true,
  preference: true,
  routing: true,
  stats: true,
  _slice: true,
  terminate_after: true,
  q: true,
  error_trace: true,
  filter_path: true,
  human: true,
  pretty: true,
};

const deleteByQueryQuery: Record<
  QueryKeys<S.DeleteByQueryRequest, 'index' | 'query' | 'slice' | 'max_docs' | 'sort'>,
  true
> = {
  allow_no_indices: true,
  analyzer: true,
  analyze_wildcard: true,
  conflicts: true,
  default_operator: true,
  df: true,
  expand_wildcards: true,
  from: true,
  ignore_unavailable: true,
  lenient: true,
  preference: true,
  refresh: true,
  request_cache: true,
  requests_per_second: true,
  routing: true,
  _slice: true,
  q: true,
  scroll: true,
  scroll_size: true,
  search_timeout: true,
  search_type: true,
  slices: true,
  stats: true,
  terminate_after: true,
  timeout: true,
  version: true,
  wait_for_active_shards: true,
  wait_for_completion: true,
  error_trace: true,
  filter_path: true,
  human: true,
  pretty: true,
};

/** The query-string parameters the count API takes. */
export const COUNT_QUERY_PARAMS: ReadonlySet<string> = new Set(Object.keys(countQuery));

/** The query-string parameters the delete-by-query API takes. */
export const DELETE_BY_QUERY_PARAMS: ReadonlySet<string> = new Set(Object.keys(deleteByQueryQuery));

/** The entries of `params` whose key `accepted` holds (a search's params, sent to another API). */
export function pickParams(
  params: Readonly<Record<string, unknown>>,
  accepted: ReadonlySet<string>,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (accepted.has(key)) picked[key] = value;
  return picked;
}
