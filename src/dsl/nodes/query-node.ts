import { DslNode, toPlain } from './node.js';

declare const fieldsBrand: unique symbol;

/**
 * One query of the query DSL as frozen data: `{ [name]: params }`. `F` records, for the compiler
 * only, the field paths the query names (checked by `Search<T>` against `T`).
 */
export class Query<F extends string = never> extends DslNode {
  declare readonly [fieldsBrand]?: F;
  readonly kind = 'query';
  readonly name: string;
  readonly params: unknown;

  /** Use `Q` to build queries; this takes parameters that are already copied and frozen. */
  constructor(name: string, params: unknown) {
    super();
    this.name = name;
    this.params = params;
    Object.freeze(this);
  }

  override toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    out[this.name] = toPlain(this.params);
    return out;
  }
}

/** The field paths a query names, as the compiler sees them. */
export type FieldsOf<X> = X extends Query<infer F> ? F : never;
