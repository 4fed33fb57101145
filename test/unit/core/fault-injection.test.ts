import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import {
  ConnectionError,
  DeserializationError,
  ElastiqError,
  ErrorCodes,
  RequestAbortedError,
  ResponseError,
  SerializationError,
  TimeoutError,
} from '../../../src/core/errors.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

let upstream: Stub;
let proxy: FaultProxy;

beforeAll(async () => {
  upstream = await startStub((req, res) =>
    sendJson(res, 200, { path: req.path, filler: 'f'.repeat(2000) }),
  );
  proxy = await startFaultProxy(upstream.url);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

beforeEach(() => proxy.clear());

describe.each([
  ['undici', undefined],
  ['http', HttpConnection],
] as const)('%s connection', (_name, Connection) => {
  let client: Client;

  beforeAll(() => {
    const options = { node: proxy.url, retryBackoff: { base: 5, max: 20 }, compression: true };
    client = new Client(Connection === undefined ? options : { ...options, Connection });
  });

  afterAll(() => client.close());

  const get = (options = {}) =>
    client.transport.request<{ path: string }>({ method: 'GET', path: '/doc' }, options);

  describe('through the fault-injecting proxy', () => {
    it('retries a reset in the middle of the body and then succeeds', async () => {
      proxy.inject({ kind: 'reset-mid-body' });
      await expect(get()).resolves.toMatchObject({ path: '/doc' });
      expect(proxy.log.slice(-2).map((entry) => entry.fault)).toEqual([
        'reset-mid-body',
        undefined,
      ]);
    });

    it('reports a ConnectionError carrying every attempt when the body is always cut', async () => {
      proxy.inject({ kind: 'reset-mid-body' }, 4);
      const error = (await get().catch((e: unknown) => e)) as ConnectionError;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.attemptErrors).toHaveLength(3);
    });

    it('fails with a decompression error on truncated gzip', async () => {
      proxy.inject({ kind: 'truncated-gzip' });
      await expect(get()).rejects.toMatchObject({ code: ErrorCodes.decompression });
    });

    it('rides out a burst of 502/503/504', async () => {
      proxy.inject({ kind: 'status', status: 502 });
      proxy.inject({ kind: 'status', status: 503 });
      proxy.inject({ kind: 'status', status: 504 });
      await expect(get()).resolves.toMatchObject({ path: '/doc' });
    });

    it('gives up after maxRetries with the last status and the earlier ones', async () => {
      proxy.inject({ kind: 'status', status: 503 }, 5);
      const error = (await get({ maxRetries: 1 }).catch((e: unknown) => e)) as ResponseError;
      expect(error.statusCode).toBe(503);
      expect(error.attemptErrors).toHaveLength(1);
    });

    it('turns an HTML 502 page into a readable ResponseError when retries run out', async () => {
      proxy.inject({ kind: 'html-502' }, 2);
      const error = (await get({ maxRetries: 1 }).catch((e: unknown) => e)) as ResponseError;
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.message).toBe('502 502 Bad Gateway');
    });

    it('times out on slow headers and on a slow body', async () => {
      proxy.inject({ kind: 'slow-headers', delayMs: 400 });
      await expect(get({ requestTimeout: 100 })).rejects.toThrow(TimeoutError);
      proxy.inject({ kind: 'slow-body', intervalMs: 20 });
      await expect(get({ requestTimeout: 150 })).rejects.toThrow(TimeoutError);
    });

    it('stops an oversized body at maxResponseSize', async () => {
      proxy.inject({ kind: 'oversized', bytes: 500 * 1024 * 1024 });
      const error = await get({ maxResponseSize: 1024 * 1024 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestAbortedError);
      expect((error as RequestAbortedError).code).toBe(ErrorCodes.responseTooLarge);
    });

    it('reports malformed JSON as a DeserializationError', async () => {
      proxy.inject({ kind: 'malformed-json' });
      await expect(get()).rejects.toThrow(DeserializationError);
    });
  });

  // Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed.
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  describe('streamed request bodies', () => {
    it('sends an async iterable body', async () => {
      async function* lines() {
        yield Buffer.from('{"a":');
        yield Buffer.from('1}');
      }
      const result = await client.transport.request({
        method: 'POST',
        path: '/stream',
        body: lines(),
      });
      expect(result).toMatchObject({ path: '/stream' });
      expect(upstream.requests.at(-1)!.body.toString()).toBe('{"a":1}');
    });

    it('fails at once when the body stream breaks, without blaming the node', async () => {
      const body = new Readable({
        read() {
          this.destroy(new Error('disk gone'));
        },
      });
      const error = await client.transport
        .request({ method: 'POST', path: '/stream', body }, { requestTimeout: 5000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SerializationError);
      expect((error as Error).message).toContain('disk gone');
      const states = (client.transport.pool as unknown as { states(): { alive: boolean }[] })
        .states()
        .map((s) => s.alive);
      expect(states).toEqual([true]);
    });
  });

  describe('fuzzing the response path end to end', () => {
    it('answers random bodies with a value or a typed error, never anything else', async () => {
      const next = random(42);
      const types = [
        'application/json',
        'text/plain',
        'application/octet-stream',
        'application/vnd.elasticsearch+json',
      ];
      const encodings = [undefined, 'gzip', 'deflate', 'br', 'compress'];
      let typed = 0;
      for (let i = 0; i < 150; i++) {
        const length = Math.floor(next() * 300);
        const body = Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
        const encoding = encodings[Math.floor(next() * encodings.length)];
        proxy.inject({
          kind: 'raw',
          body,
          contentType: types[i % types.length]!,
          ...(encoding === undefined ? {} : { encoding }),
        });
        try {
          await get({ maxRetries: 0 });
        } catch (err) {
          expect(err, `case ${i}`).toBeInstanceOf(ElastiqError);
          typed++;
        }
      }
      expect(typed).toBeGreaterThan(0);
    });
  });
});
