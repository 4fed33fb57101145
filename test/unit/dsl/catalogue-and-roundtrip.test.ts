import { describe, expect, test } from 'vitest';
import { ElastiqError } from '../../../src/core/errors.js';
import {
  A,
  AGGREGATION_FAMILIES,
  DslError,
  Q,
  QUERY_SHAPES,
  Search,
  SF,
} from '../../../src/dsl/index.js';

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('catalogue', () => {
  test('Q has a factory for every query kind of the specification', () => {
    const names = Object.keys(QUERY_SHAPES);
    expect(names.length).toBeGreaterThan(60);
    for (const name of names) {
      const factory = (Q as unknown as Record<string, (p: unknown) => { toJSON(): unknown }>)[
        camel(name)
      ];
      expect(typeof factory, name).toBe('function');
      const params =
        QUERY_SHAPES[name as keyof typeof QUERY_SHAPES] === 'field' ? { f: { x: 1 } } : { x: 1 };
      expect(factory!(params).toJSON()).toEqual({ [name]: params });
    }
  });

  test('A has a factory for every aggregation kind, bucket, metric and pipeline', () => {
    const names = Object.keys(AGGREGATION_FAMILIES).filter(
      (n) => n !== 'frequent_items' && n !== 'filter',
    );
    expect(new Set(Object.values(AGGREGATION_FAMILIES))).toEqual(
      new Set(['bucket', 'metric', 'pipeline']),
    );
    for (const name of names) {
      const factory = (A as unknown as Record<string, (p: unknown) => { toJSON(): unknown }>)[
        camel(name)
      ];
      expect(typeof factory, name).toBe('function');
      expect(factory!({ field: 'x' }).toJSON()).toEqual({ [name]: { field: 'x' } });
    }
    expect(A.filter(Q.term({ a: 1 })).toJSON()).toEqual({ filter: { term: { a: 1 } } });
  });

  test('field queries take (field, value) or { field: value }', () => {
    expect(Q.match('title', 'x').toJSON()).toEqual({ match: { title: 'x' } });
    expect(Q.range({ date: { gte: 'now-1d' } }).toJSON()).toEqual({
      range: { date: { gte: 'now-1d' } },
    });
  });

  test('Q(name, params), Q(json) and A(json) build the same nodes as the factories', () => {
    expect(Q('match', { title: 'x' }).toJSON()).toEqual(Q.match({ title: 'x' }).toJSON());
    expect(Q({ term: { a: 1 } }).toJSON()).toEqual({ term: { a: 1 } });
    const q = Q.term({ a: 1 });
    expect(Q(q)).toBe(q);
    expect(A('terms', { field: 'x' }).toJSON()).toEqual({ terms: { field: 'x' } });
  });

  test('unknown names fail clearly with a stable code', () => {
    expect(() => Q('matchh' as never, {} as never)).toThrow(/Unknown query type 'matchh'/);
    expect(() => A({ termz: { field: 'x' } } as never)).toThrow(
      expect.objectContaining({ code: 'DSL_UNKNOWN_AGGREGATION' }),
    );
    expect(() => Q({ match: {}, term: {} } as never)).toThrow(
      expect.objectContaining({ code: 'DSL_INVALID_QUERY' }),
    );
    expect(() => Q({ match: {} }).toJSON()).not.toThrow(DslError);
  });

  test('SF builds every score function of function_score, with filter and weight', () => {
    const q = Q.functionScore({
      query: Q.match({ title: 'x' }),
      functions: [
        SF.fieldValueFactor({ field: 'likes', modifier: 'log1p' }),
        SF.gauss({ date: { origin: 'now', scale: '10d' } }, { weight: 2 }),
        SF.exp({ likes: { origin: 0, scale: 10 } }),
        SF.linear({ likes: { origin: 0, scale: 10 } }),
        SF.randomScore({ seed: 1, field: '_seq_no' }),
        SF.scriptScore({ script: { source: "doc['likes'].value" } }),
        SF.weight(3, { filter: Q.term({ featured: true }) }),
        { weight: 1 },
      ],
      score_mode: 'sum',
    });
    expect(q.toJSON()).toEqual({
      function_score: {
        query: { match: { title: 'x' } },
        functions: [
          { field_value_factor: { field: 'likes', modifier: 'log1p' } },
          { gauss: { date: { origin: 'now', scale: '10d' } }, weight: 2 },
          { exp: { likes: { origin: 0, scale: 10 } } },
          { linear: { likes: { origin: 0, scale: 10 } } },
          { random_score: { seed: 1, field: '_seq_no' } },
          { script_score: { script: { source: "doc['likes'].value" } } },
          { weight: 3, filter: { term: { featured: true } } },
          { weight: 1 },
        ],
        score_mode: 'sum',
      },
    });
    expect(SF('gauss', { d: { origin: 0, scale: 1 } }).toJSON()).toEqual({
      gauss: { d: { origin: 0, scale: 1 } },
    });
    expect(() => SF('nope' as never, {})).toThrow(/Unknown score function 'nope'/);
  });
});

// Request bodies as people write them (documentation examples and common application queries).
const corpus: Record<string, unknown>[] = [
  { query: { match_all: {} } },
  {
    query: { match: { message: { query: 'this is a test', operator: 'and' } } },
    size: 20,
    from: 40,
  },
  {
    query: {
      bool: {
        must: { match: { title: 'search' } },
        filter: [
          { term: { status: 'published' } },
          { range: { publish_date: { gte: '2015-01-01' } } },
        ],
        must_not: { range: { age: { gte: 10, lte: 20 } } },
        should: [{ term: { tags: 'env1' } }, { term: { tags: 'deployed' } }],
        minimum_should_match: 1,
        boost: 1.0,
      },
    },
  },
  {
    query: {
      function_score: {
        query: { match_all: {} },
        boost: '5',
        functions: [{ filter: { match: { test: 'bar' } }, random_score: {}, weight: 23 }],
        max_boost: 42,
        score_mode: 'max',
        boost_mode: 'multiply',
        min_score: 42,
      },
    },
  },
  {
    query: {
      nested: {
        path: 'obj1',
        query: {
          bool: {
            must: [{ match: { 'obj1.name': 'blue' } }, { range: { 'obj1.count': { gt: 5 } } }],
          },
        },
        score_mode: 'avg',
      },
    },
  },
  {
    aggregations: {
      sales_per_month: {
        date_histogram: { field: 'date', calendar_interval: 'month' },
        aggs: {
          sales: { sum: { field: 'price' } },
          cumulative_sales: { cumulative_sum: { buckets_path: 'sales' } },
        },
      },
    },
    size: 0,
  },
  {
    aggs: {
      genres: { terms: { field: 'genre', order: { _count: 'asc' } }, meta: { color: 'blue' } },
      price_ranges: {
        range: {
          field: 'price',
          ranges: [{ to: 100.0 }, { from: 100.0, to: 200.0 }, { from: 200.0 }],
        },
      },
      top: {
        top_hits: {
          sort: [{ date: { order: 'desc' } }],
          _source: { includes: ['date', 'price'] },
          size: 1,
        },
      },
      f: {
        filter: { term: { type: 't-shirt' } },
        aggs: { avg_price: { avg: { field: 'price' } } },
      },
      messages: {
        filters: {
          filters: {
            errors: { match: { body: 'error' } },
            warnings: { match: { body: 'warning' } },
          },
        },
      },
    },
  },
  {
    query: {
      multi_match: {
        query: 'brown fox',
        type: 'best_fields',
        fields: ['subject', 'message'],
        tie_breaker: 0.3,
      },
    },
    highlight: {
      pre_tags: ['<em>'],
      post_tags: ['</em>'],
      fields: { body: { fragment_size: 150, number_of_fragments: 3 } },
    },
    _source: { includes: ['obj1.*'], excludes: ['*.description'] },
    sort: [
      { post_date: { order: 'asc', format: 'strict_date_optional_time_nanos' } },
      'user',
      { name: 'desc' },
      '_score',
    ],
  },
  {
    query: { match: { message: 'GET /search' } },
    collapse: {
      field: 'user.id',
      inner_hits: { name: 'most_recent', size: 5, sort: [{ '@timestamp': 'desc' }] },
      max_concurrent_group_searches: 4,
    },
    search_after: [1463538857, '654323'],
    track_total_hits: 100,
  },
  {
    knn: {
      field: 'image-vector',
      query_vector: [-5, 9, -12],
      k: 10,
      num_candidates: 100,
      filter: { term: { 'file-type': 'png' } },
    },
    fields: ['title', 'file-type'],
    _source: false,
  },
  {
    suggest: {
      text: 'tring out Elasticsearch',
      'my-suggest-1': { term: { field: 'message' } },
      'my-suggest-2': { text: 'kmichy', term: { field: 'user.id' } },
    },
  },
  {
    query: { query_string: { query: '(new york city) OR (big apple)', default_field: 'content' } },
    post_filter: { term: { color: 'red' } },
    rescore: {
      window_size: 50,
      query: {
        rescore_query: { match_phrase: { message: { query: 'the quick brown', slop: 2 } } },
        query_weight: 0.7,
      },
    },
    runtime_mappings: {
      day_of_week: {
        type: 'keyword',
        script: { source: "emit(doc['@timestamp'].value.dayOfWeekEnum.toString())" },
      },
    },
    script_fields: { test1: { script: { lang: 'painless', source: "doc['price'].value * 2" } } },
    pit: { id: '46ToAwMDaWR5BXV1aWQy', keep_alive: '1m' },
  },
  {
    query: { terms: { 'user.id': ['kimchy', 'elkbee'], boost: 1.0 } },
    aggs: {
      by: {
        composite: {
          sources: [{ date: { date_histogram: { field: 'timestamp', calendar_interval: '1d' } } }],
        },
      },
    },
  },
  {
    query: {
      bool: {
        must: { match_all: {} },
        filter: [
          { geo_distance: { distance: '200km', 'pin.location': { lat: 40, lon: -70 } } },
          {
            geo_bounding_box: {
              'pin.location': {
                top_left: { lat: 40.73, lon: -74.1 },
                bottom_right: { lat: 40.01, lon: -71.12 },
              },
            },
          },
        ],
      },
    },
    sort: [{ _geo_distance: { 'pin.location': [-70, 40], order: 'asc', unit: 'km' } }],
  },
  {
    query: {
      span_near: {
        clauses: [
          { span_term: { field: 'value1' } },
          { span_term: { field: 'value2' } },
          { span_term: { field: 'value3' } },
        ],
        slop: 12,
        in_order: false,
      },
    },
  },
  {
    query: {
      percolate: { field: 'query', document: { message: 'A new bonsai tree in the office' } },
    },
  },
  {
    query: {
      has_child: {
        type: 'child',
        query: { match_all: {} },
        max_children: 10,
        min_children: 2,
        score_mode: 'min',
      },
    },
  },
  {
    query: {
      more_like_this: {
        fields: ['title', 'description'],
        like: [{ _index: 'imdb', _id: '1' }, 'and potentially some more text here as well'],
        min_term_freq: 1,
        max_query_terms: 12,
      },
    },
  },
  {
    query: {
      script_score: {
        query: { match: { message: 'elasticsearch' } },
        script: {
          source: "cosineSimilarity(params.query_vector, 'my_dense_vector') + 1.0",
          params: { query_vector: [4, 3.4, -0.2] },
        },
      },
    },
  },
  { query: { pinned: { ids: ['1', '4', '100'], organic: { match: { description: 'iphone' } } } } },
  {
    query: {
      intervals: {
        my_text: {
          all_of: {
            ordered: true,
            intervals: [{ match: { query: 'my favorite food', max_gaps: 0, ordered: true } }],
          },
        },
      },
    },
  },
  {
    query: {
      combined_fields: {
        query: 'database systems',
        fields: ['title', 'abstract', 'body'],
        operator: 'and',
      },
    },
  },
  {
    query: {
      simple_query_string: {
        query: '"fried eggs" +(eggplant | potato) -frittata',
        fields: ['title^5', 'body'],
        default_operator: 'and',
      },
    },
  },
  {
    query: {
      bool: {
        should: [
          { regexp: { 'user.id': { value: 'k.*y', flags: 'ALL', case_insensitive: true } } },
          {
            wildcard: {
              'user.id': { value: 'ki*y', boost: 1.0, rewrite: 'constant_score_blended' },
            },
          },
          { prefix: { 'user.id': { value: 'ki' } } },
          { fuzzy: { 'user.id': { value: 'ki', fuzziness: 'AUTO' } } },
          { exists: { field: 'user' } },
          { ids: { values: ['1', '4', '100'] } },
        ],
        minimum_should_match: '30%',
      },
    },
  },
  {
    size: 0,
    aggs: {
      sig: { significant_terms: { field: 'crime_type' } },
      pages: {
        composite: {
          size: 2,
          sources: [{ product: { terms: { field: 'product' } } }],
          after: { product: 'mad max' },
        },
      },
      tm: { top_metrics: { metrics: { field: 'm' }, sort: { s: 'desc' } } },
      load: { percentiles: { field: 'load_time', percents: [95, 99, 99.9] } },
      types: { cardinality: { field: 'type', precision_threshold: 100 } },
      centroid: { geo_centroid: { field: 'location' } },
      prices: {
        histogram: { field: 'price', interval: 50, extended_bounds: { min: 0, max: 500 } },
      },
      msgs: {
        filters: {
          other_bucket_key: 'other_messages',
          filters: { errors: { match: { body: 'error' } } },
        },
      },
      comments: {
        nested: { path: 'comments' },
        aggs: {
          top_users: {
            terms: { field: 'comments.username' },
            aggs: { back: { reverse_nested: {} } },
          },
        },
      },
      sample: {
        sampler: { shard_size: 200 },
        aggs: { keywords: { significant_terms: { field: 'tags' } } },
      },
      box: { boxplot: { field: 'load_time' } },
    },
  },
  {
    query: { term: { 'user.id': 'kimchy' } },
    indices_boost: [{ 'my-index-000001': 1.4 }, { 'my-index-000002': 1.3 }],
    docvalue_fields: ['user.id', { field: '@timestamp', format: 'epoch_millis' }],
    stored_fields: ['user', 'postDate'],
    version: true,
    seq_no_primary_term: true,
    timeout: '2s',
    terminate_after: 100,
    explain: true,
    profile: true,
    min_score: 0.5,
    stats: ['group1'],
  },
  {
    retriever: {
      rrf: {
        retrievers: [
          { standard: { query: { term: { text: 'shoes' } } } },
          { knn: { field: 'vector', query_vector: [1.25, 2, 3.5], k: 50, num_candidates: 100 } },
        ],
        rank_window_size: 50,
      },
    },
  },
];

describe('round-trips', () => {
  test.each(corpus.map((body, i) => [i, body] as const))(
    'body %i survives fromJSON → toJSON exactly and is not mutated',
    (_, body) => {
      const snapshot = structuredClone(body);
      const s = Search.fromJSON(body);
      expect(s.toJSON()).toEqual(snapshot);
      expect(body).toEqual(snapshot);
      expect(Object.isFrozen(body)).toBe(false);
    },
  );

  test('Q(json) and A(json) round-trip exactly', () => {
    for (const body of corpus) {
      if (body.query) expect(Q(body.query as object).toJSON()).toEqual(body.query);
      for (const agg of Object.values((body.aggs ?? body.aggregations ?? {}) as object)) {
        expect(A(agg as object).toJSON()).toEqual(agg);
      }
    }
  });
});

describe('errors', () => {
  test('DSL errors are ElastiqErrors with a stable code and a helpful message', () => {
    let caught: unknown;
    try {
      Q('matchh' as never, {} as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ElastiqError);
    expect(caught).toBeInstanceOf(DslError);
    expect(DslError.is(caught)).toBe(true);
    expect(caught).toMatchObject({ name: 'DslError', code: 'DSL_UNKNOWN_QUERY' });
    expect((caught as Error).message).toMatch(/\$raw/);
  });
});
