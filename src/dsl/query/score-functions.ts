import { DslError } from '../errors.js';
import { SCORE_FUNCTIONS, type ScoreFunctionCatalogue } from '../generated/catalogue.js';
import type * as S from '../generated/spec-types.js';
import { copyIn } from '../nodes/node.js';
import type { Query } from '../nodes/query-node.js';
import { ScoreFunction } from '../nodes/score-function-node.js';
import { toClause } from './parse-query.js';
import type { QueryInput } from './query-types.js';

/** What every score function may carry besides its parameters. */
export interface ScoreFunctionOptions<X extends QueryInput = QueryInput> {
  /** Only documents matching this query get the function's score. */
  readonly filter?: X;
  readonly weight?: number;
  readonly _name?: string;
}

type FilterFields<O> = O extends { readonly filter?: infer X }
  ? X extends Query<infer F>
    ? F
    : never
  : never;
type DecayFields<P> = Exclude<keyof P & string, 'multi_value_mode'>;
type FieldOf<P> = P extends { readonly field?: infer F } ? (F extends string ? F : never) : never;

/** The score-function factory: one method per function of the specification, plus `weight`. */
export interface ScoreFunctionFactory {
  (
    name: keyof ScoreFunctionCatalogue,
    params: unknown,
    options?: ScoreFunctionOptions,
  ): ScoreFunction<never>;
  /** Decay by exponential distance from an origin: `SF.exp({ date: { origin: 'now', scale: '10d' } })`. */
  exp<const P extends S.QueryDslDecayFunction, const O extends ScoreFunctionOptions = {}>(
    params: P,
    options?: O,
  ): ScoreFunction<DecayFields<P> | FilterFields<O>>;
  /** Decay by Gaussian distance from an origin. */
  gauss<const P extends S.QueryDslDecayFunction, const O extends ScoreFunctionOptions = {}>(
    params: P,
    options?: O,
  ): ScoreFunction<DecayFields<P> | FilterFields<O>>;
  /** Decay by linear distance from an origin. */
  linear<const P extends S.QueryDslDecayFunction, const O extends ScoreFunctionOptions = {}>(
    params: P,
    options?: O,
  ): ScoreFunction<DecayFields<P> | FilterFields<O>>;
  /** Scores by a numeric field's value. */
  fieldValueFactor<
    const P extends S.QueryDslFieldValueFactorScoreFunction,
    const O extends ScoreFunctionOptions = {},
  >(params: P, options?: O): ScoreFunction<FieldOf<P> | FilterFields<O>>;
  /** Random scores, reproducible with a seed and field. */
  randomScore<
    const P extends S.QueryDslRandomScoreFunction,
    const O extends ScoreFunctionOptions = {},
  >(params?: P, options?: O): ScoreFunction<FieldOf<P> | FilterFields<O>>;
  /** Scores by a script. */
  scriptScore<const O extends ScoreFunctionOptions = {}>(
    params: S.QueryDslScriptScoreFunction,
    options?: O,
  ): ScoreFunction<FilterFields<O>>;
  /** A constant weight, usually with a filter. */
  weight<const O extends Omit<ScoreFunctionOptions, 'weight'> = {}>(
    weight: number,
    options?: O,
  ): ScoreFunction<FilterFields<O>>;
}

function options(o: ScoreFunctionOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!o) return out;
  if (o.filter !== undefined) out.filter = toClause(o.filter);
  if (o.weight !== undefined) out.weight = o.weight;
  if (o._name !== undefined) out._name = o._name;
  return out;
}

function make(name: string, params: unknown, o?: ScoreFunctionOptions): ScoreFunction<any> {
  if (!Object.values(SCORE_FUNCTIONS).includes(name as keyof ScoreFunctionCatalogue)) {
    throw new DslError(
      'DSL_UNKNOWN_QUERY',
      `Unknown score function '${name}': expected one of ${Object.values(SCORE_FUNCTIONS).join(', ')}.`,
    );
  }
  return new ScoreFunction(name, copyIn(params ?? {}), options(o));
}

function buildFactory(): ScoreFunctionFactory {
  const factory = ((name: string, params: unknown, o?: ScoreFunctionOptions) =>
    make(name, params, o)) as unknown as Record<string, unknown>;
  for (const [method, name] of Object.entries(SCORE_FUNCTIONS)) {
    factory[method] = (params: unknown, o?: ScoreFunctionOptions) => make(name, params, o);
  }
  factory.weight = (weight: number, o?: ScoreFunctionOptions) =>
    new ScoreFunction(undefined, undefined, { ...options(o), weight });
  return Object.freeze(factory) as unknown as ScoreFunctionFactory;
}

/**
 * Score functions for `Q.functionScore({ functions: [...] })`.
 *
 * @example
 * ```ts
 * import { Q, SF } from 'elastiq/dsl';
 * const q = Q.functionScore({
 *   query: Q.match({ title: 'python' }),
 *   functions: [
 *     SF.fieldValueFactor({ field: 'likes', modifier: 'log1p' }),
 *     SF.gauss({ date: { origin: 'now', scale: '30d' } }, { weight: 2 }),
 *     SF.weight(3, { filter: Q.term({ featured: true }) }),
 *   ],
 * });
 * ```
 */
export const SF: ScoreFunctionFactory = buildFactory();
