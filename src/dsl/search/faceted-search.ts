import { A } from '../aggs/a.js';
import { DslError } from '../errors.js';
import type { AnyAggregation } from '../nodes/aggregation-node.js';
import type { FieldPath } from '../nodes/field-path.js';
import type { Query } from '../nodes/query-node.js';
import { makeQuery } from '../query/parse-query.js';
import { Q } from '../query/q.js';
import type { Response } from '../response/response.js';
import type { SearchClient } from './client.js';
import { Search } from './search.js';

/** One value of a facet in a response: how many hits have it, and whether it is filtered on. */
export interface FacetValue {
  readonly value: string | number;
  readonly label?: string;
  readonly count: number;
  readonly selected: boolean;
}

type BucketJSON = {
  readonly key: string | number;
  readonly doc_count: number;
  readonly [k: string]: unknown;
};

/**
 * A facet: the aggregation that counts its values and the filter that selects some of them.
 *
 * @example
 * ```ts
 * import { Facet, Q, type Query, TermsFacet } from 'elastiq/dsl';
 * // Two buckets, published or not, from a boolean field.
 * class PublishedFacet extends Facet {
 *   override aggregation() {
 *     return new TermsFacet({ field: 'published', size: 2 }).aggregation();
 *   }
 *   override filter(values: readonly unknown[]): Query<any> | undefined {
 *     return values.length ? Q.terms({ published: values.map((v) => v === true || v === 'true') }) : undefined;
 *   }
 * }
 * ```
 */
export abstract class Facet {
  /** The aggregation computing this facet's values. */
  abstract aggregation(): AnyAggregation;
  /** The query selecting documents with any of `values` (undefined: no filter). */
  abstract filter(values: readonly unknown[]): Query<any> | undefined;
  /** The facet values read from this facet's aggregation result. */
  values(result: unknown, selected: readonly unknown[]): FacetValue[] {
    const buckets = ((result as { buckets?: unknown }).buckets ?? []) as
      | BucketJSON[]
      | Record<string, BucketJSON>;
    const list: BucketJSON[] = Array.isArray(buckets)
      ? buckets
      : Object.entries(buckets).map(([key, b]) => ({ ...b, key }));
    return list.map((b) => ({
      value: b.key,
      count: b.doc_count,
      selected: selected.some((s) => String(s) === String(b.key) || String(s) === b.key_as_string),
    }));
  }
}

/**
 * Counts the terms of a field; filters with `terms`.
 *
 * @example
 * ```ts
 * import { TermsFacet } from 'elastiq/dsl';
 * const tags = new TermsFacet({ field: 'tags', size: 20 });
 * tags.aggregation().toJSON(); // { terms: { field: 'tags', size: 20 } }
 * tags.filter(['web', 'python'])?.toJSON(); // { terms: { tags: ['web', 'python'] } }
 * ```
 */
export class TermsFacet extends Facet {
  constructor(private readonly options: { readonly field: string; readonly size?: number }) {
    super();
    Object.freeze(this);
  }
  override aggregation(): AnyAggregation {
    return A.terms({ field: this.options.field, size: this.options.size ?? 10 }) as AnyAggregation;
  }
  override filter(values: readonly unknown[]): Query<any> | undefined {
    return values.length ? makeQuery('terms', { [this.options.field]: values }) : undefined;
  }
}

/**
 * Counts documents in named ranges; filters with the selected ranges.
 *
 * @example
 * ```ts
 * import { RangeFacet } from 'elastiq/dsl';
 * const likes = new RangeFacet({
 *   field: 'likes',
 *   ranges: [['few', null, 10], ['many', 10, null]],
 * });
 * likes.filter(['many'])?.toJSON(); // a range query: likes >= 10
 * ```
 */
export class RangeFacet extends Facet {
  constructor(
    private readonly options: {
      readonly field: string;
      readonly ranges: readonly (readonly [
        label: string,
        from: number | null,
        to: number | null,
      ])[];
    },
  ) {
    super();
    Object.freeze(this);
  }
  override aggregation(): AnyAggregation {
    const ranges = this.options.ranges.map(([key, from, to]) => ({
      key,
      ...(from === null ? {} : { from }),
      ...(to === null ? {} : { to }),
    }));
    return A.range({ field: this.options.field, ranges, keyed: false }) as AnyAggregation;
  }
  override filter(values: readonly unknown[]): Query<any> | undefined {
    const picked = this.options.ranges.filter(([label]) => values.includes(label));
    if (!picked.length) return undefined;
    const ranges = picked.map(([, from, to]) =>
      makeQuery('range', {
        [this.options.field]: {
          ...(from === null ? {} : { gte: from }),
          ...(to === null ? {} : { lt: to }),
        },
      }),
    );
    return Q.or(...ranges);
  }
}

/**
 * Counts documents per numeric interval; filters on `[key, key + interval)`.
 *
 * @example
 * ```ts
 * import { HistogramFacet } from 'elastiq/dsl';
 * const price = new HistogramFacet({ field: 'price', interval: 50 });
 * price.filter([100])?.toJSON(); // a range query: 100 <= price < 150
 * ```
 */
export class HistogramFacet extends Facet {
  constructor(private readonly options: { readonly field: string; readonly interval: number }) {
    super();
    Object.freeze(this);
  }
  override aggregation(): AnyAggregation {
    return A.histogram({
      field: this.options.field,
      interval: this.options.interval,
      min_doc_count: 1,
    }) as AnyAggregation;
  }
  override filter(values: readonly unknown[]): Query<any> | undefined {
    const { field, interval } = this.options;
    const ranges = values.map((v) =>
      makeQuery('range', { [field]: { gte: Number(v), lt: Number(v) + interval } }),
    );
    return ranges.length ? Q.or(...ranges) : undefined;
  }
}

const CALENDAR_MATH: Readonly<Record<string, string>> = {
  minute: '1m',
  hour: '1h',
  day: '1d',
  week: '1w',
  month: '1M',
  quarter: '3M',
  year: '1y',
};

/**
 * Counts documents per calendar interval; filters on `[key, key + interval)` with date math.
 *
 * @example
 * ```ts
 * import { DateHistogramFacet } from 'elastiq/dsl';
 * const published = new DateHistogramFacet({ field: 'publishedAt', calendarInterval: 'month' });
 * published.aggregation().toJSON(); // a date_histogram on publishedAt, one bucket per month
 * ```
 */
export class DateHistogramFacet extends Facet {
  constructor(
    private readonly options: { readonly field: string; readonly calendarInterval: string },
  ) {
    super();
    Object.freeze(this);
  }
  override aggregation(): AnyAggregation {
    const { field, calendarInterval } = this.options;
    return A.dateHistogram({
      field,
      calendar_interval: calendarInterval as never,
      min_doc_count: 1,
    }) as AnyAggregation;
  }
  override filter(values: readonly unknown[]): Query<any> | undefined {
    const step = CALENDAR_MATH[this.options.calendarInterval] ?? this.options.calendarInterval;
    const ranges = values.map((v) => {
      const start = new Date(typeof v === 'number' ? v : String(v)).toISOString();
      return makeQuery('range', { [this.options.field]: { gte: start, lt: `${start}||+${step}` } });
    });
    return ranges.length ? Q.or(...ranges) : undefined;
  }
}

/**
 * A facet over a nested path: the inner facet runs inside a `nested` aggregation and query.
 *
 * @example
 * ```ts
 * import { NestedFacet, TermsFacet } from 'elastiq/dsl';
 * const commenters = new NestedFacet('comments', new TermsFacet({ field: 'comments.author' }));
 * commenters.filter(['ada'])?.toJSON(); // { nested: { path: 'comments', query: { terms: ... } } }
 * ```
 */
export class NestedFacet extends Facet {
  constructor(
    private readonly path: string,
    private readonly inner: Facet,
  ) {
    super();
    Object.freeze(this);
  }
  override aggregation(): AnyAggregation {
    return A.nested({ path: this.path }).bucket(
      'inner',
      this.inner.aggregation(),
    ) as AnyAggregation;
  }
  override filter(values: readonly unknown[]): Query<any> | undefined {
    const inner = this.inner.filter(values);
    return inner ? makeQuery('nested', { path: this.path, query: inner }) : undefined;
  }
  override values(result: unknown, selected: readonly unknown[]): FacetValue[] {
    return this.inner.values((result as { inner: unknown }).inner, selected);
  }
}

/** Configuration of a faceted search. */
export interface FacetedSearchOptions<TDoc> {
  readonly index?: string | readonly string[];
  readonly client?: SearchClient;
  /** Fields the text is searched in (`multi_match`), boosts allowed (`title^2`). */
  readonly fields: readonly NoInfer<FieldPath<TDoc> | `${FieldPath<TDoc>}^${number}`>[];
  readonly facets: Readonly<Record<string, Facet>>;
}

/** Shapes the Search a faceted search builds (it must return a Search of the same documents). */
export type Refiner<TDoc> = (search: Search<TDoc>) => Search<TDoc, any, any>;

/** A faceted response: the search response plus every facet's values. */
export interface FacetedResponse<TDoc> {
  readonly response: Response<TDoc>;
  readonly facets: Readonly<Record<string, readonly FacetValue[]>>;
}

/**
 * Text search with facets, as in elasticsearch-dsl: selected facet values filter the hits through
 * `post_filter`, and each facet's counts are computed under the filters of all the other facets.
 *
 * @example
 * ```ts
 * import { FacetedSearch, TermsFacet } from 'elastiq/dsl';
 * const fs = new FacetedSearch<{ title: string; tags: string[] }>({
 *   index: 'posts',
 *   fields: ['title^2'],
 *   facets: { tags: new TermsFacet({ field: 'tags' }) },
 * })
 *   .text('python')
 *   .select('tags', 'web');
 * fs.build().toJSON();
 * ```
 */
export class FacetedSearch<TDoc = any> {
  private readonly options: FacetedSearchOptions<TDoc>;
  private readonly query: string | undefined;
  private readonly selected: Readonly<Record<string, readonly unknown[]>>;
  private readonly refiners: readonly Refiner<TDoc>[];

  constructor(
    options: FacetedSearchOptions<TDoc>,
    query?: string,
    selected: Readonly<Record<string, readonly unknown[]>> = {},
    refiners: readonly Refiner<TDoc>[] = [],
  ) {
    // Copied: a caller changing its options object later must not change this search.
    this.options = Object.freeze({
      ...options,
      ...(typeof options.index === 'object' ? { index: [...options.index] } : {}),
      fields: Object.freeze([...options.fields]),
      facets: Object.freeze({ ...options.facets }),
    });
    this.query = query;
    this.selected = Object.freeze({ ...selected });
    this.refiners = Object.freeze([...refiners]);
    Object.freeze(this);
  }

  /** The same faceted search for `text`. */
  text(text: string): FacetedSearch<TDoc> {
    return new FacetedSearch(this.options, text, this.selected, this.refiners);
  }

  /** The same faceted search with the built Search shaped further: sort, slice, highlight, ... */
  refine(refiner: Refiner<TDoc>): FacetedSearch<TDoc> {
    return new FacetedSearch(this.options, this.query, this.selected, [...this.refiners, refiner]);
  }

  /** The same faceted search with `value` selected on facet `name` (values of one facet are ORed). */
  select(name: string, ...values: readonly unknown[]): FacetedSearch<TDoc> {
    if (!Object.hasOwn(this.options.facets, name)) {
      throw new DslError(
        'DSL_UNKNOWN_FACET',
        `Unknown facet '${name}': known facets are ${Object.keys(this.options.facets).join(', ')}.`,
      );
    }
    const selected = { ...this.selected, [name]: [...(this.selected[name] ?? []), ...values] };
    return new FacetedSearch(this.options, this.query, selected, this.refiners);
  }

  private filters(): Record<string, Query<any>> {
    const out: Record<string, Query<any>> = {};
    for (const [name, facet] of Object.entries(this.options.facets)) {
      const f = facet.filter(this.selected[name] ?? []);
      if (f) out[name] = f;
    }
    return out;
  }

  /** The Search this faceted search runs. */
  build(): Search<TDoc> {
    let s = new Search<TDoc>({
      ...(this.options.index === undefined ? {} : { index: this.options.index }),
      ...(this.options.client ? { client: this.options.client } : {}),
    });
    if (this.query)
      s = s.query(
        makeQuery('multi_match', { query: this.query, fields: [...this.options.fields] }) as never,
      );
    const filters = this.filters();
    for (const [name, facet] of Object.entries(this.options.facets)) {
      const others = Object.entries(filters)
        .filter(([n]) => n !== name)
        .map(([, q]) => q);
      const agg = A.filter(others.length ? Q.and(...others) : Q.matchAll()).bucket(
        name,
        facet.aggregation(),
      );
      s = s.aggs(`_filter_${name}`, agg as never) as never;
    }
    for (const f of Object.values(filters)) s = s.postFilter(f as never);
    for (const refine of this.refiners) s = refine(s);
    return s;
  }

  /** Runs the search and reads every facet. */
  async execute(): Promise<FacetedResponse<TDoc>> {
    const response = (await this.build().execute()) as Response<TDoc>;
    const aggs = response.aggregations as Record<string, Record<string, unknown>>;
    const facets: Record<string, readonly FacetValue[]> = {};
    for (const [name, facet] of Object.entries(this.options.facets)) {
      facets[name] = facet.values(aggs[`_filter_${name}`]?.[name] ?? {}, this.selected[name] ?? []);
    }
    return { response, facets };
  }
}
