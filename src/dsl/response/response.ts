import type { AggregationMap } from '../nodes/aggregation-node.js';
import type { AggregationResults, RawHit, RawHits, TotalHits } from './aggregation-results.js';

/**
 * Where a hit came from: everything of the raw hit except `_source`, named as elasticsearch-dsl's
 * `hit.meta` names it (the raw key without its leading underscore).
 */
export interface HitMeta {
  readonly id: string;
  readonly index: string;
  readonly score: number | null;
  readonly sort?: readonly unknown[];
  readonly highlight?: Readonly<Record<string, readonly string[]>>;
  readonly inner_hits?: Readonly<Record<string, { readonly hits: RawHits<unknown> }>>;
  readonly fields?: Readonly<Record<string, readonly unknown[]>>;
  readonly matched_queries?: readonly string[] | Readonly<Record<string, number>>;
  readonly explanation?: unknown;
  readonly routing?: string;
  readonly seq_no?: number;
  readonly primary_term?: number;
  readonly version?: number;
}

/** A hit: the document's fields plus `meta` (id, index, score, sort, highlight, inner hits). */
export type Hit<TDoc> = TDoc & { readonly meta: HitMeta };

/** The body `client.search()` returns, as far as the Response reads it. */
export interface SearchResponseBody {
  readonly took?: number;
  readonly timed_out?: boolean;
  readonly _shards?: {
    readonly total: number;
    readonly successful: number;
    readonly failed: number;
    readonly skipped?: number;
  };
  readonly hits: RawHits<unknown>;
  readonly aggregations?: Readonly<Record<string, unknown>>;
  readonly suggest?: Readonly<Record<string, unknown>>;
  readonly pit_id?: string;
  readonly _scroll_id?: string;
  readonly [key: string]: unknown;
}

/**
 * Adds what only a search hit carries (sort values, highlight, inner hits, fields, matched
 * queries, explanation) to `meta`; shared by `toHit` and hit factories of subclasses (the ORM's).
 */
export function addHitOnlyMeta(raw: RawHit<unknown>, meta: Record<string, unknown>): void {
  if (raw.sort !== undefined) meta.sort = raw.sort;
  if (raw.highlight !== undefined) meta.highlight = raw.highlight;
  if (raw.inner_hits !== undefined) meta.inner_hits = raw.inner_hits;
  if (raw.fields !== undefined) meta.fields = raw.fields;
  if (raw.matched_queries !== undefined) meta.matched_queries = raw.matched_queries;
  if (raw._explanation !== undefined) meta.explanation = raw._explanation;
}

/** Turns a raw hit into a `Hit`: the source's fields with `meta` beside them. */
export function toHit<TDoc>(raw: RawHit<unknown>): Hit<TDoc> {
  const meta: Record<string, unknown> = { id: raw._id, index: raw._index, score: raw._score };
  addHitOnlyMeta(raw, meta);
  if (raw._routing !== undefined) meta.routing = raw._routing;
  if (raw._seq_no !== undefined) meta.seq_no = raw._seq_no;
  if (raw._primary_term !== undefined) meta.primary_term = raw._primary_term;
  if (raw._version !== undefined) meta.version = raw._version;
  return { ...(raw._source as object), meta: Object.freeze(meta) } as Hit<TDoc>;
}

/**
 * A search response with typed hits and typed aggregation results.
 *
 * @example
 * ```ts
 * import { A, Search, type SearchClient } from 'elastiq/dsl';
 * declare const client: SearchClient;
 * const res = await new Search<{ title: string; tags: string[] }>({ client })
 *   .aggs('byTag', A.terms({ field: 'tags' }))
 *   .execute();
 * res.hits[0]?.title;
 * res.aggregations.byTag.buckets[0]?.key;
 * ```
 */
export class Response<TDoc, Aggs extends AggregationMap = {}> {
  /** The body exactly as Elasticsearch returned it. */
  readonly body: SearchResponseBody;
  readonly hits: readonly Hit<TDoc>[];

  /** `makeHit` turns each raw hit into a `Hit` (subclasses of Search may build model instances). */
  constructor(body: SearchResponseBody, makeHit: (raw: RawHit<unknown>) => Hit<TDoc> = toHit) {
    this.body = body;
    this.hits = Object.freeze(body.hits.hits.map(makeHit));
    Object.freeze(this);
  }

  /** Total hits (`relation: 'gte'` when Elasticsearch stopped counting). */
  get total(): TotalHits {
    const t = this.body.hits.total as TotalHits | number | undefined;
    if (typeof t === 'number') return { value: t, relation: 'eq' };
    return t ?? { value: this.hits.length, relation: 'gte' };
  }

  /** Typed by the aggregations the Search declared; untyped when it declared none (`fromJSON`). */
  get aggregations(): [keyof Aggs] extends [never]
    ? Readonly<Record<string, any>>
    : AggregationResults<Aggs, TDoc> {
    return (this.body.aggregations ?? {}) as never;
  }

  get suggest(): Readonly<Record<string, readonly SuggestEntry[]>> {
    return (this.body.suggest ?? {}) as Readonly<Record<string, readonly SuggestEntry[]>>;
  }

  get took(): number | undefined {
    return this.body.took;
  }

  get timedOut(): boolean {
    return this.body.timed_out === true;
  }

  /** True when the search did not time out and every shard answered. */
  success(): boolean {
    const shards = this.body._shards;
    return !this.timedOut && (shards === undefined || shards.total === shards.successful);
  }

  [Symbol.iterator](): Iterator<Hit<TDoc>> {
    return this.hits[Symbol.iterator]();
  }
}

/** One entry of a suggester's result. */
export interface SuggestEntry {
  readonly text: string;
  readonly offset: number;
  readonly length: number;
  readonly options: readonly {
    readonly text: string;
    readonly score?: number;
    readonly freq?: number;
    readonly [k: string]: unknown;
  }[];
}
