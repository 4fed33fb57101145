import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../../src/core/client.js';
import type { BulkItemOutcome } from '../../../../src/core/helpers/bulk-types.js';
import type { Helpers } from '../../../../src/core/helpers/helpers.js';
import {
  bulkResponse,
  parseBulk,
  type Stub,
  type StubHandler,
  startStub,
} from './support/stub-server.js';

let stub: Stub | undefined;
let client: Client | undefined;

async function setup(handler: StubHandler): Promise<Helpers> {
  stub = await startStub(handler);
  client = new Client({ node: stub.url, maxRetries: 0 });
  return client.helpers;
}

afterEach(async () => {
  await client?.close();
  await stub?.close();
});

describe('helpers.streamingBulk', () => {
  it('yields one final outcome per document, acknowledged or dropped, and returns the stats', async () => {
    const helpers = await setup((req) => ({
      body: bulkResponse(parseBulk(req.body), (line) =>
        String(line.meta._id).endsWith('4') ? 400 : 201,
      ),
    }));
    const datasource = Array.from({ length: 30 }, (_, n) => ({ id: `d${n}` }));
    const outcomes: BulkItemOutcome<{ id: string }>[] = [];
    const iterator = helpers.streamingBulk({
      datasource,
      onDocument: (doc) => ({ create: { _index: 'x', _id: doc.id } }),
      flushBytes: 300,
    });
    let next = await iterator.next();
    while (next.done !== true) {
      outcomes.push(next.value);
      next = await iterator.next();
    }
    expect(outcomes.map((o) => o.document.id).sort()).toEqual(datasource.map((d) => d.id).sort());
    const dropped = outcomes.filter((o) => !o.ok).map((o) => o.document.id);
    expect(dropped.sort()).toEqual(['d14', 'd24', 'd4']);
    expect(next.value).toMatchObject({ total: 30, successful: 27, failed: 3 });
  });

  it('stops reading when the consumer breaks out early', async () => {
    const helpers = await setup((req) => ({ body: bulkResponse(parseBulk(req.body), () => 201) }));
    let pulled = 0;
    async function* endless() {
      for (let n = 0; ; n++) {
        pulled++;
        yield { id: `d${n}` };
      }
    }
    let seen = 0;
    for await (const outcome of helpers.streamingBulk({
      datasource: endless(),
      onDocument: (doc) => ({ index: { _index: 'x', _id: doc.id } }),
      flushBytes: 500,
      concurrency: 1,
    })) {
      expect(outcome.ok).toBe(true);
      if (++seen === 5) break;
    }
    const pulledAtBreak = pulled;
    await new Promise((r) => setTimeout(r, 50));
    expect(pulled).toBe(pulledAtBreak);
    expect(pulled).toBeLessThan(100);
  });
});

describe('helpers.streamingBulk failures', () => {
  it('throws the BulkHelperError to the loop after yielding what was settled', async () => {
    let calls = 0;
    const helpers = await setup((req) => {
      calls++;
      if (calls > 1) return { status: 500, body: { error: { type: 'boom' } } };
      return { body: bulkResponse(parseBulk(req.body), () => 201) };
    });
    const seen: string[] = [];
    const run = async () => {
      for await (const outcome of helpers.streamingBulk({
        datasource: Array.from({ length: 40 }, (_, n) => ({ id: `d${n}` })),
        onDocument: (doc) => ({ index: { _index: 'x', _id: doc.id } }),
        flushBytes: 400,
        concurrency: 1,
      })) {
        seen.push(outcome.document.id);
      }
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ELASTIQ_BULK_FAILED' });
    const lost = (error as { unacknowledged: { document: { id: string } }[] }).unacknowledged;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length + lost.length).toBe((error as { stats: { total: number } }).stats.total);
  });
});
