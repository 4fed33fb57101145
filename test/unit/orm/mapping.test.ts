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
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import type { OrmError } from '../../../src/orm/errors.js';
import { buildIndexBody, buildMappings } from '../../../src/orm/mapping/build-mappings.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @Text() body!: string;
  @DateField({ name: 'created_at' }) createdAt!: Date;
}

@Document({ index: 'blog-posts', settings: { number_of_shards: 1 } })
class Post {
  @Text({ analyzer: 'standard', fields: { raw: { type: 'keyword' } } }) title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Integer() likes = 0;
  @DateField({ required: true }) publishedAt!: Date;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
}

describe('buildMappings', () => {
  test('the blog post model: multi-fields, arrays mapped as their element type, nested properties', () => {
    expect(buildMappings(getModelMetadata(Post))).toEqual({
      properties: {
        comments: {
          type: 'nested',
          properties: {
            author: { type: 'keyword' },
            body: { type: 'text' },
            created_at: { type: 'date' },
          },
        },
        likes: { type: 'integer' },
        publishedAt: { type: 'date' },
        tags: { type: 'keyword' },
        title: { type: 'text', analyzer: 'standard', fields: { raw: { type: 'keyword' } } },
      },
    });
  });

  test('every decorator maps to its type with its parameters', () => {
    class Vectors extends InnerDoc {
      @DenseVector({ dims: 3, similarity: 'cosine', index: true }) embedding!: number[];
      @SparseVector() tokens!: Record<string, number>;
    }
    @Document({ index: 'orm-everything' })
    class Everything {
      @Keyword({ ignore_above: 256, normalizer: 'lowercase' }) a_keyword!: string;
      @Long() b_long!: number;
      @Short() c_short!: number;
      @Byte() d_byte!: number;
      @Float({ coerce: false }) e_float!: number;
      @Double() f_double!: number;
      @HalfFloat() g_half!: number;
      @ScaledFloat({ scaling_factor: 100 }) h_scaled!: number;
      @UnsignedLong() i_ulong!: bigint;
      @DateField({ format: 'strict_date_optional_time||epoch_millis' }) j_date!: Date;
      @BooleanField() k_bool!: boolean;
      @Binary() l_binary!: string;
      @Ip() m_ip!: string;
      @GeoPoint() n_point!: { lat: number; lon: number };
      @GeoShape() o_shape!: string;
      @Completion({ analyzer: 'simple' }) p_suggest!: string;
      @Flattened() q_labels!: Record<string, string>;
      @ObjectField(() => Vectors) r_vectors!: Vectors;
      @Field('wildcard') s_wild!: string;
      @Text({ index: false, copy_to: 'z_all' }) t_text!: string;
      @Text() z_all!: string;
    }
    expect(buildMappings(getModelMetadata(Everything))).toEqual({
      properties: {
        a_keyword: { type: 'keyword', ignore_above: 256, normalizer: 'lowercase' },
        b_long: { type: 'long' },
        c_short: { type: 'short' },
        d_byte: { type: 'byte' },
        e_float: { type: 'float', coerce: false },
        f_double: { type: 'double' },
        g_half: { type: 'half_float' },
        h_scaled: { type: 'scaled_float', scaling_factor: 100 },
        i_ulong: { type: 'unsigned_long' },
        j_date: { type: 'date' },
        k_bool: { type: 'boolean' },
        l_binary: { type: 'binary' },
        m_ip: { type: 'ip' },
        n_point: { type: 'geo_point' },
        o_shape: { type: 'geo_shape' },
        p_suggest: { type: 'completion', analyzer: 'simple' },
        q_labels: { type: 'flattened' },
        r_vectors: {
          properties: {
            embedding: { type: 'dense_vector', dims: 3, index: true, similarity: 'cosine' },
            tokens: { type: 'sparse_vector' },
          },
        },
        s_wild: { type: 'wildcard' },
        t_text: { type: 'text', copy_to: ['z_all'], index: false },
        z_all: { type: 'text' },
      },
    });
  });

  test('properties and parameters come out in sorted key order, type first', () => {
    class Sorted {
      @Keyword() zeta!: string;
      @Text({ search_analyzer: 'standard', analyzer: 'english' }) alpha!: string;
    }
    const mappings = buildMappings(getModelMetadata(Sorted));
    expect(JSON.stringify(mappings)).toBe(
      '{"properties":{"alpha":{"type":"text","analyzer":"english","search_analyzer":"standard"},"zeta":{"type":"keyword"}}}',
    );
  });

  test('top-level mapping options come first; dynamic false is written as Elasticsearch reads it back', () => {
    @Document({
      index: 'orm-options',
      mappings: { dynamic: false, _source: { excludes: ['secret'] }, _routing: { required: true } },
    })
    class WithOptions {
      @ObjectField(() => Comment, { dynamic: true }) last!: Comment;
    }
    expect(buildMappings(getModelMetadata(WithOptions))).toEqual({
      _routing: { required: true },
      _source: { excludes: ['secret'] },
      dynamic: 'false',
      properties: {
        last: {
          dynamic: 'true',
          properties: {
            author: { type: 'keyword' },
            body: { type: 'text' },
            created_at: { type: 'date' },
          },
        },
      },
    });
  });

  test('a date format equal to the default is left out, as Elasticsearch reads it back', () => {
    class Dates {
      @DateField({ format: 'strict_date_optional_time||epoch_millis' }) a!: Date;
      @Field('date_nanos', { format: 'strict_date_optional_time_nanos||epoch_millis' }) b!: Date;
      @DateField({ format: 'yyyy-MM-dd' }) c!: Date;
    }
    expect(buildMappings(getModelMetadata(Dates)).properties).toEqual({
      a: { type: 'date' },
      b: { type: 'date_nanos' },
      c: { type: 'date', format: 'yyyy-MM-dd' },
    });
  });

  test('an object field whose inner class has no fields keeps type object', () => {
    class Empty extends InnerDoc {}
    class Holder {
      @ObjectField(() => Empty) empty!: Empty;
      @Nested(() => Empty) nested!: Empty;
    }
    expect(buildMappings(getModelMetadata(Holder)).properties).toEqual({
      empty: { type: 'object' },
      nested: { type: 'nested' },
    });
  });

  test('inner documents nest to any depth', () => {
    class Street extends InnerDoc {
      @Keyword() name!: string;
    }
    class Address extends InnerDoc {
      @ObjectField(() => Street) street!: Street;
    }
    class Person {
      @Nested(() => Address, { multi: true }) addresses!: Address[];
    }
    expect(buildMappings(getModelMetadata(Person)).properties).toEqual({
      addresses: {
        type: 'nested',
        properties: { street: { properties: { name: { type: 'keyword' } } } },
      },
    });
  });

  test('a self-referencing inner document is refused with the cycle spelled out', () => {
    class Category extends InnerDoc {
      @Keyword() name!: string;
      @ObjectField(() => Category) parent?: Category;
    }
    class Product {
      @ObjectField(() => Category) category!: Category;
    }
    let error: OrmError | undefined;
    try {
      buildMappings(getModelMetadata(Product));
    } catch (err) {
      error = err as OrmError;
    }
    expect(error?.code).toBe('ORM_INVALID_MODEL');
    expect(error?.message).toContain(
      'Category.parent makes the mapping recurse (Product -> Category -> Category)',
    );
    expect(error?.message).toContain('enabled: false');
  });

  test('a self-referencing field with enabled: false is mapped as a disabled object', () => {
    class Node extends InnerDoc {
      @Keyword() name!: string;
      @ObjectField(() => Node, { enabled: false }) parent?: Node;
    }
    class Tree {
      @ObjectField(() => Node) root!: Node;
    }
    expect(buildMappings(getModelMetadata(Tree)).properties).toEqual({
      root: {
        properties: {
          name: { type: 'keyword' },
          parent: { type: 'object', enabled: false },
        },
      },
    });
  });

  test('a disabled object field needs no inner class', () => {
    class Raw {
      @Field('object', { enabled: false }) payload!: Record<string, unknown>;
    }
    expect(buildMappings(getModelMetadata(Raw)).properties).toEqual({
      payload: { type: 'object', enabled: false },
    });
  });

  test('the result is a fresh object each call: editing it does not change the next one', () => {
    const first = buildMappings(getModelMetadata(Post));
    (first.properties as Record<string, unknown>).extra = { type: 'keyword' };
    expect(buildMappings(getModelMetadata(Post)).properties).not.toHaveProperty('extra');
  });
});

describe('buildIndexBody', () => {
  test('gives settings, mappings and aliases of the document', () => {
    @Document({
      index: 'orm-notes',
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      aliases: { 'orm-notes-read': { is_write_index: false } },
    })
    class Note {
      @Text() body!: string;
    }
    expect(buildIndexBody(getModelMetadata(Note))).toEqual({
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { body: { type: 'text' } } },
      aliases: { 'orm-notes-read': { is_write_index: false } },
    });
  });

  test('a document without settings or aliases gets empty objects', () => {
    expect(buildIndexBody(getModelMetadata(Post)).aliases).toEqual({});
    expect(buildIndexBody(getModelMetadata(Post)).settings).toEqual({ number_of_shards: 1 });
  });
});
