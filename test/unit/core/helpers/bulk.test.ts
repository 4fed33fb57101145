import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../../src/core/client.js';
import type { BulkAction, BulkDroppedDocument } from '../../../../src/core/helpers/bulk-types.js';
import { BulkHelperError } from '../../../../src/core/helpers/helper-errors.js';
import type { Helpers } from '../../../../src/core/helpers/helpers.js';
import {
  type BulkLine,
  bulkResponse,
  parseBulk,
  type Stub,
  type StubHandler,
  startStub,
} from './support/stub-server.js';

interface Doc {
  id: string;
  n: number;
}

let stub: Stub | undefined;
let client: Client | undefined;

async function setup(handler: StubHandler): Promise<{ helpers: Helpers; stub: Stub }> {
  stub = await startStub(handler);
  client = new Client({ node: stub.url, maxRetries: 1 });
  return { helpers: client.helpers, stub };
}

afterEach(async () => {
  await client?.close();
  await stub?.close();
  stub = undefined;
  client = undefined;
});

const docs = (count: number): Doc[] =>
  Array.from({ length: count }, (_, n) => ({ id: `d${n}`, n }));
const indexAction = (doc: Doc): BulkAction => ({ index: { _index: 'x', _id: doc.id } });
const allOk: StubHandler = (req) => ({ body: bulkResponse(parseBulk(req.body), () => 201) });

describe('helpers.bulk', () => {
  it('indexes every document of an array and reports stats', async () => {
    const { helpers, stub } = await setup(allOk);
    const stats = await helpers.bulk({
      datasource: docs(1000),
      onDocument: indexAction,
      flushBytes: 4000,
    });
    expect(stats).toMatchObject({
      total: 1000,
      successful: 1000,
      failed: 0,
      retried: 0,
      aborted: false,
    });
    const sent = stub.requests.flatMap((req) => parseBulk(req.body).map((line) => line.meta._id));
    // Each document sent exactly once (batches may arrive in any order).
    expect(sent.sort()).toEqual(
      docs(1000)
        .map((doc) => doc.id)
        .sort(),
    );
    expect(stats.requests).toBe(stub.requests.length);
    expect(stats.bytes).toBe(
      stub.requests.reduce((sum, req) => sum + Buffer.byteLength(req.body), 0),
    );
  });

  it('sends a batch once it holds flushBytes, never much more', async () => {
    const { helpers, stub } = await setup(allOk);
    await helpers.bulk({ datasource: docs(2000), onDocument: indexAction, flushBytes: 5000 });
    const sizes = stub.requests.map((req) => Buffer.byteLength(req.body));
    const docBytes = Buffer.byteLength(
      '{"index":{"_index":"x","_id":"d1999"}}\n{"id":"d1999","n":1999}\n',
    );
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(5000);
      expect(size).toBeLessThan(5000 + docBytes);
    }
  });

  it('reads generators, async generators and object-mode Readables', async () => {
    const { helpers } = await setup(allOk);
    function* sync() {
      yield* docs(300);
    }
    async function* asyncGen() {
      for (const doc of docs(300)) yield doc;
    }
    for (const datasource of [sync(), asyncGen(), Readable.from(docs(300))]) {
      const stats = await helpers.bulk<Doc>({
        datasource,
        onDocument: indexAction,
        flushBytes: 2000,
      });
      expect(stats).toMatchObject({ total: 300, successful: 300 });
    }
  });

  it('refuses a datasource of raw bytes instead of indexing Buffer objects', async () => {
    // fs.createReadStream(file) yields Buffers; each was sent as {"type":"Buffer","data":[...]}.
    const { helpers, stub } = await setup(allOk);
    const bytes = Readable.from([Buffer.from('{"id":"a","n":0}\n')], { objectMode: false });
    const error = await helpers
      .bulk<Buffer>({ datasource: bytes, onDocument: () => ({ index: { _index: 'x' } }) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkHelperError);
    expect((error as BulkHelperError).cause).toMatchObject({
      code: 'ELASTIQ_CONFIGURATION',
      option: 'datasource',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses a document holding NaN or Infinity instead of writing null in its place', async () => {
    const { helpers, stub } = await setup(allOk);
    const bad = [
      { id: 'a', n: 1 },
      { id: 'b', n: Number('abc') },
    ];
    const error = await helpers
      .bulk<Doc>({ datasource: bad, onDocument: indexAction })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkHelperError);
    expect((error as BulkHelperError).cause).toMatchObject({
      code: 'ELASTIQ_SERIALIZATION',
      path: 'n',
    });
    expect(String((error as BulkHelperError).cause)).toContain('the value at n is NaN');
    // an update's doc is checked too
    const update = await helpers
      .bulk<Doc>({
        datasource: [{ id: 'c', n: Number.POSITIVE_INFINITY }],
        onDocument: (doc) => ({ update: { _index: 'x', _id: doc.id } }),
      })
      .catch((e: unknown) => e);
    expect((update as BulkHelperError).cause).toMatchObject({
      code: 'ELASTIQ_SERIALIZATION',
      path: 'doc.n',
    });
    expect(stub.requests.map((r) => r.body).join('')).not.toContain('null');
  });

  it('asks for only status and error of each item unless onSuccess needs the whole item', async () => {
    const { helpers, stub } = await setup(allOk);
    await helpers.bulk({ datasource: docs(3), onDocument: indexAction });
    expect(stub.requests[0]!.query.get('filter_path')).toBe('errors,items.*.status,items.*.error');
    const ids: string[] = [];
    await helpers.bulk({
      datasource: docs(3),
      onDocument: indexAction,
      onSuccess: (ok) => ids.push(String(ok.result._id)),
      params: { pipeline: 'p' },
    });
    expect(stub.requests[1]!.query.get('filter_path')).toBeNull();
    expect(stub.requests[1]!.query.get('pipeline')).toBe('p');
    expect(ids).toEqual(['d0', 'd1', 'd2']);
  });

  it('does not retry an item that indexing pressure refused for its own size: it is dropped at once', async () => {
    let sent = 0;
    const { helpers } = await setup((req) => {
      const lines = parseBulk(req.body);
      sent += lines.length;
      const body = bulkResponse(lines, (line) => (line.meta._id === 'd1' ? 429 : 201));
      const index = lines.findIndex((line) => line.meta._id === 'd1');
      if (index < 0) return { body };
      const item = body.items[index]!.index as { error: { reason: string } };
      item.error.reason =
        'rejected execution of primary operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, primary_operation_bytes=52428900, max_coordinating_and_primary_bytes=51200000]';
      return { body };
    });
    const dropped: BulkDroppedDocument<Doc>[] = [];
    const stats = await helpers.bulk({
      datasource: docs(3),
      onDocument: indexAction,
      onDrop: (drop) => dropped.push(drop),
      retries: 3,
      wait: 1,
    });
    expect(sent).toBe(3); // nothing sent again
    expect(dropped.map((d) => [d.document.id, d.status, d.retried])).toEqual([['d1', 429, false]]);
    expect(stats).toMatchObject({ successful: 2, failed: 1, retried: 0 });
  });

  it('retries only 429 items, then calls onDrop with the exact document and action of a mixed batch', async () => {
    const attempts = new Map<string, number>();
    const { helpers, stub } = await setup((req) => {
      const lines = parseBulk(req.body);
      return {
        body: bulkResponse(lines, (line) => {
          const id = String(line.meta._id);
          attempts.set(id, (attempts.get(id) ?? 0) + 1);
          if (id.endsWith('3')) return 429; // always rejected
          if (id.endsWith('5') && attempts.get(id)! < 3) return 429; // accepted on the third try
          if (id.endsWith('7')) return 400; // refused outright
          return line.operation === 'delete' ? 200 : 201;
        }),
      };
    });
    const operations = ['index', 'create', 'update', 'delete'] as const;
    const actionOf = (doc: Doc): BulkAction => {
      const op = operations[doc.n % 4]!;
      const meta = { _index: 'x', _id: doc.id };
      if (op === 'update') return [{ update: meta }, { doc_as_upsert: true }];
      return { [op]: meta } as BulkAction;
    };
    const dropped: BulkDroppedDocument<Doc>[] = [];
    const input = docs(40);
    const stats = await helpers.bulk({
      datasource: input,
      onDocument: actionOf,
      onDrop: (drop) => dropped.push(drop),
      retries: 3,
      wait: 1,
      flushBytes: 600,
    });
    const expectedDropped = input.filter((doc) => doc.id.endsWith('3') || doc.id.endsWith('7'));
    expect(dropped.map((d) => d.document).sort((a, b) => a.n - b.n)).toEqual(expectedDropped);
    for (const drop of dropped) {
      expect(drop.action).toEqual(actionOf(drop.document));
      expect(drop.operation).toBe(operations[drop.document.n % 4]);
      expect(drop.status).toBe(drop.document.id.endsWith('3') ? 429 : 400);
      expect(drop.retried).toBe(drop.document.id.endsWith('3'));
      expect(drop.error?.type).toBeDefined();
    }
    expect(attempts.get('d3')).toBe(4); // first try + 3 retries
    expect(attempts.get('d7')).toBe(1);
    expect(attempts.get('d15')).toBe(3);
    expect(stats).toMatchObject({ total: 40, failed: 8, successful: 32 });
    // d3,d13,d23,d33 retried 3 times each; d5..d35 retried twice each.
    expect(stats.retried).toBe(4 * 3 + 4 * 2);
    // Only the 429 items were sent again.
    const sentIds = stub.requests.flatMap((req) =>
      parseBulk(req.body).map((line: BulkLine) => String(line.meta._id)),
    );
    const resent = sentIds.filter((id, i) => sentIds.indexOf(id) !== i);
    expect(resent.every((id) => /[35]$/.test(id))).toBe(true);
  });

  it('retries a configurable set of item statuses', async () => {
    let first = true;
    const { helpers } = await setup((req) => {
      const status = first ? 503 : 201;
      first = false;
      return { body: bulkResponse(parseBulk(req.body), () => status) };
    });
    const stats = await helpers.bulk({
      datasource: docs(2),
      onDocument: indexAction,
      retryOnStatus: [429, 503],
      wait: 1,
    });
    expect(stats).toMatchObject({ successful: 2, failed: 0, retried: 2 });
  });

  it('rejects with every unacknowledged document when a request keeps failing', async () => {
    let calls = 0;
    const { helpers } = await setup((req) => {
      calls++;
      if (calls >= 3) return { status: 500, body: { error: { type: 'boom', reason: 'broken' } } };
      return { body: bulkResponse(parseBulk(req.body), () => 201) };
    });
    const input = docs(500);
    const acknowledged = new Set<string>();
    const run = helpers.bulk({
      datasource: input,
      onDocument: indexAction,
      onSuccess: (ok) => acknowledged.add(ok.document.id),
      flushBytes: 2000,
      concurrency: 1,
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkHelperError);
    const failure = error as BulkHelperError<Doc>;
    expect(failure.code).toBe('ELASTIQ_BULK_FAILED');
    const unacknowledged = failure.unacknowledged.map((u) => u.document.id);
    // Every document read is either acknowledged or handed back; none in both, none missing.
    expect(unacknowledged.length + acknowledged.size).toBe(failure.stats.total);
    expect(unacknowledged.filter((id) => acknowledged.has(id))).toEqual([]);
    expect(failure.stats.successful).toBe(acknowledged.size);
    expect(failure.stats.total).toBeLessThan(input.length); // reading stopped at the failure
    expect(failure.unacknowledged[0]!.action).toEqual(
      indexAction(failure.unacknowledged[0]!.document),
    );
  });

  it('never reads ahead of what the cluster accepted (concurrency x flushBytes)', async () => {
    let pulled = 0;
    let settledDocs = 0;
    let maxAhead = 0;
    const { helpers, stub } = await setup((req) => {
      const lines = parseBulk(req.body);
      return { body: bulkResponse(lines, () => 201), delayMs: 20 };
    });
    async function* source() {
      for (const doc of docs(600)) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - settledDocs);
        yield doc;
      }
    }
    const perDoc = Buffer.byteLength(
      '{"index":{"_index":"x","_id":"d100"}}\n{"id":"d100","n":100}\n',
    );
    const flushBytes = perDoc * 20;
    const stats = await helpers.bulk<Doc>({
      datasource: source(),
      onDocument: indexAction,
      onSuccess: () => settledDocs++,
      flushBytes,
      concurrency: 2,
    });
    expect(stats.successful).toBe(600);
    expect(stub.maxInFlight()).toBeLessThanOrEqual(2);
    // 2 batches in flight plus the one being filled, of ~21 documents each.
    expect(maxAhead).toBeLessThanOrEqual(3 * 22);
  });

  it('keeps reading bounded when batches are sent by flushInterval to a slow cluster', async () => {
    // A steady source that never fills flushBytes: every batch leaves on the timer. Timer-sent
    // batches queued for a slot without ever pausing the reader, so memory grew without bound.
    let pulled = 0;
    let settledDocs = 0;
    let maxAhead = 0;
    const { helpers, stub } = await setup((req) => ({
      body: bulkResponse(parseBulk(req.body), () => 201),
      delayMs: 150,
    }));
    async function* steady() {
      for (const doc of docs(150)) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - settledDocs);
        yield doc;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    const stats = await helpers.bulk<Doc>({
      datasource: steady(),
      onDocument: indexAction,
      onSuccess: () => settledDocs++,
      flushInterval: 20,
      concurrency: 1,
    });
    expect(stats.successful).toBe(150);
    // One batch in flight, one waiting for the slot, one being filled, never the whole source.
    // Bounded by the batches actually sent: how many documents 20 ms holds depends on how long
    // a 2 ms timer takes on this machine (1 to 3 ms), so a fixed count would be a guess.
    const largest = Math.max(...stub.requests.map((req) => parseBulk(req.body).length));
    expect(largest).toBeLessThan(150 / 3);
    expect(maxAhead).toBeLessThanOrEqual(3 * largest);
  });

  it('sends a partial batch after flushInterval when the source is slow', async () => {
    const { helpers, stub } = await setup(allOk);
    async function* slow() {
      yield { id: 'a', n: 0 };
      await new Promise((r) => setTimeout(r, 150));
      yield { id: 'b', n: 1 };
    }
    const stats = await helpers.bulk<Doc>({
      datasource: slow(),
      onDocument: indexAction,
      flushInterval: 30,
    });
    expect(stats.successful).toBe(2);
    expect(stub.requests.map((req) => parseBulk(req.body).length)).toEqual([1, 1]);
  });

  it('abort() stops reading, still sends what was read, and accounts for it', async () => {
    const { helpers } = await setup((req) => ({
      body: bulkResponse(parseBulk(req.body), () => 201),
      delayMs: 5,
    }));
    let pulled = 0;
    async function* endless() {
      for (let n = 0; ; n++) {
        pulled++;
        yield { id: `d${n}`, n };
      }
    }
    const run = helpers.bulk<Doc>({
      datasource: endless(),
      onDocument: indexAction,
      flushBytes: 1000,
    });
    setTimeout(() => run.abort(), 50);
    const stats = await run;
    expect(stats.aborted).toBe(true);
    expect(stats.total).toBeGreaterThan(0);
    expect(stats.successful).toBe(stats.total);
    expect(pulled).toBe(stats.total);
  });

  it('counts noop updates and refreshes the index on completion', async () => {
    const { helpers, stub } = await setup((req) => {
      if (req.path.endsWith('/_refresh')) return { body: { _shards: {} } };
      const lines = parseBulk(req.body);
      const items = lines.map((line) => ({ [line.operation]: { status: 200, result: 'noop' } }));
      return { body: { errors: false, items } };
    });
    const stats = await helpers.bulk({
      datasource: docs(3),
      onDocument: (doc) => ({ update: { _id: doc.id } }),
      index: 'x',
      refreshOnCompletion: true,
    });
    expect(stats).toMatchObject({ successful: 3, noop: 3 });
    expect(stub.requests[0]!.path).toBe('/x/_bulk');
    expect(stub.requests[0]!.query.get('filter_path')).toContain('items.*.result');
    expect(stub.requests.at(-1)!.path).toBe('/x/_refresh');
  });

  it('hands back the partial batch when the datasource throws', async () => {
    const { helpers } = await setup(allOk);
    async function* broken() {
      yield { id: 'a', n: 0 };
      yield { id: 'b', n: 1 };
      throw new Error('source broke');
    }
    const error = (await helpers
      .bulk<Doc>({ datasource: broken(), onDocument: indexAction })
      .catch((e: unknown) => e)) as BulkHelperError<Doc>;
    expect(error).toBeInstanceOf(BulkHelperError);
    expect((error.cause as Error).message).toBe('source broke');
    expect(error.unacknowledged.map((u) => u.document.id)).toEqual(['a', 'b']);
  });

  it('treats a response whose item count does not match as a failed request', async () => {
    const { helpers } = await setup(() => ({ body: { errors: false, items: [] } }));
    const error = (await helpers
      .bulk({ datasource: docs(2), onDocument: indexAction })
      .catch((e: unknown) => e)) as BulkHelperError<Doc>;
    expect(error).toBeInstanceOf(BulkHelperError);
    expect(error.message).toMatch(/0 items for 2 operations/);
    expect(error.unacknowledged).toHaveLength(2);
  });
});

describe('helpers.bulk callbacks and signals', () => {
  it('stops on a throwing onDrop without counting acknowledged documents as lost', async () => {
    const { helpers } = await setup((req) => ({
      body: bulkResponse(parseBulk(req.body), (line) => (line.meta._id === 'd1' ? 400 : 201)),
    }));
    const error = (await helpers
      .bulk<Doc>({
        datasource: docs(5),
        onDocument: indexAction,
        onDrop: () => {
          throw new Error('handler broke');
        },
      })
      .catch((e: unknown) => e)) as BulkHelperError<Doc>;
    expect(error).toBeInstanceOf(BulkHelperError);
    expect(error.message).toContain('onDrop threw (handler broke)');
    expect(error.unacknowledged).toEqual([]);
    expect(error.stats).toMatchObject({ total: 5, successful: 4, failed: 1 });
  });

  it('an aborted signal stops reading like abort()', async () => {
    const { helpers } = await setup(allOk);
    const controller = new AbortController();
    let pulled = 0;
    async function* source() {
      for (let n = 0; n < 10_000; n++) {
        pulled++;
        if (n === 50) controller.abort();
        yield { id: `d${n}`, n };
      }
    }
    const stats = await helpers.bulk<Doc>({
      datasource: source(),
      onDocument: indexAction,
      signal: controller.signal,
    });
    expect(stats.aborted).toBe(true);
    expect(stats.total).toBe(51);
    expect(stats.successful).toBe(51);
    expect(pulled).toBe(51);
  });

  it('refuses a flushBytes or concurrency that is not a positive number', () => {
    const { helpers } = new Client({ node: 'http://127.0.0.1:9' });
    expect(() => helpers.bulk({ datasource: [], onDocument: indexAction, concurrency: 0 })).toThrow(
      /concurrency/,
    );
    expect(() => helpers.bulk({ datasource: [], onDocument: indexAction, flushBytes: -1 })).toThrow(
      /flushBytes/,
    );
    expect(() =>
      helpers.bulk({ datasource: [], onDocument: indexAction, flushInterval: 0 }),
    ).toThrow(expect.objectContaining({ code: 'ELASTIQ_CONFIGURATION', option: 'flushInterval' }));
  });
});

describe('helpers.bulk onFlush', () => {
  it('reports running stats after each batch, and a throwing onFlush stops the run with a coded error', async () => {
    const { helpers } = await setup(allOk);
    const seen: number[] = [];
    const stats = await helpers.bulk({
      datasource: docs(100),
      onDocument: indexAction,
      flushBytes: 1000,
      concurrency: 1,
      onFlush: (running) => seen.push(running.successful),
    });
    expect(seen.length).toBe(stats.requests);
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const error = await helpers
      .bulk({
        datasource: docs(100),
        onDocument: indexAction,
        flushBytes: 1000,
        onFlush: () => {
          throw new Error('progress bar broke');
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ELASTIQ_BULK_FAILED' });
    expect((error as Error).message).toContain('onFlush threw');
  });
});
