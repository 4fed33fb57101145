import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import type { RetryDiagnostic } from '../../../src/core/diagnostics.js';
import {
  ConfigurationError,
  ConnectionError,
  ErrorCodes,
  ProductNotSupportedError,
  ResponseError,
  TimeoutError,
} from '../../../src/core/errors.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

const stubs: Stub[] = [];
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

async function stub(handler?: Parameters<typeof startStub>[0]): Promise<Stub> {
  const s = await startStub(handler);
  stubs.push(s);
  return s;
}

function client(options: ConstructorParameters<typeof Client>[0]): Client {
  const c = new Client({ retryBackoff: { base: 5, max: 20 }, ...options });
  clients.push(c);
  return c;
}

// A port with nothing listening: connections are refused at once.
// Privileged low ports nothing listens on: a stub's freed port could be taken again by a stub of a
// test file running alongside, which would answer where a dead node is expected.
let deadPort = 0;
async function deadUrl(): Promise<string> {
  deadPort = (deadPort % 9) + 1;
  return `http://127.0.0.1:${deadPort}`;
}

describe('retries', () => {
  it('moves to another node on 502/503/504 and marks the failing node dead', async () => {
    const bad = await stub((_req, res) => sendJson(res, 503, { error: 'unavailable' }));
    const good = await stub((_req, res) => sendJson(res, 200, { ok: true }));
    const c = client({ nodes: [bad.url, good.url] });
    const results: unknown[] = [];
    for (let i = 0; i < 5; i++)
      results.push(await c.transport.request({ method: 'GET', path: '/' }));
    expect(results).toEqual(Array(5).fill({ ok: true }));
    expect(bad.requests.length).toBe(1);
    const states = (
      c.transport.pool as unknown as { states(): { alive: boolean; connection: { url: URL } }[] }
    ).states();
    expect(states.find((s) => s.connection.url.port === String(bad.port))!.alive).toBe(false);
  });

  it('keeps the earlier attempts errors on the final error', async () => {
    const statuses = [502, 503, 504];
    const s = await stub((_req, res) => sendJson(res, statuses.shift() ?? 500, { error: 'x' }));
    const c = client({ node: s.url, maxRetries: 2 });
    const error = (await c.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as ResponseError;
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(504);
    expect(error.attemptErrors.map((e) => (e as ResponseError).statusCode)).toEqual([502, 503]);
    expect(error.requestMeta?.attempts).toBe(3);
    expect(s.requests).toHaveLength(3);
  });

  it('retries connection errors on the next node and reports them all when every node fails', async () => {
    const down = await deadUrl();
    const up = await stub((_req, res) => sendJson(res, 200, { ok: 1 }));
    const c = client({ nodes: [down, up.url] });
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({ ok: 1 });
    const allDown = client({ nodes: [down, await deadUrl()], maxRetries: 3 });
    const error = (await allDown.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.attemptErrors).toHaveLength(3);
    expect(error.attemptErrors.every((e) => e instanceof ConnectionError)).toBe(true);
  });

  it('backs off with jitter on 429 and stays on the same node', async () => {
    const statuses = [429, 429];
    const s = await stub((_req, res) => sendJson(res, statuses.shift() ?? 200, { n: 1 }));
    const c = client({ node: s.url, retryBackoff: { base: 20, max: 100 } });
    const retries: RetryDiagnostic[] = [];
    c.on('retry', (event) => retries.push(event));
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({ n: 1 });
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(40);
    const states = (c.transport.pool as unknown as { states(): { alive: boolean }[] }).states();
    expect(states[0]!.alive).toBe(true);
  });

  it('fails with ELASTIQ_CLIENT_CLOSED, not "no node", when the client closes during a backoff', async () => {
    const s = await stub((_req, res) => sendJson(res, 429, { error: 'busy' }));
    const c = client({ node: s.url, retryBackoff: { base: 200, max: 200 } });
    // Closed when the retry is announced, right before its 200 ms backoff: polling for the first
    // request instead could notice it only after the backoff on a stalled machine.
    const backingOff = new Promise<void>((resolve) => c.on('retry', () => resolve()));
    const pending = c.transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    await backingOff;
    expect(s.requests).toHaveLength(1);
    await c.close();
    const error = (await pending) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe(ErrorCodes.closed);
    expect(error.attemptErrors.map((e) => (e as ResponseError).statusCode)).toEqual([429]);
  });

  it('keeps the earlier attempts errors when the final answer fails the product check', async () => {
    const s = await stub((_req, res) => {
      if (s.requests.length === 1) sendJson(res, 503, { error: 'unavailable' });
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
    const c = client({ node: s.url });
    const error = (await c.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as ProductNotSupportedError;
    expect(error).toBeInstanceOf(ProductNotSupportedError);
    expect(error.attemptErrors.map((e) => (e as ResponseError).statusCode)).toEqual([503]);
  });

  for (const [label, Connection] of [
    ['undici', undefined],
    ['http', HttpConnection],
  ] as const) {
    it(`fails a request the HTTP layer cannot write without retrying or marking nodes dead (${label})`, async () => {
      const a = await stub();
      const b = await stub();
      const c = client({ nodes: [a.url, b.url], Connection });
      const retries: RetryDiagnostic[] = [];
      c.on('retry', (event) => retries.push(event));
      const badValue = await c.transport
        .request({ method: 'GET', path: '/' }, { headers: { 'x-a': 'a\nb' } })
        .catch((e: unknown) => e);
      expect(badValue).toBeInstanceOf(ConfigurationError);
      expect((badValue as ConfigurationError).option).toBe('headers');
      await expect(
        c.transport.request({ method: 'GET', path: '/' }, { headers: { 'bad name': 'x' } }),
      ).rejects.toThrow(ConfigurationError);
      expect(retries).toEqual([]);
      const states = (c.transport.pool as unknown as { states(): { alive: boolean }[] }).states();
      expect(states.map((s) => s.alive)).toEqual([true, true]);
      expect([...a.requests, ...b.requests]).toEqual([]);
    });
  }

  it('honours maxRetries per client and per request', async () => {
    const s = await stub((_req, res) => sendJson(res, 503, {}));
    const c = client({ node: s.url, maxRetries: 1 });
    await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toThrow(ResponseError);
    expect(s.requests).toHaveLength(2);
    await expect(
      c.transport.request({ method: 'GET', path: '/' }, { maxRetries: 0 }),
    ).rejects.toThrow(ResponseError);
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry timeouts unless retryOnTimeout is set', async () => {
    const s = await stub((_req, res) => {
      setTimeout(() => sendJson(res, 200, {}), 300);
    });
    const c = client({ node: s.url, requestTimeout: 50 });
    await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toThrow(TimeoutError);
    expect(s.requests).toHaveLength(1);
    const retrying = client({
      node: s.url,
      requestTimeout: 50,
      retryOnTimeout: true,
      maxRetries: 2,
    });
    const error = (await retrying.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.attemptErrors).toHaveLength(2);
    // The two retries went to the same single node (the only one, tried although dead). The
    // stub may record the last one a moment after the client gave up on it: wait for it.
    await expect.poll(() => s.requests.length, { timeout: 5000 }).toBe(4);
  });

  it('never retries a streamed body', async () => {
    const s = await stub((_req, res) => sendJson(res, 503, {}));
    const c = client({ node: s.url, maxRetries: 3 });
    const body = Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]);
    await expect(c.transport.request({ method: 'POST', path: '/x', body })).rejects.toThrow(
      ResponseError,
    );
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]!.body.toString()).toBe('{"a":1}');
  });

  it('keeps every one of 3000 concurrent requests and the pool consistent while a node resets connections', async () => {
    const broken = await stub((_req, res) => {
      res.socket?.destroy();
    });
    const healthy = [await stub(), await stub()];
    const c = client({ nodes: [broken.url, ...healthy.map((h) => h.url)], maxRetries: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 3000 }, (_, i) =>
        c.transport.request({ method: 'GET', path: `/doc/${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const served = healthy.flatMap((h) => h.requests.map((r) => r.path));
    expect(served).toHaveLength(3000);
    expect(new Set(served).size).toBe(3000);
    const states = (
      c.transport.pool as unknown as {
        states(): { alive: boolean; deaths: number; connection: { url: URL } }[];
      }
    ).states();
    const brokenState = states.find((s) => s.connection.url.port === String(broken.port))!;
    expect(brokenState).toMatchObject({ alive: false, deaths: 1 });
    expect(states.filter((s) => s.alive)).toHaveLength(2);
  });
});
