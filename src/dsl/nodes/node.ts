/**
 * The base of every DSL data node: frozen, tagged with a `kind`, serialised by `toJSON()`.
 * Nodes nest inside plain parameter objects; `copyIn` and `toPlain` are the two walks over them.
 */
export abstract class DslNode {
  abstract get kind(): string;
  /** The request-body JSON of this node: a fresh object the caller may change freely. */
  abstract toJSON(): unknown;
}

/** A value passed through verbatim: the `$raw` escape hatch for anything untyped. */
export class RawNode extends DslNode {
  readonly #value: unknown;

  constructor(value: unknown) {
    super();
    this.#value = copyIn(value);
  }

  override get kind(): 'raw' {
    return 'raw';
  }

  /** The wrapped value (a private copy). */
  get value(): unknown {
    return this.#value;
  }

  override toJSON(): unknown {
    return toPlain(this.#value);
  }
}

/**
 * Wraps any JSON so the builders take it without type checks (unmapped fields, new query kinds).
 *
 * @example
 * ```ts
 * import { $raw, Search } from 'elastiq/dsl';
 * const s = new Search<{ title: string }>().query($raw({ match: { 'title.ngram': 'pyth' } }));
 * ```
 */
export function $raw<V>(value: V): RawNode {
  return new RawNode(value);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A private deep copy of caller data (nodes are kept: they are immutable already). The copy is
 * only reachable through readonly types; deep-freezing it halved build speed (bench/dsl).
 */
export function copyIn<V>(value: V): V {
  if (typeof value !== 'object' || value === null || value instanceof DslNode) return value;
  if (Array.isArray(value)) return value.map(copyIn) as V;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = copyIn((value as Record<string, unknown>)[k]);
  return out as V;
}

/** A fresh plain-JSON deep copy with every nested node serialised. */
export function toPlain(value: unknown): any {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof DslNode) return value.toJSON();
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toPlain(value[i]);
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = toPlain((value as Record<string, unknown>)[k]);
  return out;
}
