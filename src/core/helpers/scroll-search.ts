import type { TransportLike } from '../transport/types.js';
import { HelperShardFailureError, type ShardFailureSummary } from './helper-errors.js';
import {
  type HelperRequestOptions,
  indexSegment,
  type RetryPolicy,
  requestWithRetry,
} from './helper-request.js';
import {
  documentsOf,
  type HelperHit,
  type HelperSearchResponse,
  type SearchParams,
  splitSearchParams,
} from './search-params.js';

export interface ScrollSearchParams extends SearchParams {
  /** How long the scroll context lives between pages. Default '1m'. */
  readonly scroll?: string;
}

/** One page of a scroll; the iterator clears the scroll itself when iteration ends. */
export interface ScrollPage<TDocument = unknown> {
  readonly body: HelperSearchResponse<TDocument>;
  readonly hits: readonly HelperHit<TDocument>[];
  readonly documents: TDocument[];
  readonly scrollId: string | undefined;
}

/** Iterates scroll pages; the scroll context is cleared on completion, break or error. */
export async function* scrollPages<TDocument>(
  transport: TransportLike,
  params: ScrollSearchParams,
  options: HelperRequestOptions,
  policy: RetryPolicy,
): AsyncGenerator<ScrollPage<TDocument>, void, undefined> {
  const scroll = params.scroll ?? '1m';
  const { querystring, body } = splitSearchParams(params, ['scroll']);
  const path = params.index === undefined ? '/_search' : `/${indexSegment(params.index)}/_search`;
  // Only a caller who asked for partial results accepts pages that miss failed shards' documents.
  const allowPartial = String(querystring.allow_partial_search_results) === 'true';
  let scrollId: string | undefined;
  try {
    let page = await requestWithRetry<HelperSearchResponse<TDocument>>(
      transport,
      {
        method: 'POST',
        path,
        // Shard failures fail the search instead of silently leaving their documents out.
        querystring: { allow_partial_search_results: false, ...querystring, scroll },
        body,
      },
      options,
      policy,
    );
    while (true) {
      scrollId = page._scroll_id ?? scrollId;
      // A later page can lose shards (a node left, a context expired) even though the first had
      // none: allow_partial_search_results=false guards only the initial search.
      if (!allowPartial) checkShards(page._shards);
      const hits = page.hits.hits;
      if (hits.length === 0) return;
      yield { body: page, hits, documents: documentsOf(hits), scrollId };
      if (scrollId === undefined) return;
      page = await requestWithRetry<HelperSearchResponse<TDocument>>(
        transport,
        { method: 'POST', path: '/_search/scroll', body: { scroll, scroll_id: scrollId } },
        options,
        policy,
      );
    }
  } finally {
    if (scrollId !== undefined) await clearScroll(transport, scrollId, options);
  }
}

function checkShards(shards: unknown): void {
  const summary = shards as ShardFailureSummary | undefined;
  if (summary !== undefined && summary.failed > 0) throw new HelperShardFailureError(summary);
}

async function clearScroll(
  transport: TransportLike,
  scrollId: string,
  options: HelperRequestOptions,
): Promise<void> {
  // A context that already expired answers 404: nothing left to clear.
  const { signal: _signal, ...rest } = options;
  await transport.request(
    { method: 'DELETE', path: '/_search/scroll', body: { scroll_id: [scrollId] } },
    { ...rest, ignore: [404] },
  );
}
