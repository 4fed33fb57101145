import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../../src/core/client.js';
import type { Helpers } from '../../../../src/core/helpers/helpers.js';
import type { ReindexProgress } from '../../../../src/core/helpers/reindex.js';
import {
  bulkResponse,
  parseBulk,
  type Stub,
  type StubHandler,
  startStub,
} from './support/stub-server.js';

const stubs: Stub[] = [];
const clients: Client[] = [];

async function open(
  handler: StubHandler,
): Promise<{ helpers: Helpers; stub: Stub; client: Client }> {
  const stub = await startStub(handler);
  const client = new Client({ node: stub.url, maxRetries: 0 });
  stubs.push(stub);
  clients.push(client);
  return { helpers: client.helpers, stub, client };
}

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const stub of stubs.splice(0)) await stub.close();
});

/** A source cluster of `total` documents `{ n }`, read by PIT; even ones carry a routing. */
function sourceCluster(total: number): StubHandler {
  return (req) => {
    if (req.path.endsWith('/_count')) return { body: { count: total } };
    if (req.path.endsWith('/_pit')) return { body: { id: 'pit' } };
    if (req.method === 'DELETE') return { body: { succeeded: true } };
    const body = JSON.parse(req.body) as { size: number; search_after?: [number] };
    const start = body.search_after === undefined ? 0 : body.search_after[0] + 1;
    const hits = [];
    for (let n = start; n < Math.min(total, start + body.size); n++) {
      hits.push({
        _index: 'src',
        _id: `id${n}`,
        _source: { n },
        sort: [n],
        ...(n % 2 === 0 ? { _routing: 'r' } : {}),
      });
    }
    return { body: { hits: { hits } } };
  };
}

describe('helpers.reindex', () => {
  it('awaits an async transform: each copy is the resolved document, not a Promise', async () => {
    const source = await open(sourceCluster(6));
    const dest = await open((req) => ({ body: bulkResponse(parseBulk(req.body), () => 201) }));
    const result = await source.helpers.reindex<{ n: number }, { n: number; async: true }>({
      source: { index: 'src', size: 4 },
      dest: { index: 'dst', client: dest.client },
      transform: async (doc) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return doc.n === 3 ? null : { ...doc, async: true };
      },
      refresh: false,
    });
    expect(result).toMatchObject({ read: 6, skipped: 1 });
    const written = dest.stub.requests.flatMap((req) => parseBulk(req.body));
    expect(written.map((line) => line.source)).toEqual(
      [0, 1, 2, 4, 5].map((n) => ({ n, async: true })),
    );
  });

  it('writes transformed copies through the destination client, keeping ids and routing', async () => {
    const source = await open(sourceCluster(25));
    const dest = await open((req) => ({ body: bulkResponse(parseBulk(req.body), () => 201) }));
    const progress: ReindexProgress[] = [];
    const result = await source.helpers.reindex<{ n: number }, { n: number; half: number }>({
      source: { index: 'src', size: 10 },
      dest: {
        index: 'dst',
        client: dest.client,
        opType: 'create',
        pipeline: 'p',
      },
      transform: (doc) => (doc.n % 5 === 0 ? null : { ...doc, half: doc.n / 2 }),
      onProgress: (p) => progress.push(p),
      refresh: false,
      bulk: { flushBytes: 200, concurrency: 1 },
    });
    expect(result).toMatchObject({ read: 25, skipped: 5, total: 25 });
    expect(result.bulk).toMatchObject({ successful: 20, failed: 0 });
    const written = dest.stub.requests.flatMap((req) => parseBulk(req.body));
    expect(written).toHaveLength(20);
    expect(written[0]).toEqual({
      operation: 'create',
      meta: { _index: 'dst', _id: 'id1' },
      source: { n: 1, half: 0.5 },
    });
    expect(written.find((line) => line.meta._id === 'id2')!.meta.routing).toBe('r');
    expect(dest.stub.requests.every((req) => req.query.get('pipeline') === 'p')).toBe(true);
    // Nothing was written to the source cluster, and its PIT was closed.
    expect(source.stub.requests.some((req) => req.path.includes('_bulk'))).toBe(false);
    expect(source.stub.requests.at(-1)!.method).toBe('DELETE');
    expect(progress.at(-1)).toMatchObject({
      read: 25,
      skipped: 5,
      written: 20,
      failed: 0,
      total: 25,
    });
  });

  it('lets Elasticsearch pick ids when keepIds is false and refreshes the destination at the end', async () => {
    const source = await open(sourceCluster(3));
    const dest = await open((req) =>
      req.path.endsWith('/_refresh')
        ? { body: {} }
        : { body: bulkResponse(parseBulk(req.body), () => 201) },
    );
    await source.helpers.reindex({
      source: { index: 'src' },
      dest: { index: 'dst', client: dest.client, keepIds: false },
    });
    const written = dest.stub.requests
      .filter((req) => req.path === '/_bulk')
      .flatMap((req) => parseBulk(req.body));
    expect(written.map((line) => line.meta._id)).toEqual([undefined, undefined, undefined]);
    expect(dest.stub.requests.at(-1)!.path).toBe('/dst/_refresh');
  });
});
