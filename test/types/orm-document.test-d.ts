import { describe, expectTypeOf, test } from 'vitest';
import { A, type Hit, Q, type WithFields } from '../../src/dsl/index.js';
import { Document } from '../../src/orm/decorators/document.js';
import { DateField, Integer, Keyword, Text } from '../../src/orm/decorators/field-types.js';
import { Nested } from '../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../src/orm/document/inner-doc.js';
import { Model } from '../../src/orm/document/model.js';
import type {
  DocumentData,
  ModelSearch,
  ModelUpdateByQuery,
} from '../../src/orm/document/model-search.js';
import type {
  SaveAllResult,
  SaveAllStreamResult,
} from '../../src/orm/document/persistence-bulk.js';
import type { DocumentMeta } from '../../src/orm/document/persistence-state.js';
import type { OrmError } from '../../src/orm/errors.js';

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @Text() body!: string;
  @DateField() createdAt!: Date;
}

@Document({ index: 'orm-types-posts' })
class Post extends Model {
  @Text() title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Integer() likes = 0;
  @DateField({ required: true }) publishedAt!: Date;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];

  /** A method: not data, so not a field path and not a create() property. */
  summary(): string {
    return `${this.title} (${this.likes})`;
  }
}

describe('Model statics are typed by the class they are called on', () => {
  test('Post.get resolves to a Post, or Post | null with missing: null', () => {
    expectTypeOf(Post.get('1')).toEqualTypeOf<Promise<Post>>();
    expectTypeOf(Post.get('1', { missing: 'throw' })).toEqualTypeOf<Promise<Post>>();
    expectTypeOf(Post.get('1', { missing: 'null' })).toEqualTypeOf<Promise<Post | null>>();
  });

  test('Post.mget keeps nulls unless missing documents are skipped or thrown', () => {
    expectTypeOf(Post.mget(['1'])).toEqualTypeOf<Promise<(Post | null)[]>>();
    expectTypeOf(Post.mget(['1'], { missing: 'skip' })).toEqualTypeOf<Promise<Post[]>>();
    expectTypeOf(Post.mget(['1'], { missing: 'throw' })).toEqualTypeOf<Promise<Post[]>>();
  });

  test('create returns the subclass and takes its data properties, plain inner objects too', () => {
    const post = Post.create({
      title: 'x',
      publishedAt: new Date(),
      comments: [{ author: 'a', body: 'b', createdAt: new Date() }],
    });
    expectTypeOf(post).toEqualTypeOf<Post>();
  });

  test('create rejects unknown properties, wrong value types, meta and methods', () => {
    // @ts-expect-error nope is not a property of Post
    Post.create({ nope: 1 });
    // @ts-expect-error likes is a number
    Post.create({ likes: 'many' });
    // @ts-expect-error meta is not data
    Post.create({ meta: { id: 'x' } });
    // @ts-expect-error methods are not data
    Post.create({ summary: () => 'x' });
    // @ts-expect-error inner documents are checked too
    Post.create({ comments: [{ author: 'a', body: 'b', createdAt: new Date(), nope: 1 }] });
  });

  test('search() is a ModelSearch whose hits are Posts with meta', async () => {
    const s = Post.search();
    expectTypeOf(s).toEqualTypeOf<ModelSearch<Post>>();
    const res = await s.query(Q.match({ title: 'hello' })).execute();
    expectTypeOf(res.hits[0]!).toEqualTypeOf<Hit<Post>>();
    expectTypeOf(res.hits[0]!.summary()).toEqualTypeOf<string>();
    expectTypeOf(res.hits[0]!.meta.seqNo).toEqualTypeOf<number | undefined>();
    for await (const hit of s.iterate()) expectTypeOf(hit).toMatchTypeOf<Post>();
  });
});

describe('search field paths are checked against the model data', () => {
  test('declared fields, inner paths and aggregations compile', () => {
    const s = Post.search()
      .query(Q.match({ title: 'x' }))
      .filter(Q.term({ tags: 'a' }))
      .filter(Q.nested({ path: 'comments', query: Q.term({ 'comments.author': 'a' }) }))
      .sort('-likes', 'publishedAt')
      .aggs('byTag', A.terms({ field: 'tags' }));
    // hits stay model instances after aggs()
    expectTypeOf(s.execute()).resolves.toHaveProperty('hits').toEqualTypeOf<readonly Hit<Post>[]>();
  });

  test('an unknown field does not compile', () => {
    // @ts-expect-error nope is not a field of Post
    Post.search().query(Q.term({ nope: 1 }));
    // @ts-expect-error comments.nope is not a field of Comment
    Post.search().filter(Q.term({ 'comments.nope': 1 }));
    // @ts-expect-error methods are not fields
    Post.search().query(Q.term({ summary: 1 }));
    // @ts-expect-error meta is not a field
    Post.search().query(Q.term({ 'meta.id': 1 }));
  });

  test('updateByQuery checks field paths too', () => {
    expectTypeOf(Post.updateByQuery().filter(Q.term({ tags: 'a' }))).toEqualTypeOf<
      ModelUpdateByQuery<Post>
    >();
    // @ts-expect-error nope is not a field of Post
    Post.updateByQuery().filter(Q.term({ nope: 1 }));
  });

  test('multi-field paths are declared with WithFields on the search type argument', () => {
    const s = Post.search<WithFields<Post, 'title.raw'>>().filter(Q.term({ 'title.raw': 'x' }));
    expectTypeOf(s).toEqualTypeOf<ModelSearch<WithFields<Post, 'title.raw'>>>();
    // @ts-expect-error title.raw is not a property: undeclared, it does not compile
    Post.search().filter(Q.term({ 'title.raw': 'x' }));
  });

  test('DocumentData keeps data and drops meta and methods', () => {
    expectTypeOf<keyof DocumentData<Post>>().toEqualTypeOf<
      'title' | 'tags' | 'likes' | 'publishedAt' | 'comments'
    >();
  });
});

describe('instances', () => {
  test('meta is DocumentMeta and writes resolve to the instance', () => {
    const post = Post.create({ title: 'x' });
    expectTypeOf(post.meta).toEqualTypeOf<DocumentMeta>();
    expectTypeOf(post.save()).toEqualTypeOf<Promise<Post>>();
    expectTypeOf(post.update({ likes: 2 })).toEqualTypeOf<Promise<Post>>();
    expectTypeOf(post.reload()).toEqualTypeOf<Promise<Post>>();
    expectTypeOf(post.delete()).toEqualTypeOf<Promise<void>>();
  });

  test('update takes a partial of the data only; null clears a field', () => {
    const post = Post.create({ title: 'x' });
    void post.update({ likes: 2, title: null });
    // @ts-expect-error nope is not a property of Post
    void post.update({ nope: 1 });
    // @ts-expect-error likes is a number
    void post.update({ likes: 'x' });
  });

  test('Model itself cannot be instantiated', () => {
    // @ts-expect-error Model is abstract
    new Model();
  });
});

describe('saveAll', () => {
  test('an array resolves to a result typed with the model that lists the saved documents', () => {
    const post = Post.create({ title: 'x' });
    const result = Post.saveAll([post]);
    expectTypeOf(result).toEqualTypeOf<Promise<SaveAllResult<Post>>>();
    type Result = Awaited<typeof result>;
    expectTypeOf<Result['saved']>().toEqualTypeOf<readonly Post[]>();
    expectTypeOf<Result['failed'][number]['document']>().toEqualTypeOf<Post>();
    expectTypeOf<Result['failed'][number]['error']>().toEqualTypeOf<OrmError>();
  });

  test('an async iterable resolves to a count: saved is undefined', () => {
    async function* posts(): AsyncGenerator<Post> {
      yield Post.create({ title: 'x' });
    }
    const result = Post.saveAll(posts(), { raiseOnError: false, refresh: 'wait_for' });
    expectTypeOf(result).toEqualTypeOf<Promise<SaveAllStreamResult<Post>>>();
    expectTypeOf<Awaited<typeof result>['saved']>().toEqualTypeOf<undefined>();
    expectTypeOf<Awaited<typeof result>['savedCount']>().toEqualTypeOf<number>();
  });

  test('only documents of the model compile, and only known options', () => {
    // @ts-expect-error a plain object is not a Post
    void Post.saveAll([{ title: 'x' }]);
    // @ts-expect-error opType is 'index' or 'create'
    void Post.saveAll([], { opType: 'update' });
  });
});
