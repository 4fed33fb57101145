import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSearchMissing, openSearchNode } from '../../support/cluster.js';
import { plainRequest } from './http.js';

// The second engine proves what the Elasticsearch integ-test-zip cannot: scripts, reindex,
// update/delete-by-query, custom analyzers and pipeline aggregations (docs/testing.md).
const SOURCE = 'harness-os-source';
const DEST = 'harness-os-dest';
const url = (path: string) => `${openSearchNode!.url}${path}`;

describe.skipIf(openSearchMissing !== undefined)(
  `the OpenSearch node ${openSearchMissing ?? ''}`,
  () => {
    beforeAll(async () => {
      for (const index of [SOURCE, DEST])
        await plainRequest(url(`/${index}`), { method: 'DELETE' });
      const created = await plainRequest(url(`/${SOURCE}`), {
        method: 'PUT',
        body: {
          settings: {
            analysis: {
              filter: { prefixes: { type: 'edge_ngram', min_gram: 1, max_gram: 4 } },
              analyzer: { prefix: { tokenizer: 'standard', filter: ['lowercase', 'prefixes'] } },
            },
          },
          mappings: {
            properties: {
              title: { type: 'text', analyzer: 'prefix' },
              n: { type: 'integer' },
              d: { type: 'date' },
            },
          },
        },
      });
      expect(created.status).toBe(200);
      const docs = [
        { title: 'Hello', n: 1, d: '2024-01-01' },
        { title: 'World', n: 2, d: '2024-01-02' },
        { title: 'Again', n: 4, d: '2024-01-03' },
      ];
      const ndjson = docs.map((d) => `{"index":{}}\n${JSON.stringify(d)}\n`).join('');
      const bulk = await plainRequest(url(`/${SOURCE}/_bulk?refresh=true`), {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        raw: ndjson,
      });
      expect(bulk.body.errors).toBe(false);
    });

    afterAll(async () => {
      for (const index of [SOURCE, DEST])
        await plainRequest(url(`/${index}`), { method: 'DELETE' });
    });

    it('is OpenSearch 2.x, with no x-elastic-product header', async () => {
      const response = await plainRequest(url('/'));
      expect(response.status).toBe(200);
      expect(response.body.version.distribution).toBe('opensearch');
      expect(response.body.version.number).toMatch(/^2\.\d+\.\d+$/);
      expect(response.headers['x-elastic-product']).toBeUndefined();
    });

    it('carries the modules the Elasticsearch integ-test-zip lacks', async () => {
      const response = await plainRequest(url('/_cat/plugins?format=json'));
      const components = response.body.map((p: { component: string }) => p.component);
      expect(components).toEqual(
        expect.arrayContaining([
          'org.opensearch.analysis.common.CommonAnalysisPlugin',
          'org.opensearch.painless.PainlessPlugin',
          'org.opensearch.index.reindex.ReindexPlugin',
          'org.opensearch.index.mapper.MapperExtrasPlugin',
          'org.opensearch.join.ParentJoinPlugin',
        ]),
      );
    });

    it('applies a custom analyzer built from analysis-common filters', async () => {
      const response = await plainRequest(url(`/${SOURCE}/_analyze`), {
        method: 'POST',
        body: { analyzer: 'prefix', text: 'Hello' },
      });
      expect(response.body.tokens.map((t: { token: string }) => t.token)).toEqual([
        'h',
        'he',
        'hel',
        'hell',
      ]);
    });

    it('runs a painless script in update-by-query', async () => {
      const response = await plainRequest(url(`/${SOURCE}/_update_by_query?refresh=true`), {
        method: 'POST',
        body: { script: { source: 'ctx._source.n *= params.k', params: { k: 10 } } },
      });
      expect(response.body.updated).toBe(3);
      const sum = await plainRequest(url(`/${SOURCE}/_search`), {
        method: 'POST',
        body: { size: 0, aggs: { total: { sum: { field: 'n' } } } },
      });
      expect(sum.body.aggregations.total.value).toBe(70);
    });

    it('computes pipeline aggregations, including derivative', async () => {
      const response = await plainRequest(url(`/${SOURCE}/_search`), {
        method: 'POST',
        body: {
          size: 0,
          aggs: {
            days: {
              date_histogram: { field: 'd', calendar_interval: 'day' },
              aggs: {
                s: { sum: { field: 'n' } },
                running: { cumulative_sum: { buckets_path: 's' } },
                change: { derivative: { buckets_path: 's' } },
              },
            },
            best: { max_bucket: { buckets_path: 'days>s' } },
          },
        },
      });
      const buckets = response.body.aggregations.days.buckets;
      expect(buckets.map((b: any) => b.running.value)).toEqual([10, 30, 70]);
      expect(buckets[2].change.value).toBe(20);
      expect(response.body.aggregations.best.value).toBe(40);
    });

    it('reindexes into another index and deletes by query', async () => {
      const reindexed = await plainRequest(url('/_reindex?refresh=true'), {
        method: 'POST',
        body: { source: { index: SOURCE }, dest: { index: DEST } },
      });
      expect(reindexed.body.created).toBe(3);
      const deleted = await plainRequest(url(`/${DEST}/_delete_by_query?refresh=true`), {
        method: 'POST',
        body: { query: { range: { n: { gte: 20 } } } },
      });
      expect(deleted.body.deleted).toBe(2);
      const count = await plainRequest(url(`/${DEST}/_count`));
      expect(count.body.count).toBe(1);
    });
  },
);
