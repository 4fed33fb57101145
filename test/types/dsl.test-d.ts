import { describe, expectTypeOf, test } from 'vitest';
import type { Client } from '../../src/core/client.js';
import {
  $raw,
  A,
  type FieldPath,
  Q,
  type Query,
  Search,
  type SearchClient,
  SF,
  type WithFields,
} from '../../src/dsl/index.js';

interface Post {
  title: string;
  published: boolean;
  likes: number;
  tags: string[];
  author: { name: string; email: string };
  comments: { text: string; stars: number }[];
}

describe('field names', () => {
  test('queries record the fields they name', () => {
    expectTypeOf(Q.match({ title: 'x' })).toEqualTypeOf<Query<'title'>>();
    expectTypeOf(Q.exists({ field: 'author.name' })).toEqualTypeOf<Query<'author.name'>>();
    expectTypeOf(Q.terms({ tags: ['a'], boost: 2 })).toEqualTypeOf<Query<'tags'>>();
    expectTypeOf(Q.and(Q.match({ title: 'x' }), Q.term({ likes: 1 }))).toEqualTypeOf<
      Query<'title' | 'likes'>
    >();
    expectTypeOf(
      Q.bool({ must: [Q.match({ title: 'x' })], filter: Q.term({ published: true }) }),
    ).toEqualTypeOf<Query<'title' | 'published'>>();
  });

  test('function_score names the fields of its query and score functions', () => {
    const q = Q.functionScore({
      query: Q.match({ title: 'x' }),
      functions: [
        SF.fieldValueFactor({ field: 'likes' }),
        SF.weight(2, { filter: Q.term({ published: true }) }),
      ],
    });
    expectTypeOf(q).toEqualTypeOf<Query<'title' | 'likes' | 'published'>>();
  });

  test('Search<Post> accepts dotted paths of Post everywhere a field is named', () => {
    const s = new Search<Post>()
      .query(Q.match({ title: 'x' }))
      .filter(Q.term({ 'author.name': 'ann' }))
      .exclude(Q.nested({ path: 'comments', query: Q.range({ 'comments.stars': { lt: 2 } }) }))
      .postFilter(Q.multiMatch({ query: 'x', fields: ['title^2', 'author.name'] }))
      .aggs('byTag', A.terms({ field: 'tags' }))
      .sort('-likes', { title: 'asc' })
      .highlight(['title'])
      .collapse('author.email');
    expectTypeOf(s).toMatchTypeOf<Search<Post, any, Post>>();
  });

  test('a wrong field name does not compile, wherever it appears', () => {
    const s = new Search<Post>();
    // @ts-expect-error 'titel' is not a field of Post
    s.query(Q.match({ titel: 'x' }));
    // @ts-expect-error 'author.nam' is not a field of Post
    s.filter(Q.term({ 'author.nam': 'x' }));
    // @ts-expect-error unknown field inside a bool
    s.query(Q.bool({ must: [Q.match({ title: 'x' }), Q.match({ body: 'y' })] }));
    // @ts-expect-error unknown field in an aggregation
    s.aggs('x', A.terms({ field: 'tag' }));
    // @ts-expect-error unknown field in a sub-aggregation
    s.aggs('x', A.terms({ field: 'tags' }).metric('m', A.avg({ field: 'like' })));
    // @ts-expect-error unknown sort field
    s.sort('-likez');
    // @ts-expect-error unknown highlight field
    s.highlight(['body']);
    // @ts-expect-error unknown source path
    s.source(['nope']);
    // @ts-expect-error unknown fields-API field
    s.fields('autor.name');
    // @ts-expect-error unknown collapse field
    s.collapse('writer');
    // @ts-expect-error unknown field in a score function
    s.query(Q.functionScore({ functions: [SF.gauss({ dat: { origin: 'now', scale: '1d' } })] }));
  });

  test('$raw and declared multi-fields are the escape hatches', () => {
    expectTypeOf(new Search<Post>().query($raw({ match: { 'title.ngram': 'x' } }))).toEqualTypeOf<
      Search<Post>
    >();
    const multi = new Search<WithFields<Post, 'title.raw'>>()
      .sort('title.raw')
      .query(Q.term({ 'title.raw': 'x' }));
    expectTypeOf(multi).toEqualTypeOf<Search<WithFields<Post, 'title.raw'>>>();
    expectTypeOf<FieldPath<WithFields<Post, 'title.raw'>>>().toMatchTypeOf<string>();
    expectTypeOf<'title.raw'>().toMatchTypeOf<FieldPath<WithFields<Post, 'title.raw'>>>();
  });

  test('field paths of a document type: top-level keys, dotted paths, arrays of objects', () => {
    expectTypeOf<'title' | 'author.name' | 'comments.stars' | 'tags'>().toMatchTypeOf<
      FieldPath<Post>
    >();
    expectTypeOf<'author.nope'>().not.toMatchTypeOf<FieldPath<Post>>();
  });

  test('wildcard patterns are accepted where Elasticsearch expands them', () => {
    const s = new Search<Post>().query(Q.multiMatch({ query: 'x', fields: ['author.*', 'ti*^2'] }));
    expectTypeOf(s).toEqualTypeOf<Search<Post>>();
  });

  test('untyped searches accept any field', () => {
    expectTypeOf<FieldPath<any>>().toEqualTypeOf<string>();
    expectTypeOf(
      new Search().query(Q.match({ anything: 'x' })).sort('whatever'),
    ).toEqualTypeOf<Search>();
  });
});

describe('parameter types', () => {
  test('wrong parameter types do not compile', () => {
    expectTypeOf(Q.match({ title: { query: 'x', operator: 'and' } })).toEqualTypeOf<
      Query<'title'>
    >();
    // @ts-expect-error operator must be 'and' | 'or'
    Q.match({ title: { query: 'x', operator: 'nope' } });
    // @ts-expect-error field must be a string
    Q.exists({ field: 3 });
    // @ts-expect-error size must be a number
    A.terms({ field: 'tags', size: 'ten' });
    // @ts-expect-error must takes queries
    Q.bool({ must: [42] });
  });
});

describe('results', () => {
  test('aggregation results and hits are typed', async () => {
    const s = new Search<Post>()
      .aggs('byTag', A.terms({ field: 'tags' }).metric('avgLikes', A.avg({ field: 'likes' })))
      .aggs('stats', A.stats({ field: 'likes' }));
    const res = await s.execute();
    expectTypeOf(res.aggregations.byTag.buckets[0]!.key).toEqualTypeOf<string | number>();
    expectTypeOf(res.aggregations.byTag.buckets[0]!.avgLikes.value).toEqualTypeOf<number | null>();
    expectTypeOf(res.aggregations.stats.max).toEqualTypeOf<number | null>();
    expectTypeOf(res.hits[0]!.title).toEqualTypeOf<string>();
    expectTypeOf(res.hits[0]!.meta.id).toEqualTypeOf<string>();
  });

  test('a search that declared no aggregations reads them untyped', async () => {
    const res = await Search.fromJSON({ aggs: { x: { terms: { field: 'tags' } } } }).execute();
    expectTypeOf(res.aggregations).toEqualTypeOf<Readonly<Record<string, any>>>();
  });

  test('source() narrows the hit type', async () => {
    const res = await new Search<Post>().source(['title', 'author.name']).execute();
    expectTypeOf(res.hits[0]!.title).toEqualTypeOf<string>();
    expectTypeOf(res.hits[0]!.author.name).toEqualTypeOf<string>();
    // @ts-expect-error likes was not selected
    res.hits[0]!.likes;
  });
});

test('the core Client satisfies the SearchClient interface', () => {
  expectTypeOf<Client>().toMatchTypeOf<SearchClient>();
});
