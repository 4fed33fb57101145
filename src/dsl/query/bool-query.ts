import { DslError } from '../errors.js';
import { copyIn } from '../nodes/node.js';
import { Query } from '../nodes/query-node.js';
import { type BoolClause, type Clause, makeQuery } from './parse-query.js';

/** A bool query taken apart: its four clause lists and every other parameter. */
interface BoolParts {
  must: Clause[];
  filter: Clause[];
  should: Clause[];
  must_not: Clause[];
  rest: Record<string, unknown>;
}

function isQuery(c: Clause, name: string): c is Query<any> {
  return c instanceof Query && c.name === name;
}

// A plain loop: slice() on frozen arrays takes a slow path in V8.
function list(v: unknown): Clause[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [v as Clause];
  const out = new Array<Clause>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return out;
}

function parts(q: Query<any>): BoolParts {
  const p = (q.params ?? {}) as Record<string, unknown>;
  const rest: Record<string, unknown> = {};
  for (const k in p) {
    if (k !== 'must' && k !== 'filter' && k !== 'should' && k !== 'must_not') rest[k] = p[k];
  }
  return {
    must: list(p.must),
    filter: list(p.filter),
    should: list(p.should),
    must_not: list(p.must_not),
    rest,
  };
}

// The clauses are nodes already: wrap without re-parsing (this is the hot path).
function build(p: BoolParts): Query<any> {
  const params: Record<string, unknown> = {};
  if (p.must.length) params.must = p.must;
  if (p.filter.length) params.filter = p.filter;
  if (p.should.length) params.should = p.should;
  if (p.must_not.length) params.must_not = p.must_not;
  for (const k in p.rest) params[k] = copyIn(p.rest[k]);
  return new Query('bool', params);
}

function bool(
  clauses: Partial<Record<BoolClause, Clause[]>>,
  rest: Record<string, unknown> = {},
): Query<any> {
  const params: Record<string, unknown> = {};
  // Empty lists are left out, as elasticsearch-dsl serialises them (a bool without clauses).
  for (const k in clauses)
    if (clauses[k as BoolClause]!.length) params[k] = clauses[k as BoolClause];
  for (const k in rest) params[k] = copyIn(rest[k]);
  return new Query('bool', params);
}

function isBool(c: Clause): c is Query<any> {
  return isQuery(c, 'bool');
}

/** How many should clauses must match, by elasticsearch-dsl's rule (explicit value wins). */
function minShouldMatch(p: BoolParts): unknown {
  const explicit = p.rest.minimum_should_match;
  if (explicit !== undefined) return explicit;
  return p.should.length === 0 || p.must.length > 0 || p.filter.length > 0 ? 0 : 1;
}

/**
 * The minimum_should_match an AND can merge by: a non-negative integer. elasticsearch-dsl
 * refuses the others (`"50%"`, `-1`), whose meaning depends on the number of should clauses.
 */
function mergeableMinimum(p: BoolParts): number {
  const msm = minShouldMatch(p);
  if (typeof msm === 'number' && Number.isInteger(msm) && msm >= 0) return msm;
  throw new DslError(
    'DSL_INVALID_QUERY',
    `Cannot AND two bool queries when one has minimum_should_match ${JSON.stringify(msm)}: ` +
      'only a non-negative integer can be merged (as elasticsearch-dsl requires). ' +
      'Nest that bool in the must list of a new Q.bool(...) instead.',
  );
}

// elasticsearch-dsl treats a bool as a list of should clauses when it has nothing else: no
// must/filter/must_not and no (or a zero) minimum_should_match.
function shouldOnly(p: BoolParts): boolean {
  return !p.must.length && !p.must_not.length && !p.filter.length && !p.rest.minimum_should_match;
}

/**
 * AND of two clauses, by elasticsearch-dsl's rules (see docs/dsl.md): the left operand decides
 * first, as Python's `a & b` calls `a.__and__(b)`; a plain query hands over to the other side.
 */
export function andClauses(a: Clause, b: Clause): Clause {
  if (isQuery(a, 'match_all')) return b;
  if (isQuery(a, 'match_none')) return a;
  if (isBool(a)) return andBool(parts(a), b);
  if (isQuery(b, 'match_all')) return a;
  if (isQuery(b, 'match_none')) return b;
  if (isBool(b)) return andBool(parts(b), a);
  return bool({ must: [a, b] });
}

function andBool(q: BoolParts, other: Clause): Query<any> {
  if (!isBool(other)) {
    // A bool with only should clauses would turn them optional once must is added: pin them.
    if (
      !q.must.length &&
      !q.filter.length &&
      q.should.length &&
      !('minimum_should_match' in q.rest)
    ) {
      q.rest.minimum_should_match = 1;
    }
    q.must.push(other);
    return build(q);
  }
  // parts() returns fresh lists, so q's lists are extended in place (this is the hot path).
  const o = parts(other);
  const qMsm = mergeableMinimum(q); // before q's lists grow below
  const oMsm = mergeableMinimum(o);
  const rest: Record<string, unknown> = {};
  for (const k in q.rest) if (k !== 'minimum_should_match') rest[k] = q.rest[k];
  const out: BoolParts = {
    must: append(q.must, o.must),
    filter: append(q.filter, o.filter),
    must_not: append(q.must_not, o.must_not),
    should: [],
    rest,
  };
  mergeShould(out, q.should, qMsm);
  mergeShould(out, o.should, oMsm);
  return build(out);
}

function append(target: Clause[], more: readonly Clause[]): Clause[] {
  for (let i = 0; i < more.length; i++) target.push(more[i]!);
  return target;
}

/**
 * `and(current, bool { [key]: [clause] })`, the step of filter() and exclude(): when `current`
 * is a bool without should clauses and without a minimum_should_match the rules reduce to
 * appending `clause` to its `key` list, done here without taking it apart.
 */
export function andClause(current: Clause | undefined, key: BoolClause, clause: Clause): Clause {
  if (current === undefined) return boolOf(key, clause);
  const p = current instanceof Query ? (current.params as Record<string, unknown>) : undefined;
  if (!isBool(current) || p!.should !== undefined || p!.minimum_should_match !== undefined) {
    return andClauses(current, boolOf(key, clause));
  }
  const out: Record<string, unknown> = {};
  for (const k in p) out[k] = p[k];
  const list = p![key];
  out[key] =
    list === undefined ? [clause] : Array.isArray(list) ? [...list, clause] : [list, clause];
  return new Query('bool', out);
}

/** A bool query with one clause list holding one clause (what filter()/exclude() AND on). */
export function boolOf(key: BoolClause, clause: Clause): Query<any> {
  const params: Record<string, unknown> = {};
  params[key] = [clause];
  return new Query('bool', params);
}

function mergeShould(out: BoolParts, should: Clause[], msm: number): void {
  if (!should.length) return;
  if (should.length <= msm) {
    append(out.must, should); // every should clause is required
  } else if (!out.should.length) {
    out.should = should.slice();
    out.rest.minimum_should_match = msm;
  } else if (minShouldMatch(out) === 0 && msm === 0) {
    append(out.should, should);
  } else {
    out.must.push(bool({ should }, { minimum_should_match: msm }));
  }
}

/**
 * OR of two clauses, by elasticsearch-dsl's rules: the left operand decides first, a plain
 * query hands over to the other side; a should-only bool takes the other operand in.
 */
export function orClauses(a: Clause, b: Clause): Clause {
  if (isQuery(a, 'match_all')) return a;
  if (isQuery(a, 'match_none')) return b;
  if (isBool(a)) return orBool(a, b);
  if (isQuery(b, 'match_all')) return b;
  if (isQuery(b, 'match_none')) return a;
  if (isBool(b)) return orBool(b, a);
  return bool({ should: [a, b] });
}

function orBool(self: Query<any>, other: Clause): Clause {
  for (const q of [self, other]) {
    if (!isBool(q)) continue;
    const p = parts(q);
    if (!shouldOnly(p)) continue;
    const rest = q === self ? other : self;
    const o = isBool(rest) ? parts(rest) : undefined;
    if (o && shouldOnly(o)) append(p.should, o.should);
    else p.should.push(rest);
    return build(p);
  }
  return bool({ should: [self, other] });
}

/**
 * NOT of a clause: De Morgan over bool queries, match_all and match_none swap (their parameters
 * dropped, as elasticsearch-dsl does).
 */
export function notClause(a: Clause): Clause {
  if (isQuery(a, 'match_all')) return makeQuery('match_none', {});
  if (isQuery(a, 'match_none')) return makeQuery('match_all', {});
  if (!isBool(a)) return boolOf('must_not', a);
  const p = parts(a);
  if (!p.must.length && !p.filter.length && !p.should.length && !p.must_not.length) {
    return makeQuery('match_none', {}); // an empty bool matches everything
  }
  const negations: Clause[] = [...p.must, ...p.filter].map(notClause);
  negations.push(...p.must_not);
  const msm = minShouldMatch(p);
  if (p.should.length && msm) {
    // "At least one" negates to "none"; any other minimum needs the should set kept whole
    // (docs/dsl.md rule 12: elasticsearch-dsl writes "none" there too, and loses documents).
    negations.push(
      msm === 1
        ? bool({ must_not: p.should })
        : bool({ must_not: [bool({ should: p.should }, { minimum_should_match: msm })] }),
    );
  }
  return negations.length === 1 ? negations[0]! : bool({ should: negations });
}
