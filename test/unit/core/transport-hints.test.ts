import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import { ConnectionError, ResponseError } from '../../../src/core/errors.js';
import { type Stub, sendJson, startStub, testCertificates } from '../../support/stub-server.js';

let stubs: Stub[] = [];
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(stubs.map((s) => s.close()));
  stubs = [];
});

async function stub(handler: Parameters<typeof startStub>[0]): Promise<Stub> {
  const s = await startStub(handler);
  stubs.push(s);
  return s;
}

function client(options: ConstructorParameters<typeof Client>[0]): Client {
  const c = new Client({ retryBackoff: { base: 1, max: 5 }, ...options });
  clients.push(c);
  return c;
}

// Elasticsearch's indexing-pressure rejection, as a 429 body.
function rejection(reason: string): unknown {
  const cause = { type: 'es_rejected_execution_exception', reason };
  return { error: { root_cause: [cause], ...cause }, status: 429 };
}

const MAX = 26_843_545; // 10% of a 256 MiB heap

describe('413: the request body is over http.max_content_length', () => {
  it('is sent once (never retried, on no node) and says which limit and what to do', async () => {
    // Elasticsearch answers 413 with no body and closes the connection.
    const handler: Parameters<typeof startStub>[0] = (_req, res) => {
      res.writeHead(413, { 'content-length': 0, connection: 'close' });
      res.end();
    };
    const a = await stub(handler);
    const b = await stub(handler);
    const c = client({ nodes: [a.url, b.url], maxRetries: 3 });
    const document = { text: 'x'.repeat(1_000_000) };
    const error = await c.index({ index: 'posts', document }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(413);
    expect(a.requests.length + b.requests.length).toBe(1);
    const message = (error as Error).message;
    expect(message).toContain(`${JSON.stringify(document).length} bytes`);
    expect(message).toContain('http.max_content_length');
    expect(message).toContain('100mb');
    expect(message).toContain('flushBytes');
  });
});

describe('429 from indexing pressure', () => {
  it.each([
    [
      'coordinating',
      `rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=52428800, max_coordinating_bytes=${MAX}]`,
    ],
    [
      'coordinating (8.x wording)',
      `rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=52428800, max_coordinating_and_primary_bytes=${MAX}]`,
    ],
    [
      'primary',
      `rejected execution of primary operation [coordinating_and_primary_bytes=10, replica_bytes=0, all_bytes=10, primary_operation_bytes=52428800, max_primary_bytes=${MAX}]`,
    ],
    [
      'large operation',
      `Request contains an operation of size [52428800] bytes, which exceeds the maximum allowed limit of [${MAX}] bytes`,
    ],
  ])(
    'is not retried when the operation alone is over the limit (%s), and says why',
    async (_kind, reason) => {
      const s = await stub((_req, res) => sendJson(res, 429, rejection(reason)));
      const c = client({ node: s.url, maxRetries: 3 });
      const error = await c.index({ index: 'posts', document: { a: 1 } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(s.requests).toHaveLength(1);
      const message = (error as Error).message;
      expect(message).toContain('52428800');
      expect(message).toContain('indexing_pressure.memory.limit');
      expect(message).toContain('10% of the heap');
    },
  );

  it('is retried with backoff when the node is only busy (the operation fits the limit)', async () => {
    const busy = `rejected execution of coordinating operation [coordinating_and_primary_bytes=${MAX - 10}, replica_bytes=0, all_bytes=${MAX - 10}, coordinating_operation_bytes=1000, max_coordinating_bytes=${MAX}]`;
    let calls = 0;
    const s = await stub((_req, res) => {
      calls++;
      if (calls < 3) sendJson(res, 429, rejection(busy));
      else sendJson(res, 201, { result: 'created' });
    });
    const c = client({ node: s.url, maxRetries: 3 });
    await expect(c.index({ index: 'posts', document: { a: 1 } })).resolves.toEqual({
      result: 'created',
    });
    expect(s.requests).toHaveLength(3);
    // A 429 without a body (a proxy's rate limit) is transient too.
    calls = 0;
    s.handle((_req, res) => {
      calls++;
      if (calls < 2) {
        res.writeHead(429, { 'content-length': 0 });
        res.end();
      } else sendJson(res, 200, { ok: true });
    });
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({ ok: true });
    expect(calls).toBe(2);
  });
});

describe('plain HTTP to a TLS port', () => {
  it.each([
    ['undici', undefined],
    ['http', HttpConnection],
  ] as const)('says the node probably expects https:// (%s)', async (_name, Connection) => {
    const certs = testCertificates();
    const tls = await startStub(undefined, { tls: { key: certs.key, cert: certs.cert } });
    stubs.push(tls);
    const c = client({
      node: `http://127.0.0.1:${tls.port}`,
      maxRetries: 0,
      ...(Connection === undefined ? {} : { Connection }),
    });
    const error = await c.info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const message = (error as Error).message;
    expect(message).toContain('TLS');
    expect(message).toContain(`https://127.0.0.1:${tls.port}`);
  });
});

describe('a node that closes the socket while a body over 100 MiB is written', () => {
  it('is not retried: the error says the body is over http.max_content_length', async () => {
    const http = await import('node:http');
    let seen = 0;
    // As Elasticsearch does with a body over http.max_content_length: no reading, the socket goes.
    const server = http.createServer((req) => {
      seen++;
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      const c = client({ node: `http://127.0.0.1:${port}`, maxRetries: 3 });
      const body = `{"text":"${'x'.repeat(101 * 1024 * 1024)}"}`;
      const error = await c.transport
        .request({ method: 'POST', path: '/posts/_doc', body })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(seen).toBe(1);
      expect((error as ConnectionError).requestMeta?.attempts).toBe(1);
      expect((error as Error).message).toContain('http.max_content_length');
      expect((error as Error).message).toContain(`${Buffer.byteLength(body)} bytes`);
      // A small body broken the same way is an ordinary connection fault: retried.
      seen = 0;
      const small = await c.transport
        .request({ method: 'POST', path: '/posts/_doc', body: '{"a":1}' }, { maxRetries: 1 })
        .catch((e: unknown) => e);
      expect(small).toBeInstanceOf(ConnectionError);
      expect(seen).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);
});
