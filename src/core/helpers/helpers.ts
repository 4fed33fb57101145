import { startBulk, streamBulk } from './bulk-helper.js';
import type {
  BulkHelper,
  BulkHelperStats,
  BulkItemOutcome,
  BulkOptions,
  BulkRequestOptions,
} from './bulk-types.js';
import {
  DEFAULT_RETRY,
  type HelperClient,
  type HelperRequestOptions,
  type RetryPolicy,
} from './helper-request.js';
import { createMsearch, type MsearchHelper, type MsearchOptions } from './msearch-helper.js';
import { type PitPage, type PitSearchParams, pitPages } from './pit-search.js';
import { type ReindexOptions, type ReindexResult, runReindex } from './reindex.js';
import { type ScrollPage, type ScrollSearchParams, scrollPages } from './scroll-search.js';

/** Retry tuning of the reading helpers (scroll, PIT, reindex reads): 429 answers are retried. */
export interface ReadRetryOptions {
  /** Retries of a 429 answer. Default 3. */
  readonly retries?: number;
  /** Base backoff delay in ms. Default 1000. */
  readonly wait?: number;
  readonly maxWait?: number;
}

export type ReadOptions = HelperRequestOptions & ReadRetryOptions;

/**
 * High-level operations over a client: bulk loading, scroll and point-in-time reads, batched
 * multi-search and client-side reindex. Memory stays bounded however large the data.
 *
 * @example
 * declare function readRows(): AsyncIterable<{ id: string }>; // any (async) iterable or Readable
 * const helpers = new Helpers(client);
 * const stats = await helpers.bulk({
 *   datasource: readRows(),
 *   onDocument: (row) => ({ index: { _index: 'rows', _id: row.id } }),
 *   onDrop: (dropped) => console.error(dropped.status, dropped.document),
 * });
 */
export class Helpers {
  readonly #client: HelperClient;

  constructor(client: HelperClient) {
    this.#client = client;
  }

  /**
   * Indexes, creates, updates or deletes documents from an array, iterable, async iterable or
   * object-mode Readable, in NDJSON batches of `flushBytes`, `concurrency` at a time. Items
   * answered 429 are retried with backoff; other refusals go to `onDrop` with the exact document.
   *
   * @example
   * const run = helpers.bulk({
   *   datasource: [{ id: '1', title: 'a' }],
   *   onDocument: (doc) => ({ index: { _index: 'posts', _id: doc.id } }),
   * });
   * const stats = await run; // { total: 1, successful: 1, failed: 0, ... }
   */
  bulk<TDocument = unknown>(
    options: BulkOptions<TDocument>,
    requestOptions?: BulkRequestOptions,
  ): BulkHelper<TDocument> {
    return startBulk(this.#client.transport, options, requestOptions);
  }

  /**
   * Like `bulk`, but yields each document's final outcome (acknowledged or dropped); the reading
   * waits while the consumer is busy. Returns the stats when iteration completes.
   *
   * @example
   * for await (const outcome of helpers.streamingBulk({ datasource: docs, onDocument: () => ({ create: { _index: 'posts' } }) })) {
   *   if (!outcome.ok) console.error(outcome.error);
   * }
   */
  streamingBulk<TDocument = unknown>(
    options: BulkOptions<TDocument>,
    requestOptions?: BulkRequestOptions,
  ): AsyncGenerator<BulkItemOutcome<TDocument>, BulkHelperStats, undefined> {
    return streamBulk(this.#client.transport, options, requestOptions);
  }

  /**
   * Iterates the pages of a scroll search; 429 answers are retried and the scroll is cleared when
   * the loop ends, breaks or throws.
   *
   * @example
   * for await (const page of helpers.scrollSearch({ index: 'posts', size: 1000, query: { match_all: {} } })) {
   *   console.log(page.documents.length);
   * }
   */
  scrollSearch<TDocument = unknown>(
    params: ScrollSearchParams,
    options: ReadOptions = {},
  ): AsyncGenerator<ScrollPage<TDocument>, void, undefined> {
    const [requestOptions, policy] = splitReadOptions(options);
    return scrollPages<TDocument>(this.#client.transport, params, requestOptions, policy);
  }

  /**
   * Iterates the `_source` of every hit of a scroll search.
   *
   * @example
   * for await (const post of helpers.scrollDocuments<{ title: string }>({ index: 'posts' })) {
   *   console.log(post.title);
   * }
   */
  async *scrollDocuments<TDocument = unknown>(
    params: ScrollSearchParams,
    options: ReadOptions = {},
  ): AsyncGenerator<TDocument, void, undefined> {
    for await (const page of this.scrollSearch<TDocument>(params, options)) yield* page.documents;
  }

  /**
   * Iterates every hit with a point in time and `search_after` (`_shard_doc` tiebreaker); `slices`
   * reads slices in parallel. The PIT is closed when the loop ends, breaks or throws.
   *
   * @example
   * for await (const page of helpers.pitSearch({ index: 'posts', size: 1000, slices: 2 })) {
   *   console.log(page.slice, page.hits.length);
   * }
   */
  pitSearch<TDocument = unknown>(
    params: PitSearchParams,
    options: ReadOptions = {},
  ): AsyncGenerator<PitPage<TDocument>, void, undefined> {
    const [requestOptions, policy] = splitReadOptions(options);
    return pitPages<TDocument>(this.#client.transport, params, requestOptions, policy);
  }

  /**
   * Iterates the `_source` of every hit with a point in time (see `pitSearch`).
   *
   * @example
   * for await (const post of helpers.pitDocuments<{ title: string }>({ index: 'posts' })) {
   *   console.log(post.title);
   * }
   */
  async *pitDocuments<TDocument = unknown>(
    params: PitSearchParams,
    options: ReadOptions = {},
  ): AsyncGenerator<TDocument, void, undefined> {
    for await (const page of this.pitSearch<TDocument>(params, options)) yield* page.documents;
  }

  /**
   * Batches single searches into msearch requests; each `search()` gets its own result or error.
   *
   * @example
   * const m = helpers.msearch({ operations: 10, flushInterval: 100 });
   * const result = await m.search({ index: 'posts' }, { query: { match: { title: 'hello' } } });
   * m.stop();
   * await m;
   */
  msearch(options?: MsearchOptions, requestOptions?: HelperRequestOptions): MsearchHelper {
    return createMsearch(this.#client.transport, options, requestOptions);
  }

  /**
   * Copies the documents a query matches into another index (of this or another client), with an
   * optional transform, reading with a point in time and writing with the bulk helper.
   *
   * @example
   * const result = await helpers.reindex({
   *   source: { index: 'posts-v1', query: { term: { published: true } } },
   *   dest: { index: 'posts-v2' },
   *   transform: (post: { title: string }) => ({ ...post, slug: post.title.toLowerCase() }),
   *   onProgress: (p) => console.log(`${p.written}/${p.total}`),
   * });
   */
  reindex<TSource = unknown, TTarget = TSource>(
    options: ReindexOptions<TSource, TTarget>,
    requestOptions: ReadOptions = {},
  ): Promise<ReindexResult> {
    const [transportOptions, policy] = splitReadOptions(requestOptions);
    return runReindex(this.#client.transport, options, transportOptions, policy);
  }
}

/**
 * Creates the helpers of a client (what `client.helpers` returns).
 *
 * @example
 * const helpers = createHelpers(client);
 */
export function createHelpers(client: HelperClient): Helpers {
  return new Helpers(client);
}

function splitReadOptions(options: ReadOptions): [HelperRequestOptions, RetryPolicy] {
  const { retries, wait, maxWait, ...requestOptions } = options;
  return [
    requestOptions,
    {
      retries: retries ?? DEFAULT_RETRY.retries,
      wait: wait ?? DEFAULT_RETRY.wait,
      maxWait: maxWait ?? DEFAULT_RETRY.maxWait,
      retryOnStatus: DEFAULT_RETRY.retryOnStatus,
    },
  ];
}
