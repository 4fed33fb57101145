import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MsearchItemError } from '../../../src/core/helpers/helper-errors.js';
import {
  connect,
  countOf,
  createIndex,
  deleteIndex,
  heldMiB,
  type NodeHandle,
  openContexts,
} from './support/node.js';

const SOURCE = 'helpers-read-source';
const DEST = 'helpers-read-dest';
const TOTAL = 200_000;
// Reading holds one page (or one page per slice) at a time: after warm-up, the memory still
// referenced after a full GC (heap + buffers, not RSS, whose allocator noise reached 30 MiB here)
// must not grow with the number of documents read. Measured: it moves by < 2 MiB (a page or two
// in flight at the sample); keeping just the documents read from 40k to 200k adds ~8 MiB (keeping
// the pages they came in, more).
const GROWTH_BOUND_MIB = 5;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Doc {
  n: number;
  tag: string;
}

let node: NodeHandle;

beforeAll(async () => {
  node = connect();
  await createIndex(node.transport, SOURCE, {
    settings: { number_of_shards: 2, number_of_replicas: 0 },
    mappings: { properties: { n: { type: 'long' }, tag: { type: 'keyword' } } },
  });
  async function* docs() {
    for (let n = 0; n < TOTAL; n++) yield { n, tag: `t${n % 10}` };
  }
  const stats = await node.helpers.bulk<Doc>({
    datasource: docs(),
    onDocument: (doc) => ({ index: { _index: SOURCE, _id: String(doc.n) } }),
    concurrency: 2,
    refreshOnCompletion: SOURCE,
  });
  expect(stats.successful).toBe(TOTAL);
});

afterAll(async () => {
  await deleteIndex(node.transport, SOURCE);
  await deleteIndex(node.transport, DEST);
  await node.close();
});

/** Reads every document of an iterator, sampling held memory after GC; returns the n values seen. */
async function readAll(
  documents: AsyncIterable<Doc>,
): Promise<{ seen: Uint8Array; growth: number }> {
  const seen = new Uint8Array(TOTAL);
  let count = 0;
  let warm = 0;
  let peak = 0;
  for await (const doc of documents) {
    seen[doc.n]! += 1;
    count++;
    if (count % 40_000 === 0) {
      gc();
      const held = heldMiB();
      if (count === 40_000) warm = held;
      peak = Math.max(peak, held);
    }
  }
  return { seen, growth: peak - warm };
}

describe('scroll and point-in-time reads against the real node', () => {
  it('scrollDocuments reads each of 200k documents exactly once with flat memory, then clears the scroll', async () => {
    const { seen, growth } = await readAll(
      node.helpers.scrollDocuments<Doc>({ index: SOURCE, size: 2000, sort: ['_doc'] }),
    );
    expect(seen.every((times) => times === 1)).toBe(true);
    expect(growth).toBeLessThan(GROWTH_BOUND_MIB);
    expect(await openContexts(node.transport, SOURCE)).toBe(0);
  });

  it('pitDocuments with 2 slices reads each of 200k documents exactly once with flat memory, then closes the PIT', async () => {
    const { seen, growth } = await readAll(
      node.helpers.pitDocuments<Doc>({ index: SOURCE, size: 2000, slices: 2 }),
    );
    expect(seen.every((times) => times === 1)).toBe(true);
    expect(growth).toBeLessThan(GROWTH_BOUND_MIB);
    expect(await openContexts(node.transport, SOURCE)).toBe(0);
  });

  it('breaking out of a scroll or a PIT early leaves no search context on the node', async () => {
    for await (const page of node.helpers.scrollSearch({ index: SOURCE, size: 100 })) {
      expect(page.hits).toHaveLength(100);
      expect(await openContexts(node.transport, SOURCE)).toBeGreaterThan(0);
      break;
    }
    expect(await openContexts(node.transport, SOURCE)).toBe(0);
    for await (const page of node.helpers.pitSearch({ index: SOURCE, size: 100, slices: 2 })) {
      expect(page.hits).toHaveLength(100);
      expect(await openContexts(node.transport, SOURCE)).toBeGreaterThan(0);
      break;
    }
    expect(await openContexts(node.transport, SOURCE)).toBe(0);
  });

  it('a loop body that throws still closes the PIT', async () => {
    const run = async () => {
      for await (const _page of node.helpers.pitSearch({ index: SOURCE, size: 10 })) {
        throw new Error('consumer failed');
      }
    };
    await expect(run()).rejects.toThrow('consumer failed');
    expect(await openContexts(node.transport, SOURCE)).toBe(0);
  });
});

describe('msearch against the real node', () => {
  it('answers each search with its own result or its own error', async () => {
    const m = node.helpers.msearch({ operations: 4, flushInterval: 20 });
    const searches = Array.from({ length: 10 }, (_, i) =>
      m.search<Doc>({ index: SOURCE }, { query: { term: { n: i * 7 } } }),
    );
    // Elasticsearch refuses a whole msearch whose body does not parse: the helper isolates it.
    const bad = m
      .search({ index: SOURCE }, { query: { no_such_query: {} } })
      .catch((e: unknown) => e);
    const missing = m.search({ index: 'helpers-no-such-index' }, {}).catch((e: unknown) => e);
    const results = await Promise.all(searches);
    expect(results.map((r) => r.documents[0]!.n)).toEqual(
      Array.from({ length: 10 }, (_, i) => i * 7),
    );
    expect(await bad).toMatchObject({ statusCode: 400, errorType: 'parsing_exception' });
    const itemError = await missing;
    expect(itemError).toBeInstanceOf(MsearchItemError);
    expect((itemError as MsearchItemError).statusCode).toBe(404);
    m.stop();
    await m;
  });
});

describe('client-side reindex against the real node', () => {
  it('copies the documents a query matches, transformed, and reports progress', async () => {
    await createIndex(node.transport, DEST);
    const progress: number[] = [];
    const result = await node.helpers.reindex<Doc, Doc & { double: number }>({
      source: {
        index: SOURCE,
        query: { terms: { tag: ['t1', 't2', 't3'] } },
        size: 5000,
        slices: 2,
      },
      dest: { index: DEST },
      transform: (doc) => (doc.n % 100 === 1 ? null : { ...doc, double: doc.n * 2 }),
      onProgress: (p) => progress.push(p.written),
      bulk: { flushBytes: 512 * 1024, concurrency: 2 },
    });
    const matched = (TOTAL / 10) * 3;
    const skipped = TOTAL / 100; // n % 100 === 1 all have tag t1
    expect(result.total).toBe(matched);
    expect(result.read).toBe(matched);
    expect(result.skipped).toBe(skipped);
    expect(result.bulk).toMatchObject({ successful: matched - skipped, failed: 0 });
    expect(await countOf(node.transport, DEST)).toBe(matched - skipped);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(matched - skipped);
    const copy = await node.transport.request<{ _id: string; _source: Doc & { double: number } }>({
      method: 'GET',
      path: `/${DEST}/_doc/12`,
    });
    expect(copy._source).toEqual({ n: 12, tag: 't2', double: 24 });
    expect(await openContexts(node.transport, SOURCE)).toBe(0);
  });

  it('can read with a scroll instead of a PIT, and write through another client', async () => {
    await createIndex(node.transport, DEST);
    const other = connect();
    try {
      const result = await node.helpers.reindex({
        source: { index: SOURCE, method: 'scroll', query: { term: { tag: 't5' } }, size: 5000 },
        dest: { index: DEST, opType: 'create', client: other.client },
      });
      expect(result.bulk.successful).toBe(TOTAL / 10);
      expect(await countOf(node.transport, DEST)).toBe(TOTAL / 10);
      expect(await openContexts(node.transport, SOURCE)).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses sliced reads with a scroll before reading anything', async () => {
    await expect(
      node.helpers.reindex({
        source: { index: SOURCE, method: 'scroll', slices: 2 },
        dest: { index: DEST },
      }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_CONFIGURATION', option: 'source.slices' });
  });
});
