import { describe, expectTypeOf, it } from 'vitest';
import type {
  AggregationsAggregate,
  AggregationsStringTermsAggregate,
  IndicesCreateRequest,
  QueryDslMatchQuery,
  SearchHit,
  SearchRequest,
  SearchResponse,
  SearchTotalHits,
} from '../../src/core/api/index.js';
import { Api } from '../../src/core/api/index.js';
import type {
  TransportLike,
  TransportRequestOptions,
  TransportResult,
} from '../../src/core/transport/types.js';

declare const transport: TransportLike;
const api = new Api(transport);

interface Post {
  title: string;
  views: number;
}

describe('generated API types', () => {
  it('types hits from the document type given to search', async () => {
    const result = await api.search<Post>({ index: 'posts', query: { match: { title: 'x' } } });
    expectTypeOf(result).toEqualTypeOf<SearchResponse<Post>>();
    expectTypeOf(result.hits.hits).toEqualTypeOf<SearchHit<Post>[]>();
    expectTypeOf(result.hits.hits[0]!._source).toEqualTypeOf<Post | undefined>();
  });

  it('types aggregations from the second type parameter', async () => {
    const result = await api.search<Post, { tags: AggregationsStringTermsAggregate }>({
      aggs: { tags: { terms: { field: 'tags' } } },
    });
    expectTypeOf(result.aggregations).toEqualTypeOf<
      { tags: AggregationsStringTermsAggregate } | undefined
    >();
  });

  it('rejects argument names the endpoint does not have', () => {
    // @ts-expect-error `indexx` is not an argument of search
    void api.search({ indexx: 'posts' });
    // @ts-expect-error `mapping` (singular) is not a body field of indices.create
    void api.indices.create({ index: 'posts', mapping: {} });
  });

  it('rejects argument values of the wrong type', () => {
    // @ts-expect-error size is a number
    void api.search({ size: 'ten' });
    // @ts-expect-error refresh is true, false or 'wait_for'
    void api.index({ index: 'posts', document: {}, refresh: 'later' });
    // @ts-expect-error the match query takes a field map, not a bare string
    void api.search({ query: { match: 'title' } });
  });

  it('requires the required arguments', () => {
    // @ts-expect-error index is required
    void api.indices.create({});
    // @ts-expect-error the parameters object itself is required when an argument is
    void api.indices.delete();
    expectTypeOf<IndicesCreateRequest['index']>().toEqualTypeOf<string>();
  });

  it('takes optional arguments that may be undefined (exactOptionalPropertyTypes)', () => {
    const size: number | undefined = Math.random() > 0.5 ? 10 : undefined;
    const routing: string | undefined = undefined;
    void api.search({ index: 'posts', size, routing, filter_path: undefined });
  });

  it('types the document of index and get from their type parameter', async () => {
    void api.index<Post>({ index: 'posts', document: { title: 't', views: 1 } });
    // @ts-expect-error views must be a number
    void api.index<Post>({ index: 'posts', document: { title: 't', views: '1' } });
    const got = await api.get<Post>({ index: 'posts', id: '1' });
    expectTypeOf(got._source).toEqualTypeOf<Post | undefined>();
  });

  it('resolves HEAD endpoints to boolean', async () => {
    expectTypeOf(await api.indices.exists({ index: 'posts' })).toEqualTypeOf<boolean>();
    expectTypeOf(await api.exists({ index: 'posts', id: '1' })).toEqualTypeOf<boolean>();
  });

  it('returns the transport result with meta: true and the body otherwise', async () => {
    const withMeta = await api.cat.health({ format: 'json' }, { meta: true });
    expectTypeOf(withMeta.statusCode).toEqualTypeOf<number>();
    const search = await api.search<Post>({}, { meta: true });
    expectTypeOf(search).toEqualTypeOf<TransportResult<SearchResponse<Post>>>();
    const plain = await api.search<Post>({}, { requestTimeout: 1000 });
    expectTypeOf(plain).toEqualTypeOf<SearchResponse<Post>>();
    // Options typed only as TransportRequestOptions (meta unknown): either shape.
    const options: TransportRequestOptions = { meta: Math.random() > 0.5 };
    const either = await api.search<Post>({}, options);
    expectTypeOf(either).toEqualTypeOf<
      SearchResponse<Post> | TransportResult<SearchResponse<Post>>
    >();
  });

  it('names types after the namespace and the spec name', () => {
    expectTypeOf<SearchRequest['query']>().toMatchTypeOf<object | undefined>();
    expectTypeOf<QueryDslMatchQuery['query']>().not.toBeNever();
  });

  it('accepts realistic query DSL, aggregations, sorting and source filtering', async () => {
    const result = await api.search<Post>({
      index: ['posts', 'archive'],
      query: {
        bool: {
          must: [{ match: { title: { query: 'elastic', operator: 'and' } } }],
          filter: [{ range: { views: { gte: 10, lt: 1000 } } }, { terms: { tags: ['a', 'b'] } }],
          should: { term: { 'author.keyword': 'kimchy' } },
          must_not: [{ exists: { field: 'deleted' } }],
          minimum_should_match: 1,
        },
      },
      aggs: {
        tags: {
          terms: { field: 'tags', size: 5 },
          aggs: { avg_views: { avg: { field: 'views' } } },
        },
        per_day: { date_histogram: { field: 'date', calendar_interval: 'day' } },
      },
      sort: [{ views: { order: 'desc' } }, '_score'],
      _source: { includes: ['title'] },
      highlight: { fields: { title: {} } },
      track_total_hits: true,
      from: 0,
      size: 20,
      routing: 'r1',
      filter_path: ['hits.hits._source'],
    });
    expectTypeOf(result.aggregations).toEqualTypeOf<
      Record<string, AggregationsAggregate> | undefined
    >();
    expectTypeOf(result.hits.total).toEqualTypeOf<SearchTotalHits | number | undefined>();
  });

  it('rejects a misspelled query type and a wrong operator', () => {
    // @ts-expect-error `matches` is not a query type
    void api.search({ query: { matches: { title: 'x' } } });
    // @ts-expect-error operator is 'and' or 'or'
    void api.search({ query: { match: { title: { query: 'x', operator: 'xor' } } } });
  });

  it('accepts a raw body and NDJSON operations', () => {
    void api.search({ body: { query: { match_all: {} } } });
    void api.bulk<Post>({ operations: [{ index: { _index: 'posts' } }, { title: 't', views: 1 }] });
    void api.msearch({ searches: [{ index: 'posts' }, { query: { match_all: {} } }] });
  });
});
