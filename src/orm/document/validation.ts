/**
 * The zod schema derived from a model's fields, and `validateDocument`. Schemas are built once per
 * class (cached by metadata) and validate the instance by property name, so issue paths are the
 * paths a user writes in code (`comments.0.author`).
 *
 * Value rules per Elasticsearch type (what `_source` can hold and the field type accepts):
 * text/keyword/ip/binary... strings; integer/short/byte safe integers within the type's range;
 * long and unsigned_long a safe integer number or a bigint within 64 bits (numeric strings are
 * refused: the property type says number | bigint); float/double/half_float/scaled_float finite
 * numbers; date a valid Date, an ISO-8601 string or integer epoch millis (any string when the
 * field has a custom `format`); object/nested the inner class's schema; geo_point
 * `{ lat, lon }`, `[lon, lat]`, a GeoJSON Point or a string; dense_vector numbers, `dims` long.
 */
import * as z from 'zod';
import { OrmError } from '../errors.js';
import { getModelMetadata } from '../metadata/registry.js';
import type { FieldMetadata, ModelMetadata } from '../metadata/types.js';

/** One validation problem: zod's issue shape (`code`, `path`, `message`). */
export type OrmValidationIssue = z.core.$ZodIssue;

/**
 * A document failed validation (`ORM_VALIDATION`): `issues` lists every problem with its path.
 *
 * @example
 * ```ts
 * import { OrmValidationError } from 'elastiq/orm';
 * function paths(err: unknown): string[] {
 *   return err instanceof OrmValidationError ? err.issues.map((i) => i.path.join('.')) : [];
 * }
 * ```
 */
export class OrmValidationError extends OrmError {
  static override readonly kind: string = 'OrmValidationError';
  /** The zod issues, each with the property path (`['comments', 0, 'author']`). */
  readonly issues: readonly OrmValidationIssue[];

  /**
   * `skippable: false` for a problem `validate: false` does not skip (a value with no JSON form,
   * found when the `_source` is written): the message then does not offer it.
   */
  constructor(
    className: string,
    issues: readonly OrmValidationIssue[],
    options: { readonly skippable?: boolean } = {},
  ) {
    super('ORM_VALIDATION', validationMessage(className, issues, options.skippable ?? true));
    this.issues = issues;
  }
}

function validationMessage(
  className: string,
  issues: readonly OrmValidationIssue[],
  skippable: boolean,
): string {
  const listed = issues
    .slice(0, 10)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(document)'}: ${i.message}`)
    .join('; ');
  const more = issues.length > 10 ? ` (and ${issues.length - 10} more)` : '';
  const fix = skippable
    ? 'Fix these fields, or pass validate: false to skip validation.'
    : 'Fix these fields.';
  return `${className} is not valid: ${listed}${more}. ${fix}`;
}

const SCHEMAS = new WeakMap<ModelMetadata, z.ZodType>();

/**
 * The zod schema of a model or inner document class, derived from its fields (cached): each
 * field's type rule, `multi` as an array, `required` (otherwise null and undefined pass), the
 * field's `schema` refinement, then the document's `refine`.
 *
 * @example
 * ```ts
 * import { Document, getModelMetadata, Integer, Model, schemaFor } from 'elastiq/orm';
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @Integer({ schema: (s) => (s as import('zod').ZodNumber).min(0) }) likes = 0;
 * }
 * schemaFor(getModelMetadata(Post)).safeParse({ likes: -1 }).success; // false
 * ```
 */
export function schemaFor(meta: ModelMetadata): z.ZodType {
  let schema = SCHEMAS.get(meta);
  if (!schema) {
    const shape: Record<string, z.ZodType> = {};
    for (const field of meta.fields.values()) shape[field.property] = fieldSchema(field);
    const object: z.ZodType = z.object(shape);
    schema = meta.refine ? meta.refine(object) : object;
    SCHEMAS.set(meta, schema);
  }
  return schema;
}

/**
 * Validates an instance against its model's schema; throws `OrmValidationError`
 * (`ORM_VALIDATION`) listing every issue.
 *
 * @example
 * ```ts
 * import { Document, getModelMetadata, Keyword, Model, validateDocument } from 'elastiq/orm';
 * @Document({ index: 'users' })
 * class User extends Model {
 *   @Keyword({ required: true }) email!: string;
 * }
 * validateDocument(new User(), getModelMetadata(User)); // throws: User is not valid: email: ...
 * ```
 */
export function validateDocument(instance: object, meta: ModelMetadata): void {
  const result = schemaFor(meta).safeParse(instance);
  if (!result.success) throw new OrmValidationError(meta.className, result.error.issues);
}

function fieldSchema(field: FieldMetadata): z.ZodType {
  // Elasticsearch skips null items of an array, so a stored ['a', null] is valid data.
  const value = field.multi ? valueSchema(field).nullable() : valueSchema(field);
  let base: z.ZodType = field.multi
    ? field.required
      ? z.array(value).min(1, 'a required multi field needs at least one value')
      : z.array(value)
    : value;
  if (field.schema) base = field.schema(base);
  return field.required ? base : base.nullable().optional();
}

const MAX_LONG = 2n ** 63n - 1n;
const MAX_ULONG = 2n ** 64n - 1n;
const int = (min: number, max: number) => z.number().int().min(min).max(max);
// A union that fails says only "Invalid input": each one names what the field takes instead.
const long = () =>
  z.union(
    [
      z.number().int(),
      z
        .bigint()
        .min(-MAX_LONG - 1n)
        .max(MAX_LONG),
    ],
    { error: 'expected a safe integer, or a bigint within the signed 64-bit range' },
  );
const unsignedLong = () =>
  z.union([z.number().int().min(0), z.bigint().min(0n).max(MAX_ULONG)], {
    error: 'expected a non-negative safe integer, or a bigint within the unsigned 64-bit range',
  });
const latitude = () => z.number().min(-90).max(90);
const longitude = () => z.number().min(-180).max(180);
const geoPoint = () =>
  z.union(
    [
      z.object({ lat: latitude(), lon: longitude() }),
      z.tuple([longitude(), latitude()], z.number()),
      z.object({ type: z.literal('Point'), coordinates: z.tuple([longitude(), latitude()]) }),
      z.string().min(1),
    ],
    {
      error:
        'expected { lat, lon } within -90..90 and -180..180, [lon, lat], a GeoJSON Point, or a "lat,lon", geohash or WKT string',
    },
  );

/** The schema of one value of the field (an element, when the field is `multi`). */
function valueSchema(field: FieldMetadata): z.ZodType {
  switch (field.type) {
    case 'text':
    case 'keyword':
    case 'match_only_text':
    case 'wildcard':
    case 'constant_keyword':
    case 'search_as_you_type':
    case 'version':
      return z.string();
    case 'binary':
      return z.base64();
    case 'ip':
      return z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });
    case 'integer':
      return int(-(2 ** 31), 2 ** 31 - 1);
    case 'short':
      return int(-(2 ** 15), 2 ** 15 - 1);
    case 'byte':
      return int(-128, 127);
    case 'long':
      return long();
    case 'unsigned_long':
      return unsignedLong();
    case 'float':
    case 'double':
    case 'half_float':
    case 'scaled_float':
    case 'rank_feature':
      return z.number();
    case 'date':
    case 'date_nanos':
      return dateSchema(field);
    case 'boolean':
      return z.boolean();
    case 'object':
    case 'nested':
      return innerSchema(field);
    case 'geo_point':
      return geoPoint();
    case 'geo_shape':
    case 'shape':
      return z.union([z.looseObject({ type: z.string() }), z.string().min(1)], {
        error: 'expected a GeoJSON object or a WKT string',
      });
    case 'dense_vector':
      return denseVector(field);
    case 'sparse_vector':
    case 'rank_features':
      return z.record(z.string(), z.number());
    case 'flattened':
      return z.record(z.string(), z.unknown());
    case 'completion':
      return z.union(
        [
          z.string(),
          z.object({
            input: z.union([z.string(), z.array(z.string())]),
            weight: z.number().int().min(0).optional(),
          }),
        ],
        { error: 'expected a string, or { input, weight } with a non-negative integer weight' },
      );
    default:
      return z.unknown();
  }
}

function dateSchema(field: FieldMetadata): z.ZodType {
  const format = field.mapping.format;
  const formats = typeof format === 'string' ? format.split('||').map((f) => f.trim()) : [];
  // An epoch-only field refuses date strings: only digits (and numbers) parse.
  if (formats.length > 0 && formats.every((f) => f === 'epoch_millis' || f === 'epoch_second')) {
    return z.union([z.date(), z.string().regex(/^-?\d+(\.\d+)?$/), z.number()], {
      error: `expected a valid Date, or epoch ${formats[0] === 'epoch_second' ? 'seconds' : 'millis'} as a number or a digit string`,
    });
  }
  // A custom format is parsed by Elasticsearch, not by us: any string may be right.
  const custom = typeof format === 'string' && !/date_optional_time|epoch_/.test(format);
  const strings = custom
    ? z.string()
    : z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()]);
  const error = custom
    ? `expected a valid Date, a string in the format ${format}, or integer epoch millis`
    : 'expected a valid Date, an ISO-8601 date or date-time (2024-05-01T10:00:00Z), or integer epoch millis';
  return z.union([z.date(), strings, z.number().int()], { error });
}

function innerSchema(field: FieldMetadata): z.ZodType {
  const target = field.target;
  if (!target) return z.record(z.string(), z.unknown()); // a disabled object without a class
  // Lazy: the inner class may contain itself (allowed when that field is enabled: false).
  return z.lazy(() => schemaFor(getModelMetadata(target())));
}

function denseVector(field: FieldMetadata): z.ZodType {
  const vector = z.array(z.number());
  const dims = field.mapping.dims;
  return typeof dims === 'number' ? vector.length(dims, `expected ${dims} dimensions`) : vector;
}
