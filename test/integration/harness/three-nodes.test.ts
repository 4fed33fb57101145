import { afterAll, describe, expect, it } from 'vitest';
import { clusterStatus, startCluster } from '../../../src/cli/local/index.js';
import { silentReporter } from '../../../src/cli/local/progress.js';
import {
  nodeControlMissing,
  startClusterNode,
  stopClusterNode,
  threeNodes,
  threeNodesMissing,
} from '../../support/cluster.js';
import { plainRequest } from './http.js';

async function nodeCount(url: string): Promise<number> {
  const response = await plainRequest(`${url}/_cluster/health`);
  expect(response.status).toBe(200);
  return response.body.number_of_nodes;
}

describe.skipIf(threeNodesMissing !== undefined)(
  `the 3-node cluster ${threeNodesMissing ?? ''}`,
  () => {
    it('reports 3 nodes from each of its 3 URLs', async () => {
      const urls = threeNodes!.urls;
      expect(urls).toHaveLength(3);
      for (const url of urls) expect(await nodeCount(url)).toBe(3);
    });

    it('answers each URL from a different node', async () => {
      const ids = new Set<string>();
      for (const url of threeNodes!.urls) {
        const response = await plainRequest(`${url}/_nodes/_local`);
        expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
        for (const id of Object.keys(response.body.nodes)) ids.add(id);
      }
      expect(ids.size).toBe(3);
    });
  },
);

describe.skipIf(nodeControlMissing !== undefined)(
  `stopping a node of the 3-node cluster ${nodeControlMissing ?? ''}`,
  () => {
    afterAll(async () => {
      await startClusterNode(2);
    });

    it('leaves 2 nodes answering, and restarting it brings the cluster back to 3', async () => {
      const [first, , third] = threeNodes!.urls;
      await stopClusterNode(2);
      await expect(plainRequest(`${third}/_cluster/health`)).rejects.toThrow();
      await expect.poll(() => nodeCount(first!), { timeout: 60_000, interval: 500 }).toBe(2);
      await startClusterNode(2);
      expect(await nodeCount(third!)).toBe(3);
      expect(await nodeCount(first!)).toBe(3);
    });
  },
);

describe.skipIf(nodeControlMissing !== undefined)(
  `elastiq local on the running 3-node cluster ${nodeControlMissing ?? ''}`,
  () => {
    const name = process.env.ELASTIQ_LOCAL_CLUSTER!;
    const home = process.env.ELASTIQ_HOME;

    it('reports every node with its PID and the cluster health', async () => {
      const [status] = await clusterStatus(name, home);
      expect(status!.nodes.map((n) => n.url)).toEqual(threeNodes!.urls);
      expect(status!.nodes.every((n) => typeof n.pid === 'number')).toBe(true);
      expect(['green', 'yellow']).toContain(status!.health);
    });

    it('leaves a running cluster alone when asked to start it again', async () => {
      const before = await clusterStatus(name, home);
      const port = Number(new URL(threeNodes!.url).port);
      const cluster = await startCluster({
        name,
        nodes: 3,
        port,
        ...(home ? { home } : {}),
        reporter: silentReporter,
      });
      const after = await clusterStatus(name, home);
      expect(cluster.nodes.map((n) => n.url)).toEqual(threeNodes!.urls);
      expect(after[0]!.nodes.map((n) => n.pid)).toEqual(before[0]!.nodes.map((n) => n.pid));
    });
  },
);
