import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import type {
  Connection,
  ConnectionOptions,
  ConnectionRequest,
  ConnectionResponse,
} from '../../../src/core/connection/types.js';
import {
  DeserializationError,
  ProductNotSupportedError,
  ResponseError,
} from '../../../src/core/errors.js';
import { NodePool } from '../../../src/core/pool/node-pool.js';
import { JsonSerializer } from '../../../src/core/serializer/json-serializer.js';
import type { TransportResult } from '../../../src/core/transport/types.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

let stub: Stub;
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  await stub?.close();
});

async function setup(
  handler?: Parameters<typeof startStub>[0],
  options: Partial<ConstructorParameters<typeof Client>[0]> = {},
) {
  stub = await startStub(handler);
  client = new Client({ node: stub.url, ...options });
  return client;
}

describe('Transport requests', () => {
  it('sends a GET and resolves with the parsed JSON body', async () => {
    const c = await setup((_req, res) => sendJson(res, 200, { cluster_name: 'test', number: 1 }));
    await expect(c.transport.request({ method: 'GET', path: '/_cluster/health' })).resolves.toEqual(
      {
        cluster_name: 'test',
        number: 1,
      },
    );
    expect(stub.requests[0]).toMatchObject({ method: 'GET', url: '/_cluster/health' });
  });

  it('sends the compatibility media types, a user agent and the client meta header', async () => {
    const c = await setup();
    await c.transport.request({
      method: 'POST',
      path: '/i/_search',
      body: { query: { match_all: {} } },
    });
    const { headers, body } = stub.requests[0]!;
    expect(headers.accept).toBe('application/vnd.elasticsearch+json; compatible-with=9');
    expect(headers['content-type']).toBe('application/vnd.elasticsearch+json; compatible-with=9');
    expect(headers['user-agent']).toMatch(/^elastiq\/\d+\.\d+\.\d+ \(/);
    expect(headers['x-elastic-client-meta']).toMatch(/^elastiq=[\d.]+,js=[\d.]+,t=[\d.]+,un=/);
    expect(JSON.parse(body.toString())).toEqual({ query: { match_all: {} } });
  });

  it('speaks compatible-with=8 when asked, and plain JSON without product check for OpenSearch', async () => {
    const c = await setup(undefined, { compatibleWith: 8 });
    await c.transport.request({ method: 'GET', path: '/' });
    expect(stub.requests[0]!.headers.accept).toBe(
      'application/vnd.elasticsearch+json; compatible-with=8',
    );
    const os = new Client({ node: stub.url, compatibility: 'opensearch' });
    stub.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"distribution":"opensearch"}');
    });
    await expect(os.transport.request({ method: 'POST', path: '/x', body: {} })).resolves.toEqual({
      distribution: 'opensearch',
    });
    expect(stub.requests[1]!.headers.accept).toBe('application/json');
    expect(stub.requests[1]!.headers['content-type']).toBe('application/json');
    await os.close();
  });

  it('serializes bulk bodies as NDJSON with the NDJSON media type', async () => {
    const c = await setup();
    await c.transport.request({
      method: 'POST',
      path: '/_bulk',
      bulkBody: [{ index: { _index: 'a' } }, { n: 1 }, '{"delete":{"_index":"a","_id":"2"}}'],
    });
    const request = stub.requests[0]!;
    expect(request.headers['content-type']).toBe(
      'application/vnd.elasticsearch+x-ndjson; compatible-with=9',
    );
    expect(request.body.toString()).toBe(
      '{"index":{"_index":"a"}}\n{"n":1}\n{"delete":{"_index":"a","_id":"2"}}\n',
    );
  });

  it('writes the query string and lets per-request parameters override it', async () => {
    const c = await setup();
    await c.transport.request(
      {
        method: 'GET',
        path: '/a,b/_search',
        querystring: { size: 5, expand_wildcards: ['open', 'hidden'], q: undefined },
      },
      { querystring: { size: 10, pretty: true } },
    );
    expect(stub.requests[0]!.url).toBe(
      '/a,b/_search?expand_wildcards=open,hidden&size=10&pretty=true',
    );
  });

  it('returns body, status, headers and meta with meta: true', async () => {
    const c = await setup((_req, res) =>
      sendJson(res, 201, { result: 'created' }, { 'x-custom': 'yes' }),
    );
    const result: TransportResult = await c.transport.request(
      { method: 'PUT', path: '/i/_doc/1', body: {} },
      { meta: true },
    );
    expect(result.body).toEqual({ result: 'created' });
    expect(result.statusCode).toBe(201);
    expect(result.headers['x-custom']).toBe('yes');
    expect(result.meta).toMatchObject({
      name: 'elastiq',
      node: `${stub.url}/`,
      attempts: 1,
      aborted: false,
    });
    expect(result.meta.requestId).toBeGreaterThan(0);
  });

  it('throws a ResponseError for error statuses unless they are ignored', async () => {
    const c = await setup((_req, res) =>
      sendJson(res, 404, {
        error: { type: 'index_not_found_exception', reason: 'no such index [x]' },
        status: 404,
      }),
    );
    const error = await c.transport
      .request({ method: 'GET', path: '/x/_doc/1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).message).toBe(
      '404 index_not_found_exception: no such index [x]',
    );
    expect((error as ResponseError).requestMeta?.node).toBe(`${stub.url}/`);
    await expect(
      c.transport.request({ method: 'GET', path: '/x/_doc/1' }, { ignore: [404] }),
    ).resolves.toMatchObject({
      status: 404,
    });
  });

  it('turns HEAD answers into true (2xx) and false (404) with asBoolean', async () => {
    const statuses = [200, 404, 500];
    const c = await setup((_req, res) => {
      res.writeHead(statuses.shift()!, {
        'x-elastic-product': 'Elasticsearch',
        'content-length': '0',
      });
      res.end();
    });
    await expect(
      c.transport.request({ method: 'HEAD', path: '/i' }, { asBoolean: true }),
    ).resolves.toBe(true);
    await expect(
      c.transport.request({ method: 'HEAD', path: '/i' }, { asBoolean: true }),
    ).resolves.toBe(false);
    await expect(
      c.transport.request({ method: 'HEAD', path: '/i' }, { asBoolean: true, maxRetries: 0 }),
    ).rejects.toThrow(ResponseError);
  });

  it('rejects a 2xx without the Elasticsearch product header', async () => {
    const c = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toThrow(
      ProductNotSupportedError,
    );
  });

  it('returns text bodies as strings and HTML error pages as ResponseErrors', async () => {
    const c = await setup((req, res) => {
      if (req.path === '/_cat/indices') {
        res.writeHead(200, {
          'content-type': 'text/plain; charset=UTF-8',
          'x-elastic-product': 'Elasticsearch',
        });
        res.end('green open a\n');
        return;
      }
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end('<html><head><title>400 Bad Request</title></head><body>proxy says no</body></html>');
    });
    await expect(c.transport.request({ method: 'GET', path: '/_cat/indices' })).resolves.toBe(
      'green open a\n',
    );
    const error = (await c.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as ResponseError;
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toBe('400 400 Bad Request');
    expect(error.body).toContain('proxy says no');
  });

  it('returns binary bodies (vector tiles) as bytes', async () => {
    const tile = Buffer.from([0x1a, 0x00, 0xff, 0x80, 0x0a]);
    const c = await setup((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/vnd.mapbox-vector-tile',
        'x-elastic-product': 'Elasticsearch',
      });
      res.end(tile);
    });
    const body = await c.transport.request({ method: 'POST', path: '/i/_mvt/geo/0/0/0', body: {} });
    expect(Buffer.isBuffer(body)).toBe(true);
    expect(body).toEqual(tile);
  });

  it('fails with a DeserializationError on malformed JSON in a 2xx, and keeps the text of an error page labelled JSON', async () => {
    const c = await setup((req, res) =>
      sendJson(res, req.path === '/ok' ? 200 : 400, '{"took": 1, "hits": ['),
    );
    await expect(c.transport.request({ method: 'GET', path: '/ok' })).rejects.toThrow(
      DeserializationError,
    );
    const error = (await c.transport
      .request({ method: 'GET', path: '/bad' })
      .catch((e: unknown) => e)) as ResponseError;
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body).toBe('{"took": 1, "hits": [');
  });

  it('sends default headers, per-request headers and the prefixed opaque id', async () => {
    const c = await setup(undefined, { headers: { 'X-Team': 'search' }, opaqueIdPrefix: 'app-' });
    await c.transport.request(
      { method: 'GET', path: '/' },
      { headers: { 'x-trace': 't1' }, opaqueId: 'req-7' },
    );
    await c.transport.request({ method: 'GET', path: '/' });
    expect(stub.requests[0]!.headers).toMatchObject({
      'x-team': 'search',
      'x-trace': 't1',
      'x-opaque-id': 'app-req-7',
    });
    expect(stub.requests[1]!.headers['x-opaque-id']).toBeUndefined();
    expect(stub.requests[1]!.headers['x-team']).toBe('search');
  });

  it('sends basic, API key and bearer credentials', async () => {
    const c = await setup(undefined, { auth: { username: 'elastic', password: 'pw' } });
    await c.transport.request({ method: 'GET', path: '/' });
    const apiKey = new Client({ node: stub.url, auth: { apiKey: { id: 'i', api_key: 'k' } } });
    await apiKey.transport.request({ method: 'GET', path: '/' });
    const bearer = new Client({
      node: `${stub.url.replace('http://', 'http://u:p@')}`,
      auth: { bearer: 'tok' },
    });
    await bearer.transport.request({ method: 'GET', path: '/' });
    expect(stub.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('elastic:pw').toString('base64')}`,
      `ApiKey ${Buffer.from('i:k').toString('base64')}`,
      'Bearer tok',
    ]);
    await apiKey.close();
    await bearer.close();
  });

  it('uses the node path prefix and the node headers', async () => {
    stub = await startStub();
    client = new Client({ node: { url: `${stub.url}/es/`, headers: { 'x-node': 'n1' } } });
    await client.transport.request({ method: 'GET', path: '/_search' });
    expect(stub.requests[0]!.url).toBe('/es/_search');
    expect(stub.requests[0]!.headers['x-node']).toBe('n1');
  });

  for (const [label, Connection] of [
    ['undici', undefined],
    ['http', HttpConnection],
  ] as const) {
    it(`sends one value per header when node headers differ in case from the client's (${label})`, async () => {
      stub = await startStub();
      client = new Client({
        node: { url: stub.url, headers: { Authorization: 'ApiKey NODE', 'X-Tenant': 'node' } },
        Connection,
        auth: { apiKey: 'CLIENT' },
        headers: { 'x-tenant': 'client' },
      });
      await client.transport.request({ method: 'GET', path: '/' });
      expect(stub.requests[0]!.headers.authorization).toBe('ApiKey CLIENT');
      expect(stub.requests[0]!.headers['x-tenant']).toBe('client');
    });
  }

  it('lets a child client share the pool with other headers and timeouts', async () => {
    const c = await setup(undefined, { headers: { 'x-a': 'parent' } });
    const child = c.child({ headers: { 'x-a': 'child' }, requestTimeout: '5s' });
    expect(child.transport.pool).toBe(c.transport.pool);
    await child.transport.request({ method: 'GET', path: '/' });
    await c.transport.request({ method: 'GET', path: '/' });
    expect(stub.requests.map((r) => r.headers['x-a'])).toEqual(['child', 'parent']);
  });

  it('ends every socket on close and refuses later requests', async () => {
    const c = await setup();
    await Promise.all(
      Array.from({ length: 8 }, () => c.transport.request({ method: 'GET', path: '/' })),
    );
    expect(stub.openSockets).toBeGreaterThan(0);
    await c.close();
    // The stub sees each socket close a few event-loop turns later; idle ones would otherwise
    // stay open for the 60 s keep-alive of both ends, far beyond this wait.
    await expect.poll(() => stub.openSockets, { timeout: 5000 }).toBe(0);
    await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toMatchObject({
      code: 'ELASTIQ_CLIENT_CLOSED',
    });
  });

  it('builds its connections, serializer and pool from the classes it is given', async () => {
    const seen: string[] = [];
    class RecordingSerializer extends JsonSerializer {
      override serialize(value: unknown): string {
        seen.push('serialize');
        return super.serialize(value);
      }
    }
    class CannedConnection implements Connection {
      readonly url: URL;
      readonly id: string;
      readonly roles = undefined;
      constructor(readonly options: ConnectionOptions) {
        this.url = options.url;
        this.id = options.id ?? options.url.href;
      }
      async request(request: ConnectionRequest): Promise<ConnectionResponse> {
        seen.push(`${request.method} ${request.path}`);
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' },
          body: '{"canned":true}',
        };
      }
      async close(): Promise<void> {}
    }
    class CountingPool extends NodePool {
      override select() {
        seen.push('select');
        return super.select();
      }
    }
    client = new Client({
      node: 'http://127.0.0.1:1',
      Connection: CannedConnection,
      Serializer: RecordingSerializer,
      NodePool: CountingPool,
    });
    await expect(
      client.transport.request({ method: 'POST', path: '/x', body: { a: 1 } }),
    ).resolves.toEqual({ canned: true });
    expect(seen).toEqual(['serialize', 'select', 'POST /x']);
  });
});
