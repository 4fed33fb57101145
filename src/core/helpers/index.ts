export type * from './bulk-types.js';
export type { ShardFailureSummary, UnacknowledgedDocument } from './helper-errors.js';
export {
  BulkHelperError,
  HelperRetriesExhaustedError,
  HelperShardFailureError,
  MsearchItemError,
  MsearchStoppedError,
} from './helper-errors.js';
export type { HelperClient, HelperRequestOptions } from './helper-request.js';
export type { ReadOptions, ReadRetryOptions } from './helpers.js';
export { createHelpers, Helpers } from './helpers.js';
export type {
  MsearchHeader,
  MsearchHelper,
  MsearchOptions,
  MsearchResult,
} from './msearch-helper.js';
export type { PitPage, PitSearchParams } from './pit-search.js';
export type {
  ReindexDestOptions,
  ReindexItem,
  ReindexOptions,
  ReindexProgress,
  ReindexResult,
  ReindexSourceOptions,
} from './reindex.js';
export type { ScrollPage, ScrollSearchParams } from './scroll-search.js';
export type { HelperHit, HelperSearchResponse, SearchParams } from './search-params.js';
