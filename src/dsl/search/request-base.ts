import { DslError } from '../errors.js';
import type { CheckFields } from '../nodes/field-path.js';
import { copyIn, toPlainAt } from '../nodes/node.js';
import type { Query } from '../nodes/query-node.js';
import { andClause, andClauses, notClause } from '../query/bool-query.js';
import { type Clause, toClause } from '../query/parse-query.js';
import type { QueryInput } from '../query/query-types.js';
import type { SearchClient } from './client.js';

/** The frozen state every query-carrying request holds. */
export interface RequestState {
  index: readonly string[];
  query: Clause | undefined;
  params: Readonly<Record<string, unknown>>;
  client: SearchClient | undefined;
  /** Whatever a subclass needs carried from builder to builder (an ORM's model class). */
  context: unknown;
}

/** The state `with()` hands to the constructor it calls (synchronously, so never shared). */
let adopted: RequestState | undefined;

/** @internal the state handed over by `with()`, if this construction is one. */
export function takeAdopted<S extends RequestState>(): S | undefined {
  const state = adopted as S | undefined;
  adopted = undefined;
  return state;
}

/** Options every request builder takes at construction. */
export interface RequestOptions {
  readonly client?: SearchClient;
  readonly index?: string | readonly string[];
  /** Carried unchanged through every method; subclasses read it as `this.context`. */
  readonly context?: unknown;
}

export function initialState(options: RequestOptions = {}): RequestState {
  const index =
    options.index === undefined
      ? []
      : typeof options.index === 'string'
        ? [options.index]
        : [...options.index];
  return {
    index,
    query: undefined,
    params: {},
    client: options.client,
    context: options.context,
  };
}

/** The field check of `query()`/`filter()`/`exclude()` arguments. */
export type QueryArg<X, T> = X & (X extends Query<infer F> ? CheckFields<F, T> : unknown);

/**
 * What Search and UpdateByQuery share: index, client, query-string params and the query with
 * `query`/`filter`/`exclude`, each returning a new object.
 */
export abstract class QueryRequest<TDoc, S extends RequestState> {
  readonly #state: S;

  protected constructor(state: S) {
    this.#state = state;
  }

  /**
   * @internal the state; use the methods. It lives in a private field behind a getter: as
   * immutable as `Object.freeze` would make it, at a fraction of the cost (bench/dsl).
   */
  get state(): Readonly<S> {
    return this.#state;
  }

  /** What the builder was created with as `context` (for subclasses). */
  protected get context(): unknown {
    return this.#state.context;
  }

  /**
   * @internal a builder of the same class holding `state`. It calls the constructor with no
   * arguments and hands the state over on the side, so a subclass keeps its class as long as its
   * constructor can run without arguments; per-builder data belongs in `context`.
   */
  protected with(state: S): this {
    adopted = state;
    return new (this.constructor as new () => this)();
  }

  /** @internal a fresh copy of the state, written as a literal so V8 keeps one shape. */
  protected abstract copyState(): S;

  protected patch<K extends keyof S>(key: K, value: S[K]): this {
    const next = this.copyState();
    next[key] = value;
    return this.with(next);
  }

  /** Adds indices to search; with no argument, resets to all indices. */
  index(...names: string[]): this {
    return this.patch('index', names.length ? [...this.state.index, ...names] : []);
  }

  /** The client `execute()` and friends use. */
  using(client: SearchClient): this {
    return this.patch('client', client);
  }

  /** Merges query-string parameters (`routing`, `preference`, `timeout`, ...). */
  params(params: Readonly<Record<string, unknown>>): this {
    return this.patch('params', copyIn({ ...this.state.params, ...params }));
  }

  /**
   * ANDs a query onto the current one (bool rules in docs/dsl.md). Field names are checked
   * against `TDoc`.
   *
   * @example
   * ```ts
   * new Search<Post>().query(Q.match({ title: 'python' })).query(Q.match({ body: 'django' }));
   * ```
   */
  query<X extends QueryInput>(query: QueryArg<X, TDoc>): this {
    const clause = toClause(query);
    return this.patch('query', this.state.query ? andClauses(this.state.query, clause) : clause);
  }

  /**
   * Adds a filter clause (no scoring): `bool.filter`.
   *
   * @example
   * ```ts
   * new Search<Post>().filter(Q.term({ published: true })).filter(Q.range({ likes: { gte: 10 } }));
   * ```
   */
  filter<X extends QueryInput>(query: QueryArg<X, TDoc>): this {
    return this.patch('query', andClause(this.state.query, 'filter', toClause(query)));
  }

  /**
   * Excludes documents matching the query, in filter context (no scoring):
   * `bool.filter: [not(query)]`, as elasticsearch-dsl writes it (De Morgan for bool queries).
   *
   * @example
   * ```ts
   * new Search<Post>().exclude(Q.term({ status: 'draft' }));
   * ```
   */
  exclude<X extends QueryInput>(query: QueryArg<X, TDoc>): this {
    return this.patch('query', andClause(this.state.query, 'filter', notClause(toClause(query))));
  }

  /** @internal the client, or a clear error. */
  protected client(): SearchClient {
    if (!this.state.client) {
      throw new DslError(
        'DSL_NO_CLIENT',
        'No client to execute with: pass { client } or call .using(client) first.',
      );
    }
    return this.state.client;
  }

  /** @internal `index` for a request, when any was set. */
  protected indexParam(): { index?: string } {
    return this.state.index.length ? { index: this.state.index.join(',') } : {};
  }

  /** @internal the query as JSON, when any. */
  protected queryJSON(): Record<string, unknown> {
    return this.state.query ? { query: toPlainAt('query', this.state.query) } : {};
  }
}
