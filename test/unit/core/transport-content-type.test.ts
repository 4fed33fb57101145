import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { DeserializationError, ErrorCodes } from '../../../src/core/errors.js';
import { type Stub, startStub } from '../../support/stub-server.js';

let stub: Stub | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
});

function client(options: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  const c = new Client({ node: stub!.url, maxRetries: 0, ...options });
  clients.push(c);
  return c;
}

function answer(
  res: ServerResponse,
  body: string | Buffer,
  contentType: string | undefined,
  product = true,
): void {
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body) };
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (product) headers['x-elastic-product'] = 'Elasticsearch';
  res.writeHead(200, headers);
  res.end(body);
}

const PROXY_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in to the corporate proxy</title></head>' +
  '<body><form action="http://admin:hunter2@proxy.internal/login">Welcome</form></body></html>';

describe('a 2xx answer that is not JSON', () => {
  it('rejects a proxy HTML page where JSON was expected, naming content type, status and an excerpt', async () => {
    stub = await startStub((_req, res) => answer(res, PROXY_PAGE, 'text/html; charset=utf-8'));
    const error = await client()
      .search({ index: 'posts' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeserializationError);
    const e = error as DeserializationError;
    expect(e.code).toBe(ErrorCodes.unexpectedContentType);
    expect(e.message).toContain('text/html');
    expect(e.message).toContain('200');
    expect(e.message).toContain('Sign in to the corporate proxy');
    expect(e.excerpt).toContain('<!DOCTYPE html>');
    expect(`${e.message} ${e.excerpt} ${JSON.stringify(e)}`).not.toContain('hunter2');
  });

  it('rejects it too without the product check (OpenSearch mode) and without a content type', async () => {
    stub = await startStub((_req, res) => answer(res, PROXY_PAGE, 'text/html', false));
    const os = client({ compatibility: 'opensearch' });
    await expect(os.search({ index: 'posts' })).rejects.toMatchObject({
      code: ErrorCodes.unexpectedContentType,
    });
    stub.handle((_req, res) => answer(res, 'Service is up', undefined));
    const error = await client()
      .search({ index: 'posts' })
      .catch((e: unknown) => e);
    expect((error as DeserializationError).code).toBe(ErrorCodes.unexpectedContentType);
    expect((error as Error).message).toContain('no content-type');
  });

  it('keeps the text answers Elasticsearch gives on purpose (cat and hot threads as text, yaml)', async () => {
    const table = '1796315780 16:36:20 elastiq-single green 1 1 0 0 0 0 0 0 0 - 100.0%\n';
    stub = await startStub((req, res) => {
      if (req.path.startsWith('/_cat')) answer(res, table, 'text/plain; charset=UTF-8');
      else if (req.path.includes('hot_threads'))
        answer(res, '::: {node-1}{abc}\n   Hot threads at 2026-01-01', 'text/plain; charset=UTF-8');
      else answer(res, 'status: "green"\n', 'application/yaml;compatible-with=9');
    });
    const c = client();
    await expect(c.cat.health({ format: 'text' })).resolves.toBe(table);
    await expect(c.nodes.hotThreads()).resolves.toContain('Hot threads');
    await expect(c.cluster.health({ format: 'yaml' } as never)).resolves.toBe('status: "green"\n');
  });

  it('keeps a count of a cat API as text, but parses a JSON object a proxy labelled text/plain', async () => {
    stub = await startStub((req, res) => {
      if (req.path.startsWith('/_cat')) answer(res, '5\n', 'text/plain; charset=UTF-8');
      else answer(res, '{"hits":{"hits":[]}}', 'text/plain');
    });
    const c = client();
    await expect(c.cat.count({ format: 'text', h: 'count' } as never)).resolves.toBe('5\n');
    await expect(c.search({ index: 'posts' })).resolves.toEqual({ hits: { hits: [] } });
  });

  it('still answers true/false for HEAD endpoints and bytes for binary media types', async () => {
    stub = await startStub((req, res) => {
      if (req.method === 'HEAD') answer(res, '', 'text/html');
      else answer(res, Buffer.from([0x1a, 0x02, 0x03]), 'application/vnd.mapbox-vector-tile');
    });
    const c = client();
    await expect(c.indices.exists({ index: 'posts' })).resolves.toBe(true);
    const tile = await c.searchMvt({ index: 'posts', field: 'geo', zoom: 1, x: 0, y: 0 });
    expect(Buffer.isBuffer(tile)).toBe(true);
  });
});
