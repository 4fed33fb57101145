import { DslError } from '../errors.js';
import { AGGREGATION_FAMILIES } from '../generated/catalogue.js';
import { copyIn, DslNode, toPlainAt } from './node.js';

declare const aggBrand: unique symbol;

/** Any aggregation node, whatever it tracks. */
export type AnyAggregation = Aggregation<string, string, AggregationMap>;

/** Named sub-aggregations. */
export type AggregationMap = { readonly [name: string]: AnyAggregation };

/**
 * One aggregation as frozen data: its type `name`, parameters, sub-aggregations and `meta`.
 * `F` (fields named) and `Subs` (typed sub-aggregations) exist for the compiler only.
 * Every method returns a new node: nothing the caller holds changes.
 *
 * @example
 * ```ts
 * import { A } from 'elastiq/dsl';
 * const byTag = A.terms({ field: 'tags' });
 * const withAvg = byTag.metric('avgLikes', A.avg({ field: 'likes' })); // byTag is unchanged
 * withAvg.toJSON(); // { terms: { field: 'tags' }, aggs: { avgLikes: { avg: { field: 'likes' } } } }
 * ```
 */
export class Aggregation<
  N extends string = string,
  F extends string = never,
  Subs extends AggregationMap = {},
> extends DslNode {
  declare readonly [aggBrand]: { fields: F; subs: Subs };
  readonly #name: N;
  readonly #params: unknown;
  readonly #aggs: Readonly<Record<string, AnyAggregation>>;
  readonly #meta: unknown;
  readonly #subKey: 'aggs' | 'aggregations';

  /** Use `A` to build aggregations; this takes parameters that are already copied. */
  constructor(
    name: N,
    params: unknown,
    aggs: Readonly<Record<string, AnyAggregation>> = {},
    meta: unknown = undefined,
    subKey: 'aggs' | 'aggregations' = 'aggs',
  ) {
    super();
    this.#name = name;
    this.#params = params;
    this.#aggs = aggs;
    this.#meta = meta;
    this.#subKey = subKey;
  }

  override get kind(): 'aggregation' {
    return 'aggregation';
  }

  /** The aggregation type (`terms`, `avg`, ...). */
  get name(): N {
    return this.#name;
  }

  /** The parameters under the type key. */
  get params(): unknown {
    return this.#params;
  }

  /** Named sub-aggregations. */
  get aggs(): Readonly<Record<string, AnyAggregation>> {
    return this.#aggs;
  }

  get meta(): unknown {
    return this.#meta;
  }

  /** The key the sub-aggregations were read from (`aggs` or `aggregations`), kept for round-trips. */
  get subKey(): 'aggs' | 'aggregations' {
    return this.#subKey;
  }

  /** Adds a bucket sub-aggregation; returns a new aggregation. */
  bucket<K extends string, G extends AnyAggregation>(
    name: K,
    agg: G,
  ): Aggregation<N, F | AggFields<G>, Subs & { readonly [P in K]: G }> {
    return this.withSub(name, agg);
  }

  /** Adds a metric sub-aggregation; returns a new aggregation. */
  metric<K extends string, G extends AnyAggregation>(
    name: K,
    agg: G,
  ): Aggregation<N, F | AggFields<G>, Subs & { readonly [P in K]: G }> {
    return this.withSub(name, agg);
  }

  /** Adds a pipeline sub-aggregation; returns a new aggregation. */
  pipeline<K extends string, G extends AnyAggregation>(
    name: K,
    agg: G,
  ): Aggregation<N, F | AggFields<G>, Subs & { readonly [P in K]: G }> {
    return this.withSub(name, agg);
  }

  /** The same aggregation with `meta` set. */
  withMeta(meta: Record<string, unknown>): Aggregation<N, F, Subs> {
    return new Aggregation(this.name, this.params, this.aggs, copyIn(meta), this.subKey);
  }

  private withSub(name: string, agg: AnyAggregation): any {
    if (AGGREGATION_FAMILIES[this.name] !== 'bucket') {
      throw new DslError(
        'DSL_NOT_A_BUCKET',
        `Cannot add sub-aggregation '${name}' to a '${this.name}' aggregation: only bucket aggregations have sub-aggregations.`,
      );
    }
    const aggs: Record<string, AnyAggregation> = {};
    for (const k in this.#aggs) aggs[k] = this.#aggs[k]!;
    aggs[name] = agg;
    return new Aggregation(this.#name, this.#params, aggs, this.#meta, this.#subKey);
  }

  override toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    out[this.name] = toPlainAt(this.name, this.params);
    // The sub-aggregations: a plain record of nodes, so toPlain serialises each under its name.
    if (Object.keys(this.aggs).length > 0) out[this.subKey] = toPlainAt(this.subKey, this.aggs);
    if (this.meta !== undefined) out.meta = toPlainAt('meta', this.meta);
    return out;
  }
}

/** The field paths an aggregation tree names. */
export type AggFields<G> = G extends Aggregation<string, infer F, AggregationMap> ? F : never;
