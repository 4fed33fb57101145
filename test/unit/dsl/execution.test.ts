import { describe, expect, test } from 'vitest';
import { HelperShardFailureError } from '../../../src/core/helpers/helper-errors.js';
import {
  A,
  FacetedSearch,
  MultiSearch,
  Q,
  RangeFacet,
  type RawHit,
  Search,
  type SearchClient,
  TermsFacet,
  UpdateByQuery,
} from '../../../src/dsl/index.js';

type Call = [method: string, params: Record<string, any>];

/** A client double that records calls and answers from a script. */
function fakeClient(answers: Partial<Record<keyof SearchClient, (p: any) => unknown>>) {
  const calls: Call[] = [];
  const client = {} as Record<string, (p: Record<string, any>) => Promise<unknown>>;
  for (const m of [
    'search',
    'count',
    'deleteByQuery',
    'updateByQuery',
    'msearch',
    'openPointInTime',
    'closePointInTime',
    'scroll',
    'clearScroll',
  ] as const) {
    client[m] = async (p) => {
      // A body sent as JSON text is recorded in its flattened form, like the other requests.
      const { body, ...rest } = p;
      calls.push([
        m,
        typeof body === 'string' ? { ...rest, ...JSON.parse(body) } : structuredClone(p),
      ]);
      const answer = answers[m];
      if (!answer) throw new Error(`unexpected call ${m}`);
      return answer(p);
    };
  }
  return { client: client as unknown as SearchClient, calls };
}

const hit = (id: string, source: object, sort?: unknown[]) => ({
  _id: id,
  _index: 'posts',
  _score: 1,
  _source: source,
  ...(sort ? { sort } : {}),
});
const body = (hits: object[], extra: object = {}) => ({
  took: 1,
  timed_out: false,
  _shards: { total: 1, successful: 1, failed: 0 },
  hits: { total: { value: hits.length, relation: 'eq' }, max_score: 1, hits },
  ...extra,
});

describe('execute', () => {
  test('sends index, params and body flattened, and types hits and aggregations', async () => {
    const { client, calls } = fakeClient({
      search: () =>
        body([hit('1', { title: 'a' })], {
          aggregations: { byTag: { buckets: [{ key: 'x', doc_count: 1 }] } },
        }),
    });
    const res = await new Search<{ title: string; tags: string[] }>({ client, index: 'posts' })
      .params({ routing: 'r' })
      .query(Q.match({ title: 'a' }))
      .aggs('byTag', A.terms({ field: 'tags' }))
      .execute();
    expect(calls).toEqual([
      [
        'search',
        {
          index: 'posts',
          routing: 'r',
          query: { match: { title: 'a' } },
          aggs: { byTag: { terms: { field: 'tags' } } },
        },
      ],
    ]);
    expect(res.hits[0]!.title).toBe('a');
    expect(res.hits[0]!.meta).toEqual({ id: '1', index: 'posts', score: 1 });
    expect(res.aggregations.byTag.buckets[0]!.key).toBe('x');
    expect(res.total).toEqual({ value: 1, relation: 'eq' });
    expect(res.success()).toBe(true);
  });

  test('a subclass can turn raw hits into its own objects for execute, iterate and scan', async () => {
    class Post {
      constructor(
        readonly title: string,
        readonly meta: { id: string },
      ) {}
    }
    // The model class travels in `context` through every builder method.
    class PostSearch extends Search<{ title: string }> {
      protected override makeHit(raw: RawHit<unknown>) {
        const Model = this.context as typeof Post;
        return new Model((raw._source as { title: string }).title, { id: raw._id }) as never;
      }
    }
    const { client } = fakeClient({
      search: () => body([hit('1', { title: 'a' })], { _scroll_id: 's' }),
      scroll: () => body([]),
      clearScroll: () => ({}),
    });
    const res = await new PostSearch({ client, context: Post })
      .size(1)
      .query(Q.match({ title: 'a' }))
      .execute();
    expect(res.hits[0]).toBeInstanceOf(Post);
    expect(res.hits[0]!.title).toBe('a');
    const scanned: unknown[] = [];
    for await (const h of new PostSearch({ client, context: Post })
      .filter(Q.term({ title: 'a' }))
      .scan())
      scanned.push(h);
    expect(scanned).toHaveLength(1);
    expect(scanned[0]).toBeInstanceOf(Post);
  });

  test('hit meta carries every raw key but _source, named as elasticsearch-dsl names them', async () => {
    const raw = {
      _id: '7',
      _index: 'posts',
      _score: 2.5,
      _source: { title: 't' },
      sort: [3],
      highlight: { title: ['<em>t</em>'] },
      inner_hits: { best: { hits: { max_score: 1, hits: [] } } },
      fields: { title: ['t'] },
      matched_queries: ['q1'],
      _explanation: { value: 1 },
      _routing: 'r',
      _seq_no: 4,
      _primary_term: 1,
      _version: 2,
    };
    const { client } = fakeClient({ search: () => body([raw]) });
    const [h] = (await new Search<{ title: string }>({ client }).execute()).hits;
    expect(h).toEqual({
      title: 't',
      meta: {
        id: '7',
        index: 'posts',
        score: 2.5,
        sort: [3],
        highlight: { title: ['<em>t</em>'] },
        inner_hits: { best: { hits: { max_score: 1, hits: [] } } },
        fields: { title: ['t'] },
        matched_queries: ['q1'],
        explanation: { value: 1 },
        routing: 'r',
        seq_no: 4,
        primary_term: 1,
        version: 2,
      },
    });
  });

  test('without a client, execute fails with DSL_NO_CLIENT', async () => {
    await expect(new Search().execute()).rejects.toMatchObject({ code: 'DSL_NO_CLIENT' });
  });

  test('success() is false when a shard failed', async () => {
    const { client } = fakeClient({
      search: () => ({ ...body([]), _shards: { total: 2, successful: 1, failed: 1 } }),
    });
    expect((await new Search({ client }).execute()).success()).toBe(false);
  });
});

describe('count and delete', () => {
  test('count() reuses the exact total of an earlier execute() of the same Search', async () => {
    const { client, calls } = fakeClient({
      search: () => body([hit('1', {})]),
      count: () => ({ count: 42 }),
    });
    const s = new Search({ client, index: 'posts' }).filter(Q.term({ a: 1 }));
    await s.execute();
    expect(await s.count()).toBe(1);
    expect(await s.filter(Q.term({ b: 2 })).count()).toBe(42);
    expect(calls.map((c) => c[0])).toEqual(['search', 'count']);
    expect(calls[1]![1]).toEqual({
      index: 'posts',
      query: { bool: { filter: [{ term: { a: 1 } }, { term: { b: 2 } }] } },
    });
  });

  test('count() counts what the hits would count: post_filter is ANDed into the query', async () => {
    const { client, calls } = fakeClient({ count: () => ({ count: 3 }) });
    await new Search({ client })
      .query(Q.match({ t: 'x' }))
      .postFilter(Q.term({ a: 1 }))
      .count();
    await new Search({ client }).postFilter(Q.term({ a: 1 })).count();
    expect(calls.map((c) => c[1])).toEqual([
      { query: { bool: { must: [{ match: { t: 'x' } }, { term: { a: 1 } }] } } },
      { query: { term: { a: 1 } } },
    ]);
  });

  test('count() asks the server when the earlier total was a lower bound', async () => {
    const { client } = fakeClient({
      search: () => ({
        ...body([]),
        hits: { total: { value: 10000, relation: 'gte' }, max_score: null, hits: [] },
      }),
      count: () => ({ count: 12345 }),
    });
    const s = new Search({ client });
    await s.execute();
    expect(await s.count()).toBe(12345);
  });

  test('delete() sends the query to delete-by-query', async () => {
    const { client, calls } = fakeClient({ deleteByQuery: () => ({ deleted: 3 }) });
    const res = await new Search({ client, index: 'posts' }).query(Q.term({ a: 1 })).delete();
    expect(res.deleted).toBe(3);
    expect(calls).toEqual([['deleteByQuery', { index: 'posts', query: { term: { a: 1 } } }]]);
  });
});

describe('count and delete send only the query params their APIs take', () => {
  test('count() drops search-only params such as request_cache and scroll', async () => {
    const { client, calls } = fakeClient({ count: () => ({ count: 5 }) });
    const s = new Search({ client, index: 'posts' }).params({
      request_cache: false,
      scroll: '1m',
      typed_keys: true,
      routing: 'r1',
      preference: '_local',
      q: 'a:1',
    });
    expect(await s.count()).toBe(5);
    expect(calls).toEqual([
      ['count', { index: 'posts', routing: 'r1', preference: '_local', q: 'a:1' }],
    ]);
  });

  test('delete() keeps delete-by-query params and drops search-only ones', async () => {
    const { client, calls } = fakeClient({ deleteByQuery: () => ({ deleted: 1 }) });
    await new Search({ client, index: 'posts' })
      .params({ typed_keys: true, track_total_hits: true, conflicts: 'proceed', refresh: true })
      .query(Q.term({ a: 1 }))
      .delete();
    expect(calls).toEqual([
      [
        'deleteByQuery',
        { index: 'posts', conflicts: 'proceed', refresh: true, query: { term: { a: 1 } } },
      ],
    ]);
  });
});

describe('iterate and scan', () => {
  test('iterate() pages with a point in time and search_after, then closes the PIT', async () => {
    const pages = [
      body([hit('1', { n: 1 }, [1]), hit('2', { n: 2 }, [2])], { pit_id: 'p2' }),
      body([hit('3', { n: 3 }, [3])], { pit_id: 'p3' }),
    ];
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => pages.shift(),
      closePointInTime: () => ({ succeeded: true }),
    });
    const seen: number[] = [];
    for await (const h of new Search<{ n: number; a: number }>({ client, index: 'posts' })
      .query(Q.term({ a: 1 }))
      .iterate({ size: 2 }))
      seen.push(h.n);
    expect(seen).toEqual([1, 2, 3]);
    expect(calls).toEqual([
      ['openPointInTime', { index: 'posts', keep_alive: '1m' }],
      [
        'search',
        {
          query: { term: { a: 1 } },
          size: 2,
          sort: [{ _shard_doc: 'asc' }],
          track_total_hits: false,
          allow_partial_search_results: false,
          pit: { id: 'p1', keep_alive: '1m' },
        },
      ],
      [
        'search',
        {
          query: { term: { a: 1 } },
          size: 2,
          sort: [{ _shard_doc: 'asc' }],
          track_total_hits: false,
          allow_partial_search_results: false,
          pit: { id: 'p2', keep_alive: '1m' },
          search_after: [2],
        },
      ],
      ['closePointInTime', { id: 'p3' }],
    ]);
  });

  test('iterate() closes the point in time when the loop stops early', async () => {
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => body([hit('1', {}, [1]), hit('2', {}, [2])]),
      closePointInTime: () => ({}),
    });
    for await (const _ of new Search({ client }).iterate({ size: 2 })) break;
    expect(calls.at(-1)).toEqual(['closePointInTime', { id: 'p1' }]);
  });

  test('a point in time or scroll that already expired (404 on close) does not fail the loop', async () => {
    const gone = () => {
      throw Object.assign(new Error('search_context_missing_exception'), { statusCode: 404 });
    };
    const { client } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: (p) =>
        p.scroll ? body([hit('1', {})], { _scroll_id: 's1' }) : body([hit('1', {}, [1])]),
      scroll: () => body([]),
      closePointInTime: gone,
      clearScroll: gone,
    });
    const s = new Search({ client, index: 'posts' });
    const ids: string[] = [];
    for await (const h of s.iterate({ size: 5 })) ids.push(h.meta.id);
    for await (const h of s.scan()) {
      ids.push(h.meta.id);
      break;
    }
    expect(ids).toEqual(['1', '1']);
    // Any other failure to close is still reported.
    const { client: failing } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => body([]),
      closePointInTime: () => {
        throw Object.assign(new Error('connection refused'), { statusCode: undefined });
      },
    });
    await expect(
      (async () => {
        for await (const _ of new Search({ client: failing, index: 'posts' }).iterate()) break;
      })(),
    ).rejects.toThrow('connection refused');
  });

  test('scan() fails with HelperShardFailureError when a later scroll page lost shards', async () => {
    const lost = {
      _shards: {
        total: 2,
        successful: 1,
        failed: 1,
        failures: [{ shard: 0, index: 'posts', reason: { type: 'node_disconnected_exception' } }],
      },
    };
    // The second page lost a shard; the scroll ends after it.
    const answers = {
      search: () => body([hit('1', {})], { _scroll_id: 's1' }),
      scroll: (p: { scroll_id: string }) =>
        p.scroll_id === 's1' ? body([hit('2', {})], { _scroll_id: 's2', ...lost }) : body([]),
      clearScroll: () => ({}),
    };
    const { client, calls } = fakeClient(answers);
    const ids: string[] = [];
    const error = await (async () => {
      for await (const h of new Search({ client, index: 'posts' }).scan()) ids.push(h.meta.id);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelperShardFailureError);
    expect((error as HelperShardFailureError).code).toBe('ELASTIQ_HELPER_SHARD_FAILURE');
    expect((error as HelperShardFailureError).failures).toHaveLength(1);
    expect(ids).toEqual(['1']);
    expect(calls.at(-1)).toEqual(['clearScroll', { scroll_id: ['s2'] }]);
    // A caller who allowed partial results gets the page as it is.
    const partial = fakeClient(answers);
    const all: string[] = [];
    for await (const h of new Search({ client: partial.client, index: 'posts' })
      .params({ allow_partial_search_results: true })
      .scan())
      all.push(h.meta.id);
    expect(all).toEqual(['1', '2']);
  });

  test('scan() scrolls until an empty page and clears the scroll', async () => {
    const { client, calls } = fakeClient({
      search: () => body([hit('1', { n: 1 })], { _scroll_id: 's1' }),
      scroll: (p) =>
        p.scroll_id === 's1'
          ? body([hit('2', { n: 2 })], { _scroll_id: 's2' })
          : body([], { _scroll_id: 's2' }),
      clearScroll: () => ({}),
    });
    const seen: number[] = [];
    for await (const h of new Search<{ n: number }>({ client, index: 'posts' }).scan({ size: 1 }))
      seen.push(h.n);
    expect(seen).toEqual([1, 2]);
    expect(calls).toEqual([
      [
        'search',
        {
          index: 'posts',
          size: 1,
          sort: ['_doc'],
          scroll: '1m',
          allow_partial_search_results: false,
        },
      ],
      ['scroll', { scroll_id: 's1', scroll: '1m' }],
      ['scroll', { scroll_id: 's2', scroll: '1m' }],
      ['clearScroll', { scroll_id: ['s2'] }],
    ]);
  });
});

describe('UpdateByQuery and MultiSearch', () => {
  test('UpdateByQuery sends its query and script', async () => {
    const { client, calls } = fakeClient({ updateByQuery: () => ({ updated: 2 }) });
    const ubq = new UpdateByQuery({ client, index: 'posts' })
      .filter(Q.term({ status: 'draft' }))
      .script({ source: 'ctx._source.n = 0', lang: 'painless' })
      .params({ conflicts: 'proceed' });
    expect((await ubq.execute()).updated).toBe(2);
    expect(calls).toEqual([
      [
        'updateByQuery',
        {
          index: 'posts',
          conflicts: 'proceed',
          query: { bool: { filter: [{ term: { status: 'draft' } }] } },
          script: { source: 'ctx._source.n = 0', lang: 'painless' },
        },
      ],
    ]);
  });

  test('MultiSearch sends header/body pairs and answers a Response or the error per search', async () => {
    const { client, calls } = fakeClient({
      msearch: () => ({
        responses: [
          body([hit('1', { t: 'a' })]),
          { error: { type: 'index_not_found_exception' }, status: 404 },
        ],
      }),
    });
    const ms = new MultiSearch({ client })
      .add(new Search({ index: 'a' }).query(Q.match({ t: 'a' })))
      .add(new Search({ index: 'missing' }).params({ routing: 'r' }));
    const [first, second] = await ms.execute();
    expect(calls).toEqual([
      [
        'msearch',
        {
          searches: [
            { index: 'a' },
            { query: { match: { t: 'a' } } },
            { index: 'missing', routing: 'r' },
            {},
          ],
        },
      ],
    ]);
    expect('hits' in first && first.hits[0]!.meta.id).toBe('1');
    expect('error' in second && second.error.type).toBe('index_not_found_exception');
  });
});

describe('MultiSearch hit factories', () => {
  test("each response's hits are built by its own Search's makeHit", async () => {
    class Tagged {
      constructor(readonly id: string) {}
    }
    class TaggedSearch extends Search<{ t: string }> {
      protected override makeHit(raw: RawHit<unknown>) {
        return new Tagged(raw._id) as never;
      }
    }
    const { client } = fakeClient({
      msearch: () => ({
        responses: [body([hit('1', { t: 'a' })]), body([hit('2', { t: 'b' })])],
      }),
    });
    const [plain, tagged] = await new MultiSearch({ client })
      .add(new Search({ index: 'a' }))
      .add(new TaggedSearch({ index: 'b' }))
      .execute();
    expect('hits' in plain && plain.hits[0]).not.toBeInstanceOf(Tagged);
    expect('hits' in plain && plain.hits[0]!.meta.id).toBe('1');
    expect('hits' in tagged && tagged.hits[0]).toBeInstanceOf(Tagged);
    expect('hits' in tagged && (tagged.hits[0] as unknown as Tagged).id).toBe('2');
  });
});

describe('FacetedSearch', () => {
  const options = {
    index: 'posts',
    fields: ['title^2', 'body'] as const,
    facets: {
      tags: new TermsFacet({ field: 'tags' }),
      likes: new RangeFacet({
        field: 'likes',
        ranges: [
          ['few', null, 10],
          ['many', 10, null],
        ],
      }),
    },
  };

  test('a faceted search keeps a copy of its options', () => {
    const own = { fields: ['title'], facets: { tags: new TermsFacet({ field: 'tags' }) } };
    const fs = new FacetedSearch(own).text('python');
    const before = fs.build().toJSON();
    own.fields.push('body');
    (own.facets as Record<string, TermsFacet>).extra = new TermsFacet({ field: 'extra' });
    expect(fs.build().toJSON()).toEqual(before);
  });

  test('selected values filter through post_filter; each facet counts under the other facets filters', () => {
    const fs = new FacetedSearch<{ title: string; body: string; tags: string[]; likes: number }>(
      options,
    )
      .text('python')
      .select('tags', 'web');
    expect(fs.build().toJSON()).toEqual({
      query: { multi_match: { query: 'python', fields: ['title^2', 'body'] } },
      post_filter: { terms: { tags: ['web'] } },
      aggs: {
        _filter_tags: {
          filter: { match_all: {} },
          aggs: { tags: { terms: { field: 'tags', size: 10 } } },
        },
        _filter_likes: {
          filter: { terms: { tags: ['web'] } },
          aggs: {
            likes: {
              range: {
                field: 'likes',
                ranges: [
                  { key: 'few', to: 10 },
                  { key: 'many', from: 10 },
                ],
                keyed: false,
              },
            },
          },
        },
      },
    });
  });

  test('execute() reads facet values with counts and selection', async () => {
    const { client } = fakeClient({
      search: () =>
        body([], {
          aggregations: {
            _filter_tags: {
              doc_count: 3,
              tags: {
                buckets: [
                  { key: 'web', doc_count: 2 },
                  { key: 'ml', doc_count: 1 },
                ],
              },
            },
            _filter_likes: {
              doc_count: 2,
              likes: {
                buckets: [
                  { key: 'few', doc_count: 2 },
                  { key: 'many', doc_count: 0 },
                ],
              },
            },
          },
        }),
    });
    const res = await new FacetedSearch({ ...options, client })
      .select('tags', 'web')
      .select('likes', 'few')
      .execute();
    expect(res.facets).toEqual({
      tags: [
        { value: 'web', count: 2, selected: true },
        { value: 'ml', count: 1, selected: false },
      ],
      likes: [
        { value: 'few', count: 2, selected: true },
        { value: 'many', count: 0, selected: false },
      ],
    });
  });

  test('refine() shapes the built Search (sort, slice) and keeps the facets', () => {
    const fs = new FacetedSearch(options).refine((s) => s.sort('-likes').slice(10, 20));
    const body = fs.select('tags', 'ml').build().toJSON();
    expect(body).toMatchObject({
      sort: [{ likes: { order: 'desc' } }],
      from: 10,
      size: 10,
      post_filter: { terms: { tags: ['ml'] } },
    });
    expect(Object.keys(body.aggs)).toEqual(['_filter_tags', '_filter_likes']);
  });

  test('selecting an unknown facet fails with DSL_UNKNOWN_FACET', () => {
    expect(() => new FacetedSearch(options).select('nope', 1)).toThrow(
      expect.objectContaining({ code: 'DSL_UNKNOWN_FACET' }),
    );
  });
});
