import { parseAggregation } from '../aggs/parse-aggregation.js';
import type { SearchBody } from '../generated/catalogue.js';
import type * as S from '../generated/spec-types.js';
import type { AggregationMap, AnyAggregation } from '../nodes/aggregation-node.js';
import type { FieldPath, PickPaths } from '../nodes/field-path.js';
import { copyIn, RawNode, toPlain, toPlainAt } from '../nodes/node.js';
import { andClauses } from '../query/bool-query.js';
import { type Clause, toClause } from '../query/parse-query.js';
import type { QueryInput } from '../query/query-types.js';
import type { RawHit } from '../response/aggregation-results.js';
import { type Hit, Response, type SearchResponseBody, toHit } from '../response/response.js';
import type { ByQueryResponseBody, CountResponseBody } from './client.js';
import { COUNT_QUERY_PARAMS, DELETE_BY_QUERY_PARAMS, pickParams } from './endpoint-params.js';
import { pitSearchOver, scrollSearchOver } from './paging.js';
import {
  initialState,
  type QueryArg,
  QueryRequest,
  type RequestOptions,
  type RequestState,
  takeAdopted,
} from './request-base.js';
import type {
  CheckAggregation,
  CollapseInput,
  HighlightFields,
  HighlightOptions,
  KnnInput,
  SortInput,
  SourceInput,
  SuggesterInput,
} from './search-types.js';
import { sliceWindow } from './slicing.js';

interface SearchState extends RequestState {
  postFilter: Clause | undefined;
  aggs: Readonly<Record<string, AnyAggregation>>;
  aggsKey: 'aggs' | 'aggregations';
  /** Every other body key, in insertion order. */
  body: Readonly<Record<string, unknown>>;
}

/** Responses seen per Search, so that `count()` can reuse an exact total (kept outside the object). */
const lastResponse = new WeakMap<object, Response<unknown, AggregationMap>>();

function initialSearch(options: RequestOptions = {}): SearchState {
  const base = initialState(options);
  return {
    index: base.index,
    query: base.query,
    params: base.params,
    client: base.client,
    context: base.context,
    postFilter: undefined,
    aggs: {},
    aggsKey: 'aggs',
    body: {},
  };
}

/** Options of `iterate()`. */
export interface IterateOptions {
  /** How long Elasticsearch keeps the point in time between pages (default: the helper's, `1m`). */
  readonly keepAlive?: string;
  /** Hits per page (default 1000). */
  readonly size?: number;
  /** Read this many slices of the point in time in parallel (hits then come in no particular order). */
  readonly slices?: number;
}

/** Options of `scan()`. */
export interface ScanOptions {
  /** How long Elasticsearch keeps the scroll context between pages (default: the helper's, `1m`). */
  readonly scroll?: string;
  /** Hits per page (default 1000). */
  readonly size?: number;
}

function sortEntry(key: unknown): unknown {
  if (typeof key !== 'string') return copyIn(key);
  if (key.charCodeAt(0) !== 45 /* - */) return key;
  const entry: Record<string, unknown> = {};
  entry[key.slice(1)] = { order: 'desc' };
  return entry;
}

/**
 * An immutable, typed search request. Every method returns a new Search; `TDoc` types the field
 * paths accepted anywhere a field is named, `Aggs` the aggregation results, `THit` the hits.
 *
 * @example
 * ```ts
 * import { A, Q, Search } from 'elastiq/dsl';
 * interface Post { title: string; published: boolean; tags: string[]; likes: number }
 * const s = new Search<Post>({ index: 'posts' })
 *   .query(Q.match({ title: 'python' }))
 *   .filter(Q.term({ published: true }))
 *   .aggs('byTag', A.terms({ field: 'tags' }).metric('likes', A.avg({ field: 'likes' })))
 *   .sort('-likes')
 *   .slice(0, 10);
 * s.toJSON();
 * ```
 */
export class Search<TDoc = any, Aggs extends AggregationMap = {}, THit = TDoc> extends QueryRequest<
  TDoc,
  SearchState
> {
  constructor(options?: RequestOptions) {
    super(takeAdopted<SearchState>() ?? initialSearch(options));
  }

  /**
   * A Search holding exactly the given request body (the body is copied, never changed); later
   * `query()`/`filter()` calls merge into its query.
   *
   * @example
   * ```ts
   * const s = Search.fromJSON({ query: { match: { title: 'python' } }, size: 5 }).filter(Q.term({ lang: 'en' }));
   * ```
   */
  static fromJSON<T = any>(
    body: SearchBody | Readonly<Record<string, unknown>>,
    options: RequestOptions = {},
  ): Search<T> {
    return new Search<T>(options).extra(body as Record<string, unknown>);
  }

  protected override copyState(): SearchState {
    const s = this.state;
    return {
      index: s.index,
      query: s.query,
      params: s.params,
      client: s.client,
      context: s.context,
      postFilter: s.postFilter,
      aggs: s.aggs,
      aggsKey: s.aggsKey,
      body: s.body,
    };
  }

  private setBody(key: string, value: unknown): this {
    return this.setOwned(key, value === undefined ? undefined : copyIn(value));
  }

  /** Sets a body key to a value this Search built itself (no defensive copy needed). */
  private setOwned(key: string, value: unknown): this {
    // A spread copies the shape in one step (the body is never frozen); delete only clears.
    const body: Record<string, unknown> = { ...this.state.body };
    if (value === undefined) delete body[key];
    else body[key] = value;
    return this.patch('body', body);
  }

  /**
   * ANDs a clause onto `post_filter`: it filters hits after aggregations were computed.
   *
   * @example
   * ```ts
   * new Search<Post>().aggs('tags', A.terms({ field: 'tags' })).postFilter(Q.term({ tags: 'web' }));
   * ```
   */
  postFilter<X extends QueryInput>(query: QueryArg<X, TDoc>): this {
    const clause = toClause(query);
    const current = this.state.postFilter;
    return this.patch('postFilter', current ? andClauses(current, clause) : clause);
  }

  /**
   * Adds a named top-level aggregation; returns a Search whose response types its result.
   *
   * @example
   * ```ts
   * const res = await new Search<Post>({ client }).aggs('byTag', A.terms({ field: 'tags' })).execute();
   * res.aggregations.byTag.buckets[0]?.doc_count;
   * ```
   */
  aggs<K extends string, G extends AnyAggregation>(
    name: K,
    agg: G & CheckAggregation<G, TDoc>,
  ): Search<TDoc, Aggs & { readonly [P in K]: G }, THit> {
    const aggs = { ...this.state.aggs, [name]: parseAggregation(agg) };
    return this.patch('aggs', aggs) as never;
  }

  /**
   * Sets the sort; no argument clears it. `'-field'` sorts descending.
   *
   * @example
   * ```ts
   * new Search<Post>().sort('-likes', { date: { order: 'asc', missing: '_last' } }, '_score');
   * ```
   */
  sort(...keys: readonly SortInput<TDoc>[]): this {
    if (!keys.length) return this.setOwned('sort', undefined);
    const sort = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) sort[i] = sortEntry(keys[i]);
    return this.setOwned('sort', sort);
  }

  /**
   * Limits `_source` to paths (narrowing the hit type), excludes paths, or turns it off. An
   * object merges into an earlier object (`source({ includes }).source({ excludes })` keeps
   * both; a key set to `null` is removed), as elasticsearch-dsl's keyword form does.
   *
   * @example
   * ```ts
   * const res = await new Search<Post>({ client }).source(['title', 'author.name']).execute();
   * res.hits[0]?.author.name; // `likes` is no longer on the hit type
   * ```
   */
  source<const P extends readonly FieldPath<TDoc>[]>(
    fields: P,
  ): Search<TDoc, Aggs, PickPaths<TDoc, P[number]>>;
  source(source: false): Search<TDoc, Aggs, {}>;
  source(source: SourceInput<TDoc>): this;
  source(source: SourceInput<TDoc>): unknown {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      return this.setBody('_source', source);
    }
    const current = this.state.body._source;
    const merged: Record<string, unknown> =
      typeof current === 'object' && current !== null && !Array.isArray(current)
        ? { ...current }
        : {};
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined || value === null) delete merged[key];
      else merged[key] = copyIn(value);
    }
    // An empty object is no source filtering at all: elasticsearch-dsl leaves it out.
    return this.setOwned('_source', Object.keys(merged).length ? merged : undefined);
  }

  /**
   * Highlights fields (merged with earlier ones) with optional global options.
   *
   * @example
   * ```ts
   * new Search<Post>().highlight(['title'], { pre_tags: ['<b>'], post_tags: ['</b>'] });
   * ```
   */
  highlight(fields: HighlightFields<TDoc>, options: HighlightOptions = {}): this {
    const current = (this.state.body.highlight ?? {}) as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...(current.fields as object | undefined) };
    if (Array.isArray(fields)) for (const f of fields) merged[f] = {};
    else for (const f in fields) merged[f] = copyIn((fields as Record<string, unknown>)[f]);
    const highlight: Record<string, unknown> = { ...current };
    for (const k in options) highlight[k] = copyIn((options as Record<string, unknown>)[k]);
    highlight.fields = merged;
    return this.setOwned('highlight', highlight);
  }

  /**
   * Adds a named suggester for `text` (sent as `prefix` for a completion suggester, as
   * elasticsearch-dsl does); results are in `response.suggest[name]`.
   *
   * @example
   * ```ts
   * new Search<Post>().suggest('fix', 'pyhton', { term: { field: 'title' } });
   * ```
   */
  suggest(name: string, text: string, suggester: SuggesterInput<TDoc>): this {
    const current = (this.state.body.suggest ?? {}) as Record<string, unknown>;
    const entry =
      suggester instanceof RawNode
        ? suggester
        : 'completion' in suggester
          ? { prefix: text, ...suggester }
          : { text, ...suggester };
    return this.setBody('suggest', { ...current, [name]: entry });
  }

  /** Adds fields to retrieve through the fields API (values land in each hit's `meta.fields`). */
  fields(
    ...fields: readonly (
      | FieldPath<TDoc>
      | (S.QueryDslFieldAndFormat & { readonly field: FieldPath<TDoc> })
    )[]
  ): this {
    const current = this.state.body.fields;
    return this.setBody('fields', Array.isArray(current) ? [...current, ...fields] : fields);
  }

  /** Collapses hits on a field (one top hit per value). */
  collapse(collapse: CollapseInput<TDoc>): this {
    return this.setBody('collapse', typeof collapse === 'string' ? { field: collapse } : collapse);
  }

  /**
   * Adds a kNN clause (repeatable: several clauses are sent as an array).
   *
   * @example
   * ```ts
   * new Search<Post>().knn({ field: 'embedding', query_vector: [0.1, 0.2], k: 10, num_candidates: 50 });
   * ```
   */
  knn(knn: KnnInput<TDoc>): this {
    const current = this.state.body.knn;
    const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
    const clause = knn.filter === undefined ? knn : { ...knn, filter: filterClauses(knn.filter) };
    return this.setBody('knn', list.length ? [...list, clause] : clause);
  }

  /** Adds rescorers (applied in order). */
  rescore(...rescore: readonly S.SearchRescore[]): this {
    const current = this.state.body.rescore;
    const list = current === undefined ? [] : Array.isArray(current) ? current : [current];
    return this.setBody('rescore', [...list, ...rescore]);
  }

  /** Adds script fields (merged with earlier ones); a string is the script's source. */
  scriptFields(fields: Readonly<Record<string, S.ScriptField | string>>): this {
    const merged: Record<string, unknown> = { ...(this.state.body.script_fields as object) };
    for (const [name, field] of Object.entries(fields)) {
      merged[name] = typeof field === 'string' ? { script: field } : copyIn(field);
    }
    return this.setOwned('script_fields', merged);
  }

  /** Adds runtime fields for this search (merged with earlier ones). */
  runtimeMappings(fields: S.MappingRuntimeFields): this {
    return this.setBody('runtime_mappings', {
      ...(this.state.body.runtime_mappings as object),
      ...fields,
    });
  }

  /** Searches a point in time (the request then carries no index). */
  pit(id: string, keepAlive?: string): this {
    return this.setBody('pit', keepAlive === undefined ? { id } : { id, keep_alive: keepAlive });
  }

  /** Continues after the sort values of the last hit of the previous page. */
  searchAfter(values: readonly S.FieldValue[]): this {
    return this.setBody('search_after', values);
  }

  /** `true` counts all hits exactly; a number counts up to it; `false` skips counting. */
  trackTotalHits(track: boolean | number): this {
    return this.setBody('track_total_hits', track);
  }

  /** The offset of the first hit. */
  from(from: number): this {
    return this.setBody('from', from);
  }

  /** How many hits to return. */
  size(size: number): this {
    return this.setBody('size', size);
  }

  /**
   * Hits `[start, end)` of the current window, composed like Python slicing:
   * `s.slice(10, 20).slice(2, 5)` is hits 12..15; a slice never reaches past the outer one.
   */
  slice(start?: number, end?: number): this {
    const { from, size } = this.state.body as { from?: number; size?: number };
    const w = sliceWindow(from, size, start, end);
    const body: Record<string, unknown> = { ...this.state.body };
    if (w.from !== undefined) body.from = w.from;
    if (w.size !== undefined) body.size = w.size;
    return this.patch('body', body);
  }

  /**
   * Sets any body keys (query, aggs and post_filter are parsed so that later calls merge).
   *
   * @example
   * ```ts
   * new Search().extra({ min_score: 0.5, explain: true });
   * ```
   */
  extra(body: Readonly<Partial<SearchBody>> | Readonly<Record<string, unknown>>): this {
    const b = body as Record<string, unknown>;
    const state = this.copyState();
    const rest: Record<string, unknown> = { ...state.body };
    state.body = rest;
    for (const key of Object.keys(b)) {
      const value = b[key];
      if (key === 'query') state.query = toClause(value);
      else if (key === 'post_filter')
        (state as { postFilter: Clause }).postFilter = toClause(value);
      else if (key === 'aggs' || key === 'aggregations') {
        const aggs: Record<string, AnyAggregation> = {};
        for (const [name, agg] of Object.entries(value as object))
          aggs[name] = parseAggregation(agg);
        state.aggs = aggs;
        state.aggsKey = key;
      } else rest[key] = copyIn(value);
    }
    return this.with(state);
  }

  /** The request body: fresh plain JSON. */
  toJSON(): Record<string, any> {
    const out: Record<string, any> = {};
    if (this.state.query) out.query = toPlainAt('query', this.state.query);
    if (this.state.postFilter) out.post_filter = toPlainAt('post_filter', this.state.postFilter);
    // A plain record of aggregation nodes: toPlain serialises each under its name.
    if (Object.keys(this.state.aggs).length)
      out[this.state.aggsKey] = toPlainAt(this.state.aggsKey, this.state.aggs);
    const body = this.state.body;
    for (const key in body) {
      // Highlight options without a field highlight nothing: elasticsearch-dsl leaves them out.
      if (key === 'highlight' && !hasFields(body[key])) continue;
      out[key] = toPlainAt(key, body[key]);
    }
    return out;
  }

  /** The flattened request `client.search()` takes: index, query-string params and body keys. */
  toRequest(): Record<string, any> {
    // A point in time already names its indices: Elasticsearch refuses an index beside it.
    const index = this.state.body.pit === undefined ? this.indexParam() : {};
    return { ...index, ...toPlain(this.state.params), ...this.toJSON() };
  }

  /**
   * Turns one raw hit into a `Hit`: the source's fields with `meta`. A subclass may override it
   * to build richer objects (model instances); execute(), iterate() and scan() all use it.
   */
  protected makeHit(raw: RawHit<unknown>): Hit<THit> {
    return toHit<THit>(raw);
  }

  /** @internal a Response over a search answer, its hits built by this Search's `makeHit`. */
  toResponse(body: SearchResponseBody): Response<THit, Aggs> {
    return new Response<THit, Aggs>(body, (raw) => this.makeHit(raw));
  }

  /**
   * Runs the search.
   *
   * @example
   * ```ts
   * const res = await new Search<Post>({ client, index: 'posts' }).query(Q.match({ title: 'python' })).execute();
   * for (const hit of res.hits) console.log(hit.meta.id, hit.title);
   * ```
   */
  async execute(): Promise<Response<THit, Aggs>> {
    const body = (await this.client().search(this.toRequest())) as SearchResponseBody;
    const response = this.toResponse(body);
    lastResponse.set(this, response as Response<unknown, AggregationMap>);
    return response;
  }

  /**
   * The number of matching documents; reuses the exact total of an earlier `execute()`.
   *
   * @example
   * ```ts
   * const drafts = await new Search<Post>({ client }).filter(Q.term({ status: 'draft' })).count();
   * ```
   */
  async count(): Promise<number> {
    const seen = lastResponse.get(this);
    if (seen && seen.total.relation === 'eq') return seen.total.value;
    // The hits' total counts after post_filter: so does this, by ANDing it into the query.
    const { query, postFilter } = this.state;
    const counted = postFilter ? (query ? andClauses(query, postFilter) : postFilter) : query;
    // Search-only params (request_cache, scroll, ...) would make the count API answer 400.
    const request: Record<string, unknown> = {
      ...this.indexParam(),
      ...pickParams(toPlain(this.state.params), COUNT_QUERY_PARAMS),
    };
    if (counted) request.query = toPlainAt('query', counted);
    const body = (await this.client().count(request)) as CountResponseBody;
    return body.count;
  }

  /**
   * Deletes every matching document (delete-by-query; needs the server's reindex module).
   *
   * @example
   * ```ts
   * const { deleted } = await new Search<Post>({ client }).filter(Q.term({ status: 'spam' })).delete();
   * ```
   */
  async delete(): Promise<ByQueryResponseBody> {
    const params = toPlain(this.state.params);
    const request = {
      ...this.indexParam(),
      ...pickParams(params, DELETE_BY_QUERY_PARAMS),
      ...this.queryJSON(),
    };
    return (await this.client().deleteByQuery(request)) as ByQueryResponseBody;
  }

  /**
   * Every matching hit, page by page, through a point in time and `search_after` (consistent
   * while the index changes): the loop of `client.helpers.pitSearch`, so 429 answers are
   * retried, `slices` reads slices in parallel and `routing`/`preference` go to the
   * point-in-time open. The point in time is closed however the loop ends.
   *
   * @example
   * ```ts
   * for await (const hit of new Search<Post>({ client, index: 'posts' }).iterate({ size: 500 })) {
   *   console.log(hit.meta.id);
   * }
   * ```
   */
  async *iterate(options: IterateOptions = {}): AsyncGenerator<Hit<THit>, void, undefined> {
    const client = this.client();
    const body = this.toJSON();
    // The helper opens its own point in time and pages with size/search_after.
    delete body.from;
    delete body.pit;
    const params: Record<string, unknown> & { index: string } = {
      index: this.indexParam().index ?? '_all',
      ...toPlain(this.state.params),
      ...body,
      size: options.size ?? 1000,
    };
    if (options.keepAlive !== undefined) params.keepAlive = options.keepAlive;
    if (options.slices !== undefined) params.slices = options.slices;
    for await (const page of pitSearchOver(client, params)) yield* this.pageHits(page.body);
  }

  /**
   * Every matching hit through the scroll API (the loop of `client.helpers.scrollSearch`: 429 answers are
   * retried, a later page that lost shards fails the loop); unordered (`_doc`) unless sorted.
   * The scroll is cleared however the loop ends.
   *
   * @example
   * ```ts
   * for await (const hit of new Search<Post>({ client, index: 'posts' }).scan()) console.log(hit.meta.id);
   * ```
   */
  async *scan(options: ScanOptions = {}): AsyncGenerator<Hit<THit>, void, undefined> {
    const client = this.client();
    const body = this.toJSON();
    delete body.from;
    body.sort ??= ['_doc'];
    const params: Record<string, unknown> = {
      ...this.indexParam(),
      ...toPlain(this.state.params),
      ...body,
      size: options.size ?? 1000,
    };
    if (options.scroll !== undefined) params.scroll = options.scroll;
    for await (const page of scrollSearchOver(client, params)) yield* this.pageHits(page.body);
  }

  /** The hits of one helper page, built by `toResponse` (so a subclass's `makeHit` applies). */
  private pageHits(body: unknown): readonly Hit<THit>[] {
    return this.toResponse(body as SearchResponseBody).hits;
  }
}

function hasFields(highlight: unknown): boolean {
  const fields = (highlight as { fields?: unknown } | null)?.fields;
  if (typeof fields !== 'object' || fields === null) return false;
  return Array.isArray(fields) ? fields.length > 0 : Object.keys(fields).length > 0;
}

function filterClauses(filter: QueryInput | readonly QueryInput[]): unknown {
  return Array.isArray(filter) ? filter.map(toClause) : toClause(filter as QueryInput);
}
