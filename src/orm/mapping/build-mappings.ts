/**
 * Mappings and create-index bodies, as pure functions of a model's resolved metadata.
 * The output is in the form Elasticsearch reads back from `GET _mapping` wherever the two differ
 * only in spelling (object fields without `type`, `dynamic` as a string, `copy_to` as an array,
 * a date's default `format` left out),
 * and keys are sorted, so a diff against the live mapping shows only real changes.
 */
import type {
  IndicesAlias,
  IndicesIndexSettings,
  MappingProperty,
  MappingTypeMapping,
} from '../../core/api/generated/types.js';
import { OrmError } from '../errors.js';
import { getModelMetadata } from '../metadata/registry.js';
import type { FieldMetadata, ModelConstructor, ModelMetadata } from '../metadata/types.js';

/** The body of `indices.create` for a document model. */
export interface IndexBody {
  readonly settings: IndicesIndexSettings;
  readonly mappings: MappingTypeMapping;
  readonly aliases: Record<string, IndicesAlias>;
}

/**
 * The mappings of a model: its top-level mapping options (`@Document({ mappings })`) and one
 * property per field, object and nested fields recursing into their InnerDoc classes. Throws
 * `ORM_INVALID_MODEL` when an inner class contains itself (a mapping cannot recurse) unless the
 * field that closes the loop is `enabled: false`.
 *
 * @example
 * ```ts
 * import { buildMappings, Document, getModelMetadata, Keyword, Model } from 'elastiq/orm';
 * @Document({ index: 'tags', mappings: { dynamic: 'strict' } })
 * class Tag extends Model {
 *   @Keyword() label!: string;
 * }
 * buildMappings(getModelMetadata(Tag));
 * // { dynamic: 'strict', properties: { label: { type: 'keyword' } } }
 * ```
 */
export function buildMappings(meta: ModelMetadata): MappingTypeMapping {
  const options = normalise(sortKeys({ ...(meta.index?.mappingOptions ?? {}) }));
  return { ...options, properties: buildProperties(meta, [meta.target]) } as MappingTypeMapping;
}

/**
 * The body of `indices.create` for a document model: its settings, mappings and aliases.
 *
 * @example
 * ```ts
 * import { buildIndexBody, Document, getModelMetadata, Model, Text } from 'elastiq/orm';
 * @Document({ index: 'notes', settings: { number_of_shards: 1 } })
 * class Note extends Model {
 *   @Text() body!: string;
 * }
 * const body = buildIndexBody(getModelMetadata(Note));
 * // { settings: { number_of_shards: 1 }, mappings: { properties: { body: { type: 'text' } } }, aliases: {} }
 * ```
 */
export function buildIndexBody(meta: ModelMetadata): IndexBody {
  return {
    settings: structuredClone(meta.index?.settings ?? {}) as IndicesIndexSettings,
    mappings: buildMappings(meta),
    aliases: structuredClone(meta.index?.aliases ?? {}) as Record<string, IndicesAlias>,
  };
}

/** `stack` holds the classes being expanded, outermost first, to catch a class inside itself. */
function buildProperties(
  meta: ModelMetadata,
  stack: readonly ModelConstructor[],
): Record<string, MappingProperty> {
  const fields = [...meta.fields.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const properties: Record<string, MappingProperty> = {};
  for (const field of fields) properties[field.name] = buildProperty(meta, field, stack);
  return properties;
}

function buildProperty(
  meta: ModelMetadata,
  field: FieldMetadata,
  stack: readonly ModelConstructor[],
): MappingProperty {
  const params = normalise(sortKeys({ ...field.mapping }));
  // Elasticsearch leaves a date format out of GET _mapping when it is the default.
  if (params.format !== undefined && params.format === DEFAULT_DATE_FORMATS[field.type]) {
    delete params.format;
  }
  if (field.type !== 'object' && field.type !== 'nested') {
    return { type: field.type, ...params } as MappingProperty;
  }
  // A disabled object is stored, not indexed: it needs no properties, so it may even recurse.
  if (params.enabled === false || !field.target) {
    return { type: field.type, ...params } as MappingProperty;
  }
  const target = field.target();
  if (stack.includes(target)) {
    const path = [...stack.map((c) => c.name), target.name].join(' -> ');
    throw new OrmError(
      'ORM_INVALID_MODEL',
      `${meta.className}.${field.property} makes the mapping recurse (${path}): Elasticsearch mappings are finite; set enabled: false on that field, or use Flattened.`,
    );
  }
  const properties = buildProperties(getModelMetadata(target), [...stack, target]);
  const empty = Object.keys(properties).length === 0;
  // Elasticsearch reads an object with properties back without its type: do the same.
  if (field.type === 'object' && !empty) return { ...params, properties } as MappingProperty;
  return { type: field.type, ...params, ...(empty ? {} : { properties }) } as MappingProperty;
}

const DEFAULT_DATE_FORMATS: Readonly<Record<string, string>> = {
  date: 'strict_date_optional_time||epoch_millis',
  date_nanos: 'strict_date_optional_time_nanos||epoch_millis',
};

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = structuredClone(record[key]);
  return sorted;
}

/** Spellings Elasticsearch reads back differently: `dynamic: false` and `copy_to: 'x'`. */
function normalise(params: Record<string, unknown>): Record<string, unknown> {
  if (typeof params.dynamic === 'boolean') params.dynamic = String(params.dynamic);
  if (typeof params.copy_to === 'string') params.copy_to = [params.copy_to];
  return params;
}
