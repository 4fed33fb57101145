import { ConfigurationError } from '../errors.js';
import type { TransportLike } from '../transport/types.js';
import { BulkEngine } from './bulk-engine.js';
import type { BulkAction, BulkHelperStats, BulkOptions } from './bulk-types.js';
import { type HelperRequestOptions, indexSegment, type RetryPolicy } from './helper-request.js';
import { type PitSearchParams, pitPages } from './pit-search.js';
import { scrollPages } from './scroll-search.js';
import type { HelperHit } from './search-params.js';

/** The search to copy from; `keepAlive` (the PIT or scroll lifetime) defaults to '5m' here. */
export interface ReindexSourceOptions extends PitSearchParams {
  /** Read with a point in time (default) or a scroll (older clusters, or no PIT privilege). */
  readonly method?: 'pit' | 'scroll';
}

export interface ReindexDestOptions {
  readonly index: string;
  /** Write through another client (another cluster). Default: the same client. */
  readonly client?: { readonly transport: TransportLike };
  /** `create` refuses documents that already exist (reported to onDrop). Default `index`. */
  readonly opType?: 'index' | 'create';
  /** Keep each document's `_id`. Default true. */
  readonly keepIds?: boolean;
  readonly pipeline?: string;
}

/** One document on its way: the hit read and the source that will be written. */
export interface ReindexItem<TSource = unknown, TTarget = unknown> {
  readonly hit: HelperHit<TSource>;
  readonly source: TTarget;
}

export interface ReindexProgress {
  /** Hits read from the source. */
  readonly read: number;
  /** Hits the transform skipped (returned null or undefined). */
  readonly skipped: number;
  /** Documents written (acknowledged). */
  readonly written: number;
  /** Documents refused by the destination (given to onDrop). */
  readonly failed: number;
  /** Documents the query matches, counted before the copy starts. */
  readonly total: number;
  readonly elapsed: number;
}

export interface ReindexOptions<TSource = unknown, TTarget = TSource> {
  readonly source: ReindexSourceOptions;
  readonly dest: ReindexDestOptions;
  /** Returns the document to write (or a Promise of it); null or undefined skips the hit. */
  readonly transform?: (
    source: TSource,
    hit: HelperHit<TSource>,
  ) => TTarget | null | undefined | PromiseLike<TTarget | null | undefined>;
  readonly onProgress?: (progress: ReindexProgress) => void;
  /** Refresh the destination at the end. Default true. */
  readonly refresh?: boolean;
  readonly signal?: AbortSignal;
  /** Tuning of the bulk side. */
  readonly bulk?: Pick<
    BulkOptions<ReindexItem<TSource, TTarget>>,
    | 'flushBytes'
    | 'flushInterval'
    | 'concurrency'
    | 'retries'
    | 'wait'
    | 'maxWait'
    | 'retryOnStatus'
    | 'onDrop'
  >;
}

export interface ReindexResult {
  readonly read: number;
  readonly skipped: number;
  readonly total: number;
  readonly bulk: BulkHelperStats;
  readonly time: number;
}

/** Client-side reindex: read with PIT (or scroll), transform, write with the bulk helper. */
export async function runReindex<TSource, TTarget>(
  transport: TransportLike,
  options: ReindexOptions<TSource, TTarget>,
  requestOptions: HelperRequestOptions,
  policy: RetryPolicy,
): Promise<ReindexResult> {
  const started = performance.now();
  const { method, slices } = options.source;
  if (method === 'scroll' && slices !== undefined && slices > 1) {
    throw new ConfigurationError('reindex `source.slices` needs `method: "pit"`', {
      option: 'source.slices',
    });
  }
  const total = await countMatches(transport, options.source, requestOptions);
  const counters = { read: 0, skipped: 0 };
  const datasource = readItems(transport, options, counters, requestOptions, policy);
  const dest = options.dest;
  const engine = new BulkEngine<ReindexItem<TSource, TTarget>>(
    (dest.client ?? { transport }).transport,
    {
      ...options.bulk,
      datasource,
      onDocument: (item) => actionFor(dest, item),
      ...(dest.pipeline === undefined ? {} : { params: { pipeline: dest.pipeline } }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      refreshOnCompletion: options.refresh === false ? false : dest.index,
      onFlush: (stats) =>
        options.onProgress?.({
          read: counters.read,
          skipped: counters.skipped,
          written: stats.successful,
          failed: stats.failed,
          total,
          elapsed: Math.round(performance.now() - started),
        }),
    },
    requestOptions,
  );
  const bulk = await engine.run();
  return {
    read: counters.read,
    skipped: counters.skipped,
    total,
    bulk,
    time: Math.round(performance.now() - started),
  };
}

async function* readItems<TSource, TTarget>(
  transport: TransportLike,
  options: ReindexOptions<TSource, TTarget>,
  counters: { read: number; skipped: number },
  requestOptions: HelperRequestOptions,
  policy: RetryPolicy,
): AsyncGenerator<ReindexItem<TSource, TTarget>, void, undefined> {
  const { method, keepAlive = '5m', slices, ...search } = options.source;
  const pages =
    method === 'scroll'
      ? scrollPages<TSource>(transport, { ...search, scroll: keepAlive }, requestOptions, policy)
      : pitPages<TSource>(
          transport,
          { ...search, keepAlive, ...(slices === undefined ? {} : { slices }) },
          requestOptions,
          policy,
        );
  for await (const page of pages) {
    for (const hit of page.hits) {
      counters.read++;
      const out = options.transform
        ? options.transform(hit._source as TSource, hit)
        : (hit._source as unknown as TTarget);
      // An async transform is awaited (its Promise written as the document would serialize as
      // {}); a plain result is taken as it is, without a microtask per hit.
      const source = isThenable(out) ? await out : out;
      if (source === null || source === undefined) {
        counters.skipped++;
        continue;
      }
      yield { hit, source };
    }
  }
}

function actionFor(dest: ReindexDestOptions, item: ReindexItem<unknown, unknown>): BulkAction {
  const meta: Record<string, unknown> = { _index: dest.index };
  if (dest.keepIds !== false) meta._id = item.hit._id;
  if (item.hit._routing !== undefined) meta.routing = item.hit._routing;
  return dest.opType === 'create'
    ? [{ create: meta }, item.source]
    : [{ index: meta }, item.source];
}

async function countMatches(
  transport: TransportLike,
  source: ReindexSourceOptions,
  requestOptions: HelperRequestOptions,
): Promise<number> {
  const body = source.query === undefined ? undefined : { query: source.query };
  const response = await transport.request<{ count: number }>(
    { method: 'POST', path: `/${indexSegment(source.index)}/_count`, body },
    requestOptions,
  );
  return response.count;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
