import {
  isNonFiniteNumber,
  type JsonPathSegment,
  nonFiniteError,
  prefixNonFinitePath,
} from '../../core/serializer/non-finite.js';

/**
 * The base of every DSL data node: frozen, tagged with a `kind`, serialised by `toJSON()`.
 * Nodes nest inside plain parameter objects; `copyIn` and `toPlain` are the two walks over them.
 *
 * @example
 * ```ts
 * import { type DslNode, Q } from 'elastiq/dsl';
 * const node: DslNode = Q.term({ status: 'draft' });
 * node.kind; // 'query'
 * node.toJSON(); // { term: { status: 'draft' } }
 * ```
 */
export abstract class DslNode {
  abstract get kind(): string;
  /** The request-body JSON of this node: a fresh object the caller may change freely. */
  abstract toJSON(): unknown;
}

/**
 * A value passed through verbatim: the `$raw` escape hatch for anything untyped.
 *
 * @example
 * ```ts
 * import { $raw } from 'elastiq/dsl';
 * const raw = $raw({ rank_feature: { field: 'pagerank' } });
 * raw.toJSON(); // { rank_feature: { field: 'pagerank' } }
 * ```
 */
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

const OBJECT_PROTOTYPE = Object.prototype;

/**
 * A private deep copy of caller data: plain objects and arrays are copied, anything else (nodes,
 * dates, class instances) is kept as is. The copy is only reachable through readonly types;
 * deep-freezing it halved build speed (bench/dsl). Primitives are tested inline: this is the
 * hot path of every factory.
 */
export function copyIn<V>(value: V): V {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      out[i] = typeof v === 'object' && v !== null ? copyIn(v) : v;
    }
    return out as V;
  }
  const proto = Object.getPrototypeOf(value);
  // A Date is mutable: the caller's (or the one toJSON() handed out) must not reach the node.
  if (proto !== OBJECT_PROTOTYPE && proto !== null) return copyDate(value) as V;
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    out[k] = typeof v === 'object' && v !== null ? copyIn(v) : v;
  }
  return out as V;
}

/**
 * A fresh plain-JSON deep copy with every nested node serialised. NaN, Infinity and an Invalid
 * Date, which JSON.stringify would write as null (a range without its bound), throw a
 * `SerializationError` naming their path; each level adds its key to that path.
 */
export function toPlain(value: unknown): any {
  if (typeof value !== 'object' || value === null) {
    if (isNonFiniteNumber(value)) throw nonFiniteError({ path: [], value }, DSL_BODY);
    return value;
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    let i = 0;
    try {
      for (; i < value.length; i++) {
        const v = value[i];
        out[i] = typeof v === 'object' && v !== null ? toPlain(v) : leaf(v);
      }
    } catch (err) {
      throw prefixNonFinitePath(err, [i]);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== OBJECT_PROTOTYPE && proto !== null)
    return value instanceof DslNode ? value.toJSON() : plainDate(value);
  const out: Record<string, unknown> = {};
  let key = '';
  try {
    for (const k in value) {
      key = k;
      const v = (value as Record<string, unknown>)[k];
      out[k] = typeof v === 'object' && v !== null ? toPlain(v) : leaf(v);
    }
  } catch (err) {
    throw prefixNonFinitePath(err, [key]);
  }
  return out;
}

/** `toPlain(value)`, a non-finite value's path starting at `key` (the key the result goes under). */
export function toPlainAt(key: JsonPathSegment, value: unknown): any {
  try {
    return toPlain(value);
  } catch (err) {
    throw prefixNonFinitePath(err, [key]);
  }
}

const DSL_BODY = 'a body built by elastiq/dsl';

function leaf(value: unknown): unknown {
  if (isNonFiniteNumber(value)) throw nonFiniteError({ path: [], value }, DSL_BODY);
  return value;
}

function copyDate(value: object): object {
  return value instanceof Date ? new Date(value.getTime()) : value;
}

// An Invalid Date is kept by copyIn (its path is only known here) and refused on the way out.
function plainDate(value: object): object {
  if (!(value instanceof Date)) return value;
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw nonFiniteError({ path: [], value }, DSL_BODY);
  return new Date(ms);
}
