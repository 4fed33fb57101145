import { describe, expect, test } from 'vitest';
import type { ZodNumber, ZodString, ZodType } from 'zod';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  Binary,
  BooleanField,
  Byte,
  DateField,
  DenseVector,
  GeoPoint,
  Integer,
  Ip,
  Keyword,
  Long,
  Text,
  UnsignedLong,
} from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { fromSource } from '../../../src/orm/document/source.js';
import {
  OrmValidationError,
  schemaFor,
  validateDocument,
} from '../../../src/orm/document/validation.js';
import { OrmError } from '../../../src/orm/errors.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';
import type { ModelConstructor } from '../../../src/orm/metadata/types.js';

class Comment extends InnerDoc {
  @Keyword({ required: true }) author!: string;
  @DateField() createdAt?: Date;
}

@Document({ index: 'orm-validation-posts' })
class Post {
  @Text({ required: true }) title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Integer({ schema: (s) => (s as ZodNumber).min(0) }) likes = 0;
  @DateField() publishedAt?: Date | string | number;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
}

/** The issues (path and code) validating `value` as a `target` gives; [] when it is valid. */
function issuesOf(target: ModelConstructor, value: object): { path: string; code: string }[] {
  try {
    validateDocument(value, getModelMetadata(target));
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(OrmValidationError);
    return (err as OrmValidationError).issues.map((i) => ({
      path: i.path.join('.'),
      code: i.code,
    }));
  }
}

describe('validateDocument', () => {
  test('a valid hydrated document passes', () => {
    const post = fromSource(Post, {
      title: 'T',
      publishedAt: '2024-01-01T00:00:00Z',
      comments: [{ author: 'a', createdAt: '2024-01-01T00:00:00Z' }],
    });
    expect(issuesOf(Post, post)).toEqual([]);
  });

  test('every issue is reported with its property path, nested ones included', () => {
    const post = fromSource(Post, {
      tags: ['ok', 7],
      likes: -1,
      comments: [{ author: 'a' }, {}],
    });
    (post.comments[1] as { createdAt: unknown }).createdAt = 'not a date';
    expect(issuesOf(Post, post)).toEqual([
      { path: 'title', code: 'invalid_type' },
      { path: 'tags.1', code: 'invalid_type' },
      { path: 'likes', code: 'too_small' },
      { path: 'comments.1.author', code: 'invalid_type' },
      { path: 'comments.1.createdAt', code: 'invalid_union' },
    ]);
  });

  test('the error has code ORM_VALIDATION and a message naming the fields and the way out', () => {
    // Set after loading: hydration truncates a stored 1.5 in an integer field, as Elasticsearch does.
    const post = fromSource(Post, {});
    post.likes = 1.5;
    try {
      validateDocument(post, getModelMetadata(Post));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(OrmError);
      expect((err as OrmError).code).toBe('ORM_VALIDATION');
      expect((err as Error).message).toMatch(/^Post is not valid: title: .*; likes: .*\./);
      expect((err as Error).message).toContain('Fix these fields, or pass validate: false');
    }
  });

  test('optional fields accept null and undefined; required ones refuse both', () => {
    class Person {
      @Keyword({ required: true }) name!: string | null;
      @Keyword() nick?: string | null;
    }
    expect(issuesOf(Person, { name: 'a', nick: null })).toEqual([]);
    expect(issuesOf(Person, { name: 'a' })).toEqual([]);
    expect(issuesOf(Person, { name: null })).toEqual([{ path: 'name', code: 'invalid_type' }]);
  });

  test('a required multi field needs at least one value', () => {
    class Tagged {
      @Keyword({ multi: true, required: true }) tags: string[] = [];
    }
    expect(issuesOf(Tagged, { tags: [] })).toEqual([{ path: 'tags', code: 'too_small' }]);
    expect(issuesOf(Tagged, { tags: ['x'] })).toEqual([]);
  });

  test('null items of a multi field pass, as Elasticsearch takes them (a loaded document saves back)', () => {
    class Listing {
      @Keyword({ multi: true }) tags: string[] = [];
      @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
    }
    const loaded = fromSource(Listing, { tags: ['a', null], comments: [null, { author: 'ann' }] });
    expect(issuesOf(Listing, loaded)).toEqual([]);
    expect(issuesOf(Listing, { tags: ['a', 1] })).toEqual([
      { path: 'tags.1', code: 'invalid_type' },
    ]);
  });

  test('a value of a union-typed field fails with a message naming what the field takes', () => {
    class Place {
      @DateField() at?: Date | string;
      @Ip() ip?: string;
      @GeoPoint() where?: string;
      @Long() count?: number | bigint;
    }
    const place = Object.assign(new Place(), {
      at: '2024-05-01T10:00:00+0100x',
      ip: '300.1.1.1',
      where: true,
      count: 1.5,
    });
    try {
      validateDocument(place, getModelMetadata(Place));
      expect.unreachable();
    } catch (err) {
      const messages = (err as OrmValidationError).issues.map(
        (i) => `${i.path.join('.')}: ${i.message}`,
      );
      expect(messages).toEqual([
        'at: expected a valid Date, an ISO-8601 date or date-time (2024-05-01T10:00:00Z), or integer epoch millis',
        'ip: expected an IPv4 or IPv6 address',
        'where: expected { lat, lon } within -90..90 and -180..180, [lon, lat], a GeoJSON Point, or a "lat,lon", geohash or WKT string',
        'count: expected a safe integer, or a bigint within the signed 64-bit range',
      ]);
    }
  });

  test('document refine adds cross-field rules', () => {
    @Document({
      index: 'orm-ranges',
      refine: (s) =>
        s.refine((v) => (v as { from: number }).from <= (v as { to: number }).to, {
          message: 'from must not exceed to',
          path: ['to'],
        }),
    })
    class Range {
      @Integer() from = 0;
      @Integer() to = 0;
    }
    expect(issuesOf(Range, { from: 5, to: 1 })).toEqual([{ path: 'to', code: 'custom' }]);
    expect(issuesOf(Range, { from: 1, to: 5 })).toEqual([]);
  });

  test('a field schema refinement sees the base schema of the field', () => {
    class Email {
      @Keyword({ schema: (s) => (s as ZodString).email() }) address!: string;
    }
    expect(issuesOf(Email, { address: 'not-an-email' })).toEqual([
      { path: 'address', code: 'invalid_format' },
    ]);
  });
});

describe('schemaFor: value rules per field type', () => {
  const accepts = (target: ModelConstructor, value: unknown) =>
    schemaFor(getModelMetadata(target)).safeParse({ v: value }).success;

  test('integer types check their range', () => {
    class I {
      @Integer() v!: number;
    }
    class B {
      @Byte() v!: number;
    }
    expect(accepts(I, 2 ** 31 - 1)).toBe(true);
    expect(accepts(I, 2 ** 31)).toBe(false);
    expect(accepts(I, 1.5)).toBe(false);
    expect(accepts(B, 127)).toBe(true);
    expect(accepts(B, 128)).toBe(false);
  });

  test('long takes safe integers and 64-bit bigints; unsigned_long refuses negatives', () => {
    class L {
      @Long() v!: number | bigint;
    }
    class U {
      @UnsignedLong() v!: bigint;
    }
    expect(accepts(L, 2n ** 63n - 1n)).toBe(true);
    expect(accepts(L, 2n ** 63n)).toBe(false);
    expect(accepts(L, -5)).toBe(true);
    expect(accepts(L, '12')).toBe(false);
    expect(accepts(U, 2n ** 64n - 1n)).toBe(true);
    expect(accepts(U, -1)).toBe(false);
  });

  test('dates take a valid Date, ISO strings and epoch millis', () => {
    class D {
      @DateField() v!: Date;
    }
    expect(accepts(D, new Date())).toBe(true);
    expect(accepts(D, new Date('x'))).toBe(false);
    expect(accepts(D, '2024-05-01')).toBe(true);
    expect(accepts(D, '2024-05-01T10:00:00+02:00')).toBe(true);
    expect(accepts(D, 1714557600000)).toBe(true);
    expect(accepts(D, 'yesterday')).toBe(false);
  });

  test('a date with only epoch formats refuses date strings, which the node would refuse', () => {
    class D {
      @DateField({ format: 'epoch_millis' }) v!: Date | string | number;
    }
    expect(accepts(D, new Date())).toBe(true);
    expect(accepts(D, 1714557600000)).toBe(true);
    expect(accepts(D, '1714557600000')).toBe(true);
    expect(accepts(D, '2024-05-01')).toBe(false);
  });

  test('a date with a custom format takes any string', () => {
    class D {
      @DateField({ format: 'yyyy/MM/dd' }) v!: Date | string;
    }
    expect(accepts(D, '2024/05/01')).toBe(true);
  });

  test('geo_point takes an object, [lon, lat], a GeoJSON point and strings, within range', () => {
    class G {
      @GeoPoint() v!: { lat: number; lon: number };
    }
    expect(accepts(G, { lat: 52.3, lon: 4.9 })).toBe(true);
    expect(accepts(G, [4.9, 52.3])).toBe(true);
    expect(accepts(G, { type: 'Point', coordinates: [4.9, 52.3] })).toBe(true);
    expect(accepts(G, '52.3,4.9')).toBe(true);
    expect(accepts(G, { lat: 91, lon: 0 })).toBe(false);
    expect(accepts(G, [4.9])).toBe(false);
  });

  test('dense_vector must have dims numbers', () => {
    class V {
      @DenseVector({ dims: 3 }) v!: number[];
    }
    expect(accepts(V, [1, 2, 3])).toBe(true);
    expect(accepts(V, [1, 2])).toBe(false);
    expect(accepts(V, [1, 2, 'x'])).toBe(false);
  });

  test('ip, binary and boolean', () => {
    class Misc {
      @Ip() v!: string;
    }
    class Bin {
      @Binary() v!: string;
    }
    class Bool {
      @BooleanField() v!: boolean;
    }
    expect(accepts(Misc, '10.0.0.1')).toBe(true);
    expect(accepts(Misc, '::1')).toBe(true);
    expect(accepts(Misc, 'host')).toBe(false);
    expect(accepts(Bin, 'aGVsbG8=')).toBe(true);
    expect(accepts(Bin, 'not base64!')).toBe(false);
    expect(accepts(Bool, true)).toBe(true);
    expect(accepts(Bool, 'true')).toBe(false);
  });

  test('object fields take plain objects as well as InnerDoc instances', () => {
    class Author extends InnerDoc {
      @Keyword({ required: true }) name!: string;
    }
    class Book {
      @ObjectField(() => Author) v!: Author;
    }
    expect(accepts(Book, { name: 'a' })).toBe(true);
    expect(accepts(Book, {})).toBe(false);
    expect(accepts(Book, 'a')).toBe(false);
  });

  test('a self-referencing inner class validates to any depth', () => {
    class Node extends InnerDoc {
      @Keyword({ required: true }) name!: string;
      @ObjectField(() => Node, { enabled: false }) child?: Node;
    }
    class Tree {
      @ObjectField(() => Node) v!: Node;
    }
    expect(accepts(Tree, { name: 'a', child: { name: 'b', child: { name: 'c' } } })).toBe(true);
    expect(accepts(Tree, { name: 'a', child: { name: 'b', child: {} } })).toBe(false);
  });

  test('the schema is built once per class', () => {
    const meta = getModelMetadata(Post);
    const first: ZodType = schemaFor(meta);
    expect(schemaFor(meta)).toBe(first);
  });
});
