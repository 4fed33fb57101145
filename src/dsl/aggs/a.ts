import { AGGREGATION_METHODS, type AggregationName } from '../generated/catalogue.js';
import type * as S from '../generated/spec-types.js';
import { Aggregation, type AnyAggregation } from '../nodes/aggregation-node.js';
import { copyIn } from '../nodes/node.js';
import type { AggregationFactories } from './aggregation-types.js';
import { makeAggregation, parseAggregation } from './parse-aggregation.js';

/** The `A` factory: callable on JSON or a name and parameters; one method per aggregation kind. */
export interface AggregationFactoryFn extends AggregationFactories {
  <G extends AnyAggregation>(agg: G): G;
  (json: S.AggregationsAggregationContainer): Aggregation<string, never>;
  <N extends AggregationName>(
    name: N,
    params: S.AggregationsAggregationContainer[N],
  ): Aggregation<N, never>;
}

function a(arg: unknown, params?: unknown): AnyAggregation {
  if (arg instanceof Aggregation) return arg as AnyAggregation;
  if (typeof arg === 'string') return makeAggregation(arg, params ?? {});
  return parseAggregation(arg);
}

function buildFactory(): AggregationFactoryFn {
  const factory = a as unknown as Record<string, unknown>;
  for (const [method, name] of Object.entries(AGGREGATION_METHODS)) {
    // Factories know their name is in the catalogue: only `filter` needs makeAggregation's care.
    factory[method] =
      name === 'filter'
        ? (params?: unknown) => makeAggregation(name, params ?? {})
        : (params?: unknown) => new Aggregation(name, params === undefined ? {} : copyIn(params));
  }
  return Object.freeze(factory) as unknown as AggregationFactoryFn;
}

/**
 * Builds aggregations: `A.terms({ field: 'tags' })`, `A('terms', { field: 'tags' })`,
 * `A({ terms: { field: 'tags' } })`. Sub-aggregations via `.bucket()`, `.metric()`, `.pipeline()`,
 * each returning a new aggregation.
 *
 * @example
 * ```ts
 * import { A } from 'elastiq/dsl';
 * const byTag = A.terms({ field: 'tags', size: 10 }).metric('avgLikes', A.avg({ field: 'likes' }));
 * byTag.toJSON(); // { terms: { field: 'tags', size: 10 }, aggs: { avgLikes: { avg: { field: 'likes' } } } }
 * ```
 */
export const A: AggregationFactoryFn = buildFactory();
