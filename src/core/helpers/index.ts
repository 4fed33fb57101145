export type * from './bulk-types.js';
export type { UnacknowledgedDocument } from './helper-errors.js';
export {
  BulkHelperError,
  HelperRetriesExhaustedError,
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
  ReindexDestination,
  ReindexItem,
  ReindexOptions,
  ReindexProgress,
  ReindexResult,
  ReindexSource,
} from './reindex.js';
export type { ScrollPage, ScrollSearchParams } from './scroll-search.js';
export type { SearchHit, SearchParams, SearchResponseBody } from './search-params.js';
