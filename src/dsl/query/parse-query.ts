import { DslError } from '../errors.js';
import { QUERY_SHAPES, type QueryName } from '../generated/catalogue.js';
import { copyIn, DslNode, RawNode } from '../nodes/node.js';
import { Query } from '../nodes/query-node.js';

/** A query clause as the algebra sees it: a query node or an opaque raw value. */
export type Clause = Query<any> | RawNode;

export const BOOL_CLAUSES = ['must', 'filter', 'should', 'must_not'] as const;
export type BoolClause = (typeof BOOL_CLAUSES)[number];

/** Whether `name` is a query kind of the specification. */
export function isQueryName(name: string): name is QueryName {
  return Object.hasOwn(QUERY_SHAPES, name);
}

/** Builds a query node; bool clauses become nodes so that the bool algebra can read them. */
export function makeQuery(name: string, params: unknown): Query<any> {
  if (!isQueryName(name)) {
    throw new DslError(
      'DSL_UNKNOWN_QUERY',
      `Unknown query type '${name}': it is not in the Elasticsearch specification's QueryContainer. ` +
        'Check the spelling, or wrap the JSON in $raw(...) to send it unchecked.',
    );
  }
  return new Query(name, name === 'bool' ? boolParams(params) : copyIn(params));
}

function boolParams(params: unknown): unknown {
  if (typeof params !== 'object' || params === null) return copyIn(params);
  const out: Record<string, unknown> = {};
  const p = params as Record<string, unknown>;
  for (const k in p) {
    const v = p[k];
    const clause = k === 'must' || k === 'filter' || k === 'should' || k === 'must_not';
    out[k] = !clause ? copyIn(v) : Array.isArray(v) ? v.map(toClause) : toClause(v);
  }
  return out;
}

/** Any query input (node, raw node or query JSON) as a clause. */
export function toClause(input: unknown): Clause {
  if (input instanceof Query || input instanceof RawNode) return input;
  if (input instanceof DslNode) {
    throw new DslError('DSL_INVALID_QUERY', `Expected a query, got a '${input.kind}' node.`);
  }
  return parseQuery(input);
}

/** Query JSON (`{ match: { title: 'x' } }`) as a node; the input is copied, never changed. */
export function parseQuery(json: unknown): Query<any> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DslError(
      'DSL_INVALID_QUERY',
      `A query must be an object with one key, got ${describe(json)}.`,
    );
  }
  const keys = Object.keys(json);
  if (keys.length !== 1) {
    throw new DslError(
      'DSL_INVALID_QUERY',
      `A query object must have exactly one key (its type), got ${keys.length}: ${JSON.stringify(keys)}.`,
    );
  }
  const name = keys[0]!;
  return makeQuery(name, (json as Record<string, unknown>)[name]);
}

function describe(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
}
