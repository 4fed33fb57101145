import { QUERY_METHODS, QUERY_SHAPES, type QueryName } from '../generated/catalogue.js';
import type * as S from '../generated/spec-types.js';
import { copyIn, RawNode } from '../nodes/node.js';
import { Query } from '../nodes/query-node.js';
import { andClauses, notClause, orClauses } from './bool-query.js';
import { type Clause, makeQuery, parseQuery, toClause } from './parse-query.js';
import type { QueryFactories, QueryInput, QueryJSONValue } from './query-types.js';

type Fields<X> = X extends Query<infer F> ? F : never;

/** What combinators return: a query naming the fields of every operand. */
export type Combined<X extends readonly QueryInput[]> = Query<Fields<X[number]>>;

interface QueryCombinators {
  /** AND of queries by elasticsearch-dsl's bool rules (see docs/dsl.md). */
  and<const X extends readonly QueryInput[]>(...queries: X): Combined<X>;
  /** OR of queries by elasticsearch-dsl's bool rules. */
  or<const X extends readonly QueryInput[]>(...queries: X): Combined<X>;
  /** NOT of a query (De Morgan over bool queries). */
  not<X extends QueryInput>(query: X): Query<Fields<X>>;
}

/** The `Q` factory: callable on JSON, a name and parameters, or a node; one method per query kind. */
export interface QueryFactory extends QueryFactories, QueryCombinators {
  <X extends Query<any>>(query: X): X;
  (json: S.QueryDslQueryContainer | RawNode): Query<never>;
  <N extends QueryName>(name: N, params: QueryJSONValue<N>): Query<never>;
}

function q(arg: unknown, params?: unknown): Query<any> | RawNode {
  if (arg instanceof Query || arg instanceof RawNode) return arg;
  if (typeof arg === 'string') return makeQuery(arg, params ?? {});
  return parseQuery(arg);
}

function combine(op: (a: Clause, b: Clause) => Clause, inputs: readonly QueryInput[]): Clause {
  if (inputs.length === 0) return makeQuery('match_all', {});
  return inputs.map(toClause).reduce(op);
}

// Factories know their name is in the catalogue: they skip the lookup makeQuery does.
function fieldFactory(name: string) {
  return (fieldOrParams: unknown, value?: unknown) => {
    if (typeof fieldOrParams !== 'string') return new Query(name, copyIn(fieldOrParams));
    const params: Record<string, unknown> = {};
    params[fieldOrParams] = copyIn(value);
    return new Query(name, params);
  };
}

function objectFactory(name: string) {
  if (name === 'bool') return (params?: unknown) => makeQuery(name, params ?? {});
  return (params?: unknown) => new Query(name, params === undefined ? {} : copyIn(params));
}

function buildFactory(): QueryFactory {
  const factory = q as unknown as Record<string, unknown>;
  for (const [method, name] of Object.entries(QUERY_METHODS)) {
    factory[method] = QUERY_SHAPES[name] === 'field' ? fieldFactory(name) : objectFactory(name);
  }
  factory.and = (...xs: QueryInput[]) => combine(andClauses, xs);
  factory.or = (...xs: QueryInput[]) => combine(orClauses, xs);
  factory.not = (x: QueryInput) => notClause(toClause(x));
  return Object.freeze(factory) as unknown as QueryFactory;
}

/**
 * Builds queries: `Q.match({ title: 'python' })`, `Q('match', { title: 'python' })`,
 * `Q({ match: { title: 'python' } })`; combinators `Q.and`, `Q.or`, `Q.not`.
 *
 * @example
 * ```ts
 * import { Q } from 'elastiq/dsl';
 * const q = Q.and(Q.match({ title: 'python' }), Q.not(Q.term({ status: 'draft' })));
 * q.toJSON(); // { bool: { must: [{ match: ... }], must_not: [{ term: ... }] } }
 * ```
 */
export const Q: QueryFactory = buildFactory();
