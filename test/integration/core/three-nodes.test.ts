import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import type { RequestDiagnostic } from '../../../src/core/diagnostics.js';
import type { NodePool } from '../../../src/core/pool/node-pool.js';
import {
  nodeControlMissing,
  startClusterNode,
  stopClusterNode,
  threeNodes,
  threeNodesMissing,
} from '../../support/cluster.js';

const INDEX = `core-failover-${process.pid}`;
const states = (c: Client) => (c.transport.pool as NodePool).states();
const portOf = (url: string) => new URL(url).port;

describe.skipIf(threeNodesMissing !== undefined)(
  `sniffing the 3-node cluster ${threeNodesMissing ?? ''}`,
  () => {
    it('finds all three nodes from one seed', async () => {
      const c = new Client({ node: threeNodes!.urls[0]!, sniffOnStart: true });
      try {
        const nodes = await c.transport.sniffer!.sniff('manual');
        expect(nodes.map((n) => n.url.port).sort()).toEqual(threeNodes!.urls.map(portOf).sort());
        expect(c.transport.pool.connections.map((conn) => conn.url.port).sort()).toEqual(
          threeNodes!.urls.map(portOf).sort(),
        );
        const served = new Set<string>();
        c.on('request', (e) => served.add(portOf(e.node)));
        for (let i = 0; i < 6; i++)
          await c.transport.request({ method: 'GET', path: '/_cluster/health' });
        expect(served.size).toBe(3);
      } finally {
        await c.close();
      }
    });
  },
);

describe.skipIf(nodeControlMissing !== undefined)(
  `failover on the 3-node cluster ${nodeControlMissing ?? ''}`,
  () => {
    let client: Client;
    const stopped = 2;

    beforeAll(async () => {
      client = new Client({
        nodes: [...threeNodes!.urls],
        maxRetries: 5,
        deadTimeout: 1000,
        maxDeadTimeout: 4000,
        requestTimeout: '60s',
      });
      await client.transport.request({ method: 'DELETE', path: `/${INDEX}` }, { ignore: [404] });
      await client.transport.request({
        method: 'PUT',
        path: `/${INDEX}`,
        querystring: { wait_for_active_shards: 'all' },
        body: { settings: { number_of_shards: 1, number_of_replicas: 2 } },
      });
    });

    afterAll(async () => {
      await startClusterNode(stopped).catch(() => undefined);
      await client.transport.request({ method: 'DELETE', path: `/${INDEX}` }, { ignore: [404] });
      await client.close();
    });

    it('loses and duplicates no request while a node stops, skips it, and uses it again after a restart', async () => {
      const stoppedPort = portOf(threeNodes!.urls[stopped]!);
      const total = 400;
      let next = 0;
      const results: { id: number; version: number; attempts: number }[] = [];
      const firstNodes = new Map<number, string>();
      const offFirst = client.on('request', (e) => {
        if (e.attempt === 1) firstNodes.set(e.requestId, portOf(e.node));
      });
      let stopping: Promise<void> | undefined;
      const worker = async () => {
        while (next < total) {
          const id = next++;
          if (id === 60) stopping = stopClusterNode(stopped);
          // The second half waits for the node to be gone: on a fast machine the writes could
          // otherwise all finish during its graceful shutdown, and none would meet it dead.
          if (id >= total / 2) await stopping;
          const response = await client.transport.request<{ _version: number }>(
            { method: 'PUT', path: `/${INDEX}/_doc/${id}`, body: { id } },
            { meta: true },
          );
          results.push({ id, version: response.body._version, attempts: response.meta.attempts });
          const first = firstNodes.get(response.meta.requestId);
          // A retried request started on the node that went down, and nowhere else.
          if (response.meta.attempts > 1) expect(first).toBe(stoppedPort);
          // Pace the writes so that many are in flight while the node goes down.
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      await stopping;
      offFirst();
      // None lost: every request resolved and every document is there exactly once.
      expect(results).toHaveLength(total);
      expect(new Set(results.map((r) => r.id)).size).toBe(total);
      // None duplicated by the client: it re-sends a write only after the node it went to died
      // (checked above), once per extra attempt. Elasticsearch itself may re-execute one write on
      // the new primary when the old primary's node shuts down mid-replication (seen as _version
      // 2 after a single attempt), so each write is applied at most once per attempt plus once.
      expect(results.filter((r) => r.version > r.attempts + 1)).toEqual([]);

      // The stopped node is dead in the pool and gets no requests.
      const deadState = states(client).find((s) => s.connection.url.port === stoppedPort)!;
      expect(deadState.alive).toBe(false);
      const seen: RequestDiagnostic[] = [];
      const off = client.on('request', (e) => seen.push(e));
      for (let i = 0; i < 6; i++)
        await client.transport.request({ method: 'GET', path: '/_cluster/health' });
      expect(seen.filter((e) => portOf(e.node) === stoppedPort)).toEqual([]);

      await client.transport.request({ method: 'POST', path: `/${INDEX}/_refresh` });
      const count = await client.transport.request<{ count: number }>({
        method: 'GET',
        path: `/${INDEX}/_count`,
      });
      expect(count.count).toBe(total);

      // After a restart, a resurrection ping brings the node back and it serves again.
      await startClusterNode(stopped);
      seen.length = 0;
      await expect
        .poll(
          async () => {
            await client.transport.request({ method: 'GET', path: '/_cluster/health' });
            return states(client).find((s) => s.connection.url.port === stoppedPort)!.alive;
          },
          { timeout: 60_000, interval: 300 },
        )
        .toBe(true);
      for (let i = 0; i < 6; i++)
        await client.transport.request({ method: 'GET', path: '/_cluster/health' });
      off();
      expect(seen.some((e) => portOf(e.node) === stoppedPort)).toBe(true);
    }, 300_000);
  },
);
