import { describe, expect, test } from 'vitest';
import { Document } from '../../../src/orm/decorators/document.js';
import { Field } from '../../../src/orm/decorators/field.js';
import { Integer, Keyword, Text } from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { OrmError } from '../../../src/orm/errors.js';
import { getDocumentMetadata, getModelMetadata } from '../../../src/orm/metadata/registry.js';
import type { ModelConstructor } from '../../../src/orm/metadata/types.js';

/** The OrmError a metadata resolution throws (fails the test when it does not throw). */
function resolveError(target: ModelConstructor): OrmError {
  try {
    getModelMetadata(target);
  } catch (err) {
    expect(err).toBeInstanceOf(OrmError);
    return err as OrmError;
  }
  throw new Error(`${target.name} resolved without an error`);
}

describe('resolution', () => {
  test('base class fields come first, then the subclass fields', () => {
    class Base {
      @Keyword() id!: string;
      @Text() title!: string;
    }
    class Post extends Base {
      @Integer() likes = 0;
    }
    expect([...getModelMetadata(Post).fields.keys()]).toEqual(['id', 'title', 'likes']);
    expect([...getModelMetadata(Base).fields.keys()]).toEqual(['id', 'title']);
  });

  test('a subclass redeclaring a base property replaces its field, keeping its position', () => {
    class Base {
      @Text() title!: string;
      @Integer() likes = 0;
    }
    class Post extends Base {
      @Keyword({ name: 'headline' }) override title = '';
    }
    const fields = [...getModelMetadata(Post).fields.values()];
    expect(fields.map((f) => [f.property, f.name, f.type])).toEqual([
      ['title', 'headline', 'keyword'],
      ['likes', 'likes', 'integer'],
    ]);
  });

  test('the nearest @Document wins and refine is carried', () => {
    const refine = (s: import('zod').ZodType) => s;
    @Document({ index: 'orm-base' })
    class Base {}
    @Document({ index: 'orm-child', refine })
    class Child extends Base {}
    const meta = getModelMetadata(Child);
    expect(meta.index?.name).toBe('orm-child');
    expect(meta.refine).toBe(refine);
    expect(meta.className).toBe('Child');
    expect(meta.target).toBe(Child);
  });

  test('metadata is cached per class and frozen, down to mapping parameters', () => {
    @Document({ index: 'orm-frozen', settings: { number_of_shards: 1 } })
    class Post {
      @Text({ fields: { raw: { type: 'keyword' } } }) title!: string;
    }
    const meta = getModelMetadata(Post);
    expect(getModelMetadata(Post)).toBe(meta);
    expect(Object.isFrozen(meta)).toBe(true);
    expect(Object.isFrozen(meta.fields.get('title'))).toBe(true);
    expect(Object.isFrozen(meta.fields.get('title')?.mapping.fields)).toBe(true);
    expect(Object.isFrozen(meta.index?.settings)).toBe(true);
  });

  test('options objects passed to decorators are copied, so later edits do not leak in', () => {
    const options = { analyzer: 'standard' };
    class Post {
      @Text(options) title!: string;
    }
    const meta = getModelMetadata(Post);
    options.analyzer = 'english';
    expect(meta.fields.get('title')?.mapping).toEqual({ analyzer: 'standard' });
  });

  test('getDocumentMetadata returns the metadata of a @Document class', () => {
    @Document({ index: 'orm-notes' })
    class Note {}
    expect(getDocumentMetadata(Note).index.name).toBe('orm-notes');
  });
});

describe('invalid models (ORM_INVALID_MODEL)', () => {
  test('two properties with the same source name', () => {
    class Post {
      @Text() title!: string;
      @Keyword({ name: 'title' }) rawTitle!: string;
    }
    const err = resolveError(Post);
    expect(err.code).toBe('ORM_INVALID_MODEL');
    expect(err.message).toContain('Post.title and Post.rawTitle both map to source field "title"');
  });

  test('a subclass field whose name clashes with a base field', () => {
    class Base {
      @Text() title!: string;
    }
    class Post extends Base {
      @Keyword({ name: 'title' }) label!: string;
    }
    expect(resolveError(Post).message).toContain('both map to source field "title"');
  });

  test('a nested field without a target', () => {
    class Post {
      @Field('nested') comments!: unknown[];
    }
    const err = resolveError(Post);
    expect(err.code).toBe('ORM_INVALID_MODEL');
    expect(err.message).toContain('Post.comments is a nested field without a target');
  });

  test('an object field whose target does not extend InnerDoc', () => {
    class Author {
      @Keyword() name!: string;
    }
    class Book {
      @ObjectField(() => Author) author!: Author;
    }
    const err = resolveError(Book);
    expect(err.code).toBe('ORM_INVALID_MODEL');
    expect(err.message).toContain('Book.author targets Author, which does not extend InnerDoc');
  });

  test('a target thunk that throws', () => {
    class Book {
      @Nested(() => {
        throw new ReferenceError('Cannot access Chapter before initialization');
      })
      chapters!: InnerDoc[];
    }
    const err = resolveError(Book);
    expect(err.code).toBe('ORM_INVALID_MODEL');
    expect(err.message).toContain('Book.chapters: its target thunk threw');
    expect(err.cause).toBeInstanceOf(ReferenceError);
  });

  test('a target on a field that is neither object nor nested', () => {
    class Tag extends InnerDoc {}
    class Post {
      @Field('keyword', { target: () => Tag }) tag!: string;
    }
    expect(resolveError(Post).message).toContain('Post.tag is a keyword field with a target class');
  });

  test('@Document without an index', () => {
    @Document({} as { index: string })
    class Post {}
    const err = resolveError(Post);
    expect(err.code).toBe('ORM_INVALID_MODEL');
    expect(err.message).toBe("@Document on Post has no index: pass @Document({ index: 'name' }).");
  });

  test('@Document with mappings.properties', () => {
    @Document({ index: 'orm-x', mappings: { properties: {} } as object })
    class Post {}
    expect(resolveError(Post).message).toContain('sets mappings.properties');
  });

  test('a decorated static property', () => {
    class Post {
      // Legacy decorators on statics get the class itself: the recorder must notice.
      @(Keyword() as unknown as PropertyDecorator) static kind = 'post';
      @Text() title!: string;
    }
    const err = resolveError(Post);
    expect(err.code).toBe('ORM_INVALID_MODEL');
    expect(err.message).toContain('Post.kind is a static member');
  });

  test('a decorated method', () => {
    class Post {
      @(Keyword() as unknown as MethodDecorator) title(): string {
        return 'x';
      }
    }
    expect(resolveError(Post).message).toContain('Post.title is a method or accessor');
  });

  test('a field named like an inherited method or accessor (meta, save of Model)', () => {
    class Base {
      get meta(): object {
        return {};
      }
      save(): void {}
    }
    class WithMeta extends Base {
      // @ts-expect-error TypeScript already refuses this; JavaScript callers get the ORM error.
      @Keyword() meta!: string;
    }
    class WithSave extends Base {
      // @ts-expect-error TypeScript already refuses this; JavaScript callers get the ORM error.
      @Keyword() save!: string;
    }
    expect(resolveError(WithMeta).message).toContain(
      'WithMeta.meta has the name of a method or accessor WithMeta inherits',
    );
    expect(resolveError(WithSave).message).toContain('rename the property');
  });

  test('two field decorators on one property', () => {
    class Post {
      @Text()
      @Keyword()
      title!: string;
    }
    expect(resolveError(Post).message).toContain('Post.title has two field decorators');
  });

  test('a name with a dot, and an empty name', () => {
    class Dotted {
      @Keyword({ name: 'a.b' }) ab!: string;
    }
    class Empty {
      @Keyword({ name: '' }) e!: string;
    }
    expect(resolveError(Dotted).message).toContain('Dotted.ab has name "a.b"');
    expect(resolveError(Empty).message).toContain('Empty.e has name ""');
  });

  test('type or properties among a decorator options', () => {
    class Post {
      @Field('keyword', { type: 'text' }) title!: string;
    }
    expect(resolveError(Post).message).toContain('Post.title sets type in its options');
  });

  test('a non-class', () => {
    expect(resolveError('Post' as unknown as ModelConstructor).message).toContain(
      'Post is not a class',
    );
  });
});

describe('ORM_NOT_A_DOCUMENT', () => {
  test('getDocumentMetadata of a class without @Document says to decorate it', () => {
    class Comment extends InnerDoc {}
    try {
      getDocumentMetadata(Comment);
      expect.unreachable();
    } catch (err) {
      expect((err as OrmError).code).toBe('ORM_NOT_A_DOCUMENT');
      expect((err as OrmError).message).toContain('Comment is not a document model');
    }
  });
});
