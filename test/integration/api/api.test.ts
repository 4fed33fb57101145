import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ConfigurationError, ResponseError } from '../../../src/core/errors.js';

const node = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const suffix = `${process.pid}-${Date.now()}`;
const INDEX = `api-docs-${suffix}`;
const OTHER = `api-other-${suffix}`;

interface Post {
  title: string;
  views: number;
}

describe('generated API against a real node', () => {
  const client = new Client({ node });
  let modules: string[] = [];

  beforeAll(async () => {
    const info = await client.nodes.info({ metric: 'plugins' });
    modules = Object.values(info.nodes).flatMap((n) => (n.modules ?? []).map((m) => m.name));
    await client.indices.create({
      index: INDEX,
      mappings: { properties: { title: { type: 'keyword' }, views: { type: 'integer' } } },
    });
    // Seed documents for the read-only tests (scroll, point in time, mget).
    for (const id of ['seed-1', 'seed-2', 'seed-3']) {
      await client.index<Post>({ index: INDEX, id, document: { title: id, views: 0 } });
    }
    await client.indices.refresh({ index: INDEX });
  });

  afterAll(async () => {
    await client.indices.delete({ index: [INDEX, OTHER], ignore_unavailable: true });
    await client.close();
  });

  it('resolves HEAD endpoints to true or false', async () => {
    expect(await client.indices.exists({ index: INDEX })).toBe(true);
    expect(await client.indices.exists({ index: `api-missing-${suffix}` })).toBe(false);
    expect(await client.exists({ index: INDEX, id: 'nope' })).toBe(false);
  });

  it('indexes with and without an id, and gets typed documents back', async () => {
    const withId = await client.index<Post>({
      index: INDEX,
      id: 'p/1 ü',
      document: { title: 'first', views: 1 },
      refresh: true,
    });
    expect(withId.result).toBe('created');
    expect(withId._id).toBe('p/1 ü');
    const generated = await client.index<Post>({
      index: INDEX,
      document: { title: 'second', views: 2 },
    });
    expect(generated._id).toMatch(/.+/);
    const got = await client.get<Post>({ index: INDEX, id: 'p/1 ü' });
    expect(got._source).toEqual({ title: 'first', views: 1 });
  });

  it('sends bulk operations as NDJSON and searches typed hits with flattened body fields', async () => {
    const bulk = await client.bulk<Post>({
      refresh: 'wait_for',
      operations: [
        { index: { _index: INDEX, _id: 'b1' } },
        { title: 'bulk-a', views: 10 },
        { create: { _index: INDEX, _id: 'b2' } },
        { title: 'bulk-b', views: 20 },
      ],
    });
    expect(bulk.errors).toBe(false);
    expect(bulk.items).toHaveLength(2);
    const result = await client.search<Post>({
      index: INDEX,
      query: { prefix: { title: 'bulk-' } },
      sort: [{ views: 'desc' }],
      size: 5,
    });
    expect(result.hits.hits.map((h) => h._source?.title)).toEqual(['bulk-b', 'bulk-a']);
  });

  it('runs msearch with NDJSON header/body pairs', async () => {
    const result = await client.msearch<Post>({
      searches: [
        { index: INDEX },
        { query: { term: { title: 'seed-2' } } },
        { index: INDEX },
        { size: 0 },
      ],
    });
    expect(result.responses).toHaveLength(2);
    const first = result.responses[0]!;
    expect('hits' in first && first.hits.hits[0]?._source?.title).toBe('seed-2');
  });

  it('updates with a typed partial document and reads several documents with mget', async () => {
    const updated = await client.update<Post, Partial<Post>>({
      index: INDEX,
      id: 'seed-1',
      doc: { views: 11 },
      refresh: true,
    });
    expect(updated.result).toBe('updated');
    const docs = await client.mget<Post>({ index: INDEX, ids: ['seed-1', 'seed-2', 'missing'] });
    expect(docs.docs.map((d) => ('found' in d ? d.found : false))).toEqual([true, true, false]);
    const first = docs.docs[0]!;
    expect('_source' in first && first._source?.views).toBe(11);
  });

  it('scrolls with scroll_id in the body and clears the scroll', async () => {
    const first = await client.search<Post>({
      index: INDEX,
      scroll: '30s',
      size: 1,
      sort: ['_doc'],
    });
    expect(first._scroll_id).toBeTruthy();
    const next = await client.scroll<Post>({ scroll_id: first._scroll_id!, scroll: '30s' });
    expect(next.hits.hits).toHaveLength(1);
    const cleared = await client.clearScroll({ scroll_id: first._scroll_id! });
    expect(cleared.succeeded).toBe(true);
  });

  it('pages with a point in time', async () => {
    const pit = await client.openPointInTime({ index: INDEX, keep_alive: '30s' });
    const page = await client.search<Post>({
      pit: { id: pit.id, keep_alive: '30s' },
      size: 2,
      sort: ['_shard_doc'],
    });
    expect(page.hits.hits.length).toBeGreaterThan(0);
    const closed = await client.closePointInTime({ id: pit.id });
    expect(closed.succeeded).toBe(true);
  });

  it('accepts a raw body in place of the flattened fields', async () => {
    const count = await client.count({
      index: INDEX,
      body: { query: { term: { title: 'seed-3' } } },
    });
    expect(count.count).toBe(1);
  });

  it('returns status, headers and body with meta: true', async () => {
    const result = await client.cat.health({ format: 'json' }, { meta: true });
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toMatch(/json/);
    expect(Array.isArray(result.body)).toBe(true);
  });

  it('sends unknown arguments in the query string, where the server rejects them', async () => {
    const error = await client
      .search({ index: INDEX, not_a_parameter: 1 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(400);
    expect(JSON.stringify((error as ResponseError).body)).toContain('not_a_parameter');
  });

  it('refuses a call without its required argument before sending anything', async () => {
    let requests = 0;
    const off = client.on('request', () => {
      requests++;
    });
    const error = await client.indices.putMapping({} as never).catch((e: unknown) => e);
    off();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toContain("'index'");
    expect(requests).toBe(0);
  });

  it('creates, reads and deletes an index template and aliases through their namespaces', async () => {
    await client.indices.create({ index: OTHER, aliases: { [`api-alias-${suffix}`]: {} } });
    const aliases = await client.indices.getAlias({ name: `api-alias-${suffix}` });
    expect(Object.keys(aliases)).toEqual([OTHER]);
    await client.indices.putIndexTemplate({
      name: `api-template-${suffix}`,
      index_patterns: [`api-templated-${suffix}-*`],
      template: { settings: { number_of_shards: 1 } },
    });
    const templates = await client.indices.getIndexTemplate({ name: `api-template-${suffix}` });
    expect(templates.index_templates[0]?.name).toBe(`api-template-${suffix}`);
    await client.indices.deleteIndexTemplate({ name: `api-template-${suffix}` });
    expect(await client.indices.existsIndexTemplate({ name: `api-template-${suffix}` })).toBe(
      false,
    );
  });

  it('calls reindex when the reindex module is installed, or gets the missing-module answer', async () => {
    const call = client.reindex({
      source: { index: INDEX },
      dest: { index: `${OTHER}-copy` },
      refresh: true,
    });
    if (modules.includes('reindex')) {
      const result = await call;
      expect(result.created).toBeGreaterThan(0);
      await client.indices.delete({ index: `${OTHER}-copy` });
    } else {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseError);
      // Without the module, POST /_reindex is unknown: the node answers 405 (or 400 no handler).
      expect([400, 405]).toContain((error as ResponseError).statusCode);
      expect(JSON.stringify((error as ResponseError).body)).toMatch(/_reindex/);
    }
  });
});
