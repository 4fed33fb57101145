import { describe, expectTypeOf, test } from 'vitest';
import type { ZodNumber } from 'zod';
import { Document } from '../../src/orm/decorators/document.js';
import { Field, type FieldDecorator } from '../../src/orm/decorators/field.js';
import {
  BooleanField,
  DateField,
  DenseVector,
  GeoPoint,
  Integer,
  Keyword,
  Long,
  Text,
  UnsignedLong,
} from '../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../src/orm/document/inner-doc.js';
import { fromSource } from '../../src/orm/document/source.js';

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @DateField() createdAt!: Date;
}

class Author extends InnerDoc {
  @Keyword() name!: string;
}

describe('field decorators accept properties of a fitting type', () => {
  test('scalars, optional, nullable, multi and inner documents compile', () => {
    @Document({ index: 'orm-types' })
    class Post {
      @Text({ analyzer: 'standard', fields: { raw: { type: 'keyword' } } }) title!: string;
      @Keyword({ multi: true }) tags: string[] = [];
      @Keyword({ multi: true }) readonlyTags: readonly string[] = [];
      @Integer() likes = 0;
      @Integer() maybe?: number;
      @Integer() nullable: number | null = null;
      @Long() big: bigint = 0n;
      @UnsignedLong() counter = 0;
      @DateField({ required: true }) publishedAt!: Date;
      @BooleanField() draft = false;
      @GeoPoint() at?: { lat: number; lon: number };
      @DenseVector({ dims: 3 }) embedding: number[] = [];
      @ObjectField(() => Author) author?: Author;
      @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
      @Field('wildcard') anything: unknown;
      @Integer({ schema: (s) => (s as ZodNumber).min(0) }) positive = 0;
    }
    expectTypeOf(fromSource(Post, {})).toEqualTypeOf<Post>();
  });
});

describe('field decorators refuse properties of another type', () => {
  test('a number decorator on a string, a string decorator on a number', () => {
    class Wrong {
      // @ts-expect-error: integer fields hold numbers
      @Integer() title!: string;
      // @ts-expect-error: keyword fields hold strings
      @Keyword() count = 0;
      // @ts-expect-error: boolean fields hold booleans
      @BooleanField() flag!: string;
      // @ts-expect-error: date fields hold Date | string | number
      @DateField() when!: boolean;
    }
    expectTypeOf<Wrong>().toHaveProperty('title');
  });

  test('multi decides between a value and an array', () => {
    class Wrong {
      // @ts-expect-error: without multi: true the property is one string, not an array
      @Keyword() tags: string[] = [];
      // @ts-expect-error: with multi: true the property is an array
      @Keyword({ multi: true }) tag = '';
    }
    expectTypeOf<Wrong>().toHaveProperty('tags');
  });

  test('an inner field holds instances of its target class', () => {
    class Wrong {
      // @ts-expect-error: the property is an Author, not a Comment
      @ObjectField(() => Author) author!: Comment;
      // @ts-expect-error: multi nested needs an array of Comment
      @Nested(() => Comment, { multi: true }) comments!: Comment;
    }
    expectTypeOf<Wrong>().toHaveProperty('author');
  });

  test('mapping parameters are typed from the mapping property type', () => {
    class Wrong {
      // @ts-expect-error: ignore_above is a number
      @Keyword({ ignore_above: 'long' }) a!: string;
      // @ts-expect-error: analyzer is not a parameter of integer fields
      @Integer({ analyzer: 'standard' }) b!: number;
      // @ts-expect-error: similarity takes a known name
      @DenseVector({ dims: 3, similarity: 'closest' }) c!: number[];
    }
    expectTypeOf<Wrong>().toHaveProperty('a');
  });

  test('an InnerDoc target must be constructible without arguments', () => {
    class NeedsArgs extends InnerDoc {
      constructor(readonly x: number) {
        super();
      }
    }
    class Wrong {
      // @ts-expect-error: fromSource creates inner documents with new Target()
      @ObjectField(() => NeedsArgs) inner!: NeedsArgs;
    }
    expectTypeOf<Wrong>().toHaveProperty('inner');
  });
});

describe('what decorators cannot be applied to', () => {
  test('a private property (its type is not visible from outside the class)', () => {
    class Secretive {
      // @ts-expect-error: field properties are public, part of the document's shape
      @Keyword() private secret = '';
      reveal(): string {
        return this.secret;
      }
    }
    expectTypeOf<Secretive>().toHaveProperty('reveal');
  });

  test('@Document on a class whose constructor needs arguments', () => {
    // @ts-expect-error: documents are created with new Target() when they are read
    @Document({ index: 'orm-types-args' })
    class NeedsArgs {
      constructor(readonly id: string) {}
    }
    expectTypeOf<NeedsArgs>().toHaveProperty('id');
  });
});

describe('the decorator type', () => {
  test('FieldDecorator<V> takes the target and the property name', () => {
    expectTypeOf(Integer()).toEqualTypeOf<FieldDecorator<number>>();
    expectTypeOf(Keyword({ multi: true })).toEqualTypeOf<FieldDecorator<readonly string[]>>();
  });
});
