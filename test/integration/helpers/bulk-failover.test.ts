import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkDroppedDocument } from '../../../src/core/helpers/bulk-types.js';
import { BulkHelperError } from '../../../src/core/helpers/helper-errors.js';
import {
  nodeControlMissing,
  startClusterNode,
  stopClusterNode,
  threeNodes,
} from '../../support/cluster.js';
import { connect, createIndex, deleteIndex, type NodeHandle } from './support/node.js';

const INDEX = 'helpers-bulk-failover';
const TOTAL = 150_000;
const STOPPED_NODE = 2;

interface Doc {
  id: number;
  payload: string;
}

describe.skipIf(nodeControlMissing)(`bulk while a node stops ${nodeControlMissing ?? ''}`, () => {
  let cluster: NodeHandle;

  beforeAll(async () => {
    cluster = connect(threeNodes!.urls);
    await createIndex(cluster.transport, INDEX, {
      // One replica: the shards of the stopped node fail over instead of going missing.
      settings: { number_of_shards: 3, number_of_replicas: 1 },
      mappings: { properties: { id: { type: 'long' }, payload: { type: 'keyword' } } },
    });
    // Every replica must be in place before a node stops (a file just before may have restarted
    // one, whose copies are still recovering): a timed-out wait is a failure, not a go-ahead.
    const health = await cluster.transport.request<{ status: string; timed_out: boolean }>(
      {
        method: 'GET',
        path: '/_cluster/health',
        querystring: {
          wait_for_status: 'green',
          wait_for_no_initializing_shards: true,
          timeout: '90s',
        },
      },
      { requestTimeout: '120s' },
    );
    expect(health).toMatchObject({ status: 'green', timed_out: false });
  });

  afterAll(async () => {
    await startClusterNode(STOPPED_NODE);
    await deleteIndex(cluster.transport, INDEX);
    await cluster.close();
  });

  it('every document is present exactly once or reported (onDrop / unacknowledged), none silently missing', async () => {
    let stopping: Promise<void> | undefined;
    let readWhenStopped = -1;
    let read = 0;
    async function* generate() {
      for (let id = 0; id < TOTAL; id++) {
        // Stop a node a third of the way in, while batches are in flight.
        if (id === Math.floor(TOTAL / 3)) {
          stopping = stopClusterNode(STOPPED_NODE).then(() => {
            readWhenStopped = read;
          });
        }
        // Half-way, wait for the stop to finish if loading outran it, so the load never ends
        // before the node is gone (a graceful JVM shutdown takes seconds).
        if (id === Math.floor(TOTAL / 2)) await stopping;
        read++;
        yield { id, payload: `p${id % 1000}` };
      }
    }
    const dropped: BulkDroppedDocument<Doc>[] = [];
    let unacknowledged: Doc[] = [];
    let stats: { total: number; successful: number; failed: number } | undefined;
    try {
      stats = await cluster.helpers.bulk<Doc>({
        datasource: generate(),
        onDocument: (doc) => ({ create: { _index: INDEX, _id: String(doc.id) } }),
        onDrop: (drop) => dropped.push(drop),
        flushBytes: 256 * 1024,
        concurrency: 3,
        retries: 8,
        wait: 250,
        // Primaries moving to the replicas answer 503 for a moment: retry those items too.
        retryOnStatus: [429, 503],
      });
    } catch (error) {
      // A request that failed even after the transport's retries: its documents are handed back.
      expect(error).toBeInstanceOf(BulkHelperError);
      const failure = error as BulkHelperError<Doc>;
      unacknowledged = failure.unacknowledged.map((u) => u.document);
      stats = failure.stats;
    }
    await stopping;
    await cluster.transport.request({ method: 'POST', path: `/${INDEX}/_refresh` });

    const present = new Uint8Array(TOTAL);
    for await (const page of cluster.helpers.pitSearch<Doc>({
      index: INDEX,
      size: 5000,
      _source: ['id'],
    })) {
      for (const hit of page.hits) present[Number(hit._id)]! += 1;
    }
    const reported = new Set([
      ...dropped.map((d) => d.document.id),
      ...unacknowledged.map((d) => d.id),
    ]);
    const missing: number[] = [];
    for (let id = 0; id < (stats?.total ?? 0); id++) {
      expect(present[id]!).toBeLessThanOrEqual(1); // never twice
      if (present[id] === 0 && !reported.has(id)) missing.push(id);
    }
    expect(missing).toEqual([]);
    // What onDrop got was refused for a reason a caller can act on: a create whose first attempt
    // was applied before the node went away answers 409 on the retry, and the document is there.
    for (const drop of dropped) {
      if (drop.status === 409) expect(present[drop.document.id]).toBe(1);
    }
    // The node was really gone while documents were still being loaded.
    expect(readWhenStopped).toBeGreaterThan(0);
    expect(readWhenStopped).toBeLessThan(TOTAL);
    console.info(
      `failover bulk: node stopped after ${readWhenStopped} documents read; total ${stats?.total}, successful ${stats?.successful}, onDrop ${dropped.length} ` +
        `(${[...new Set(dropped.map((d) => d.status))].join(',') || 'none'}), unacknowledged ${unacknowledged.length}`,
    );
    if (unacknowledged.length === 0) expect(stats?.total).toBe(TOTAL);
  });
});
