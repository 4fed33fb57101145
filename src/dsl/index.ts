/** elastiq/dsl: the immutable, typed Search builder. */
export { A, type AggregationFactoryFn } from './aggs/a.js';
export type {
  AggregationFactories,
  AggregationInput,
  AggregationParams,
} from './aggs/aggregation-types.js';
export { DslError, type DslErrorCode } from './errors.js';
export type {
  AggregationCatalogue,
  AggregationName,
  QueryCatalogue,
  QueryName,
  ScoreFunctionCatalogue,
  SearchBody,
} from './generated/catalogue.js';
export { AGGREGATION_FAMILIES, QUERY_SHAPES } from './generated/catalogue.js';
export {
  type AggFields,
  Aggregation,
  type AggregationMap,
  type AnyAggregation,
} from './nodes/aggregation-node.js';
export type {
  CheckFields,
  FieldPath,
  FieldPattern,
  MetaField,
  PathValue,
  PickPaths,
  WithFields,
} from './nodes/field-path.js';
export { $raw, DslNode, RawNode } from './nodes/node.js';
export { type FieldsOf, Query } from './nodes/query-node.js';
export { ScoreFunction } from './nodes/score-function-node.js';
export { Q, type QueryFactory } from './query/q.js';
export type {
  FunctionScoreParams,
  QueryFactories,
  QueryInput,
  QueryParams,
} from './query/query-types.js';
export {
  type ScoreFunctionFactory,
  type ScoreFunctionOptions,
  SF,
} from './query/score-functions.js';
export type {
  AggregationResult,
  AggregationResults,
  Bucket,
  ExtendedStatsResult,
  RawHit,
  RawHits,
  StatsResult,
  TotalHits,
} from './response/aggregation-results.js';
export {
  type Hit,
  type HitMeta,
  Response,
  type SearchResponseBody,
  type SuggestEntry,
} from './response/response.js';
export type { ByQueryResponseBody, CountResponseBody, SearchClient } from './search/client.js';
export {
  DateHistogramFacet,
  Facet,
  type FacetedResponse,
  FacetedSearch,
  type FacetedSearchOptions,
  type FacetValue,
  HistogramFacet,
  NestedFacet,
  RangeFacet,
  type Refiner,
  TermsFacet,
} from './search/faceted-search.js';
export { MultiSearch, type MultiSearchError } from './search/multi-search.js';
export type { RequestOptions } from './search/request-base.js';
export { type IterateOptions, type ScanOptions, Search } from './search/search.js';
export type { SortInput, SourceInput } from './search/search-types.js';
export { UpdateByQuery } from './search/update-by-query.js';
