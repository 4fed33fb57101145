/**
 * Field-path types: which dotted paths a document type has, and the checks that turn a wrong
 * field name into a readable compile error.
 */

/** Declares extra field paths on a document type (multi-fields such as `title.raw`). */
declare const extraFields: unique symbol;

/**
 * A document type with extra searchable paths that are not properties (multi-fields, `_id`, ...).
 *
 * @example
 * ```ts
 * import type { WithFields } from 'elastiq/dsl';
 * type Post = WithFields<{ title: string }, 'title.raw'>;
 * ```
 */
export type WithFields<T, Extra extends string> = T & { readonly [extraFields]?: Extra };

type Depth = [never, 0, 1, 2, 3, 4, 5];

type Leaf = string | number | boolean | bigint | Date | null | undefined;

type PathsOf<T, D extends number> = [D] extends [never]
  ? never
  : T extends Leaf
    ? never
    : T extends readonly (infer E)[]
      ? PathsOf<E, D>
      : {
          [K in keyof T & string]: K | SubPaths<K, NonNullable<T[K]>, D>;
        }[keyof T & string];

type SubPaths<K extends string, V, D extends number> = V extends Leaf
  ? never
  : `${K}.${PathsOf<V, Depth[D]>}`;

type ExtraOf<T> = T extends { readonly [extraFields]?: infer X }
  ? X extends string
    ? X
    : never
  : never;

/**
 * Every field path of `T`: top-level keys, dotted paths into objects and arrays of objects, and
 * declared extra paths. `string` when `T` is untyped (`any`, `unknown`, a string-indexed record).
 */
export type FieldPath<T> = unknown extends T
  ? string
  : string extends keyof T
    ? string
    : PathsOf<T, 5> | ExtraOf<T> | MetaField;

/** Metadata fields every index has. */
export type MetaField = '_id' | '_index' | '_score' | '_doc' | '_shard_doc' | '_seq_no';

/** Strips a `^boost` suffix (`title^3` names the field `title`). */
export type StripBoost<F extends string> = F extends `${infer B}^${string}` ? B : F;

/** Field names that are wildcard patterns (`title.*`, `*_name`): Elasticsearch expands them. */
export type FieldPattern = `${string}*${string}`;

type UnknownFields<F extends string, T> = Exclude<StripBoost<F>, FieldPath<T> | FieldPattern>;

/**
 * `unknown` when every field in `F` exists on `T` (or is a wildcard pattern), else an object
 * type whose only property names the offending fields: the compiler then reports
 * `Property '"unknown field"' is missing`.
 */
export type CheckFields<F extends string, T> = [UnknownFields<F, T>] extends [never]
  ? unknown
  : { readonly 'unknown field': UnknownFields<F, T> };

/** The value at a dotted path of `T` (arrays are looked through). */
export type PathValue<T, P extends string> = T extends readonly (infer E)[]
  ? PathValue<E, P>
  : P extends `${infer H}.${infer R}`
    ? H extends keyof T
      ? PathValue<NonNullable<T[H]>, R>
      : unknown
    : P extends keyof T
      ? T[P]
      : unknown;

type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;
type TailFor<P extends string, K extends string> = P extends `${K}.${infer R}` ? R : never;

/** `T` narrowed to the dotted paths `P` (what `source([...])` leaves in a hit). */
export type PickPaths<T, P extends string> = T extends readonly (infer E)[]
  ? PickPaths<E, P>[]
  : {
      [K in keyof T as K extends Head<P> ? K : never]: K extends P
        ? T[K]
        : K extends string
          ? PickPaths<NonNullable<T[K]>, TailFor<P, K>>
          : never;
    };
