/**
 * What the decorators record, per class and before resolution: each decorator only appends here
 * (never validates or merges), so the resolver in registry.ts is the one place that interprets it.
 */
import type { ZodType } from 'zod';
import type {
  IndicesAlias,
  IndicesIndexSettings,
  MappingTypeMapping,
} from '../../core/api/generated/types.js';
import type { FieldType, ModelConstructor } from './types.js';

/** One field decorator call, as written (options not yet checked). */
export interface RawField {
  readonly property: string | symbol;
  readonly type: FieldType;
  readonly options: Readonly<Record<string, unknown>>;
  readonly target: (() => ModelConstructor) | undefined;
  /** Where the decorator was applied, so the resolver can reject statics and methods. */
  readonly placement: 'property' | 'static' | 'method';
}

/** The options of `@Document(...)`. */
export interface DocumentOptions {
  /** The index (or alias, when migrations manage the index) the model reads and writes. */
  readonly index: string;
  readonly settings?: IndicesIndexSettings;
  readonly aliases?: Record<string, IndicesAlias>;
  /** Extra top-level mapping options: `dynamic`, `_source`, `_routing`, `_meta`, ... */
  readonly mappings?: Omit<MappingTypeMapping, 'properties'>;
  /** A whole-document refinement of the derived zod schema (cross-field rules). */
  readonly refine?: (schema: ZodType) => ZodType;
}

interface RawClass {
  readonly fields: RawField[];
  document: DocumentOptions | undefined;
}

// Keyed by the class itself so metadata never leaks onto user objects and dies with the class.
const RAW = new WeakMap<object, RawClass>();

function rawOf(target: object): RawClass {
  let raw = RAW.get(target);
  if (!raw) {
    raw = { fields: [], document: undefined };
    RAW.set(target, raw);
  }
  return raw;
}

/** Appends a field decorator call to the class's own record. */
export function recordField(target: object, field: RawField): void {
  rawOf(target).fields.push(field);
}

/** Stores `@Document` options on the class's own record. */
export function recordDocument(target: object, options: DocumentOptions): void {
  rawOf(target).document = options;
}

/** The class's own record (not its base classes'), or undefined when nothing decorated it. */
export function ownRecord(
  target: object,
):
  | { readonly fields: readonly RawField[]; readonly document: DocumentOptions | undefined }
  | undefined {
  return RAW.get(target);
}
