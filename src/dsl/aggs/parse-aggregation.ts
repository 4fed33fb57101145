import { DslError } from '../errors.js';
import { AGGREGATION_FAMILIES } from '../generated/catalogue.js';
import { Aggregation, type AnyAggregation } from '../nodes/aggregation-node.js';
import { copyIn, DslNode } from '../nodes/node.js';
import { toClause } from '../query/parse-query.js';

const CONTAINER_KEYS = new Set(['aggs', 'aggregations', 'meta']);

/** Builds an aggregation node after checking its name against the specification. */
export function makeAggregation(name: string, params: unknown): AnyAggregation {
  if (!Object.hasOwn(AGGREGATION_FAMILIES, name)) {
    throw new DslError(
      'DSL_UNKNOWN_AGGREGATION',
      `Unknown aggregation type '${name}': it is not in the Elasticsearch specification's AggregationContainer. ` +
        'Check the spelling, or pass the JSON through $raw(...).',
    );
  }
  // The filter aggregation's parameters are a query: keep it a node so it serialises as one.
  return new Aggregation(
    name,
    name === 'filter' ? toClause(params) : copyIn(params),
  ) as AnyAggregation;
}

/** Aggregation JSON (`{ terms: {...}, aggs: {...}, meta }`) as a node; the input is not changed. */
export function parseAggregation(json: unknown): AnyAggregation {
  if (json instanceof Aggregation) return json as AnyAggregation;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || json instanceof DslNode) {
    throw new DslError(
      'DSL_INVALID_AGGREGATION',
      'An aggregation must be an object such as { terms: { field } }.',
    );
  }
  const record = json as Record<string, unknown>;
  const kinds = Object.keys(record).filter((k) => !CONTAINER_KEYS.has(k));
  if (kinds.length !== 1) {
    throw new DslError(
      'DSL_INVALID_AGGREGATION',
      `An aggregation object must have exactly one type key besides aggs/meta, got ${JSON.stringify(kinds)}.`,
    );
  }
  const node = makeAggregation(kinds[0]!, record[kinds[0]!]);
  const subKey = 'aggregations' in record && !('aggs' in record) ? 'aggregations' : 'aggs';
  const subs = (record.aggs ?? record.aggregations) as Record<string, unknown> | undefined;
  const aggs: Record<string, AnyAggregation> = {};
  for (const [k, v] of Object.entries(subs ?? {})) aggs[k] = parseAggregation(v);
  const meta = record.meta === undefined ? undefined : copyIn(record.meta);
  return new Aggregation(node.name, node.params, aggs, meta, subKey) as AnyAggregation;
}
