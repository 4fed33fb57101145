/**
 * One decorator per Elasticsearch field type. Each fixes the mapping `type`, types its options
 * from the core's generated mapping property type, and accepts only properties of a fitting type.
 */
import type {
  MappingBinaryProperty,
  MappingBooleanProperty,
  MappingByteNumberProperty,
  MappingCompletionProperty,
  MappingDateProperty,
  MappingDenseVectorProperty,
  MappingDoubleNumberProperty,
  MappingFlattenedProperty,
  MappingFloatNumberProperty,
  MappingGeoPointProperty,
  MappingGeoShapeProperty,
  MappingHalfFloatNumberProperty,
  MappingIntegerNumberProperty,
  MappingIpProperty,
  MappingKeywordProperty,
  MappingLongNumberProperty,
  MappingScaledFloatNumberProperty,
  MappingShortNumberProperty,
  MappingSparseVectorProperty,
  MappingTextProperty,
  MappingUnsignedLongNumberProperty,
} from '../../core/api/generated/types.js';
import { OrmError } from '../errors.js';
import {
  type FieldDecorator,
  type FieldDecoratorFactory,
  type FieldOptions,
  fieldDecorator,
  fieldFactory,
} from './field.js';
import { assertLegacyDecorator } from './legacy-only.js';

/** A geo_point value in any form Elasticsearch accepts: object, `[lon, lat]`, "lat,lon", geohash, WKT. */
export type GeoPointValue =
  | { readonly lat: number; readonly lon: number }
  | readonly [number, number]
  | string;

/** A geo_shape value: a GeoJSON object or a WKT string. */
export type GeoShapeValue = { readonly type: string; readonly [key: string]: unknown } | string;

/** A completion suggester input: a string or `{ input, weight }`. */
export type CompletionValue =
  | string
  | { readonly input: string | readonly string[]; readonly weight?: number };

/** A 64-bit integer: a number within 2^53, or a bigint beyond it (the core serializer writes both). */
export type LongValue = number | bigint;

/** What a date property may hold: `Date` after hydration; ISO strings and epoch millis are accepted. */
export type DateValue = Date | string | number;

/**
 * A full-text field (`text`): analysed, with optional `fields` for keyword sub-fields.
 * @example
 * ```ts
 * import { Document, Model, Text } from 'elastiq/orm';
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @Text({ analyzer: 'standard', fields: { raw: { type: 'keyword' } } }) title!: string;
 * }
 * ```
 */
export const Text: FieldDecoratorFactory<MappingTextProperty, string> = fieldFactory('text');

/**
 * An exact-value field (`keyword`) for filters, sorting and aggregations.
 * @example
 * ```ts
 * import { Document, Keyword, Model } from 'elastiq/orm';
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @Keyword({ multi: true }) tags: string[] = [];
 * }
 * ```
 */
export const Keyword: FieldDecoratorFactory<MappingKeywordProperty, string> =
  fieldFactory('keyword');

/**
 * A 32-bit signed integer (`integer`).
 * @example
 * ```ts
 * import { Document, Integer, Model } from 'elastiq/orm';
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @Integer() likes = 0;
 * }
 * ```
 */
export const Integer: FieldDecoratorFactory<MappingIntegerNumberProperty, number> =
  fieldFactory('integer');

/**
 * A 64-bit signed integer (`long`): a number, or a bigint beyond 2^53.
 * @example
 * ```ts
 * import { Document, Long, Model } from 'elastiq/orm';
 * @Document({ index: 'files' })
 * class File extends Model {
 *   @Long() bytes = 0;
 * }
 * ```
 */
export const Long: FieldDecoratorFactory<MappingLongNumberProperty, LongValue> =
  fieldFactory('long');

/**
 * A 16-bit signed integer (`short`).
 * @example
 * ```ts
 * import { Document, Model, Short } from 'elastiq/orm';
 * @Document({ index: 'rooms' })
 * class Room extends Model {
 *   @Short() floor = 0;
 * }
 * ```
 */
export const Short: FieldDecoratorFactory<MappingShortNumberProperty, number> =
  fieldFactory('short');

/**
 * An 8-bit signed integer (`byte`).
 * @example
 * ```ts
 * import { Byte, Document, Model } from 'elastiq/orm';
 * @Document({ index: 'ratings' })
 * class Rating extends Model {
 *   @Byte() stars = 0;
 * }
 * ```
 */
export const Byte: FieldDecoratorFactory<MappingByteNumberProperty, number> = fieldFactory('byte');

/**
 * A 32-bit float (`float`).
 * @example
 * ```ts
 * import { Document, Float, Model } from 'elastiq/orm';
 * @Document({ index: 'products' })
 * class Product extends Model {
 *   @Float() price = 0;
 * }
 * ```
 */
export const Float: FieldDecoratorFactory<MappingFloatNumberProperty, number> =
  fieldFactory('float');

/**
 * A 64-bit float (`double`).
 * @example
 * ```ts
 * import { Document, Double, Model } from 'elastiq/orm';
 * @Document({ index: 'readings' })
 * class Reading extends Model {
 *   @Double() value = 0;
 * }
 * ```
 */
export const Double: FieldDecoratorFactory<MappingDoubleNumberProperty, number> =
  fieldFactory('double');

/**
 * A 16-bit float (`half_float`).
 * @example
 * ```ts
 * import { Document, HalfFloat, Model } from 'elastiq/orm';
 * @Document({ index: 'scores' })
 * class Score extends Model {
 *   @HalfFloat() ratio = 0;
 * }
 * ```
 */
export const HalfFloat: FieldDecoratorFactory<MappingHalfFloatNumberProperty, number> =
  fieldFactory('half_float');

/** `ScaledFloat`'s options: `scaling_factor` is required, as Elasticsearch requires it. */
export type ScaledFloatOptions = FieldOptions<MappingScaledFloatNumberProperty> & {
  /** The stored long is the value times this (100 keeps 2 decimals); a positive number. */
  readonly scaling_factor: number;
};

/** `ScaledFloat`: like the other field decorator factories, but its options are required. */
export interface ScaledFloatDecoratorFactory {
  (options: ScaledFloatOptions & { readonly multi: true }): FieldDecorator<readonly number[]>;
  (options: ScaledFloatOptions & { readonly multi?: false }): FieldDecorator<number>;
}

/**
 * A float stored as a long scaled by `scaling_factor` (`scaled_float`). `scaling_factor` is
 * required: Elasticsearch refuses the mapping without it, so the decorator throws
 * `ORM_INVALID_MODEL` (naming the class and property) when the class is defined without a
 * positive one.
 * @example
 * ```ts
 * import { Document, Model, ScaledFloat } from 'elastiq/orm';
 * @Document({ index: 'products' })
 * class Product extends Model {
 *   @ScaledFloat({ scaling_factor: 100 }) price = 0;
 * }
 * ```
 */
export const ScaledFloat: ScaledFloatDecoratorFactory = ((
  options?: Readonly<Record<string, unknown>>,
) => {
  const decorate = fieldDecorator('scaled_float', options ?? {}, undefined);
  return (proto: object, propertyKey: string | symbol, descriptor?: unknown): void => {
    assertLegacyDecorator('A field decorator (scaled_float)', propertyKey);
    const factor = options?.scaling_factor;
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 0) {
      const owner = typeof proto === 'function' ? proto : proto.constructor;
      const given =
        factor === undefined
          ? 'has no scaling_factor'
          : `has scaling_factor ${typeof factor === 'string' ? JSON.stringify(factor) : String(factor)}`;
      throw new OrmError(
        'ORM_INVALID_MODEL',
        `${owner.name}.${String(propertyKey)}: @ScaledFloat ${given}; pass a positive number, e.g. @ScaledFloat({ scaling_factor: 100 }) to keep 2 decimals (Elasticsearch refuses a scaled_float mapping without one).`,
      );
    }
    decorate(proto, propertyKey, descriptor);
  };
}) as unknown as ScaledFloatDecoratorFactory;

/**
 * An unsigned 64-bit integer (`unsigned_long`): a number, or a bigint beyond 2^53.
 * @example
 * ```ts
 * import { Document, Model, UnsignedLong } from 'elastiq/orm';
 * @Document({ index: 'counters' })
 * class Counter extends Model {
 *   @UnsignedLong() total: bigint = 0n;
 * }
 * ```
 */
export const UnsignedLong: FieldDecoratorFactory<MappingUnsignedLongNumberProperty, LongValue> =
  fieldFactory('unsigned_long');

/**
 * A date (`date`): hydrated as `Date`, written as an ISO-8601 string.
 * @example
 * ```ts
 * import { DateField, Document, Model } from 'elastiq/orm';
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @DateField({ required: true }) publishedAt!: Date;
 * }
 * ```
 */
export const DateField: FieldDecoratorFactory<MappingDateProperty, DateValue> =
  fieldFactory('date');

/**
 * A boolean (`boolean`).
 * @example
 * ```ts
 * import { BooleanField, Document, Model } from 'elastiq/orm';
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @BooleanField() published = false;
 * }
 * ```
 */
export const BooleanField: FieldDecoratorFactory<MappingBooleanProperty, boolean> =
  fieldFactory('boolean');

/**
 * Base64-encoded binary data (`binary`), not searchable.
 * @example
 * ```ts
 * import { Binary, Document, Model } from 'elastiq/orm';
 * @Document({ index: 'files' })
 * class File extends Model {
 *   @Binary() thumbnail?: string;
 * }
 * ```
 */
export const Binary: FieldDecoratorFactory<MappingBinaryProperty, string> = fieldFactory('binary');

/**
 * An IPv4 or IPv6 address (`ip`).
 * @example
 * ```ts
 * import { Document, Ip, Model } from 'elastiq/orm';
 * @Document({ index: 'requests' })
 * class Request extends Model {
 *   @Ip() client!: string;
 * }
 * ```
 */
export const Ip: FieldDecoratorFactory<MappingIpProperty, string> = fieldFactory('ip');

/**
 * A latitude/longitude point (`geo_point`).
 * @example
 * ```ts
 * import { Document, GeoPoint, Model } from 'elastiq/orm';
 * @Document({ index: 'shops' })
 * class Shop extends Model {
 *   @GeoPoint() location!: { lat: number; lon: number };
 * }
 * ```
 */
export const GeoPoint: FieldDecoratorFactory<MappingGeoPointProperty, GeoPointValue> =
  fieldFactory('geo_point');

/**
 * A GeoJSON or WKT shape (`geo_shape`).
 * @example
 * ```ts
 * import { Document, GeoShape, Model } from 'elastiq/orm';
 * @Document({ index: 'areas' })
 * class Area extends Model {
 *   @GeoShape() boundary!: { type: string; coordinates: number[][][] };
 * }
 * ```
 */
export const GeoShape: FieldDecoratorFactory<MappingGeoShapeProperty, GeoShapeValue> =
  fieldFactory('geo_shape');

/**
 * A dense vector for kNN search (`dense_vector`): validation checks its length against `dims`.
 * @example
 * ```ts
 * import { DenseVector, Document, Model } from 'elastiq/orm';
 * @Document({ index: 'images' })
 * class Image extends Model {
 *   @DenseVector({ dims: 3, similarity: 'cosine' }) embedding: number[] = [];
 * }
 * ```
 */
export const DenseVector: FieldDecoratorFactory<MappingDenseVectorProperty, readonly number[]> =
  fieldFactory('dense_vector');

/**
 * Token weights for sparse retrieval (`sparse_vector`), e.g. ELSER output.
 * @example
 * ```ts
 * import { Document, Model, SparseVector } from 'elastiq/orm';
 * @Document({ index: 'passages' })
 * class Passage extends Model {
 *   @SparseVector() tokens: Record<string, number> = {};
 * }
 * ```
 */
export const SparseVector: FieldDecoratorFactory<
  MappingSparseVectorProperty,
  Readonly<Record<string, number>>
> = fieldFactory('sparse_vector');

/**
 * Search-as-you-type suggestions (`completion`).
 * @example
 * ```ts
 * import { Completion, Document, Model } from 'elastiq/orm';
 * @Document({ index: 'songs' })
 * class Song extends Model {
 *   @Completion() suggest?: { input: string[]; weight?: number };
 * }
 * ```
 */
export const Completion: FieldDecoratorFactory<MappingCompletionProperty, CompletionValue> =
  fieldFactory('completion');

/**
 * A whole object indexed as keywords in one field (`flattened`): no mapping explosion.
 * @example
 * ```ts
 * import { Document, Flattened, Model } from 'elastiq/orm';
 * @Document({ index: 'events' })
 * class Event extends Model {
 *   @Flattened() labels: Record<string, string> = {};
 * }
 * ```
 */
export const Flattened: FieldDecoratorFactory<
  MappingFlattenedProperty,
  Readonly<Record<string, unknown>>
> = fieldFactory('flattened');
