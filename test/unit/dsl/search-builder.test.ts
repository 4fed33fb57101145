import { describe, expect, test } from 'vitest';
import { $raw, A, DslError, Q, Search } from '../../../src/dsl/index.js';

describe('Search body methods', () => {
  test('query ANDs onto the existing query; filter and exclude add bool clauses', () => {
    const s = new Search()
      .query(Q.match({ title: 'python' }))
      .query(Q.match({ body: 'django' }))
      .filter(Q.term({ published: true }))
      .exclude(Q.term({ status: 'draft' }));
    expect(s.toJSON()).toEqual({
      query: {
        bool: {
          must: [{ match: { title: 'python' } }, { match: { body: 'django' } }],
          filter: [
            { term: { published: true } },
            { bool: { must_not: [{ term: { status: 'draft' } }] } },
          ],
        },
      },
    });
  });

  test('exclude negates in filter context: the clauses it negates never score', () => {
    // elasticsearch-dsl: exclude(q) is query(Bool(filter=[~q])).
    const s = new Search()
      .query(Q.term({ c: 3 }))
      .exclude(Q.bool({ must_not: [Q.term({ a: 1 })], should: [Q.term({ b: 2 })] }));
    expect(s.toJSON()).toEqual({
      query: {
        bool: {
          must: [{ term: { c: 3 } }],
          filter: [
            {
              bool: { should: [{ term: { a: 1 } }, { bool: { must_not: [{ term: { b: 2 } }] } }] },
            },
          ],
        },
      },
    });
    const alone = new Search()
      .query(Q.term({ c: 3 }))
      .exclude(Q.bool({ must_not: [Q.term({ a: 1 })] }));
    expect(alone.toJSON()).toEqual({
      query: { bool: { must: [{ term: { c: 3 } }], filter: [{ term: { a: 1 } }] } },
    });
  });

  test('postFilter ANDs onto post_filter and leaves query alone', () => {
    const s = new Search().postFilter(Q.term({ a: 1 })).postFilter(Q.term({ b: 2 }));
    expect(s.toJSON()).toEqual({
      post_filter: { bool: { must: [{ term: { a: 1 } }, { term: { b: 2 } }] } },
    });
  });

  test('aggs nests buckets, metrics and pipelines', () => {
    const s = new Search().aggs(
      'byMonth',
      A.dateHistogram({ field: 'date', calendar_interval: 'month' })
        .metric('likes', A.sum({ field: 'likes' }))
        .pipeline('cumulative', A.cumulativeSum({ buckets_path: 'likes' })),
    );
    expect(s.toJSON()).toEqual({
      aggs: {
        byMonth: {
          date_histogram: { field: 'date', calendar_interval: 'month' },
          aggs: {
            likes: { sum: { field: 'likes' } },
            cumulative: { cumulative_sum: { buckets_path: 'likes' } },
          },
        },
      },
    });
  });

  test('sort turns -field into descending order and keeps objects', () => {
    const s = new Search().sort(
      '-likes',
      'title',
      { date: { order: 'asc', missing: '_last' } },
      '_score',
    );
    expect(s.toJSON()).toEqual({
      sort: [
        { likes: { order: 'desc' } },
        'title',
        { date: { order: 'asc', missing: '_last' } },
        '_score',
      ],
    });
    expect(s.sort().toJSON()).toEqual({});
  });

  test('source takes paths, false, or includes/excludes', () => {
    expect(new Search().source(['title', 'author.name']).toJSON()).toEqual({
      _source: ['title', 'author.name'],
    });
    expect(new Search().source(false).toJSON()).toEqual({ _source: false });
    expect(new Search().source({ excludes: ['body'] }).toJSON()).toEqual({
      _source: { excludes: ['body'] },
    });
  });

  test('source objects merge, as elasticsearch-dsl keyword calls do; null removes a key', () => {
    const s = new Search().source({ includes: ['title'] }).source({ excludes: ['body'] });
    expect(s.toJSON()).toEqual({ _source: { includes: ['title'], excludes: ['body'] } });
    expect(s.source({ includes: null as never }).toJSON()).toEqual({
      _source: { excludes: ['body'] },
    });
    expect(
      new Search()
        .source(['a'])
        .source({ excludes: ['b'] })
        .toJSON(),
    ).toEqual({
      _source: { excludes: ['b'] },
    });
    expect(new Search().source({}).toJSON()).toEqual({});
  });

  test('highlight options without a field are left out of the body', () => {
    expect(new Search().highlight([], { fragment_size: 50 }).toJSON()).toEqual({});
    expect(new Search().highlight([], { fragment_size: 50 }).highlight(['t']).toJSON()).toEqual({
      highlight: { fragment_size: 50, fields: { t: {} } },
    });
  });

  test('a script field given as a string is its script', () => {
    expect(new Search().scriptFields({ twice: "doc['n'].value * 2" }).toJSON()).toEqual({
      script_fields: { twice: { script: "doc['n'].value * 2" } },
    });
  });

  test('highlight merges fields and options', () => {
    const s = new Search()
      .highlight(['title'], { pre_tags: ['<b>'], post_tags: ['</b>'] })
      .highlight({ body: { fragment_size: 50 } });
    expect(s.toJSON()).toEqual({
      highlight: {
        pre_tags: ['<b>'],
        post_tags: ['</b>'],
        fields: { title: {}, body: { fragment_size: 50 } },
      },
    });
  });

  test('suggest adds named suggesters with their text', () => {
    const s = new Search()
      .suggest('fix', 'pyhton', { term: { field: 'title' } })
      .suggest('auto', 'pyt', { completion: { field: 'suggest' } });
    expect(s.toJSON()).toEqual({
      suggest: {
        fix: { text: 'pyhton', term: { field: 'title' } },
        auto: { prefix: 'pyt', completion: { field: 'suggest' } },
      },
    });
  });

  test('collapse, knn (repeatable), rescore, scriptFields, runtimeMappings', () => {
    const s = new Search()
      .collapse('author')
      .knn({ field: 'vec', query_vector: [1, 0], k: 3, num_candidates: 10 })
      .knn({
        field: 'vec',
        query_vector: [0, 1],
        k: 2,
        num_candidates: 10,
        filter: Q.term({ a: 1 }),
      })
      .rescore({ window_size: 10, query: { rescore_query: { match: { body: 'x' } } } })
      .scriptFields({ twice: { script: { source: "doc['likes'].value * 2" } } })
      .runtimeMappings({ day: { type: 'keyword', script: { source: 'emit("x")' } } });
    expect(s.toJSON()).toEqual({
      collapse: { field: 'author' },
      knn: [
        { field: 'vec', query_vector: [1, 0], k: 3, num_candidates: 10 },
        {
          field: 'vec',
          query_vector: [0, 1],
          k: 2,
          num_candidates: 10,
          filter: { term: { a: 1 } },
        },
      ],
      rescore: [{ window_size: 10, query: { rescore_query: { match: { body: 'x' } } } }],
      script_fields: { twice: { script: { source: "doc['likes'].value * 2" } } },
      runtime_mappings: { day: { type: 'keyword', script: { source: 'emit("x")' } } },
    });
  });

  test('fields adds to the fields-API list, plain or with a format', () => {
    const s = new Search()
      .fields('title')
      .fields({ field: 'date', format: 'epoch_millis' }, 'likes');
    expect(s.toJSON()).toEqual({
      fields: ['title', { field: 'date', format: 'epoch_millis' }, 'likes'],
    });
  });

  test('pit, searchAfter, trackTotalHits, from, size, extra', () => {
    const s = new Search()
      .pit('abc', '1m')
      .searchAfter([1, 'x'])
      .trackTotalHits(false)
      .from(5)
      .size(7)
      .extra({ min_score: 0.5, explain: true });
    expect(s.toJSON()).toEqual({
      pit: { id: 'abc', keep_alive: '1m' },
      search_after: [1, 'x'],
      track_total_hits: false,
      from: 5,
      size: 7,
      min_score: 0.5,
      explain: true,
    });
  });

  test('index and params go into the request, not the body', () => {
    const s = new Search({ index: 'a' }).index('b').params({ routing: 'r1', preference: '_local' });
    expect(s.toJSON()).toEqual({});
    expect(s.toRequest()).toEqual({ index: 'a,b', routing: 'r1', preference: '_local' });
    expect(s.index().toRequest()).toEqual({ routing: 'r1', preference: '_local' });
  });

  test('a search on a point in time sends no index', () => {
    const s = new Search({ index: 'posts' }).pit('abc');
    expect(s.toRequest()).toEqual({ pit: { id: 'abc' } });
  });

  test('$raw passes anything through unchecked', () => {
    const s = new Search()
      .query($raw({ my_plugin_query: { x: 1 } }))
      .sort($raw({ _geo_distance: { loc: [0, 0] } }));
    expect(s.toJSON()).toEqual({
      query: { my_plugin_query: { x: 1 } },
      sort: [{ _geo_distance: { loc: [0, 0] } }],
    });
  });
});

describe('immutability', () => {
  test('every method returns a new Search and leaves the original unchanged', () => {
    const base = new Search().query(Q.match({ title: 'x' })).aggs('t', A.terms({ field: 'tags' }));
    const before = JSON.stringify(base.toJSON());
    const calls = [
      base.query(Q.term({ a: 1 })),
      base.filter(Q.term({ a: 1 })),
      base.exclude(Q.term({ a: 1 })),
      base.postFilter(Q.term({ a: 1 })),
      base.aggs('u', A.avg({ field: 'x' })),
      base.sort('x'),
      base.source(['x']),
      base.highlight(['x']),
      base.slice(0, 1),
      base.extra({ size: 3 }),
      base.params({ routing: 'x' }),
      base.index('i'),
    ];
    for (const next of calls) expect(next).not.toBe(base);
    expect(JSON.stringify(base.toJSON())).toBe(before);
  });

  test('a Date given to a query, or read back from toJSON(), is a copy', () => {
    const since = new Date('2024-01-01T00:00:00.000Z');
    const s = new Search().filter(Q.range({ date: { gte: since } }));
    since.setUTCFullYear(2020);
    const body = s.toJSON();
    body.query.bool.filter[0].range.date.gte.setUTCFullYear(2010);
    expect(JSON.stringify(s.toJSON())).toBe(
      '{"query":{"bool":{"filter":[{"range":{"date":{"gte":"2024-01-01T00:00:00.000Z"}}}]}}}',
    );
  });

  test('the data of builders and nodes cannot be reassigned at runtime', () => {
    const s = new Search().query(Q.match({ title: 'x' }));
    const q = Q.match({ title: 'x' });
    const agg = A.terms({ field: 'x' });
    expect(() => {
      (s as { state: unknown }).state = {};
    }).toThrow(TypeError);
    expect(() => {
      (q as { params: unknown }).params = {};
    }).toThrow(TypeError);
    expect(() => {
      (agg as { aggs: unknown }).aggs = {};
    }).toThrow(TypeError);
    expect(s.toJSON()).toEqual({ query: { match: { title: 'x' } } });
  });

  test('a subclass of Search keeps its class through every method', () => {
    class PostSearch extends Search<{ title: string }> {
      titles(): string {
        return 'posts';
      }
    }
    const s = new PostSearch().query(Q.match({ title: 'x' })).size(3);
    expect(s).toBeInstanceOf(PostSearch);
    expect(s.titles()).toBe('posts');
    expect(s.toJSON()).toEqual({ query: { match: { title: 'x' } }, size: 3 });
  });

  test('adding a sub-aggregation returns a new aggregation (no in-place bucket())', () => {
    const terms = A.terms({ field: 'tags' });
    const withAvg = terms.metric('avg', A.avg({ field: 'likes' }));
    expect(terms.toJSON()).toEqual({ terms: { field: 'tags' } });
    expect(withAvg.toJSON()).toEqual({
      terms: { field: 'tags' },
      aggs: { avg: { avg: { field: 'likes' } } },
    });
  });

  test('changing the caller input or the output does not reach the builder', () => {
    const params = { field: 'tags', size: 5 };
    const agg = A.terms(params);
    params.size = 99;
    const out = agg.toJSON() as { terms: { size: number } };
    out.terms.size = 1;
    expect(agg.toJSON()).toEqual({ terms: { field: 'tags', size: 5 } });
  });

  test('metric aggregations refuse sub-aggregations with DSL_NOT_A_BUCKET', () => {
    expect(() => A.avg({ field: 'x' }).bucket('t', A.terms({ field: 'y' }))).toThrow(
      expect.objectContaining({ code: 'DSL_NOT_A_BUCKET' }),
    );
  });
});

describe('fromJSON', () => {
  test('a parsed body keeps merging: filter() after fromJSON adds to the bool', () => {
    const s = Search.fromJSON({ query: { bool: { must: [{ match: { title: 'x' } }] } } }).filter(
      Q.term({ a: 1 }),
    );
    expect(s.toJSON()).toEqual({
      query: { bool: { must: [{ match: { title: 'x' } }], filter: [{ term: { a: 1 } }] } },
    });
  });

  test('unknown query names fail with DSL_UNKNOWN_QUERY', () => {
    expect(() => Search.fromJSON({ query: { no_such: {} } })).toThrow(DslError);
    try {
      Search.fromJSON({ query: { no_such: {} } });
    } catch (err) {
      expect(DslError.is(err) && err.code).toBe('DSL_UNKNOWN_QUERY');
    }
  });
});
