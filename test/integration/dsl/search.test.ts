import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import {
  A,
  DateHistogramFacet,
  FacetedSearch,
  MultiSearch,
  NestedFacet,
  Q,
  RangeFacet,
  Search,
  TermsFacet,
  UpdateByQuery,
  type WithFields,
} from '../../../src/dsl/index.js';

const node = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const INDEX = `dsl-posts-${process.pid}-${Date.now()}`;
const N = 3000;
const TAGS = ['python', 'rust', 'web', 'ml', 'ops'];
const AUTHORS = ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gus'];
const WORDS = ['elastic', 'search', 'python', 'query', 'index', 'cluster'];

interface Post {
  title: string;
  tags: string[];
  likes: number;
  published: boolean;
  date: string;
  author: { name: string };
  comments: { author: string; stars: number }[];
  vec: number[];
  suggest: string;
}
type Doc = WithFields<Post, 'title.raw'>;

/** The seeded documents, computed the same way the assertions recompute them. */
function doc(i: number): Post {
  const tags = [...new Set([TAGS[i % 5]!, TAGS[(i * 7 + 1) % 5]!])];
  const comments = [{ author: AUTHORS[(i + 1) % 7]!, stars: (i % 5) + 1 }];
  if (i % 2 === 0) comments.push({ author: AUTHORS[(i + 3) % 7]!, stars: 5 - (i % 5) });
  const day = new Date(Date.UTC(2024, 0, 1) + (i % 366) * 86_400_000).toISOString().slice(0, 10);
  return {
    title: `${WORDS[i % 6]} ${WORDS[(i + 1) % 6]} guide ${i}`,
    tags,
    likes: i % 100,
    published: i % 3 !== 0,
    date: day,
    author: { name: AUTHORS[i % 7]! },
    comments,
    vec: [i / N + 0.001, 1 - i / N + 0.001, 0.5],
    suggest: `${WORDS[i % 6]} ${AUTHORS[i % 7]}`,
  };
}
const docs = Array.from({ length: N }, (_, i) => doc(i));

describe('elastiq/dsl against a real node', () => {
  const client = new Client({ node });
  let modules: string[] = [];
  const search = () => new Search<Doc>({ client, index: INDEX });

  beforeAll(async () => {
    const info = await client.nodes.info({ metric: 'plugins' });
    modules = Object.values(info.nodes).flatMap((n) => (n.modules ?? []).map((m) => m.name));
    await client.indices.create({
      index: INDEX,
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      mappings: {
        properties: {
          title: { type: 'text', fields: { raw: { type: 'keyword' } } },
          tags: { type: 'keyword' },
          likes: { type: 'integer' },
          published: { type: 'boolean' },
          date: { type: 'date' },
          author: { properties: { name: { type: 'keyword' } } },
          comments: {
            type: 'nested',
            properties: { author: { type: 'keyword' }, stars: { type: 'integer' } },
          },
          vec: {
            type: 'dense_vector',
            dims: 3,
            index: true,
            similarity: 'cosine',
            index_options: { type: 'hnsw' },
          },
          suggest: { type: 'completion' },
        },
      },
    });
    const operations = docs.flatMap((d, i) => [{ index: { _index: INDEX, _id: String(i) } }, d]);
    const res = await client.bulk({ operations, refresh: true });
    expect(res.errors).toBe(false);
  });

  afterAll(async () => {
    await client.indices.delete({ index: INDEX, ignore_unavailable: true });
    await client.close();
  });

  it('query + filter + exclude find exactly the documents the predicate selects', async () => {
    const s = search()
      .query(Q.match({ title: 'python' }))
      .filter(Q.term({ published: true }))
      .exclude(Q.term({ tags: 'ops' }))
      .trackTotalHits(true)
      .size(5);
    const expected = docs.filter(
      (d) => d.title.split(' ').includes('python') && d.published && !d.tags.includes('ops'),
    );
    const res = await s.execute();
    expect(res.total).toEqual({ value: expected.length, relation: 'eq' });
    expect(res.hits).toHaveLength(5);
    for (const h of res.hits) {
      expect(h.title).toContain('python');
      expect(h.published).toBe(true);
      expect(h.meta.index).toBe(INDEX);
    }
    expect(await s.count()).toBe(expected.length);
    expect(await s.filter(Q.range({ likes: { gte: 50 } })).count()).toBe(
      expected.filter((d) => d.likes >= 50).length,
    );
  });

  it('count() of a Search carrying search-only params asks the count API without them', async () => {
    const s = search()
      .filter(Q.term({ published: true }))
      .params({ request_cache: false, typed_keys: true, preference: '_local' });
    expect(await s.count()).toBe(docs.filter((d) => d.published).length);
  });

  it('terms, date_histogram, nested, range, top_hits and stats aggregations match the data', async () => {
    const res = await search()
      .size(0)
      .aggs(
        'byTag',
        A.terms({ field: 'tags', size: 10 }).metric(
          'top',
          A.topHits({ size: 1, sort: [{ likes: { order: 'desc' } }] }),
        ),
      )
      .aggs('byMonth', A.dateHistogram({ field: 'date', calendar_interval: 'month' }))
      .aggs(
        'comments',
        A.nested({ path: 'comments' }).metric('stars', A.stats({ field: 'comments.stars' })),
      )
      .aggs(
        'likeRanges',
        A.range({ field: 'likes', ranges: [{ to: 10 }, { from: 10, to: 50 }, { from: 50 }] }),
      )
      .aggs('likes', A.stats({ field: 'likes' }))
      .execute();
    const aggs = res.aggregations;
    for (const tag of TAGS) {
      const bucket = aggs.byTag.buckets.find((b) => b.key === tag)!;
      const tagged = docs.filter((d) => d.tags.includes(tag));
      expect(bucket.doc_count).toBe(tagged.length);
      expect(bucket.top.hits.hits[0]!._source.likes).toBe(Math.max(...tagged.map((d) => d.likes)));
    }
    expect(aggs.byMonth.buckets).toHaveLength(12);
    expect(aggs.byMonth.buckets[0]!.doc_count).toBe(
      docs.filter((d) => d.date.startsWith('2024-01')).length,
    );
    const stars = docs.flatMap((d) => d.comments.map((c) => c.stars));
    expect(aggs.comments.doc_count).toBe(stars.length);
    expect(aggs.comments.stars.count).toBe(stars.length);
    expect(aggs.comments.stars.sum).toBe(stars.reduce((a, b) => a + b, 0));
    expect(aggs.likeRanges.buckets.map((b) => b.doc_count)).toEqual([
      docs.filter((d) => d.likes < 10).length,
      docs.filter((d) => d.likes >= 10 && d.likes < 50).length,
      docs.filter((d) => d.likes >= 50).length,
    ]);
    expect(aggs.likes).toMatchObject({
      count: N,
      min: 0,
      max: 99,
      sum: docs.reduce((a, d) => a + d.likes, 0),
    });
  });

  it('highlights the matched words', async () => {
    const res = await search()
      .query(Q.match({ title: 'cluster' }))
      .highlight(['title'])
      .size(3)
      .execute();
    expect(res.hits).toHaveLength(3);
    for (const h of res.hits) expect(h.meta.highlight?.title?.[0]).toContain('<em>cluster</em>');
  });

  it('suggests corrections (term, phrase) and completions', async () => {
    const res = await search()
      .size(0)
      .suggest('fix', 'pyhton', { term: { field: 'title' } })
      .suggest('phrase', 'elastic serch', { phrase: { field: 'title' } })
      .suggest('complete', 'clu', { completion: { field: 'suggest', size: 3 } })
      .execute();
    expect(res.suggest.fix![0]!.options.map((o) => o.text)).toContain('python');
    expect(res.suggest.phrase![0]!.options.map((o) => o.text)).toContain('elastic search');
    const completions = res.suggest.complete![0]!.options.map((o) => o.text);
    expect(completions.length).toBeGreaterThan(0);
    for (const text of completions) expect(text.startsWith('cluster')).toBe(true);
  });

  it('collapses hits to one per author, with inner hits per group', async () => {
    const res = await search()
      .query(Q.matchAll())
      .collapse({
        field: 'author.name',
        inner_hits: { name: 'best', size: 2, sort: [{ likes: { order: 'desc' } }] },
      })
      .sort('-likes')
      .size(20)
      .execute();
    const authors = res.hits.map((h) => h.author.name);
    expect(new Set(authors).size).toBe(authors.length);
    expect([...authors].sort()).toEqual([...AUTHORS].sort());
    for (const h of res.hits) {
      const inner = h.meta.inner_hits!.best!.hits.hits as readonly { readonly _source: Post }[];
      expect(inner).toHaveLength(2);
      for (const i of inner) expect(i._source.author.name).toBe(h.author.name);
    }
  });

  it('finds the nearest vector with knn', async () => {
    const res = await search()
      .knn({ field: 'vec', query_vector: docs[1500]!.vec, k: 3, num_candidates: 100 })
      .knn({
        field: 'vec',
        query_vector: docs[10]!.vec,
        k: 1,
        num_candidates: 50,
        filter: Q.term({ published: true }),
      })
      .source(['title'])
      .size(4)
      .execute();
    const ids = res.hits.map((h) => h.meta.id);
    expect(ids).toContain('1500');
    expect(ids).toContain('10');
  });

  it('iterates every hit through a point in time, and scans through scroll', async () => {
    const s = search()
      .filter(Q.term({ tags: 'rust' }))
      .source(['likes']);
    const expected = docs.filter((d) => d.tags.includes('rust')).length;
    const ids = new Set<string>();
    for await (const h of s.iterate({ size: 250 })) ids.add(h.meta.id);
    expect(ids.size).toBe(expected);
    const scanned = new Set<string>();
    for await (const h of s.scan({ size: 400 })) scanned.add(h.meta.id);
    expect(scanned).toEqual(ids);
  });

  it('runs several searches in one msearch', async () => {
    const [a, b] = await new MultiSearch({ client })
      .add(
        search()
          .filter(Q.term({ tags: 'ml' }))
          .size(0)
          .trackTotalHits(true),
      )
      .add(new Search({ index: `${INDEX}-missing` }))
      .execute();
    expect('hits' in a && a.total.value).toBe(docs.filter((d) => d.tags.includes('ml')).length);
    expect('error' in b && b.error.type).toBe('index_not_found_exception');
  });

  it('faceted search counts each facet under the other facets filters', async () => {
    const fs = new FacetedSearch<Doc>({
      client,
      index: INDEX,
      fields: ['title'],
      facets: {
        tags: new TermsFacet({ field: 'tags' }),
        likes: new RangeFacet({
          field: 'likes',
          ranges: [
            ['low', null, 50],
            ['high', 50, null],
          ],
        }),
        month: new DateHistogramFacet({ field: 'date', calendarInterval: 'month' }),
        commenter: new NestedFacet('comments', new TermsFacet({ field: 'comments.author' })),
      },
    })
      .text('search')
      .select('tags', 'web')
      .select('likes', 'high');
    const res = await fs.execute();
    const text = docs.filter((d) => d.title.split(' ').includes('search'));
    const both = text.filter((d) => d.tags.includes('web') && d.likes >= 50);
    expect(res.response.total.value).toBe(both.length);
    const web = res.facets.tags!.find((f) => f.value === 'web')!;
    expect(web).toEqual({
      value: 'web',
      count: text.filter((d) => d.tags.includes('web') && d.likes >= 50).length,
      selected: true,
    });
    const ml = res.facets.tags!.find((f) => f.value === 'ml')!;
    expect(ml.count).toBe(text.filter((d) => d.tags.includes('ml') && d.likes >= 50).length);
    const high = res.facets.likes!.find((f) => f.value === 'high')!;
    expect(high).toEqual({ value: 'high', count: both.length, selected: true });
    expect(res.facets.month!.reduce((a, f) => a + f.count, 0)).toBe(both.length);
    // Nested buckets count comments (nested documents), under the other facets' filters.
    const byCommenter = new Map<string, number>();
    for (const d of both)
      for (const c of d.comments) byCommenter.set(c.author, (byCommenter.get(c.author) ?? 0) + 1);
    expect(Object.fromEntries(res.facets.commenter!.map((f) => [f.value, f.count]))).toEqual(
      Object.fromEntries(byCommenter),
    );
    const withAnn = await fs.select('commenter', 'ann').execute();
    expect(withAnn.response.total.value).toBe(
      both.filter((d) => d.comments.some((c) => c.author === 'ann')).length,
    );
    const selectedMonth = await fs.select('month', res.facets.month![0]!.value).execute();
    expect(selectedMonth.response.total.value).toBe(res.facets.month![0]!.count);
  });

  it('updates by query when the reindex module is installed, or gets the missing-module answer', async () => {
    const ubq = new UpdateByQuery<Doc>({ client, index: INDEX })
      .filter(Q.term({ 'author.name': 'ann' }))
      .script({ source: 'ctx._source.likes = 1000', lang: 'painless' })
      .params({ refresh: true });
    if (modules.includes('reindex') && modules.includes('lang-painless')) {
      const res = await ubq.execute();
      expect(res.updated).toBe(docs.filter((d) => d.author.name === 'ann').length);
    } else {
      const error = (await ubq.execute().catch((e: unknown) => e)) as {
        statusCode?: number;
        body?: unknown;
      };
      expect([400, 405]).toContain(error.statusCode);
      expect(JSON.stringify(error.body)).toMatch(/_update_by_query/);
    }
  });

  it('deletes by query when the reindex module is installed, or gets the missing-module answer', async () => {
    const s = search()
      .filter(Q.term({ 'author.name': 'gus' }))
      .params({ refresh: true });
    if (modules.includes('reindex')) {
      const res = await s.delete();
      expect(res.deleted).toBe(docs.filter((d) => d.author.name === 'gus').length);
      expect(
        await search()
          .filter(Q.term({ 'author.name': 'gus' }))
          .count(),
      ).toBe(0);
    } else {
      const error = (await s.delete().catch((e: unknown) => e)) as {
        statusCode?: number;
        body?: unknown;
      };
      expect([400, 405]).toContain(error.statusCode);
      expect(JSON.stringify(error.body)).toMatch(/_delete_by_query/);
    }
  });
});
