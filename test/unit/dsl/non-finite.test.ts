import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../../src/core/errors.js';
import { JsonSerializer } from '../../../src/core/serializer/json-serializer.js';
import { $raw, A, MultiSearch, Q, Search, SF } from '../../../src/dsl/index.js';

function thrown(run: () => unknown): SerializationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    return err as SerializationError;
  }
  throw new Error('expected a SerializationError, nothing was thrown');
}

describe('elastiq/dsl refuses NaN, Infinity and Invalid Date when a body is built', () => {
  it('Q.range with a NaN bound: toJSON() names the path inside the query', () => {
    const q = Q.range({ n: { gt: Number.NaN } });
    const err = thrown(() => q.toJSON());
    expect(err.path).toBe('range.n.gt');
    expect(err.message).toContain('at range.n.gt is NaN');
    expect(err.message).toContain('elastiq/dsl');
  });

  it('Search.toJSON() names the path from the body root, through bool clauses', () => {
    const s = new Search().query(
      Q.bool({ filter: [Q.term({ a: 1 }), Q.range({ 'user.age': { lte: Infinity } })] }),
    );
    const err = thrown(() => s.toJSON());
    expect(err.path).toBe('query.bool.filter[1].range["user.age"].lte');
    expect(thrown(() => s.toRequest()).path).toBe('query.bool.filter[1].range["user.age"].lte');
  });

  it('post_filter, aggregations (sub-aggregations too), extra body keys and score functions', () => {
    expect(
      thrown(() => new Search().postFilter(Q.range({ n: { gte: -Infinity } })).toJSON()).path,
    ).toBe('post_filter.range.n.gte');
    const agg = A.terms({ field: 'tags' }).metric(
      'avg',
      A.avg({ field: 'n', missing: Number.NaN }),
    );
    expect(thrown(() => new Search().aggs('byTag', agg).toJSON()).path).toBe(
      'aggs.byTag.aggs.avg.avg.missing',
    );
    expect(thrown(() => new Search().extra({ min_score: Number.NaN }).toJSON()).path).toBe(
      'min_score',
    );
    const scored = Q.functionScore({ query: Q.matchAll(), functions: [SF.weight(Number.NaN)] });
    expect(thrown(() => scored.toJSON()).path).toBe('function_score.functions[0].weight');
  });

  it('an Invalid Date in a range is refused, a valid one still becomes ISO-8601', () => {
    const err = thrown(() => Q.range({ at: { gte: new Date('nope') } }).toJSON());
    expect(err.path).toBe('range.at.gte');
    expect(err.message).toContain('an Invalid Date');
    expect(JSON.stringify(Q.range({ at: { gte: new Date(0) } }))).toBe(
      '{"range":{"at":{"gte":"1970-01-01T00:00:00.000Z"}}}',
    );
  });

  it('$raw values and multi-search bodies (path starts at the NDJSON line)', () => {
    expect(thrown(() => $raw({ script_score: { boost: Number.NaN } }).toJSON()).path).toBe(
      'script_score.boost',
    );
    const ms = new MultiSearch()
      .add(new Search().query(Q.matchAll()))
      .add(new Search().query(Q.range({ n: { lt: Number.NaN } })));
    expect(thrown(() => ms.toJSON()).path).toBe('[3].query.range.n.lt');
  });

  it('a query node inside a plain client body: the serializer names the whole path', () => {
    const body = { query: Q.bool({ must: [Q.range({ n: { gte: Number('abc') } })] }) };
    const err = thrown(() => new JsonSerializer().serialize(body));
    expect(err.path).toBe('query.bool.must[0].range.n.gte');
    expect(err.message).toContain('the request body');
  });

  it('finite values are untouched', () => {
    const s = new Search().query(Q.range({ n: { gte: 0, lt: 1.5 } })).extra({ size: 10 });
    expect(s.toJSON()).toEqual({ query: { range: { n: { gte: 0, lt: 1.5 } } }, size: 10 });
  });
});
