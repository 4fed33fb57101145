import type { Aggregation, AggregationMap } from '../nodes/aggregation-node.js';

type Keyed =
  | 'terms'
  | 'rare_terms'
  | 'significant_terms'
  | 'significant_text'
  | 'multi_terms'
  | 'categorize_text';
type Histograms =
  | 'histogram'
  | 'date_histogram'
  | 'auto_date_histogram'
  | 'variable_width_histogram';
type Grids = 'geohash_grid' | 'geotile_grid' | 'geohex_grid' | 'ip_prefix';
type Ranges = 'range' | 'date_range' | 'ip_range' | 'geo_distance';
type SingleBucket =
  | 'filter'
  | 'nested'
  | 'reverse_nested'
  | 'global'
  | 'missing'
  | 'sampler'
  | 'diversified_sampler'
  | 'children'
  | 'parent'
  | 'random_sampler';
type SingleValue =
  | 'avg'
  | 'sum'
  | 'min'
  | 'max'
  | 'cardinality'
  | 'value_count'
  | 'median_absolute_deviation'
  | 'weighted_avg'
  | 'rate'
  | 'avg_bucket'
  | 'sum_bucket'
  | 'min_bucket'
  | 'max_bucket'
  | 'derivative'
  | 'cumulative_sum'
  | 'cumulative_cardinality'
  | 'bucket_script'
  | 'serial_diff'
  | 'moving_fn'
  | 'moving_avg'
  | 'normalize';

/** Results of named sub-aggregations. */
export type SubResults<Subs, TDoc> = {
  readonly [K in keyof Subs]: AggregationResult<Subs[K], TDoc>;
};

/** One bucket: its key, its count and its sub-aggregation results. */
export type Bucket<Key, Subs, TDoc> = {
  readonly key: Key;
  readonly key_as_string?: string;
  readonly doc_count: number;
} & SubResults<Subs, TDoc>;

export interface StatsResult {
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly avg: number | null;
  readonly sum: number;
}

export interface ExtendedStatsResult extends StatsResult {
  readonly sum_of_squares: number | null;
  readonly variance: number | null;
  readonly std_deviation: number | null;
  readonly std_deviation_bounds?: Readonly<Record<string, number | null>>;
}

/** A hit as Elasticsearch returns it (inside `top_hits` and `inner_hits`). */
export interface RawHit<TDoc> {
  readonly _id: string;
  readonly _index: string;
  readonly _score: number | null;
  readonly _source: TDoc;
  readonly _routing?: string;
  readonly sort?: readonly unknown[];
  readonly highlight?: Readonly<Record<string, readonly string[]>>;
  readonly inner_hits?: Readonly<Record<string, { readonly hits: RawHits<unknown> }>>;
  readonly fields?: Readonly<Record<string, readonly unknown[]>>;
  readonly matched_queries?: readonly string[] | Readonly<Record<string, number>>;
  readonly _explanation?: unknown;
  readonly _seq_no?: number;
  readonly _primary_term?: number;
  readonly _version?: number;
}

export interface TotalHits {
  readonly value: number;
  readonly relation: 'eq' | 'gte';
}

export interface RawHits<TDoc> {
  readonly total?: TotalHits;
  readonly max_score: number | null;
  readonly hits: readonly RawHit<TDoc>[];
}

/**
 * The typed result of one aggregation, by its type: bucket aggregations have `buckets` whose
 * entries carry the sub-aggregation results; metrics have `value` or their statistics.
 */
export type AggregationResult<G, TDoc> =
  G extends Aggregation<infer N, any, infer Subs>
    ? N extends Keyed
      ? {
          readonly buckets: readonly Bucket<string | number, Subs, TDoc>[];
          readonly doc_count_error_upper_bound?: number;
          readonly sum_other_doc_count?: number;
        }
      : N extends Histograms
        ? { readonly buckets: readonly Bucket<number, Subs, TDoc>[] }
        : N extends Grids
          ? { readonly buckets: readonly Bucket<string, Subs, TDoc>[] }
          : N extends Ranges
            ? {
                readonly buckets: readonly (Bucket<string, Subs, TDoc> & {
                  readonly from?: number;
                  readonly to?: number;
                  readonly from_as_string?: string;
                  readonly to_as_string?: string;
                })[];
              }
            : N extends 'composite'
              ? {
                  readonly after_key?: Readonly<Record<string, unknown>>;
                  readonly buckets: readonly Bucket<
                    Readonly<Record<string, unknown>>,
                    Subs,
                    TDoc
                  >[];
                }
              : N extends 'filters' | 'adjacency_matrix'
                ? {
                    readonly buckets: Readonly<
                      Record<string, { readonly doc_count: number } & SubResults<Subs, TDoc>>
                    >;
                  }
                : N extends SingleBucket
                  ? { readonly doc_count: number } & SubResults<Subs, TDoc>
                  : N extends SingleValue
                    ? { readonly value: number | null; readonly value_as_string?: string }
                    : N extends 'stats' | 'stats_bucket'
                      ? StatsResult
                      : N extends 'extended_stats' | 'extended_stats_bucket'
                        ? ExtendedStatsResult
                        : N extends 'percentiles' | 'percentile_ranks' | 'percentiles_bucket'
                          ? { readonly values: Readonly<Record<string, number | null>> }
                          : N extends 'top_hits'
                            ? { readonly hits: RawHits<TDoc> }
                            : Readonly<Record<string, unknown>>
    : Readonly<Record<string, unknown>>;

/** Results of the aggregations a Search declared, by name. */
export type AggregationResults<Aggs extends AggregationMap, TDoc> = SubResults<Aggs, TDoc>;
