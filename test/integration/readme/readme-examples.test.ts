// The README's examples, word for word where possible, run against the real node: if the README
// drifts from the API, this fails to compile or to pass.
import { afterAll, describe, expect, test } from 'vitest';
import { Client } from '../../../src/core/index.js';
import { A, Q, Search } from '../../../src/dsl/index.js';
import {
  DateField,
  Document,
  Keyword,
  Model,
  OrmConflictError,
  setDefaultClient,
  Text,
} from '../../../src/orm/index.js';
import { singleNode } from '../../support/cluster.js';

interface Post {
  title: string;
  published: boolean;
  tags: string[];
}

const client = new Client({ node: singleNode.url });
const index = 'readme-posts';

@Document({ index: 'readme-articles' })
class Article extends Model {
  @Text({ fields: { raw: { type: 'keyword' } } }) title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @DateField({ required: true }) publishedAt!: Date;
}

afterAll(async () => {
  setDefaultClient(undefined);
  await client.indices.delete({ index: 'readme-articles' }, { ignore: [404] });
  await client.indices.delete({ index }, { ignore: [404] });
  await client.close();
});

describe('README examples', () => {
  test('the client example creates, indexes and finds a document', async () => {
    await client.indices.delete({ index }, { ignore: [404] });
    await client.indices.create({
      index,
      mappings: {
        properties: {
          title: { type: 'text' },
          published: { type: 'boolean' },
          tags: { type: 'keyword' },
        },
      },
    });
    await client.index({
      index,
      id: '1',
      document: { title: 'Hello', published: true, tags: ['intro'] },
      refresh: true,
    });
    const res = await client.search<{ title: string }>({
      index,
      query: { match: { title: 'hello' } },
    });
    expect(res.hits.hits[0]?._source?.title).toBe('Hello');
  });

  test('the dsl example filters and aggregates typed fields', async () => {
    await client.index({
      index,
      id: '2',
      document: { title: 'python tips', published: true, tags: ['python', 'tips'] },
    });
    await client.index({
      index,
      id: '3',
      document: { title: 'python drafts', published: false, tags: ['python'] },
      refresh: true,
    });
    const s = new Search<Post>()
      .index(index)
      .query(Q.match({ title: 'python' }))
      .filter(Q.term({ published: true }))
      .aggs('byTag', A.terms({ field: 'tags' }));
    const res = await s.using(client).execute();
    expect(res.hits.map((h) => h.meta.id)).toEqual(['2']);
    const keys = res.aggregations.byTag.buckets.map((b) => b.key).sort();
    expect(keys).toEqual(['python', 'tips']);
  });

  test('client.helpers.bulk loads documents through the client it hangs off', async () => {
    const docs = Array.from({ length: 50 }, (_, i) => ({
      id: `h${i}`,
      title: `bulk ${i}`,
      published: true,
      tags: ['bulk'],
    }));
    const stats = await client.helpers.bulk({
      datasource: docs,
      onDocument: (doc) => ({ index: { _index: index, _id: doc.id } }),
      refreshOnCompletion: true,
    });
    expect(stats.successful).toBe(50);
    expect(client.helpers).toBe(client.helpers);
    const count = await client.count({ index, query: { term: { tags: 'bulk' } } });
    expect(count.count).toBe(50);
  });

  test('the orm example saves, finds typed instances and refuses a stale save', async () => {
    await client.indices.delete({ index: 'readme-articles' }, { ignore: [404] });
    setDefaultClient(client);
    await Article.init();
    const article = Article.create({ title: 'Hello', tags: ['intro'], publishedAt: new Date() });
    await article.save({ refresh: 'wait_for' });
    expect(article.meta.id).toBeTypeOf('string');
    const found = await Article.search()
      .query(Q.match({ title: 'hello' }))
      .execute();
    expect(found.hits[0]).toBeInstanceOf(Article);
    expect(found.hits[0]?.publishedAt.getFullYear()).toBe(article.publishedAt.getFullYear());
    const stale = await Article.get(article.meta.id!);
    article.tags.push('news');
    await article.save();
    await expect(stale.save()).rejects.toBeInstanceOf(OrmConflictError);
    const current = await Article.get(article.meta.id!);
    expect(current.tags).toEqual(['intro', 'news']);
    const mapping = await client.indices.getMapping({ index: 'readme-articles' });
    expect(Object.values(mapping)[0]?.mappings.properties?.title).toEqual({
      type: 'text',
      fields: { raw: { type: 'keyword' } },
    });
  });
});
