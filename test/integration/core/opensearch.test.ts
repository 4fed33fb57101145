import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ProductNotSupportedError } from '../../../src/core/errors.js';
import { openSearchMissing, openSearchNode } from '../../support/cluster.js';

const INDEX = `core-opensearch-${process.pid}`;

describe.skipIf(openSearchMissing !== undefined)(
  `the opensearch compatibility mode ${openSearchMissing ?? ''}`,
  () => {
    const clients: Client[] = [];
    const client = (options: Partial<ConstructorParameters<typeof Client>[0]> = {}) => {
      const c = new Client({ node: openSearchNode!.url, ...options });
      clients.push(c);
      return c;
    };

    afterAll(async () => {
      await client({ compatibility: 'opensearch' }).transport.request(
        { method: 'DELETE', path: `/${INDEX}` },
        { ignore: [404] },
      );
      await Promise.all(clients.map((c) => c.close()));
    });

    it('refuses OpenSearch in the default mode: no Elasticsearch product header', async () => {
      await expect(
        client().transport.request({ method: 'GET', path: '/_cluster/health' }),
      ).rejects.toThrow(ProductNotSupportedError);
    });

    it('indexes, gets and searches documents with plain JSON media types in opensearch mode', async () => {
      const os = client({ compatibility: 'opensearch' });
      const info = await os.transport.request<{ version: { distribution?: string } }>({
        method: 'GET',
        path: '/',
      });
      expect(info.version.distribution).toBe('opensearch');
      await os.transport.request({
        method: 'PUT',
        path: `/${INDEX}/_doc/1`,
        querystring: { refresh: true },
        body: { title: 'hello' },
      });
      const doc = await os.transport.request<{ _source: { title: string } }>({
        method: 'GET',
        path: `/${INDEX}/_doc/1`,
      });
      expect(doc._source.title).toBe('hello');
      const bulk = await os.transport.request<{ errors: boolean }>({
        method: 'POST',
        path: '/_bulk',
        querystring: { refresh: true },
        bulkBody: [{ index: { _index: INDEX, _id: '2' } }, { title: 'world' }],
      });
      expect(bulk.errors).toBe(false);
      const found = await os.transport.request<{ hits: { total: { value: number } } }>({
        method: 'POST',
        path: `/${INDEX}/_search`,
        body: { query: { match_all: {} } },
      });
      expect(found.hits.total.value).toBe(2);
      await expect(
        os.transport.request({ method: 'HEAD', path: `/${INDEX}` }, { asBoolean: true }),
      ).resolves.toBe(true);
    });
  },
);
