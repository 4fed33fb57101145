import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkDroppedDocument } from '../../../src/core/helpers/bulk-types.js';
import { connect, countOf, createIndex, deleteIndex, type NodeHandle } from './support/node.js';
import { startTinyQueueNode, type TinyQueueNode } from './support/tiny-queue-node.js';

const INDEX = 'helpers-bulk-429';
const TOTAL = 20_000;

describe('bulk against a real node with a write queue of one', () => {
  let node: TinyQueueNode;
  let handle: NodeHandle;

  beforeAll(async () => {
    node = await startTinyQueueNode();
    // Request-level 429s (the coordinating step refused) are the transport's to retry.
    handle = connect(node.url, { maxRetries: 10 });
    await createIndex(handle.transport, INDEX, {
      settings: { number_of_shards: 6, number_of_replicas: 0 },
    });
  });

  afterAll(async () => {
    await deleteIndex(handle.transport, INDEX);
    await handle.close();
    await node.stop();
  });

  it('retries items the node refuses with 429 with backoff, then hands the rest to onDrop; none lost', async () => {
    // The node runs with the two `--setting` values `elastiq local start` was given.
    const settings = await handle.transport.request<{
      nodes: Record<string, { settings: { thread_pool: unknown } }>;
    }>({
      method: 'GET',
      path: '/_nodes/settings',
      querystring: { filter_path: 'nodes.*.settings.thread_pool' },
    });
    expect(Object.values(settings.nodes).map((n) => n.settings.thread_pool)).toEqual([
      { write: { size: '1', queue_size: '1' } },
    ]);
    const dropped: BulkDroppedDocument<{ id: number }>[] = [];
    const stats = await handle.helpers.bulk({
      datasource: Array.from({ length: TOTAL }, (_, id) => ({ id, text: `document ${id}` })),
      onDocument: (doc) => ({ create: { _index: INDEX, _id: String(doc.id) } }),
      onDrop: (drop) => dropped.push(drop),
      flushBytes: 16 * 1024,
      concurrency: 6,
      retries: 8,
      wait: 50,
      maxWait: 2000,
    });
    console.info(`tiny queue bulk: ${JSON.stringify(stats)}`);
    expect(stats.retried).toBeGreaterThan(0); // the node did refuse items, and they were retried
    // Whatever still met a full queue after every retry went to onDrop, with its exact document.
    expect(stats.successful + stats.failed).toBe(TOTAL);
    expect(dropped).toHaveLength(stats.failed);
    for (const drop of dropped) {
      expect(drop).toMatchObject({ status: 429, operation: 'create', retried: true });
      expect(drop.action).toEqual({ create: { _index: INDEX, _id: String(drop.document.id) } });
    }
    // Acknowledged documents are there once; dropped ones are not there at all.
    expect(await countOf(handle.transport, INDEX)).toBe(stats.successful);
    if (dropped.length > 0) {
      const found = await handle.transport.request<{ docs: { found: boolean }[] }>({
        method: 'POST',
        path: `/${INDEX}/_mget`,
        body: { ids: dropped.map((d) => String(d.document.id)) },
      });
      expect(found.docs.every((d) => !d.found)).toBe(true);
    }
  });
});
