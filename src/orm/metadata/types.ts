/**
 * The resolved metadata of a model class: what the decorators recorded, walked base class first,
 * validated, frozen and cached. Mapping, validation, hydration, persistence and migrations are all
 * pure functions of these objects (never of the decorators themselves).
 */

import type { ZodType } from 'zod';
import type {
  IndicesAlias,
  IndicesIndexSettings,
  MappingProperty,
  MappingTypeMapping,
} from '../../core/api/generated/types.js';

/** Any class with a no-argument constructor (a Document or InnerDoc subclass). */
export type ModelConstructor<T = object> = abstract new () => T;

/** The Elasticsearch field types the decorators produce (`type` of a mapping property). */
export type FieldType = MappingProperty['type'] & string;

/** One decorated property of a model or inner document class. */
export interface FieldMetadata {
  /** The property name on the class. */
  readonly property: string;
  /** The field name in `_source` and the mapping (`name` option; defaults to `property`). */
  readonly name: string;
  /** Elasticsearch mapping type: 'text', 'keyword', 'date', 'object', 'nested', ... */
  readonly type: FieldType;
  /** The value is an array of values of this field (`multi: true`). */
  readonly multi: boolean;
  /** `save()` refuses a document without it (and the zod schema requires it). */
  readonly required: boolean;
  /** For 'object'/'nested': the InnerDoc class of the values (resolved lazily, so cycles work). */
  readonly target?: () => ModelConstructor;
  /** Mapping parameters of the field besides `type`/`properties` (analyzer, fields, format, ...). */
  readonly mapping: Readonly<Record<string, unknown>>;
  /** The user's refinement of the field's derived zod schema (`schema` option). */
  readonly schema?: (base: ZodType) => ZodType;
}

/** Index options of `@Document({ index, settings, aliases })`. */
export interface IndexMetadata {
  /**
   * The name the model reads and writes through: an alias when migrations manage the index
   * (the concrete index is then versioned behind it), otherwise the index itself.
   */
  readonly name: string;
  readonly settings: Readonly<IndicesIndexSettings>;
  readonly aliases: Readonly<Record<string, IndicesAlias>>;
  /** Extra top-level mapping options (`dynamic`, `_source`, `_routing`, `meta`, ...). */
  readonly mappingOptions: Readonly<Partial<MappingTypeMapping>>;
}

/** A class's resolved metadata (Document classes have `index`; InnerDoc classes do not). */
export interface ModelMetadata {
  readonly target: ModelConstructor;
  /** The class name, for error messages. */
  readonly className: string;
  readonly index: IndexMetadata | undefined;
  /** Own and inherited fields, base class fields first, keyed by property name. */
  readonly fields: ReadonlyMap<string, FieldMetadata>;
  /** The whole-document zod refinement of `@Document({ refine })` (nearest class's wins). */
  readonly refine?: (schema: ZodType) => ZodType;
}
