import { DslNode, toPlainAt } from './node.js';

declare const fieldsBrand: unique symbol;

/**
 * One query of the query DSL as read-only data: `{ [name]: params }`. `F` records, for the
 * compiler only, the field paths the query names (checked by `Search<T>` against `T`).
 * Fields are private with getters: as immutable as `Object.freeze`, at a fraction of its cost.
 *
 * @example
 * ```ts
 * import { Q, type Query } from 'elastiq/dsl';
 * const q: Query<'title'> = Q.match({ title: 'python' });
 * q.name; // 'match'
 * q.toJSON(); // { match: { title: 'python' } }
 * ```
 */
export class Query<F extends string = never> extends DslNode {
  declare readonly [fieldsBrand]: F;
  readonly #name: string;
  readonly #params: unknown;

  /** Use `Q` to build queries; this takes parameters that are already copied. */
  constructor(name: string, params: unknown) {
    super();
    this.#name = name;
    this.#params = params;
  }

  override get kind(): 'query' {
    return 'query';
  }

  /** The query type (`match`, `bool`, ...). */
  get name(): string {
    return this.#name;
  }

  /** The parameters under the type key. */
  get params(): unknown {
    return this.#params;
  }

  override toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    out[this.#name] = toPlainAt(this.#name, this.#params);
    return out;
  }
}

/** The field paths a query names, as the compiler sees them. */
export type FieldsOf<X> = X extends Query<infer F> ? F : never;
