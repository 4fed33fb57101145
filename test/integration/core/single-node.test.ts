import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ResponseError } from '../../../src/core/errors.js';
import type { NodePool } from '../../../src/core/pool/node-pool.js';
import type { TransportResult } from '../../../src/core/transport/types.js';
import { singleNode } from '../../support/cluster.js';

const INDEX = `core-transport-${process.pid}`;
let client: Client;

beforeAll(async () => {
  client = new Client({ node: singleNode.url, requestTimeout: '30s' });
  await client.transport.request({ method: 'DELETE', path: `/${INDEX}` }, { ignore: [404] });
  await client.transport.request({
    method: 'PUT',
    path: `/${INDEX}`,
    body: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { big: { type: 'long' } } },
    },
  });
});

afterAll(async () => {
  await client.transport.request({ method: 'DELETE', path: `/${INDEX}` }, { ignore: [404] });
  await client.close();
});

describe('transport against a real node', () => {
  it('reads node info with the product header', async () => {
    const result: TransportResult<{ nodes: Record<string, { version: string }> }> =
      await client.transport.request({ method: 'GET', path: '/_nodes/_local' }, { meta: true });
    expect(result.statusCode).toBe(200);
    expect(result.headers['x-elastic-product']).toBe('Elasticsearch');
    const [info] = Object.values(result.body.nodes);
    expect(info!.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers GET / with the cluster info, or with 405 where the rest-root module is missing', async () => {
    const modules = await client.transport.request<{
      nodes: Record<string, { modules: { name: string }[]; plugins: { name: string }[] }>;
    }>({
      method: 'GET',
      path: '/_nodes/plugins',
    });
    // elastiq local adds elastiq-rest-root where the distribution has no rest-root module.
    const hasRestRoot = Object.values(modules.nodes).every(
      (n) =>
        n.modules.some((m) => m.name === 'rest-root') ||
        n.plugins.some((p) => p.name === 'elastiq-rest-root'),
    );
    const root = await client.transport
      .request<{ version?: { number: string } }>({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    if (hasRestRoot)
      expect((root as { version: { number: string } }).version.number).toMatch(/^\d+\./);
    else {
      expect(root).toBeInstanceOf(ResponseError);
      expect((root as ResponseError).statusCode).toBe(405);
    }
  });

  it('indexes and gets a document through transport.request', async () => {
    const created = await client.transport.request<{ result: string }>({
      method: 'PUT',
      path: `/${INDEX}/_doc/1`,
      querystring: { refresh: true },
      body: { title: 'hello', at: new Date(Date.UTC(2024, 4, 1)) },
    });
    expect(created.result).toBe('created');
    const doc = await client.transport.request<{ _source: { title: string; at: string } }>({
      method: 'GET',
      path: `/${INDEX}/_doc/1`,
    });
    expect(doc._source).toEqual({ title: 'hello', at: '2024-05-01T00:00:00.000Z' });
  });

  it('speaks compatible-with=8 and =9 where the node accepts them, and a pinned 9 is refused by 8.x', async () => {
    const local = await client.transport.request<{ nodes: Record<string, { version: string }> }>({
      method: 'GET',
      path: '/_nodes/_local',
    });
    const major = Number(Object.values(local.nodes)[0]!.version.split('.')[0]);
    for (const compatibleWith of [8, 9] as const) {
      const compat = new Client({ node: singleNode.url, compatibleWith });
      const request = compat.transport.request<{ result: string }>(
        {
          method: 'PUT',
          path: `/${INDEX}/_doc/compat-${compatibleWith}`,
          body: { n: compatibleWith },
        },
        { meta: true },
      );
      if (compatibleWith <= major) {
        const result = await request;
        expect(result.statusCode).toBe(201);
        expect(String(result.headers['content-type'])).toContain(
          `compatible-with=${compatibleWith}`,
        );
      } else {
        const error = (await request.catch((e: unknown) => e)) as ResponseError;
        expect(error.statusCode).toBe(400);
        expect(error.errorType).toBe('media_type_header_exception');
      }
      await compat.close();
    }
  });

  it('negotiates the compatibility by default: 9, or 8 once an 8.x node refuses 9', async () => {
    const negotiating = new Client({ node: singleNode.url });
    const local = await negotiating.transport.request<{
      nodes: Record<string, { version: string }>;
    }>({ method: 'GET', path: '/_nodes/_local' }, { meta: true });
    const major = Number(Object.values(local.body.nodes)[0]!.version.split('.')[0]);
    expect(String(local.headers['content-type'])).toContain(
      `compatible-with=${Math.min(major, 9)}`,
    );
    await expect(
      negotiating.transport.request({ method: 'HEAD', path: `/${INDEX}` }, { asBoolean: true }),
    ).resolves.toBe(true);
    await negotiating.close();
  });

  it('turns HEAD into true and false, and a missing index into a ResponseError with its type', async () => {
    await expect(
      client.transport.request({ method: 'HEAD', path: `/${INDEX}` }, { asBoolean: true }),
    ).resolves.toBe(true);
    await expect(
      client.transport.request({ method: 'HEAD', path: `/${INDEX}-missing` }, { asBoolean: true }),
    ).resolves.toBe(false);
    const error = (await client.transport
      .request({ method: 'GET', path: `/${INDEX}-missing/_doc/1` })
      .catch((e: unknown) => e)) as ResponseError;
    expect(error.statusCode).toBe(404);
    expect(error.errorType).toBe('index_not_found_exception');
    expect(error.message).toContain('index_not_found_exception: no such index');
  });

  it('sends NDJSON bulk bodies', async () => {
    const result = await client.transport.request<{ errors: boolean; items: unknown[] }>({
      method: 'POST',
      path: '/_bulk',
      querystring: { refresh: true },
      bulkBody: [
        { index: { _index: INDEX, _id: 'b1' } },
        { n: 1 },
        { index: { _index: INDEX, _id: 'b2' } },
        '{"n":2}',
      ],
    });
    expect(result.errors).toBe(false);
    expect(result.items).toHaveLength(2);
  });

  it('keeps 64-bit integers exact in lossless mode, and round-trips BigInt', async () => {
    const lossless = new Client({ node: singleNode.url, losslessIntegers: true });
    await lossless.transport.request({
      method: 'PUT',
      path: `/${INDEX}/_doc/big`,
      querystring: { refresh: true },
      body: { big: 9223372036854775807n },
    });
    const doc = await lossless.transport.request<{ _source: { big: bigint } }>({
      method: 'GET',
      path: `/${INDEX}/_doc/big`,
    });
    expect(doc._source.big).toBe(9223372036854775807n);
    await lossless.close();
  });

  it('drops a __proto__ key stored in a document when reading it back', async () => {
    await client.transport.request({
      method: 'PUT',
      path: `/${INDEX}/_doc/poison`,
      querystring: { refresh: true },
      body: '{"safe":1,"__proto__":{"polluted":true}}',
    });
    const doc = await client.transport.request<{ _source: Record<string, unknown> }>({
      method: 'GET',
      path: `/${INDEX}/_doc/poison`,
    });
    expect(doc._source).toEqual({ safe: 1 });
    expect(Object.hasOwn(doc._source, '__proto__')).toBe(false);
  });

  it('compresses request bodies and reads compressed responses', async () => {
    const gz = new Client({ node: singleNode.url, compression: true });
    const result = await gz.transport.request<{ _source: { text: string } }>(
      {
        method: 'PUT',
        path: `/${INDEX}/_doc/gz`,
        querystring: { refresh: true },
        body: { text: 'z'.repeat(5000) },
      },
      { meta: true },
    );
    expect(result.statusCode).toBe(201);
    const read = await gz.transport.request<{ _source: { text: string } }>(
      { method: 'GET', path: `/${INDEX}/_doc/gz` },
      { meta: true },
    );
    expect(read.body._source.text).toHaveLength(5000);
    expect(read.headers['content-encoding']).toBe('gzip');
    await gz.close();
  });

  it('sniffs the node from its publish address', async () => {
    const sniffing = new Client({ node: singleNode.url, sniffOnConnectionFault: true });
    const nodes = await sniffing.transport.sniffer!.sniff('manual');
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.url.port).toBe(new URL(singleNode.url).port);
    await expect(
      sniffing.transport.request({ method: 'GET', path: '/_cluster/health' }),
    ).resolves.toMatchObject({ number_of_nodes: 1 });
    await sniffing.close();
  });

  it('resurrects a dead node by ping, whatever status the ping gets', async () => {
    const events: { alive: boolean }[] = [];
    const pinging = new Client({
      nodes: [singleNode.url],
      deadTimeout: 50,
      resurrectStrategy: 'ping',
    });
    pinging.on('resurrect', (e) => events.push(e));
    const [connection] = pinging.transport.pool.connections;
    pinging.transport.pool.markDead(connection!);
    // Wait for the pool's own resurrection time (Date.now): an 80 ms timer can fire before it
    // when the event loop's clock was stale, and the request would then find no ping due.
    const pool = pinging.transport.pool as NodePool;
    await expect
      .poll(() => Date.now() > pool.states()[0]!.resurrectAt, { timeout: 10_000, interval: 20 })
      .toBe(true);
    await pinging.transport.request({ method: 'GET', path: '/_cluster/health' });
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(1);
    expect(events[0]!.alive).toBe(true);
    await pinging.close();
  });

  it('passes the opaque id to the server task', async () => {
    const tagged = new Client({ node: singleNode.url, opaqueIdPrefix: 'core-' });
    const result = await tagged.transport.request(
      { method: 'GET', path: '/_tasks', querystring: { detailed: true } },
      { opaqueId: 'check-1', meta: true },
    );
    expect(result.headers['x-opaque-id']).toBe('core-check-1');
    await tagged.close();
  });
});
