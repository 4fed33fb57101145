import { describe, expect, it } from 'vitest';
import { singleNode } from '../../support/cluster.js';
import { plainRequest } from './http.js';

describe('the single test node', () => {
  it('is Elasticsearch 9.x and says so in the x-elastic-product header', async () => {
    // GET / answers 405 on the integ-test-zip (no rest-root module): ask the node about itself.
    const response = await plainRequest(`${singleNode.url}/_nodes/_local`);
    expect(response.status).toBe(200);
    expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
    const nodes = Object.values(response.body.nodes) as { version: string }[];
    expect(nodes).toHaveLength(1);
    expect(nodes[0]!.version).toMatch(/^9\.\d+\.\d+$/);
  });

  it('is a one-node cluster that is at least yellow', async () => {
    const response = await plainRequest(`${singleNode.url}/_cluster/health`);
    expect(response.status).toBe(200);
    expect(response.body.number_of_nodes).toBe(1);
    expect(['green', 'yellow']).toContain(response.body.status);
  });
});
