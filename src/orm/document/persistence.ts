/**
 * What the document calls share: the model's index name, an instance's class, and `create()`'s
 * assignment of data properties (plain inner objects become their InnerDoc class).
 */
import { OrmError } from '../errors.js';
import { getDocumentMetadata, getModelMetadata } from '../metadata/registry.js';
import type { FieldMetadata, ModelConstructor, ModelMetadata } from '../metadata/types.js';

/** The index name a model reads and writes through (an alias when migrations manage it). */
export function indexNameOf(model: ModelConstructor): string {
  return getDocumentMetadata(model).index.name;
}

/** The class of a document instance. */
export function modelOf(doc: object): ModelConstructor {
  return doc.constructor as ModelConstructor;
}

/** Why `save()` (and `saveAll`) refuse a document that may not hold its whole stored `_source`. */
export function partialSave(doc: object): OrmError {
  return new OrmError(
    'ORM_PARTIAL_DOCUMENT',
    `This ${modelOf(doc).name} may not hold all of its stored _source (it was loaded with ` +
      'source filtering or without the vectors a MultiSearch left out, or updated without the ' +
      'seqNo guard, e.g. with retryOnConflict), so saving it whole could drop or overwrite ' +
      'fields. Use update() with the fields you changed, or reload() it first.',
  );
}

/**
 * A new instance from the model's data properties: class field initialisers give the defaults,
 * then `props` are assigned (plain objects of object/nested fields become their InnerDoc class).
 */
export function createDocument<T extends object>(
  model: ModelConstructor<T>,
  props: Readonly<Record<string, unknown>>,
): T {
  const meta = getDocumentMetadata(model);
  const doc = new (model as new () => T)();
  assignProps(doc, props, meta);
  return doc;
}

export function assignProps(
  target: object,
  props: Readonly<Record<string, unknown>>,
  meta: ModelMetadata,
): void {
  const record = target as Record<string, unknown>;
  for (const key of Object.keys(props)) {
    const field = meta.fields.get(key);
    record[key] = field ? toFieldValue(field, props[key]) : props[key];
  }
}

/** Plain objects given for an object/nested field become instances of its InnerDoc class. */
function toFieldValue(field: FieldMetadata, value: unknown): unknown {
  if (field.target === undefined || value === null || typeof value !== 'object') return value;
  const inner = field.target();
  if (Array.isArray(value)) return value.map((v) => toInner(inner, v));
  return toInner(inner, value);
}

function toInner(inner: ModelConstructor, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof inner) return value;
  const instance = new (inner as new () => object)();
  assignProps(instance, value as Record<string, unknown>, getModelMetadata(inner));
  return instance;
}
