import { Exclude, Transform } from 'class-transformer';
import { describe, expect, test } from 'vitest';
import { Document } from '../../../src/orm/decorators/document.js';
import { Field } from '../../../src/orm/decorators/field.js';
import {
  DateField,
  GeoPoint,
  Integer,
  Keyword,
  Long,
  Text,
} from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { fromSource, toSource, undeclaredFields } from '../../../src/orm/document/source.js';
import { OrmValidationError } from '../../../src/orm/document/validation.js';
import { OrmError } from '../../../src/orm/errors.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @Text() body!: string;
  @DateField({ name: 'created_at' }) createdAt!: Date;
}

class Author extends InnerDoc {
  @Keyword() name!: string;
}

@Document({ index: 'orm-source-posts' })
class Post {
  @Text() title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Integer() likes = 0;
  @DateField() publishedAt!: Date;
  @ObjectField(() => Author) author?: Author | undefined;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
  @GeoPoint() location?: { lat: number; lon: number };
}

const meta = getModelMetadata(Post);

const stored = {
  title: 'Hello',
  tags: ['intro', 'news'],
  likes: 3,
  publishedAt: '2024-05-01T10:00:00.000Z',
  author: { name: 'ann' },
  comments: [
    { author: 'bob', body: 'nice', created_at: '2024-05-02T08:30:00.000Z' },
    { author: 'cy', body: 'meh', created_at: '2024-05-03T09:00:00.000Z' },
  ],
  location: { lat: 52.37, lon: 4.89 },
};

function sourceError(run: () => unknown): OrmError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(OrmError);
    return err as OrmError;
  }
  throw new Error('expected an error');
}

describe('fromSource', () => {
  test('makes an instance of the class, with Dates and InnerDoc instances', () => {
    const post = fromSource(Post, stored);
    expect(post).toBeInstanceOf(Post);
    expect(post.publishedAt).toBeInstanceOf(Date);
    expect(post.publishedAt.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(post.author).toBeInstanceOf(Author);
    expect(post.author?.name).toBe('ann');
    expect(post.comments).toHaveLength(2);
    expect(post.comments[0]).toBeInstanceOf(Comment);
    expect(post.comments[1]?.createdAt).toEqual(new Date('2024-05-03T09:00:00.000Z'));
    expect(post.location).toEqual({ lat: 52.37, lon: 4.89 });
  });

  test('maps source names to property names', () => {
    const comment = fromSource(Comment, { created_at: '2024-01-01T00:00:00Z' });
    expect(comment.createdAt).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(comment).not.toHaveProperty('created_at');
  });

  test('class field initialisers give defaults for fields the source lacks', () => {
    const post = fromSource(Post, { title: 'Bare' });
    expect(post.likes).toBe(0);
    expect(post.tags).toEqual([]);
    expect(post.comments).toEqual([]);
  });

  test('a single value of a multi field becomes a one-element array', () => {
    expect(fromSource(Post, { tags: 'solo' }).tags).toEqual(['solo']);
  });

  test('dates in epoch millis, numeric strings, date-only and zoneless forms (read as UTC)', () => {
    const at = (v: unknown) => fromSource(Post, { publishedAt: v }).publishedAt.toISOString();
    expect(at(1714557600000)).toBe('2024-05-01T10:00:00.000Z');
    expect(at('1714557600000')).toBe('2024-05-01T10:00:00.000Z');
    expect(at('2024-05-01')).toBe('2024-05-01T00:00:00.000Z');
    expect(at('2024-05-01T10:00:00')).toBe('2024-05-01T10:00:00.000Z');
    expect(at('2024-05-01T12:00:00+02:00')).toBe('2024-05-01T10:00:00.000Z');
  });

  test('dates in the other forms Elasticsearch accepts read as it reads them, whatever the local zone', () => {
    // Each expectation is what a 9.5 node's docvalue_fields gave for the same stored value.
    const at = (v: unknown) => fromSource(Post, { publishedAt: v }).publishedAt.toISOString();
    expect(at('2024')).toBe('2024-01-01T00:00:00.000Z');
    expect(at(2024)).toBe('2024-01-01T00:00:00.000Z');
    expect(at('0999')).toBe('0999-01-01T00:00:00.000Z');
    expect(at(999)).toBe('1970-01-01T00:00:00.999Z');
    expect(at('-123')).toBe('1969-12-31T23:59:59.877Z');
    expect(at('20240501')).toBe('1970-01-01T05:37:20.501Z');
    expect(at('2024-05-01T10')).toBe('2024-05-01T10:00:00.000Z');
    expect(at('2024-05-01T10:00:00,5Z')).toBe('2024-05-01T10:00:00.500Z');
    expect(at('2024-05-01T10:00:00+01')).toBe('2024-05-01T09:00:00.000Z');
    expect(at('2024-05-01T10:00:00+0100')).toBe('2024-05-01T09:00:00.000Z');
    expect(at('2024-05-01T10:00:00.5+01:30')).toBe('2024-05-01T08:30:00.500Z');
    expect(at('2024-05-01 10:00:00')).toBe('2024-05-01T10:00:00.000Z');
  });

  test('a 4-digit value of a field whose first format is epoch_millis stays milliseconds', () => {
    class Tick {
      @DateField({ format: 'epoch_millis||strict_date_optional_time' }) at!: Date;
    }
    expect(fromSource(Tick, { at: '2024' }).at.toISOString()).toBe('1970-01-01T00:00:02.024Z');
    expect(fromSource(Tick, { at: 2024 }).at.toISOString()).toBe('1970-01-01T00:00:02.024Z');
  });

  test('date_nanos values stay as stored, keeping their nanoseconds', () => {
    class Trace {
      @Field('date_nanos') at!: string;
    }
    const trace = fromSource(Trace, { at: '2024-05-01T10:00:00.123456789Z' });
    expect(trace.at).toBe('2024-05-01T10:00:00.123456789Z');
    expect(toSource(trace, getModelMetadata(Trace))).toEqual({
      at: '2024-05-01T10:00:00.123456789Z',
    });
  });

  test('epoch_second dates are read as seconds', () => {
    class Event {
      @DateField({ format: 'epoch_second' }) at!: Date;
    }
    expect(fromSource(Event, { at: 1714557600 }).at.toISOString()).toBe('2024-05-01T10:00:00.000Z');
  });

  test('null values stay null', () => {
    const post = fromSource(Post, { publishedAt: null, author: null, tags: null });
    expect(post.publishedAt).toBeNull();
    expect(post.author).toBeNull();
    expect(post.tags).toBeNull();
  });

  test('a string where an object is declared is ORM_INVALID_SOURCE naming the field path', () => {
    const err = sourceError(() => fromSource(Post, { comments: [{ author: 'a' }, 'oops'] }));
    expect(err.code).toBe('ORM_INVALID_SOURCE');
    expect(err.message).toBe(
      'Cannot hydrate: comments[1] is the string "oops" where a Comment object is declared. Fix the stored document or the model.',
    );
  });

  test('an unparseable date is ORM_INVALID_SOURCE naming the nested path', () => {
    const err = sourceError(() => fromSource(Post, { comments: [{ created_at: 'yesterday' }] }));
    expect(err.code).toBe('ORM_INVALID_SOURCE');
    expect(err.message).toContain(
      'comments[0].created_at is the string "yesterday", which is not a date',
    );
  });

  test('a source that is not an object is ORM_INVALID_SOURCE', () => {
    expect(sourceError(() => fromSource(Post, 'text')).message).toContain(
      'the _source of a Post is the string "text", not an object',
    );
    expect(sourceError(() => fromSource(Post, null)).code).toBe('ORM_INVALID_SOURCE');
    expect(sourceError(() => fromSource(Post, [1])).message).toContain('is an array');
  });

  test('undeclared source fields are kept, untyped, out of the enumerable properties', () => {
    const post = fromSource(Post, { title: 'T', legacy: { a: 1 }, __proto__: 'x' } as object);
    expect(undeclaredFields(post)).toEqual({ legacy: { a: 1 } });
    expect(Object.keys(post)).not.toContain('legacy');
    expect(Object.getPrototypeOf(post)).toBe(Post.prototype);
  });

  test('a JSON "__proto__" key is kept as data and does not change any prototype', () => {
    const post = fromSource(Post, JSON.parse('{"title":"T","__proto__":{"polluted":true}}'));
    expect(Object.getPrototypeOf(post)).toBe(Post.prototype);
    expect((post as unknown as Record<string, unknown>).polluted).toBeUndefined();
    const source = toSource(post, meta);
    expect(Object.getPrototypeOf(source)).toBe(Object.prototype);
    expect(JSON.stringify(source)).toContain('"__proto__":{"polluted":true}');
  });

  test('long values keep bigint from a lossless parse', () => {
    class Counter {
      @Long() total!: bigint;
    }
    expect(fromSource(Counter, { total: 2n ** 60n }).total).toBe(2n ** 60n);
  });
});

describe('toSource', () => {
  test('round-trips a stored document exactly', () => {
    expect(toSource(fromSource(Post, stored), meta)).toEqual(stored);
  });

  test('writes Dates as ISO strings, inner documents as plain objects, property names as source names', () => {
    const post = fromSource(Post, {});
    post.title = 'New';
    post.publishedAt = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const comment = fromSource(Comment, {});
    comment.author = 'dee';
    comment.createdAt = new Date(0);
    post.comments = [comment];
    const source = toSource(post, meta);
    expect(source).toEqual({
      title: 'New',
      tags: [],
      likes: 0,
      publishedAt: '2024-01-02T03:04:05.000Z',
      comments: [{ author: 'dee', created_at: '1970-01-01T00:00:00.000Z' }],
    });
    expect(Object.getPrototypeOf((source.comments as object[])[0])).toBe(Object.prototype);
  });

  test('undefined fields are omitted and null fields written, so a field can be cleared', () => {
    const post = fromSource(Post, { title: 'T', author: { name: 'a' } });
    post.author = undefined;
    (post as { title: string | null }).title = null;
    const source = toSource(post, meta);
    expect(source).not.toHaveProperty('author');
    expect(source.title).toBeNull();
  });

  test('plain objects in inner fields are accepted (read by property name)', () => {
    const post = fromSource(Post, {});
    post.comments = [{ author: 'e', createdAt: new Date(0) } as Comment];
    expect(toSource(post, meta).comments).toEqual([
      { author: 'e', created_at: '1970-01-01T00:00:00.000Z' },
    ]);
  });

  test('date strings and numbers set by the user are written as they are', () => {
    const post = fromSource(Post, {});
    (post as { publishedAt: unknown }).publishedAt = '2024-01-01';
    expect(toSource(post, meta).publishedAt).toBe('2024-01-01');
  });

  test('epoch-only date formats are written as epoch numbers', () => {
    class Event {
      @DateField({ format: 'epoch_millis' }) ms!: Date;
      @DateField({ format: 'epoch_second' }) s!: Date;
    }
    const event = fromSource(Event, { ms: 1500, s: 2 });
    expect(toSource(event, getModelMetadata(Event))).toEqual({ ms: 1500, s: 2 });
  });

  test("a Date is written in the first of the field's formats that can be written", () => {
    class Dated {
      @DateField({ format: 'yyyy-MM-dd' }) day!: Date;
      @DateField({ format: 'yyyy-MM-dd HH:mm:ss.SSS||epoch_millis' }) at!: Date;
      @DateField({ format: 'dd/MM/yy' }) short!: Date;
      @DateField({ format: 'MMM yyyy||epoch_millis' }) named!: Date;
      @DateField({ format: 'strict_date||epoch_millis' }) strict!: Date;
      @DateField({ format: 'date_time_no_millis' }) noMillis!: Date;
      @DateField({ format: "yyyy-MM-dd'T'HH:mm" }) quoted!: Date;
      @DateField({ format: 'epoch_second||strict_date_optional_time' }) secs!: Date;
      @DateField({ format: 'MMM d' }) unwritable!: Date;
    }
    const when = new Date(Date.UTC(2024, 4, 1, 9, 8, 7, 6));
    const dated = new Dated();
    for (const key of Object.keys(dated)) (dated as unknown as Record<string, Date>)[key] = when;
    expect(toSource(dated, getModelMetadata(Dated))).toEqual({
      day: '2024-05-01',
      at: '2024-05-01 09:08:07.006',
      short: '01/05/24',
      named: when.getTime(),
      strict: '2024-05-01',
      noMillis: '2024-05-01T09:08:07Z',
      quoted: '2024-05-01T09:08',
      secs: Math.floor(when.getTime() / 1000),
      unwritable: '2024-05-01T09:08:07.006Z',
    });
  });

  test('dates of pattern formats are read by their pattern, in UTC, and written back unchanged', () => {
    class Diary {
      @DateField({ format: 'dd/MM/yyyy' }) day!: Date;
      @DateField({ format: 'dd.MM.yy HH:mm||epoch_millis' }) at!: Date;
      @DateField({ format: 'yyyyMMdd' }) basic!: Date;
      @DateField({ format: "strict_date||yyyy-MM-dd'T'HH:mm:ss.SS" }) either!: Date;
    }
    const stored = {
      day: '01/05/2024',
      at: '02.05.24 13:45',
      basic: '20240503',
      either: '2024-05-04T10:11:12.50',
    };
    const diary = fromSource(Diary, stored);
    expect(diary.day.toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(diary.at.toISOString()).toBe('2024-05-02T13:45:00.000Z');
    expect(diary.basic.toISOString()).toBe('2024-05-03T00:00:00.000Z');
    expect(diary.either.toISOString()).toBe('2024-05-04T10:11:12.500Z');
    expect(fromSource(Diary, { at: 1714557600000 }).at.toISOString()).toBe(
      '2024-05-01T10:00:00.000Z',
    );
    expect(toSource(diary, getModelMetadata(Diary))).toEqual({ ...stored, either: '2024-05-04' });
  });

  test('an invalid Date is an OrmValidationError with the property path', () => {
    const post = fromSource(Post, stored);
    post.comments[1]!.createdAt = new Date('nope');
    try {
      toSource(post, meta);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(OrmValidationError);
      expect((err as OrmValidationError).code).toBe('ORM_VALIDATION');
      expect((err as OrmValidationError).issues[0]?.path).toEqual(['comments', 1, 'createdAt']);
    }
  });

  test('a declared field wins over an undeclared one of the same name', () => {
    const post = fromSource(Post, { extra: 1 });
    expect(toSource(post, meta).extra).toBe(1);
  });

  test('properties that are not fields (like meta) are not written', () => {
    const post = fromSource(Post, { title: 'T' });
    (post as unknown as { meta: unknown }).meta = { id: '1' };
    expect(toSource(post, meta)).not.toHaveProperty('meta');
  });
});

describe('class-transformer decorators', () => {
  class Account {
    @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value), {
      toClassOnly: true,
    })
    @Keyword()
    email!: string;

    // An unset amount stays unset: undefined * 100 is NaN, which toSource refuses.
    @Transform(({ value }) => (value === undefined ? value : (value as number) * 100), {
      toPlainOnly: true,
    })
    @Transform(({ value }) => (value as number) / 100, { toClassOnly: true })
    @Integer()
    cents!: number;

    @Exclude({ toPlainOnly: true })
    @Keyword()
    computed?: string;

    @Exclude({ toClassOnly: true })
    @Keyword()
    writeOnly = 'default';
  }
  const accountMeta = getModelMetadata(Account);

  test('@Transform runs on hydration (after Date conversion) and on dehydration', () => {
    const account = fromSource(Account, { email: 'ANN@X.ORG', cents: 250 });
    expect(account.email).toBe('ann@x.org');
    expect(account.cents).toBe(2.5);
    expect(toSource(account, accountMeta)).toMatchObject({ email: 'ann@x.org', cents: 250 });
  });

  test('@Exclude toPlainOnly: the model never writes the field, and a save keeps its stored value', () => {
    const account = fromSource(Account, { computed: 'c', writeOnly: 'stored' });
    expect(account.computed).toBe('c');
    account.computed = 'changed by the model';
    expect(toSource(account, accountMeta).computed).toBe('c');
    const fresh = new Account();
    fresh.computed = 'never stored';
    expect(toSource(fresh, accountMeta)).not.toHaveProperty('computed');
  });

  test('@Exclude toClassOnly keeps a field out of hydration; the value the instance holds is written', () => {
    const account = fromSource(Account, { computed: 'c', writeOnly: 'stored' });
    expect(account.writeOnly).toBe('default');
    expect(toSource(account, accountMeta).writeOnly).toBe('default');
  });

  test('@Exclude() both ways: neither loaded nor written by the model, yet never erased by a save', () => {
    class Secretive extends InnerDoc {
      @Exclude()
      @Keyword()
      token?: string;

      @Keyword()
      name!: string;
    }
    const doc = fromSource(Secretive, { token: 'kept', name: 'n' });
    expect(doc.token).toBeUndefined();
    doc.name = 'm';
    expect(toSource(doc, getModelMetadata(Secretive))).toEqual({ name: 'm', token: 'kept' });
  });
});

describe('toSource of object graphs', () => {
  class Node extends InnerDoc {
    @Keyword() label!: string;
    @ObjectField(() => Node, { enabled: false }) next?: Node;
  }
  const nodeMeta = getModelMetadata(Node);

  test('a cycle of inner documents is refused with an OrmValidationError naming its path', () => {
    const a = Object.assign(new Node(), { label: 'a' });
    const b = Object.assign(new Node(), { label: 'b', next: a });
    a.next = b;
    let error: unknown;
    try {
      toSource(a, nodeMeta);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OrmValidationError);
    expect((error as OrmValidationError).issues[0]?.path).toEqual(['next', 'next']);
    expect((error as OrmValidationError).message).toContain('a cycle');
  });

  test('the same inner document in two places is no cycle', () => {
    class Pair extends InnerDoc {
      @ObjectField(() => Node, { enabled: false }) left?: Node;
      @ObjectField(() => Node, { enabled: false }) right?: Node;
    }
    const leaf = Object.assign(new Node(), { label: 'leaf' });
    const shared = Object.assign(new Node(), { label: 'shared', next: leaf });
    const pair = Object.assign(new Pair(), { left: shared, right: shared });
    const expected = { label: 'shared', next: { label: 'leaf' } };
    expect(toSource(pair, getModelMetadata(Pair))).toEqual({ left: expected, right: expected });
  });
});
