import { DslNode, toPlainAt } from './node.js';

declare const scoreFieldsBrand: unique symbol;

/**
 * One score function of `function_score`: `{ [name]: params, filter?, weight? }` as read-only
 * data. `F` records the field paths it names, for the compiler only.
 *
 * @example
 * ```ts
 * import { Q, type ScoreFunction, SF } from 'elastiq/dsl';
 * const boost: ScoreFunction<'featured'> = SF.weight(3, { filter: Q.term({ featured: true }) });
 * boost.toJSON(); // { weight: 3, filter: { term: { featured: true } } }
 * ```
 */
export class ScoreFunction<F extends string = never> extends DslNode {
  declare readonly [scoreFieldsBrand]: F;
  readonly #name: string | undefined;
  readonly #params: unknown;
  readonly #options: Readonly<Record<string, unknown>>;

  /** Use `SF` to build score functions; this takes values that are already copied. */
  constructor(
    name: string | undefined,
    params: unknown,
    options: Readonly<Record<string, unknown>>,
  ) {
    super();
    this.#name = name;
    this.#params = params;
    this.#options = options;
  }

  override get kind(): 'score_function' {
    return 'score_function';
  }

  /** The function type (`gauss`, `field_value_factor`, ...); undefined for a bare `weight`. */
  get name(): string | undefined {
    return this.#name;
  }

  get params(): unknown {
    return this.#params;
  }

  /** `filter`, `weight` and `_name`. */
  get options(): Readonly<Record<string, unknown>> {
    return this.#options;
  }

  override toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.#name !== undefined) out[this.#name] = toPlainAt(this.#name, this.#params);
    const options = this.#options;
    for (const k in options) out[k] = toPlainAt(k, options[k]);
    return out;
  }
}
