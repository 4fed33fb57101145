import { getEventListeners, setMaxListeners } from 'node:events';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import {
  ConfigurationError,
  DeserializationError,
  ErrorCodes,
  RequestAbortedError,
  TimeoutError,
} from '../../../src/core/errors.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

let stub: Stub;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
});

function client(options: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  const c = new Client({ node: stub.url, ...options });
  clients.push(c);
  return c;
}

function gzipped(res: import('node:http').ServerResponse, body: Buffer, status = 200): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'x-elastic-product': 'Elasticsearch',
    'content-length': body.length,
  });
  res.end(body);
}

// Writes `total` bytes of a JSON string slowly, recording how much was written before the client hung up.
function endlessBody(total: number, progress: { written: number; closed: boolean }) {
  return (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-elastic-product': 'Elasticsearch',
    });
    res.write('"');
    const chunk = 'x'.repeat(64 * 1024);
    res.on('close', () => {
      progress.closed = true;
    });
    const timer = setInterval(() => {
      if (progress.closed || progress.written >= total) {
        clearInterval(timer);
        if (!progress.closed) res.end('"');
        return;
      }
      res.write(chunk);
      progress.written += chunk.length;
    }, 1);
  };
}

describe.each([
  ['undici', undefined],
  ['http', HttpConnection],
] as const)('limits and compression (%s connection)', (_name, Connection) => {
  const withConnection = (options: Partial<ConstructorParameters<typeof Client>[0]> = {}) =>
    client(Connection === undefined ? options : { ...options, Connection });

  it('gzips request bodies and accepts gzip responses when compression is on', async () => {
    stub = await startStub((req, res) =>
      gzipped(res, gzipSync(JSON.stringify({ echoed: gunzipSync(req.body).toString() }))),
    );
    const c = withConnection({ compression: true });
    await expect(
      c.transport.request({ method: 'POST', path: '/x', body: { a: 1 } }),
    ).resolves.toEqual({ echoed: '{"a":1}' });
    expect(stub.requests[0]!.headers['content-encoding']).toBe('gzip');
    expect(stub.requests[0]!.headers['accept-encoding']).toBe('gzip,deflate');
  });

  it('fails with a typed error on a truncated gzip body', async () => {
    const full = gzipSync(JSON.stringify({ hits: 'x'.repeat(5000) }));
    stub = await startStub((_req, res) => gzipped(res, full.subarray(0, full.length - 20)));
    const c = withConnection({ compression: true });
    const error = await c.transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeserializationError);
    expect((error as DeserializationError).code).toBe(ErrorCodes.decompression);
  });

  it('rejects a body over maxResponseSize by its content-length before reading it', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { big: 'y'.repeat(10_000) }));
    const c = withConnection({ maxResponseSize: 1000 });
    const error = await c.transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as RequestAbortedError).code).toBe(ErrorCodes.responseTooLarge);
    expect((error as RequestAbortedError).message).toContain('maxResponseSize');
  });

  it("does not hold a HEAD answer's content-length against maxResponseSize", async () => {
    stub = await startStub((_req, res) => {
      res.writeHead(200, {
        'x-elastic-product': 'Elasticsearch',
        'content-length': '5000000',
        'content-type': 'application/json',
      });
      res.end();
    });
    const c = withConnection({ maxResponseSize: 1000 });
    await expect(
      c.transport.request({ method: 'HEAD', path: '/big-index' }, { asBoolean: true }),
    ).resolves.toBe(true);
  });

  it('stops reading a chunked body as soon as it passes maxResponseSize', async () => {
    const progress = { written: 0, closed: false };
    stub = await startStub(endlessBody(200 * 1024 * 1024, progress));
    const c = withConnection({ maxResponseSize: 256 * 1024 });
    const error = await c.transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect((error as RequestAbortedError).code).toBe(ErrorCodes.responseTooLarge);
    await expect.poll(() => progress.closed, { timeout: 10_000 }).toBe(true);
    expect(progress.written).toBeLessThan(10 * 1024 * 1024);
  });

  it('bounds decompressed size by maxResponseSize and compressed size by maxCompressedResponseSize', async () => {
    const bomb = gzipSync(JSON.stringify({ z: '0'.repeat(2_000_000) }));
    stub = await startStub((_req, res) => gzipped(res, bomb));
    const c = withConnection({ compression: true, maxResponseSize: 100_000 });
    await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toMatchObject({
      code: ErrorCodes.responseTooLarge,
    });
    const strict = withConnection({ compression: true, maxCompressedResponseSize: 100 });
    const error = await strict.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('maxCompressedResponseSize');
  });

  it('times out per request with a duration string', async () => {
    stub = await startStub((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 5000);
    });
    const c = withConnection({ requestTimeout: '10s' });
    const started = Date.now();
    await expect(
      c.transport.request({ method: 'GET', path: '/' }, { requestTimeout: '50ms' }),
    ).rejects.toThrow(TimeoutError);
    // The stub answers after 5 s: an earlier rejection is the timeout's doing (the margin is wide
    // so a loaded machine cannot fail it).
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('refuses a per-request timeout no timer can wait for, instead of timing out at once', async () => {
    stub = await startStub((_req, res) => {
      setTimeout(() => sendJson(res, 200, { ok: true }), 30);
    });
    const c = withConnection();
    for (const requestTimeout of [2 ** 32, '30d', -1, Number.NaN]) {
      const error = await c.transport
        .request({ method: 'GET', path: '/' }, { requestTimeout })
        .catch((e: unknown) => e);
      expect(error, String(requestTimeout)).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe('requestTimeout');
    }
    expect(stub.requests).toHaveLength(0);
    await expect(
      c.transport.request({ method: 'GET', path: '/' }, { requestTimeout: '24d' }),
    ).resolves.toEqual({ ok: true });
  });

  it('aborts with the request signal, before and during the request', async () => {
    stub = await startStub((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 5000);
    });
    const c = withConnection();
    const already = AbortSignal.abort();
    await expect(
      c.transport.request({ method: 'GET', path: '/' }, { signal: already }),
    ).rejects.toThrow(RequestAbortedError);
    expect(stub.requests).toHaveLength(0);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await c.transport
      .request({ method: 'GET', path: '/' }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as RequestAbortedError).requestMeta?.aborted).toBe(true);
  });
});

describe('listener hygiene', () => {
  it('leaves no abort listener behind after 100k requests sharing one signal', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { ok: 1 }));
    const c = client({ connections: 32 });
    const controller = new AbortController();
    // 64 callers wait on the signal at once: that many listeners are expected, not a leak.
    setMaxListeners(128, controller.signal);
    let done = 0;
    const worker = async () => {
      while (done < 100_000) {
        done++;
        await c.transport.request({ method: 'GET', path: '/' }, { signal: controller.signal });
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    expect(done).toBeGreaterThanOrEqual(100_000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  }, 120_000);
});
