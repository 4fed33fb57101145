import type { QueryCatalogue, QueryName } from '../generated/catalogue.js';
import type * as S from '../generated/spec-types.js';
import type { RawNode } from '../nodes/node.js';
import type { Query } from '../nodes/query-node.js';
import type { ScoreFunction } from '../nodes/score-function-node.js';

/** Anything that stands for a query: a node from `Q`, a `$raw` value, or query JSON. */
export type QueryInput = Query<any> | RawNode | S.QueryDslQueryContainer;

type QC = QueryCatalogue;

/** Query names whose JSON is keyed by a field: `{ match: { title: ... } }`. */
export type FieldQueryName = {
  [N in QueryName]: QC[N]['shape'] extends 'field' ? N : never;
}[QueryName];

type NodeArg<V> = V extends undefined
  ? never
  : V extends readonly unknown[]
    ? readonly QueryInput[]
    : QueryInput;
type FieldArg<V> = V extends undefined
  ? never
  : V extends readonly unknown[]
    ? readonly string[]
    : string;

/** Spec parameters with query-valued keys taking nodes and field-valued keys taking paths. */
export type TypedParams<P, QK, FK> = P extends object
  ? { [K in keyof P]: K extends QK ? NodeArg<P[K]> : K extends FK ? FieldArg<P[K]> : P[K] }
  : P;

/** The parameters `Q.<name>(...)` takes for an object-shaped query. */
export type QueryParams<N extends QueryName> = TypedParams<
  QC[N]['params'],
  QC[N]['queries'],
  QC[N]['fields']
>;

/** The field paths named in parameters (field-valued keys and nested query nodes). */
export type ArgFields<V> = V extends string
  ? V
  : V extends readonly (infer E)[]
    ? ArgFields<E>
    : V extends Query<infer F>
      ? F
      : never;

export type ParamFields<P, Keys> = P extends object
  ? { [K in keyof P]-?: K extends Keys ? ArgFields<P[K]> : never }[keyof P]
  : never;

/** `Q.match('title', 'x')` or `Q.match({ title: 'x' })`. */
export interface FieldQueryFactory<N extends QueryName> {
  <F extends string>(field: F, value: QC[N]['params']): Query<F>;
  <F extends string>(params: { [K in F]: QC[N]['params'] }): Query<F>;
}

/** `Q.bool({...})`, `Q.exists({ field })`, ... */
export type ObjectQueryFactory<N extends QueryName> =
  {} extends QueryParams<N>
    ? <const P extends QueryParams<N> = {}>(
        params?: P,
      ) => Query<ParamFields<P, QC[N]['queries'] | QC[N]['fields']>>
    : <const P extends QueryParams<N>>(
        params: P,
      ) => Query<ParamFields<P, QC[N]['queries'] | QC[N]['fields']>>;

type Camel<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<Camel<T>>}`
  : S;

/** The `terms` query: field-keyed values next to `boost`/`_name`. */
export type TermsQueryFactory = <const P extends S.QueryDslTermsQuery>(
  params: P,
) => Query<Exclude<keyof P & string, 'boost' | '_name'>>;

type FunctionFields<P> = P extends { readonly functions?: readonly (infer E)[] }
  ? E extends ScoreFunction<infer F>
    ? F
    : never
  : never;

/** `function_score` parameters: `functions` also take `SF` score functions. */
export type FunctionScoreParams = Omit<QueryParams<'function_score'>, 'functions'> & {
  readonly functions?: readonly (ScoreFunction<any> | S.QueryDslFunctionScoreContainer)[];
};

/** `Q.functionScore({ query, functions: [SF...] })`. */
export type FunctionScoreFactory = <const P extends FunctionScoreParams>(
  params: P,
) => Query<ParamFields<P, 'query'> | FunctionFields<P>>;

/** One factory per query kind of the specification, camelCased (`Q.matchPhrase`). */
export type QueryFactories = {
  [N in QueryName as Camel<N>]: N extends 'terms'
    ? TermsQueryFactory
    : N extends 'function_score'
      ? FunctionScoreFactory
      : N extends FieldQueryName
        ? FieldQueryFactory<N>
        : ObjectQueryFactory<N>;
};

/** The JSON value under a query name (`Q(name, params)`). */
export type QueryJSONValue<N extends QueryName> = N extends FieldQueryName
  ? Partial<Record<string, QC[N]['params']>>
  : QC[N]['params'];
