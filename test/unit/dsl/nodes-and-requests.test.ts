import { describe, expect, test } from 'vitest';
import { $raw, A, MultiSearch, Q, Search, UpdateByQuery } from '../../../src/dsl/index.js';

describe('query nodes', () => {
  test('query nodes nest inside any parameter and serialise in place', () => {
    const q = Q.nested({
      path: 'comments',
      query: Q.bool({ must: [Q.match({ 'comments.text': 'x' })] }),
      score_mode: 'avg',
    });
    expect(q.toJSON()).toEqual({
      nested: {
        path: 'comments',
        query: { bool: { must: [{ match: { 'comments.text': 'x' } }] } },
        score_mode: 'avg',
      },
    });
    expect(Q.constantScore({ filter: Q.term({ a: 1 }), boost: 2 }).toJSON()).toEqual({
      constant_score: { filter: { term: { a: 1 } }, boost: 2 },
    });
    expect(
      Q.disMax({ queries: [Q.term({ a: 1 }), Q.term({ b: 2 })], tie_breaker: 0.7 }).toJSON(),
    ).toEqual({
      dis_max: { queries: [{ term: { a: 1 } }, { term: { b: 2 } }], tie_breaker: 0.7 },
    });
  });

  test('$raw clauses take part in the bool algebra as opaque queries', () => {
    const q = Q.and(Q.term({ a: 1 }), $raw({ my_query: { x: 1 } }));
    expect(q.toJSON()).toEqual({ bool: { must: [{ term: { a: 1 } }, { my_query: { x: 1 } }] } });
    expect(Q.not($raw({ my_query: {} })).toJSON()).toEqual({
      bool: { must_not: [{ my_query: {} }] },
    });
  });

  test('a bool keeps a single clause given as an object through toJSON', () => {
    expect(Q({ bool: { must: { term: { a: 1 } } } }).toJSON()).toEqual({
      bool: { must: { term: { a: 1 } } },
    });
  });
});

describe('aggregation nodes', () => {
  test('filters takes query nodes by name; withMeta sets meta on a new node', () => {
    const agg = A.filters({
      filters: { errors: Q.match({ body: 'error' }), warnings: Q.match({ body: 'warning' }) },
    });
    const withMeta = agg.withMeta({ color: 'red' });
    expect(withMeta.toJSON()).toEqual({
      filters: {
        filters: { errors: { match: { body: 'error' } }, warnings: { match: { body: 'warning' } } },
      },
      meta: { color: 'red' },
    });
    expect(agg.toJSON()).not.toHaveProperty('meta');
  });

  test('withMeta keeps a copy of the meta it is given', () => {
    const meta = { ui: { color: 'red' } };
    const agg = A.terms({ field: 'tags' }).withMeta(meta);
    meta.ui.color = 'blue';
    expect(agg.toJSON()).toEqual({ terms: { field: 'tags' }, meta: { ui: { color: 'red' } } });
  });

  test('sub-aggregations can be replaced by name without touching the original', () => {
    const base = A.terms({ field: 'tags' }).metric('m', A.avg({ field: 'a' }));
    const replaced = base.metric('m', A.max({ field: 'a' }));
    expect(base.toJSON()).toEqual({
      terms: { field: 'tags' },
      aggs: { m: { avg: { field: 'a' } } },
    });
    expect(replaced.toJSON()).toEqual({
      terms: { field: 'tags' },
      aggs: { m: { max: { field: 'a' } } },
    });
  });

  test('A(json) keeps the aggregations key it was given', () => {
    const json = { terms: { field: 'x' }, aggregations: { m: { avg: { field: 'y' } } } };
    expect(A(json).toJSON()).toEqual(json);
  });
});

describe('UpdateByQuery', () => {
  test('toJSON holds the query, the script and extra keys; toRequest adds index and params', () => {
    const ubq = new UpdateByQuery({ index: 'posts' })
      .query(Q.term({ status: 'draft' }))
      .exclude(Q.term({ pinned: true }))
      .script('ctx._source.n++')
      .extra({ max_docs: 10 })
      .params({ conflicts: 'proceed' });
    expect(ubq.toJSON()).toEqual({
      query: {
        bool: {
          must: [{ term: { status: 'draft' } }],
          filter: [{ bool: { must_not: [{ term: { pinned: true } }] } }],
        },
      },
      script: 'ctx._source.n++',
      max_docs: 10,
    });
    expect(ubq.toRequest()).toMatchObject({ index: 'posts', conflicts: 'proceed', max_docs: 10 });
  });

  test('UpdateByQuery methods return new objects', () => {
    const base = new UpdateByQuery();
    const next = base.script({ source: 'x' });
    expect(next).not.toBe(base);
    expect(base.toJSON()).toEqual({});
  });
});

describe('MultiSearch', () => {
  test('toJSON writes a header (index and params) and a body per search', () => {
    const ms = new MultiSearch({ index: 'default' })
      .add(new Search({ index: ['a', 'b'] }).query(Q.term({ x: 1 })).params({ routing: 'r' }))
      .add(new Search().size(0));
    expect(ms.toJSON()).toEqual([
      { index: 'a,b', routing: 'r' },
      { query: { term: { x: 1 } } },
      {},
      { size: 0 },
    ]);
  });

  test('add() returns a new MultiSearch', () => {
    const empty = new MultiSearch();
    const one = empty.add(new Search());
    expect(empty.toJSON()).toEqual([]);
    expect(one.toJSON()).toEqual([{}, {}]);
  });
});
