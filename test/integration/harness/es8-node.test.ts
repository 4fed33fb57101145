import { describe, expect, it } from 'vitest';
import { es8Node, es8NodeMissing } from '../../support/cluster.js';
import { plainRequest } from './http.js';

describe.skipIf(es8NodeMissing !== undefined)(
  `the Elasticsearch 8.x node ${es8NodeMissing ?? ''}`,
  () => {
    it('is Elasticsearch 8.x on a Java it supports and says so in the x-elastic-product header', async () => {
      const response = await plainRequest(`${es8Node!.url}/_nodes/_local/jvm`);
      expect(response.status).toBe(200);
      expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
      const nodes = Object.values(response.body.nodes) as {
        version: string;
        jvm: { version: string };
      }[];
      expect(nodes).toHaveLength(1);
      expect(nodes[0]!.version).toMatch(/^8\.\d+\.\d+$/);
      // 8.19 runs on Java 17-24; npm test gives it Java 17 when the machine has one.
      const javaMajor = Number(nodes[0]!.jvm.version.split('.')[0]);
      expect(javaMajor).toBeGreaterThanOrEqual(17);
      expect(javaMajor).toBeLessThanOrEqual(24);
    });

    it('answers plain JSON and refuses the compatible-with=9 media type naming the versions it accepts', async () => {
      const plain = await plainRequest(`${es8Node!.url}/_cluster/health`);
      expect(plain.status).toBe(200);
      expect(plain.body.number_of_nodes).toBe(1);
      const refused = await plainRequest(`${es8Node!.url}/_cluster/health`, {
        headers: { accept: 'application/vnd.elasticsearch+json; compatible-with=9' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.type).toBe('media_type_header_exception');
      expect(JSON.stringify(refused.body)).toContain('must be either version 8 or 7');
    });
  },
);
