import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  countOf,
  createIndex,
  deleteIndex,
  heldMiB,
  type NodeHandle,
  rssMiB,
} from './support/node.js';

const INDEX = 'helpers-bulk-million';
const TOTAL = 1_000_000;
const FLUSH_BYTES = 5 * 1024 * 1024;
const CONCURRENCY = 2;
// Memory is sampled after a full GC (V8 otherwise lets old-space garbage pile up to its own
// limits, a sawtooth of ~150 MiB here that says nothing about what the helper holds), and it is
// what the process still references (heap + buffers), not RSS: RSS moved by 14 MiB here with
// nothing kept, allocator noise that differs from machine to machine.
// What the helper may hold at once is the same at 200k documents as at 1M: CONCURRENCY batches in
// flight + one waiting for a slot + one filling (4 x 5 MiB NDJSON buffers, recycled, plus the
// ~52k documents of each batch). So after warm-up it must not grow: measured, it moves by < 3 MiB;
// keeping the documents read from 200k to 1M adds ~65 MiB.
const GROWTH_BOUND_MIB = 16;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let node: NodeHandle;

beforeAll(async () => {
  node = connect();
  await createIndex(node.transport, INDEX, {
    mappings: {
      dynamic: 'strict',
      properties: { n: { type: 'long' }, tag: { type: 'keyword' }, at: { type: 'date' } },
    },
  });
});

afterAll(async () => {
  await deleteIndex(node.transport, INDEX);
  await node.close();
});

describe('helpers.bulk with a million documents', () => {
  it('accounts for every document and keeps memory flat', async () => {
    const samples: number[] = [];
    const rssSamples: number[] = [];
    let warm = 0;
    async function* generate() {
      const base = Date.UTC(2026, 0, 1);
      for (let n = 0; n < TOTAL; n++) {
        if (n % 100_000 === 0 && n >= 200_000) {
          gc();
          const held = heldMiB();
          if (n === 200_000) warm = held;
          samples.push(held);
          rssSamples.push(rssMiB());
        }
        yield { n, tag: `t${n % 97}`, at: base + n * 1000 };
      }
    }
    let dropped = 0;
    const stats = await node.helpers.bulk({
      datasource: generate(),
      onDocument: (doc) => ({ index: { _index: INDEX, _id: String(doc.n) } }),
      onDrop: () => dropped++,
      flushBytes: FLUSH_BYTES,
      concurrency: CONCURRENCY,
      retries: 5,
      wait: 500,
    });
    expect(stats).toMatchObject({ total: TOTAL, successful: TOTAL, failed: 0, aborted: false });
    expect(dropped).toBe(0);
    expect(await countOf(node.transport, INDEX)).toBe(TOTAL);
    const peak = Math.max(...samples);
    console.info(
      `1M bulk: ${stats.time} ms, ${Math.round(TOTAL / (stats.time / 1000))} docs/s, ${stats.requests} requests, ` +
        `${(stats.bytes / 1048576).toFixed(0)} MiB sent, held at 200k ${warm.toFixed(1)} MiB, peak ${peak.toFixed(1)} MiB, ` +
        `samples ${samples.map((s) => s.toFixed(1)).join(' ')}; RSS ${rssSamples.map((s) => s.toFixed(0)).join(' ')}`,
    );
    expect(peak - warm).toBeLessThan(GROWTH_BOUND_MIB);
  }, 900_000);
});
