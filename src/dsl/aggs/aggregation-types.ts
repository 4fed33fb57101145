import type { AggregationCatalogue, AggregationName } from '../generated/catalogue.js';
import type * as S from '../generated/spec-types.js';
import type { Aggregation } from '../nodes/aggregation-node.js';
import type { RawNode } from '../nodes/node.js';
import type { Query } from '../nodes/query-node.js';
import type { ArgFields, QueryInput } from '../query/query-types.js';

type AC = AggregationCatalogue;

type NodeArg<V> = V extends undefined
  ? never
  : V extends readonly unknown[]
    ? readonly QueryInput[]
    : [S.QueryDslQueryContainer] extends [V]
      ? QueryInput
      : { readonly [name: string]: QueryInput };
type FieldArg<V> = V extends undefined
  ? never
  : V extends readonly unknown[]
    ? readonly string[]
    : string;

type Typed<P, QK, FK> = P extends object
  ? { [K in keyof P]: K extends QK ? NodeArg<P[K]> : K extends FK ? FieldArg<P[K]> : P[K] }
  : P;

/** The parameters `A.<name>(...)` takes. */
export type AggregationParams<N extends AggregationName> = Typed<
  AC[N]['params'],
  AC[N]['queries'],
  AC[N]['fields']
>;

type ValueFields<V> = V extends Query<any> | string | readonly unknown[]
  ? ArgFields<V>
  : V extends { readonly [k: string]: infer E }
    ? ArgFields<E>
    : never;

type ParamFields<P, Keys> = P extends object
  ? { [K in keyof P]-?: K extends Keys ? ValueFields<P[K]> : never }[keyof P]
  : never;

/** `A.terms({ field: 'tags' })` → `Aggregation<'terms', 'tags'>`. */
export type AggregationFactory<N extends AggregationName> = <const P extends AggregationParams<N>>(
  params: P,
) => Aggregation<N, ParamFields<P, AC[N]['queries'] | AC[N]['fields']>>;

/** `A.filter(Q.term({ published: true }))`: the filter aggregation takes a query. */
export type FilterAggregationFactory = <X extends QueryInput>(
  query: X,
) => Aggregation<'filter', X extends Query<infer F> ? F : never>;

type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;

/** One factory per aggregation kind of the specification, camelCased (`A.dateHistogram`). */
export type AggregationFactories = {
  [N in AggregationName as Camel<N>]: N extends 'filter'
    ? FilterAggregationFactory
    : AggregationFactory<N>;
};

/** Anything that stands for an aggregation: a node or its JSON. */
export type AggregationInput =
  | Aggregation<string, string, any>
  | S.AggregationsAggregationContainer
  | RawNode;
