import { describe, expect, test } from 'vitest';
import { Document } from '../../../src/orm/decorators/document.js';
import { Field } from '../../../src/orm/decorators/field.js';
import {
  Binary,
  BooleanField,
  Byte,
  Completion,
  DateField,
  DenseVector,
  Double,
  Flattened,
  Float,
  GeoPoint,
  GeoShape,
  HalfFloat,
  Integer,
  Ip,
  Keyword,
  Long,
  ScaledFloat,
  Short,
  SparseVector,
  Text,
  UnsignedLong,
} from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc, isInnerDocClass } from '../../../src/orm/document/inner-doc.js';
import { getModelMetadata, isDocumentClass } from '../../../src/orm/metadata/registry.js';

class Tag extends InnerDoc {
  @Keyword() label!: string;
}

class Everything {
  @Text() text!: string;
  @Keyword() keyword!: string;
  @Integer() integer!: number;
  @Long() long!: number;
  @Short() short!: number;
  @Byte() byte!: number;
  @Float() float!: number;
  @Double() double!: number;
  @HalfFloat() halfFloat!: number;
  @ScaledFloat({ scaling_factor: 10 }) scaledFloat!: number;
  @UnsignedLong() unsignedLong!: bigint;
  @DateField() date!: Date;
  @BooleanField() boolean!: boolean;
  @Binary() binary!: string;
  @Ip() ip!: string;
  @GeoPoint() geoPoint!: { lat: number; lon: number };
  @GeoShape() geoShape!: string;
  @DenseVector({ dims: 2 }) denseVector!: number[];
  @SparseVector() sparseVector!: Record<string, number>;
  @Completion() completion!: string;
  @Flattened() flattened!: Record<string, unknown>;
  @ObjectField(() => Tag) object!: Tag;
  @Nested(() => Tag, { multi: true }) nested!: Tag[];
  @Field('wildcard') wildcard!: string;
}

describe('field decorators', () => {
  test('each decorator records its Elasticsearch type on the property, in declaration order', () => {
    const types = [...getModelMetadata(Everything).fields.values()].map((f) => [
      f.property,
      f.type,
    ]);
    expect(types).toEqual([
      ['text', 'text'],
      ['keyword', 'keyword'],
      ['integer', 'integer'],
      ['long', 'long'],
      ['short', 'short'],
      ['byte', 'byte'],
      ['float', 'float'],
      ['double', 'double'],
      ['halfFloat', 'half_float'],
      ['scaledFloat', 'scaled_float'],
      ['unsignedLong', 'unsigned_long'],
      ['date', 'date'],
      ['boolean', 'boolean'],
      ['binary', 'binary'],
      ['ip', 'ip'],
      ['geoPoint', 'geo_point'],
      ['geoShape', 'geo_shape'],
      ['denseVector', 'dense_vector'],
      ['sparseVector', 'sparse_vector'],
      ['completion', 'completion'],
      ['flattened', 'flattened'],
      ['object', 'object'],
      ['nested', 'nested'],
      ['wildcard', 'wildcard'],
    ]);
  });

  test('name, multi and required become metadata; the other options become mapping parameters', () => {
    class Post {
      @Text({
        name: 'post_title',
        required: true,
        analyzer: 'english',
        fields: { raw: { type: 'keyword' } },
      })
      title!: string;
      @Keyword({ multi: true, ignore_above: 64 }) tags: string[] = [];
    }
    const { fields } = getModelMetadata(Post);
    expect(fields.get('title')).toEqual({
      property: 'title',
      name: 'post_title',
      type: 'text',
      multi: false,
      required: true,
      mapping: { analyzer: 'english', fields: { raw: { type: 'keyword' } } },
    });
    expect(fields.get('tags')).toEqual({
      property: 'tags',
      name: 'tags',
      type: 'keyword',
      multi: true,
      required: false,
      mapping: { ignore_above: 64 },
    });
  });

  test('the schema option is kept as a function, out of the mapping', () => {
    const refine = (s: import('zod').ZodType) => s;
    class Item {
      @Integer({ schema: refine }) count = 0;
    }
    const field = getModelMetadata(Item).fields.get('count');
    expect(field?.schema).toBe(refine);
    expect(field?.mapping).toEqual({});
  });

  test('object and nested fields keep their target thunk, resolving to the InnerDoc class', () => {
    const field = getModelMetadata(Everything).fields.get('nested');
    expect(field?.target?.()).toBe(Tag);
  });

  test('Field(type, { target }) declares an object field by type name', () => {
    class Holder {
      @Field('object', { target: () => Tag, dynamic: 'strict' }) tag!: Tag;
    }
    const field = getModelMetadata(Holder).fields.get('tag');
    expect(field?.type).toBe('object');
    expect(field?.target?.()).toBe(Tag);
    expect(field?.mapping).toEqual({ dynamic: 'strict' });
  });
});

describe('@Document', () => {
  test('records index, settings, aliases and top-level mapping options', () => {
    @Document({
      index: 'orm-posts',
      settings: { number_of_shards: 1 },
      aliases: { 'orm-posts-read': {} },
      mappings: { dynamic: 'strict' },
    })
    class Post {
      @Text() title!: string;
    }
    expect(getModelMetadata(Post).index).toEqual({
      name: 'orm-posts',
      settings: { number_of_shards: 1 },
      aliases: { 'orm-posts-read': {} },
      mappingOptions: { dynamic: 'strict' },
    });
    expect(isDocumentClass(Post)).toBe(true);
  });

  test('works on any class, and a subclass of a document class is a document too', () => {
    @Document({ index: 'orm-base' })
    class Base {}
    class Derived extends Base {}
    expect(isDocumentClass(Derived)).toBe(true);
    expect(getModelMetadata(Derived).index?.name).toBe('orm-base');
  });

  test('a class without @Document, an InnerDoc and a non-class are not documents', () => {
    class Plain {
      @Text() title!: string;
    }
    expect(isDocumentClass(Plain)).toBe(false);
    expect(isDocumentClass(Tag)).toBe(false);
    expect(isDocumentClass({})).toBe(false);
    expect(isDocumentClass(undefined)).toBe(false);
  });
});

describe('InnerDoc', () => {
  test('isInnerDocClass accepts InnerDoc and its subclasses only', () => {
    expect(isInnerDocClass(Tag)).toBe(true);
    expect(isInnerDocClass(InnerDoc)).toBe(true);
    expect(isInnerDocClass(Everything)).toBe(false);
    expect(isInnerDocClass({})).toBe(false);
  });
});
