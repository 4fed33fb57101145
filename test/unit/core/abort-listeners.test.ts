import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { onAbort } from '../../../src/core/connection/abort-signal.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import { RequestAbortedError } from '../../../src/core/errors.js';
import { sleep as helperSleep } from '../../../src/core/helpers/backoff.js';
import { sleep as retrySleep } from '../../../src/core/transport/retry.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

let stub: Stub | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
});

// Collects the process warnings emitted while `run` runs (emitWarning fires on the next tick:
// one macrotask after `run` settles, every warning of it has been delivered).
async function warningsDuring(run: () => Promise<unknown>): Promise<Error[]> {
  const warnings: Error[] = [];
  const listener = (warning: Error) => warnings.push(warning);
  process.on('warning', listener);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return warnings;
}

describe('one abort listener per signal', () => {
  it.each([
    ['undici', undefined],
    ['http', HttpConnection],
  ] as const)(
    '50 concurrent requests sharing one signal print no MaxListenersExceededWarning (%s)',
    async (_name, Connection) => {
      const pending: (() => void)[] = [];
      stub = await startStub((_req, res) => {
        // Every answer is held until all 50 are in flight, so that all 50 wait on the signal at once.
        pending.push(() => sendJson(res, 200, { ok: true }));
      });
      const c = new Client({
        node: stub.url,
        ...(Connection === undefined ? {} : { Connection }),
      });
      clients.push(c);
      const controller = new AbortController();
      let listenersInFlight = 0;
      const warnings = await warningsDuring(async () => {
        const requests = Array.from({ length: 50 }, () =>
          c.transport.request({ method: 'GET', path: '/' }, { signal: controller.signal }),
        );
        await expect.poll(() => pending.length).toBe(50);
        listenersInFlight = getEventListeners(controller.signal, 'abort').length;
        for (const answer of pending.splice(0)) answer();
        await Promise.all(requests);
      });
      expect(warnings.map((w) => w.name)).toEqual([]);
      expect(listenersInFlight).toBe(1);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    },
  );

  it('aborts every request sharing the signal, then leaves no listener', async () => {
    stub = await startStub(() => {
      // never answers
    });
    const c = new Client({ node: stub.url });
    clients.push(c);
    const controller = new AbortController();
    const requests = Array.from({ length: 30 }, () =>
      c.transport
        .request({ method: 'GET', path: '/' }, { signal: controller.signal })
        .catch((e: unknown) => e),
    );
    await expect.poll(() => stub!.requests.length).toBe(30);
    controller.abort();
    const errors = await Promise.all(requests);
    for (const error of errors) expect(error).toBeInstanceOf(RequestAbortedError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('backoff sleeps of the transport and of the helpers share one listener too', async () => {
    const controller = new AbortController();
    const warnings = await warningsDuring(async () => {
      const sleeps = [
        ...Array.from({ length: 20 }, () => retrySleep(60_000, controller.signal).catch((e) => e)),
        ...Array.from({ length: 20 }, () => helperSleep(60_000, controller.signal)),
      ];
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      const results = await Promise.all(sleeps);
      expect(results.slice(0, 20).every((r) => r instanceof RequestAbortedError)).toBe(true);
    });
    expect(warnings).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes the shared listener when the last callback unsubscribes, and adds a new one after', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const offA = onAbort(controller.signal, () => calls.push('a'));
    const offB = onAbort(controller.signal, () => calls.push('b'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    offA();
    offA();
    offB();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    onAbort(controller.signal, () => calls.push('c'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    expect(calls).toEqual(['c']);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
