import type { QueryValue, TransportLike } from '../transport/types.js';
import { AsyncChannel } from './async-channel.js';
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

export interface PitSearchParams extends SearchParams {
  readonly index: string | readonly string[];
  /** How long the point in time lives between pages. Default '1m'. */
  readonly keepAlive?: string;
  /** Hits per page. Default 1000. */
  readonly size?: number;
  /** Read this many slices in parallel (one PIT, merged pages, in no particular order). */
  readonly slices?: number;
  /** Read only this slice (to spread slices over processes yourself). */
  readonly slice?: { readonly id: number; readonly max: number };
}

/** One page of a point-in-time search. */
export interface PitPage<TDocument = unknown> {
  readonly body: HelperSearchResponse<TDocument>;
  readonly hits: readonly HelperHit<TDocument>[];
  readonly documents: TDocument[];
  /** The slice this page came from, when sliced. */
  readonly slice: number | undefined;
}

interface OpenPit {
  id: string;
}

const TIEBREAKER = { _shard_doc: 'asc' } as const;

// Elasticsearch refuses these on a search that carries a PIT; the open-PIT request takes them.
const OPEN_PIT_ONLY = ['routing', 'preference', 'ignore_unavailable', 'expand_wildcards'] as const;

/**
 * Iterates every hit with a point in time and `search_after`, sorted with a `_shard_doc`
 * tiebreaker; the PIT is closed when iteration ends, breaks or throws.
 */
export async function* pitPages<TDocument>(
  transport: TransportLike,
  params: PitSearchParams,
  options: HelperRequestOptions,
  policy: RetryPolicy,
): AsyncGenerator<PitPage<TDocument>, void, undefined> {
  const keepAlive = params.keepAlive ?? '1m';
  const { querystring } = splitSearchParams(params);
  const openQuery: Record<string, QueryValue> = { keep_alive: keepAlive };
  for (const key of OPEN_PIT_ONLY) if (key in querystring) openQuery[key] = querystring[key]!;
  const opened = await requestWithRetry<OpenPit>(
    transport,
    { method: 'POST', path: `/${indexSegment(params.index)}/_pit`, querystring: openQuery },
    options,
    policy,
  );
  const pit: OpenPit = { id: opened.id };
  try {
    const slices = params.slices ?? 1;
    if (slices <= 1) {
      yield* readSlice<TDocument>(transport, params, pit, params.slice, options, policy);
    } else {
      yield* readSlicesInParallel<TDocument>(transport, params, pit, slices, options, policy);
    }
  } finally {
    await closePit(transport, pit.id, options);
  }
}

async function* readSlice<TDocument>(
  transport: TransportLike,
  params: PitSearchParams,
  pit: OpenPit,
  slice: { readonly id: number; readonly max: number } | undefined,
  options: HelperRequestOptions,
  policy: RetryPolicy,
): AsyncGenerator<PitPage<TDocument>, void, undefined> {
  const keepAlive = params.keepAlive ?? '1m';
  const split = splitSearchParams(params, ['keepAlive', 'slices', 'slice', ...OPEN_PIT_ONLY]);
  // A page missing a failed shard's hits would end the read early, silently: fail it instead
  // (as Python's scan raises on shard failures), unless the caller asked for partial results.
  const querystring = { allow_partial_search_results: false, ...split.querystring };
  const body = split.body;
  const sort = withTiebreaker(body.sort);
  const size = params.size ?? 1000;
  let searchAfter: readonly unknown[] | undefined;
  while (true) {
    const request: Record<string, unknown> = {
      track_total_hits: false,
      ...body,
      size,
      sort,
      pit: { id: pit.id, keep_alive: keepAlive },
    };
    if (slice !== undefined) request.slice = slice;
    if (searchAfter !== undefined) request.search_after = searchAfter;
    const page = await requestWithRetry<HelperSearchResponse<TDocument>>(
      transport,
      { method: 'POST', path: '/_search', querystring, body: request },
      options,
      policy,
    );
    // Elasticsearch may hand back a new PIT id: always continue (and close) with the latest.
    if (page.pit_id !== undefined) pit.id = page.pit_id;
    const hits = page.hits.hits;
    if (hits.length === 0) return;
    yield { body: page, hits, documents: documentsOf(hits), slice: slice?.id };
    if (hits.length < size) return;
    searchAfter = hits[hits.length - 1]!.sort;
    if (searchAfter === undefined) return;
  }
}

async function* readSlicesInParallel<TDocument>(
  transport: TransportLike,
  params: PitSearchParams,
  pit: OpenPit,
  slices: number,
  options: HelperRequestOptions,
  policy: RetryPolicy,
): AsyncGenerator<PitPage<TDocument>, void, undefined> {
  // One page per slice may wait for the consumer: memory stays at about `slices` pages.
  const channel = new AsyncChannel<PitPage<TDocument>>(slices);
  const readers = Array.from({ length: slices }, (_, id) =>
    pump(
      readSlice<TDocument>(transport, params, pit, { id, max: slices }, options, policy),
      channel,
    ),
  );
  // The first failure reaches the consumer at once; the PIT is closed only after every reader stopped.
  const settled = Promise.allSettled(readers).then(() => channel.close());
  try {
    yield* channel;
  } finally {
    channel.cancel();
    await settled;
  }
}

async function pump<T>(
  source: AsyncGenerator<T, void, undefined>,
  channel: AsyncChannel<T>,
): Promise<void> {
  try {
    for await (const item of source) {
      if (!(await channel.push(item))) return;
    }
  } catch (error) {
    channel.close(error);
  }
}

function withTiebreaker(sort: unknown): unknown[] {
  if (sort === undefined) return [TIEBREAKER];
  const list = Array.isArray(sort) ? [...sort] : [sort];
  const hasTiebreaker = list.some(
    (entry) =>
      entry === '_shard_doc' ||
      (typeof entry === 'object' && entry !== null && '_shard_doc' in entry),
  );
  return hasTiebreaker ? list : [...list, TIEBREAKER];
}

async function closePit(
  transport: TransportLike,
  id: string,
  options: HelperRequestOptions,
): Promise<void> {
  const { signal: _signal, ...rest } = options;
  await transport.request(
    { method: 'DELETE', path: '/_pit', body: { id } },
    { ...rest, ignore: [404] },
  );
}
