import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import { ConfigurationError, ErrorCodes, RequestAbortedError } from '../../../src/core/errors.js';
import { type Stub, startStub } from '../../support/stub-server.js';

let stub: Stub;
const clients: Client[] = [];
let bomb: Buffer;
const INFLATED = 80 * 1024 * 1024;

beforeAll(() => {
  // 80 MiB of JSON that gzip squeezes ~1000 times: ~80 KB on the wire.
  const zeros = Buffer.alloc(INFLATED - 8, 0x30);
  bomb = gzipSync(Buffer.concat([Buffer.from('{"z":"'), zeros, Buffer.from('"}')]), { level: 9 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
});

afterAll(() => {
  bomb = Buffer.alloc(0);
});

function gzipped(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'x-elastic-product': 'Elasticsearch',
    'content-length': body.length,
  });
  res.end(body);
}

describe.each([
  ['undici', undefined],
  ['http', HttpConnection],
] as const)('decompression bombs (%s connection)', (_name, Connection) => {
  const client = (options: Partial<ConstructorParameters<typeof Client>[0]> = {}) => {
    const c = new Client({
      node: stub.url,
      compression: true,
      ...options,
      ...(Connection === undefined ? {} : { Connection }),
    });
    clients.push(c);
    return c;
  };

  it('stops inflating a small answer that inflates far beyond maxCompressionRatio (default 100)', async () => {
    expect(bomb.length).toBeLessThan(200_000);
    stub = await startStub((_req, res) => gzipped(res, bomb));
    const error = await client()
      .transport.request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as RequestAbortedError).code).toBe(ErrorCodes.responseTooLarge);
    const message = (error as Error).message;
    expect(message).toContain('maxCompressionRatio');
    expect(message).toContain(`${bomb.length} bytes`);
    // Inflation stopped at the 64 MiB floor, before the whole 80 MiB.
    expect(message).toContain(`${64 * 1024 * 1024} bytes`);
  });

  it('accepts highly repetitive answers under the 64 MiB floor, and bombs when the ratio is raised or off', async () => {
    const items = Array.from({ length: 100_000 }, () => ({ index: { status: 201 } }));
    const bulk = JSON.stringify({ errors: false, took: 3, items });
    const repetitive = gzipSync(bulk);
    expect(bulk.length / repetitive.length).toBeGreaterThan(100);
    stub = await startStub((req, res) => gzipped(res, req.path === '/bulk' ? repetitive : bomb));
    const c = client();
    const result = await c.transport.request<{ items: unknown[] }>({
      method: 'GET',
      path: '/bulk',
    });
    expect(result.items).toHaveLength(100_000);
    // A raised ratio on one connection, none on the other (each 80 MiB answer takes seconds).
    for (const maxCompressionRatio of Connection === undefined ? [2000] : [false as const]) {
      const accepting = client({ maxCompressionRatio });
      const body = await accepting.transport.request<{ z: string }>({ method: 'GET', path: '/' });
      expect(body.z.length).toBe(INFLATED - 8);
    }
  });
});

describe('maxCompressionRatio option', () => {
  it('refuses a ratio below 1 or not a number', () => {
    for (const maxCompressionRatio of [0, 0.5, -1, '10', true]) {
      let error: unknown;
      try {
        new Client({
          node: 'http://127.0.0.1:9200',
          maxCompressionRatio: maxCompressionRatio as never,
        });
      } catch (e) {
        error = e;
      }
      expect(error, String(maxCompressionRatio)).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe('maxCompressionRatio');
    }
  });
});
