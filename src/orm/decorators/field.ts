/**
 * `Field(type, options)` and the typed factory behind every field decorator. A decorator only
 * records its options (metadata/storage.ts); the resolver validates them on first use.
 */

import type { ZodType } from 'zod';
import { recordField } from '../metadata/storage.js';
import type { FieldType, ModelConstructor } from '../metadata/types.js';
import { assertLegacyDecorator } from './legacy-only.js';

/** Options every field decorator takes, besides its type's mapping parameters. */
export interface CommonFieldOptions {
  /** The field name in `_source` and the mapping, when it differs from the property name. */
  readonly name?: string;
  /** The value is an array of values (`tags: string[]`). */
  readonly multi?: boolean;
  /** Validation rejects a document without a value (null, undefined, or an empty `multi` array). */
  readonly required?: boolean;
  /** Refines the derived zod schema of the field, e.g. `(s) => s.refine(...)`. */
  readonly schema?: (base: ZodType) => ZodType;
}

/** A mapping property type's parameters, without the ones the decorator itself sets. */
export type MappingParameters<P> = Omit<P, 'type' | 'properties'>;

/** The options of a field decorator whose mapping property type is `P`. */
export type FieldOptions<P = Record<string, unknown>> = CommonFieldOptions & MappingParameters<P>;

/**
 * A legacy property decorator that only fits a public property whose type is `V` (or narrower,
 * possibly optional or null): `@Integer() title!: string` does not compile.
 */
export type FieldDecorator<V> = <K extends string>(
  target: { [P in K]?: V | null | undefined },
  propertyKey: K,
) => void;

/** A field decorator factory: `multi: true` makes the property an array of `V`. */
export interface FieldDecoratorFactory<P, V> {
  (options: FieldOptions<P> & { readonly multi: true }): FieldDecorator<readonly V[]>;
  (options?: FieldOptions<P> & { readonly multi?: false }): FieldDecorator<V>;
}

/** Turns a decorator's arguments into a recorded field, whatever the decorator was applied to. */
export function fieldDecorator(
  type: FieldType,
  options: Readonly<Record<string, unknown>>,
  target: (() => ModelConstructor) | undefined,
): (proto: object, propertyKey: string | symbol, descriptor?: unknown) => void {
  return (proto, propertyKey, descriptor) => {
    assertLegacyDecorator(`A field decorator (${type})`, propertyKey);
    // A static member's target is the class itself; a method or accessor also gets a descriptor.
    const isStatic = typeof proto === 'function';
    const owner = isStatic ? proto : proto.constructor;
    const placement = descriptor !== undefined ? 'method' : isStatic ? 'static' : 'property';
    recordField(owner, { property: propertyKey, type, options, target, placement });
  };
}

/** Builds a typed decorator factory for one Elasticsearch field type. */
export function fieldFactory<P, V>(type: FieldType): FieldDecoratorFactory<P, V> {
  return ((options: Readonly<Record<string, unknown>> = {}) =>
    fieldDecorator(type, options, undefined)) as unknown as FieldDecoratorFactory<P, V>;
}

/**
 * A field of any Elasticsearch mapping type, by name; use it for types without their own
 * decorator (`wildcard`, `match_only_text`, `rank_features`, ...). Its property type is not checked.
 *
 * @example
 * ```ts
 * import { Document, Field, Model } from 'elastiq/orm';
 * @Document({ index: 'logs' })
 * class LogLine extends Model {
 *   @Field('wildcard') message!: string;
 *   @Field('keyword', { multi: true, ignore_above: 256 }) labels: string[] = [];
 * }
 * ```
 */
export function Field(
  type: FieldType,
  options: FieldOptions & { readonly target?: () => ModelConstructor } = {},
): (proto: object, propertyKey: string | symbol) => void {
  const { target, ...rest } = options;
  return fieldDecorator(type, rest, target);
}
