import { describe, expect, test } from 'vitest';
import { Q, type Query } from '../../../src/dsl/index.js';

const a = Q.term({ a: 1 });
const b = Q.term({ b: 2 });
const c = Q.term({ c: 3 });
const d = Q.term({ d: 4 });
const A = { term: { a: 1 } };
const B = { term: { b: 2 } };
const C = { term: { c: 3 } };
const D = { term: { d: 4 } };

describe('and', () => {
  test('two non-bool queries become a bool with both in must', () => {
    expect(Q.and(a, b).toJSON()).toEqual({ bool: { must: [A, B] } });
  });

  test('and-ing bools concatenates must, filter and must_not', () => {
    const left = Q.bool({ must: [a], filter: [b] });
    const right = Q.bool({ must: [c], must_not: [d] });
    expect(Q.and(left, right).toJSON()).toEqual({
      bool: { must: [A, C], filter: [B], must_not: [D] },
    });
  });

  test('a non-bool query joins the must clauses of a bool on either side', () => {
    expect(Q.and(Q.bool({ filter: [a] }), b).toJSON()).toEqual({
      bool: { must: [B], filter: [A] },
    });
    expect(Q.and(b, Q.bool({ filter: [a] })).toJSON()).toEqual({
      bool: { must: [B], filter: [A] },
    });
  });

  test('a should-only bool and-ed with a query pins its should with minimum_should_match 1', () => {
    expect(Q.and(Q.bool({ should: [a, b] }), c).toJSON()).toEqual({
      bool: { should: [A, B], must: [C], minimum_should_match: 1 },
    });
  });

  test('should clauses that are all required move into must', () => {
    const left = Q.bool({ should: [a] }); // one should clause, implicit minimum 1: required
    const right = Q.bool({ should: [b] });
    expect(Q.and(left, right).toJSON()).toEqual({ bool: { must: [A, B] } });
  });

  test('optional should clauses are kept with their minimum_should_match', () => {
    const left = Q.bool({ should: [a, b] });
    expect(Q.and(left, Q.bool({ filter: [c] })).toJSON()).toEqual({
      bool: { filter: [C], should: [A, B], minimum_should_match: 1 },
    });
  });

  test('two sets of optional should clauses with minimum 0 are concatenated', () => {
    const left = Q.bool({ must: [a], should: [b] });
    const right = Q.bool({ filter: [c], should: [d] });
    expect(Q.and(left, right).toJSON()).toEqual({
      bool: { must: [A], filter: [C], should: [B, D], minimum_should_match: 0 },
    });
  });

  test('a second set of partly required should clauses becomes a nested bool in must', () => {
    const left = Q.bool({ should: [a, b] });
    const right = Q.bool({ should: [c, d] });
    expect(Q.and(left, right).toJSON()).toEqual({
      bool: {
        should: [A, B],
        minimum_should_match: 1,
        must: [{ bool: { should: [C, D], minimum_should_match: 1 } }],
      },
    });
  });

  test('a percentage minimum_should_match stays with its should clauses when a query joins', () => {
    const half = (x: Query<string>, y: Query<string>) =>
      Q.bool({ should: [x, y], minimum_should_match: '50%' });
    expect(Q.and(half(a, b), c).toJSON()).toEqual({
      bool: { should: [A, B], minimum_should_match: '50%', must: [C] },
    });
  });

  test('two bools do not AND when one has a minimum_should_match that is not a count', () => {
    // elasticsearch-dsl raises "Can only combine queries with positive integer values for
    // minimum_should_match" for a percentage or a negative number on either side.
    const half = Q.bool({ should: [a, b], minimum_should_match: '50%' });
    expect(() => Q.and(half, Q.bool({ should: [c, d] }))).toThrow(
      expect.objectContaining({ code: 'DSL_INVALID_QUERY' }),
    );
    const negative = Q.bool({ should: [a], minimum_should_match: -2 });
    const one = Q.bool({ should: [b], minimum_should_match: 1 });
    expect(() => Q.and(negative, one)).toThrow(/minimum_should_match -2/);
    expect(() => Q.and(one, negative)).toThrow(/minimum_should_match -2/);
    expect(() => Q.and(negative, Q.bool({ filter: [c] }))).toThrow(/non-negative integer/);
  });

  test('match_all is the identity of and, match_none absorbs', () => {
    expect(Q.and(Q.matchAll(), a).toJSON()).toEqual(A);
    expect(Q.and(a, Q.matchAll()).toJSON()).toEqual(A);
    expect(Q.and(Q.matchNone(), a).toJSON()).toEqual({ match_none: {} });
    expect(Q.and(a, Q.matchNone()).toJSON()).toEqual({ match_none: {} });
  });

  test('match_all with a boost is an identity too (elasticsearch-dsl goes by the class)', () => {
    expect(Q.and(Q.matchAll({ boost: 2 }), a).toJSON()).toEqual(A);
    expect(Q.and(a, Q.matchNone({ _name: 'x' })).toJSON()).toEqual({ match_none: { _name: 'x' } });
  });

  test('a bool on the left takes match_all and match_none into must (the one-sided shortcut)', () => {
    const must = Q.bool({ must: [a] });
    expect(Q.and(must, Q.matchAll()).toJSON()).toEqual({ bool: { must: [A, { match_all: {} }] } });
    expect(Q.and(must, Q.matchNone()).toJSON()).toEqual({
      bool: { must: [A, { match_none: {} }] },
    });
    expect(Q.and(Q.matchAll(), must).toJSON()).toEqual({ bool: { must: [A] } });
    expect(Q.and(Q.matchNone(), must).toJSON()).toEqual({ match_none: {} });
  });
});

describe('or', () => {
  test('two non-bool queries become a bool with both in should', () => {
    expect(Q.or(a, b).toJSON()).toEqual({ bool: { should: [A, B] } });
  });

  test('or-ing should-only bools flattens their should clauses', () => {
    expect(Q.or(Q.or(a, b), Q.or(c, d)).toJSON()).toEqual({ bool: { should: [A, B, C, D] } });
  });

  test('a query or-ed with a should-only bool joins its should clauses', () => {
    expect(Q.or(Q.or(a, b), c).toJSON()).toEqual({ bool: { should: [A, B, C] } });
    expect(Q.or(c, Q.or(a, b)).toJSON()).toEqual({ bool: { should: [A, B, C] } });
  });

  test('a bool with must or filter is wrapped, not flattened', () => {
    const must = Q.bool({ must: [a] });
    expect(Q.or(must, b).toJSON()).toEqual({ bool: { should: [{ bool: { must: [A] } }, B] } });
  });

  test('a plain query or-ed with a bool hands over to the bool: the bool comes first', () => {
    const must = Q.bool({ must: [b] });
    expect(Q.or(a, must).toJSON()).toEqual({ bool: { should: [{ bool: { must: [B] } }, A] } });
  });

  test('a bool on the left takes match_all and match_none in (the one-sided shortcut)', () => {
    expect(Q.or(Q.bool({ should: [a, b] }), Q.matchAll()).toJSON()).toEqual({
      bool: { should: [A, B, { match_all: {} }] },
    });
    expect(Q.or(Q.bool({ must: [a] }), Q.matchNone()).toJSON()).toEqual({
      bool: { should: [{ bool: { must: [A] } }, { match_none: {} }] },
    });
  });

  test('a bool with an explicit minimum_should_match is wrapped, not flattened', () => {
    const q = Q.bool({ should: [a, b], minimum_should_match: 2 });
    expect(Q.or(q, c).toJSON()).toEqual({
      bool: { should: [{ bool: { should: [A, B], minimum_should_match: 2 } }, C] },
    });
  });

  test('match_all absorbs or, match_none is its identity', () => {
    expect(Q.or(Q.matchAll(), a).toJSON()).toEqual({ match_all: {} });
    expect(Q.or(a, Q.matchNone()).toJSON()).toEqual(A);
    expect(Q.or(Q.matchNone(), a).toJSON()).toEqual(A);
  });
});

describe('not', () => {
  test('not of a query is a bool with it in must_not', () => {
    expect(Q.not(a).toJSON()).toEqual({ bool: { must_not: [A] } });
  });

  test('not of a bool applies De Morgan: must and filter clauses are negated into should', () => {
    expect(Q.not(Q.bool({ must: [a], filter: [b] })).toJSON()).toEqual({
      bool: { should: [{ bool: { must_not: [A] } }, { bool: { must_not: [B] } }] },
    });
  });

  test('not of a bool turns must_not clauses positive', () => {
    expect(Q.not(Q.bool({ must_not: [a] })).toJSON()).toEqual(A);
    expect(Q.not(Q.not(a)).toJSON()).toEqual(A);
  });

  test('not of required should clauses adds a must_not of all of them', () => {
    expect(Q.not(Q.or(a, b)).toJSON()).toEqual({ bool: { must_not: [A, B] } });
  });

  test('not of should clauses with a minimum above one negates the whole should set', () => {
    // Two of three required: a document matching only one must be in the negation.
    expect(Q.not(Q.bool({ should: [a, b, c], minimum_should_match: 2 })).toJSON()).toEqual({
      bool: { must_not: [{ bool: { should: [A, B, C], minimum_should_match: 2 } }] },
    });
    expect(
      Q.not(Q.bool({ must: [d], should: [a, b], minimum_should_match: '50%' })).toJSON(),
    ).toEqual({
      bool: {
        should: [
          { bool: { must_not: [D] } },
          { bool: { must_not: [{ bool: { should: [A, B], minimum_should_match: '50%' } }] } },
        ],
      },
    });
  });

  test('optional should clauses (minimum 0) do not affect the negation', () => {
    expect(Q.not(Q.bool({ must: [a], should: [b] })).toJSON()).toEqual({ bool: { must_not: [A] } });
  });

  test('not swaps match_all and match_none; an empty bool negates to match_none', () => {
    expect(Q.not(Q.matchAll()).toJSON()).toEqual({ match_none: {} });
    expect(Q.not(Q.matchNone()).toJSON()).toEqual({ match_all: {} });
    expect(Q.not(Q.bool({})).toJSON()).toEqual({ match_none: {} });
  });
});

describe('combinators', () => {
  test('operands are never changed', () => {
    const left = Q.bool({ must: [a] });
    const before = JSON.stringify(left.toJSON());
    Q.and(left, Q.bool({ must: [b] }));
    Q.or(left, b);
    Q.not(left);
    expect(JSON.stringify(left.toJSON())).toBe(before);
  });

  test('JSON operands are parsed and merged like nodes', () => {
    expect(Q.and({ bool: { filter: [A] } }, { bool: { filter: B } }).toJSON()).toEqual({
      bool: { filter: [A, B] },
    });
  });

  test('and/or of nothing is match_all; of one query is that query', () => {
    expect(Q.and().toJSON()).toEqual({ match_all: {} });
    expect(Q.or(a).toJSON()).toEqual(A);
  });
});
