import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../../src/core/client.js';
import {
  MsearchItemError,
  MsearchStoppedError,
} from '../../../../src/core/helpers/helper-errors.js';
import type { Helpers } from '../../../../src/core/helpers/helpers.js';
import { type Stub, type StubHandler, startStub } from './support/stub-server.js';

let stub: Stub | undefined;
let client: Client | undefined;

async function setup(handler: StubHandler): Promise<{ helpers: Helpers; stub: Stub }> {
  stub = await startStub(handler);
  client = new Client({ node: stub.url, maxRetries: 0 });
  return { helpers: client.helpers, stub };
}

afterEach(async () => {
  await client?.close();
  await stub?.close();
});

/** Answers each search with one hit echoing its `q`; `q: 'bad'` fails, `q: 'busy'` gets 429 once. */
function msearchStub(): StubHandler {
  const busySeen = new Set<string>();
  return (req) => {
    const lines = req.body.split('\n').filter((l) => l.length > 0);
    const responses = [];
    for (let i = 0; i < lines.length; i += 2) {
      const q = (JSON.parse(lines[i + 1]!) as { q: string }).q;
      if (q === 'bad') {
        responses.push({ status: 400, error: { type: 'parsing_exception', reason: 'bad query' } });
      } else if (q.startsWith('busy') && !busySeen.has(q)) {
        busySeen.add(q);
        responses.push({ status: 429, error: { type: 'es_rejected_execution_exception' } });
      } else {
        responses.push({ status: 200, hits: { hits: [{ _index: 'x', _id: q, _source: { q } }] } });
      }
    }
    return { body: { responses } };
  };
}

describe('helpers.msearch', () => {
  it('batches concurrent searches by `operations` and gives each caller its own result', async () => {
    const { helpers, stub } = await setup(msearchStub());
    const m = helpers.msearch({ operations: 3, flushInterval: 1000 });
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((q) => m.search<{ q: string }>({ index: 'x' }, { q })),
    );
    expect(results.map((r) => r.documents[0]!.q)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[0]!.path).toBe('/_msearch');
    m.stop();
    await m;
  });

  it('sends a partial batch after flushInterval', async () => {
    const { helpers, stub } = await setup(msearchStub());
    const m = helpers.msearch({ operations: 10, flushInterval: 20 });
    const result = await m.search({}, { q: 'only' });
    expect(result.status).toBe(200);
    expect(stub.requests).toHaveLength(1);
    m.stop();
    await m;
  });

  it('rejects only the failing search, and retries a 429 search', async () => {
    const { helpers, stub } = await setup(msearchStub());
    const m = helpers.msearch({ operations: 3, flushInterval: 10, wait: 1 });
    const [good, bad, busy] = await Promise.allSettled([
      m.search({}, { q: 'good' }),
      m.search({}, { q: 'bad' }),
      m.search({}, { q: 'busy-1' }),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    const error = (bad as PromiseRejectedResult).reason as MsearchItemError;
    expect(error).toBeInstanceOf(MsearchItemError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('parsing_exception: bad query');
    expect(busy.status).toBe('fulfilled');
    expect(stub.requests).toHaveLength(2);
    m.stop();
    await m;
  });

  it('sends queued searches on stop(), then refuses new ones', async () => {
    const { helpers } = await setup(msearchStub());
    const m = helpers.msearch({ operations: 100, flushInterval: 60_000 });
    const pending = m.search({}, { q: 'queued' });
    m.stop();
    expect((await pending).documents).toEqual([{ q: 'queued' }]);
    await m;
    await expect(m.search({}, { q: 'late' })).rejects.toBeInstanceOf(MsearchStoppedError);
  });

  it('stop(error) rejects queued searches and the helper with that error', async () => {
    const { helpers, stub } = await setup(msearchStub());
    const m = helpers.msearch({ operations: 100, flushInterval: 60_000 });
    const pending = m.search({}, { q: 'queued' });
    const reason = new Error('shutting down');
    m.stop(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(m).rejects.toBe(reason);
    expect(stub.requests).toHaveLength(0);
  });

  it('isolates a search that makes the server refuse the whole batch, so the others still succeed', async () => {
    const { helpers, stub } = await setup((req) => {
      if (req.body.includes('"unparsable"')) {
        return {
          status: 400,
          body: { error: { type: 'parsing_exception', reason: 'unknown query' } },
        };
      }
      return msearchStub()(req);
    });
    const m = helpers.msearch({ operations: 3, flushInterval: 10 });
    const [a, bad, c] = await Promise.allSettled([
      m.search({}, { q: 'a' }),
      m.search({}, { q: 'unparsable' }),
      m.search({}, { q: 'c' }),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(((bad as PromiseRejectedResult).reason as { statusCode: number }).statusCode).toBe(400);
    expect(stub.requests).toHaveLength(4); // the batch, then each search alone
    m.stop();
    await m;
  });

  it('rejects every search of a batch whose request failed', async () => {
    const { helpers } = await setup(() => ({
      status: 400,
      body: { error: { type: 'bad', reason: 'no' } },
    }));
    const m = helpers.msearch({ operations: 2, flushInterval: 10 });
    const results = await Promise.allSettled([m.search({}, { q: 'a' }), m.search({}, { q: 'b' })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    m.stop();
    await m;
  });

  it('refuses zero operations or concurrency with a coded error naming the option', () => {
    // Before, operations: 0 sent empty msearch requests in a loop; concurrency: 0 never sent any.
    const { helpers } = new Client({ node: 'http://127.0.0.1:9' });
    for (const [options, option] of [
      [{ operations: 0 }, 'operations'],
      [{ concurrency: 0 }, 'concurrency'],
      [{ flushInterval: -1 }, 'flushInterval'],
    ] as const) {
      expect(() => helpers.msearch(options)).toThrow(
        expect.objectContaining({ code: 'ELASTIQ_CONFIGURATION', option }),
      );
    }
  });

  it('resolves a search whose response has no hits (a filter_path keeping only aggregations)', async () => {
    const { helpers } = await setup((req) => {
      const count = req.body.split('\n').filter((l) => l.length > 0).length / 2;
      const responses = Array.from({ length: count }, (_, i) => ({
        aggregations: { n: { value: i } },
      }));
      return { body: { responses } };
    });
    const m = helpers.msearch({
      operations: 2,
      flushInterval: 10,
      params: { filter_path: 'responses.aggregations' },
    });
    const [first, second] = await Promise.all([
      m.search({}, { size: 0 }),
      m.search({}, { size: 0 }),
    ]);
    expect(first.documents).toEqual([]);
    expect(first.body).toEqual({ aggregations: { n: { value: 0 } } });
    expect(second.body).toEqual({ aggregations: { n: { value: 1 } } });
    m.stop();
    await m;
  });
});
