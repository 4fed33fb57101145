import { describe, expect, it } from 'vitest';
import { type ClusterInfoReport, runInfo } from '../../../src/cli/info.js';
import {
  openSearchMissing,
  openSearchNode,
  secureNode,
  secureNodeMissing,
  singleNode,
} from '../../support/cluster.js';
import { plainRequest } from './http.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('elastiq info against the single node', () => {
  it('prints the cluster name, version, health and nodes, agreeing with the node', async () => {
    const { io, out, err } = capture();
    expect(await runInfo(['--json'], io, { ELASTICSEARCH_URL: singleNode.url })).toBe(0);
    const report = JSON.parse(out.join('')) as ClusterInfoReport;
    const health = (await plainRequest(`${singleNode.url}/_cluster/health`)).body;
    const local = (await plainRequest(`${singleNode.url}/_nodes/_local`)).body;
    const [node] = Object.values(local.nodes) as { name: string; version: string }[];
    expect(report).toMatchObject({
      cluster_name: health.cluster_name,
      version: node!.version,
      number_of_nodes: 1,
    });
    expect(['green', 'yellow']).toContain(report.status);
    expect(report.nodes).toEqual([
      expect.objectContaining({
        name: node!.name,
        version: node!.version,
        master: true,
        http: new URL(singleNode.url).host,
      }),
    ]);
    expect(err.join('\n')).toContain('(from ELASTICSEARCH_URL)');
  });

  it('prints the same as text: the cluster line, then each node with the master marked', async () => {
    const { io, out } = capture();
    expect(await runInfo(['--url', singleNode.url, '--quiet'], io, {})).toBe(0);
    const [first, ...nodes] = out.join('\n').split('\n');
    expect(first).toMatch(/^\S+: version \d+\.\d+\.\d+, health (green|yellow), 1 node, /);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatch(/^\* \S+ {2}127\.0\.0\.1:\d+ {2}\d+\.\d+\.\d+ {2}\S+/);
  });
});

describe.skipIf(openSearchMissing !== undefined)(
  `elastiq info against OpenSearch ${openSearchMissing ?? ''}`,
  () => {
    it('answers with --compatibility opensearch', async () => {
      const { io, out } = capture();
      const argv = ['--url', openSearchNode!.url, '--compatibility', 'opensearch', '--json'];
      expect(await runInfo(argv, io, {})).toBe(0);
      const report = JSON.parse(out.join('')) as ClusterInfoReport;
      expect(report.version).toMatch(/^[23]\.\d+\.\d+$/);
      expect(report.nodes).toHaveLength(1);
    });
  },
);

describe.skipIf(secureNodeMissing !== undefined)(
  `elastiq info against the secure node ${secureNodeMissing ?? ''}`,
  () => {
    it('takes the URL, user, password and CA from the environment', async () => {
      const env = {
        ELASTICSEARCH_URL: secureNode!.url,
        ELASTICSEARCH_USERNAME: secureNode!.username!,
        ELASTICSEARCH_PASSWORD: secureNode!.password!,
        ...(secureNode!.caFile ? { ELASTICSEARCH_CA: secureNode!.caFile } : {}),
      };
      const { io, out, err } = capture();
      expect(await runInfo(['--json'], io, env)).toBe(0);
      expect(JSON.parse(out.join('')).number_of_nodes).toBeGreaterThan(0);
      expect(err.join('\n')).toContain(`user ${secureNode!.username}`);
      expect(err.join('\n')).not.toContain(secureNode!.password!);
    });

    it('exits 1 with the 401 when no credentials are given', async () => {
      const { io, err } = capture();
      const env = {
        ELASTICSEARCH_URL: secureNode!.url,
        ...(secureNode!.caFile ? { ELASTICSEARCH_CA: secureNode!.caFile } : {}),
      };
      expect(await runInfo(['--quiet'], io, env)).toBe(1);
      expect(err.join('\n')).toContain('401');
    });
  },
);
