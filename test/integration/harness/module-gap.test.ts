import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleNode } from '../../support/cluster.js';
import { plainRequest } from './http.js';

// What docs/testing.md says about the integ-test-zip, checked on the node the tests run against:
// a module that is missing answers its precise error; on a full distribution the feature works.
const INDEX = 'harness-module-gap';
const url = (path: string) => `${singleNode.url}${path}`;
let modules: Set<string>;

beforeAll(async () => {
  const plugins = await plainRequest(url('/_nodes/plugins'));
  const node = Object.values(plugins.body.nodes)[0] as { modules: { name: string }[] };
  modules = new Set(node.modules.map((m) => m.name));
  await plainRequest(url(`/${INDEX}`), { method: 'DELETE' });
  await plainRequest(url(`/${INDEX}`), {
    method: 'PUT',
    body: { mappings: { properties: { n: { type: 'integer' }, d: { type: 'date' } } } },
  });
  await plainRequest(url(`/${INDEX}/_bulk?refresh=true`), {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    raw: '{"index":{}}\n{"n":1,"d":"2024-01-01"}\n{"index":{}}\n{"n":2,"d":"2024-01-02"}\n',
  });
});

afterAll(async () => {
  await plainRequest(url(`/${INDEX}`), { method: 'DELETE' });
});

const histogram = (pipeline: Record<string, unknown>) => ({
  size: 0,
  aggs: {
    h: {
      date_histogram: { field: 'd', calendar_interval: 'day' },
      aggs: { s: { sum: { field: 'n' } }, ...pipeline },
    },
  },
});

describe('modules of the single test node', () => {
  it('runs the pipeline aggregations of the server itself (cumulative_sum)', async () => {
    const response = await plainRequest(url(`/${INDEX}/_search`), {
      method: 'POST',
      body: histogram({ c: { cumulative_sum: { buckets_path: 's' } } }),
    });
    expect(response.status).toBe(200);
    expect(response.body.aggregations.h.buckets.map((b: any) => b.c.value)).toEqual([1, 3]);
  });

  it('has painless, or says script_lang not supported [painless]', async () => {
    const response = await plainRequest(url(`/${INDEX}/_search`), {
      method: 'POST',
      body: { script_fields: { x: { script: { source: 'doc["n"].value * 2' } } } },
    });
    if (modules.has('lang-painless')) expect(response.status).toBe(200);
    else expect(JSON.stringify(response.body)).toContain('script_lang not supported [painless]');
  });

  it('has the aggregations module, or says Unknown aggregation type [derivative]', async () => {
    const response = await plainRequest(url(`/${INDEX}/_search`), {
      method: 'POST',
      body: histogram({ dv: { derivative: { buckets_path: 's' } } }),
    });
    if (modules.has('aggregations')) expect(response.status).toBe(200);
    else expect(response.body.error.reason).toBe('Unknown aggregation type [derivative]');
  });

  it('has analysis-common, or says it cannot find the edge_ngram filter', async () => {
    const response = await plainRequest(url('/_analyze'), {
      method: 'POST',
      body: { tokenizer: 'standard', filter: ['edge_ngram'], text: 'hello' },
    });
    if (modules.has('analysis-common')) expect(response.status).toBe(200);
    else {
      expect(response.status).toBe(400);
      expect(response.body.error.reason).toContain('edge_ngram');
    }
  });

  it('has reindex (update/delete-by-query too), or has no handler for them', async () => {
    const response = await plainRequest(url(`/${INDEX}/_delete_by_query`), {
      method: 'POST',
      body: { query: { match_none: {} } },
    });
    if (modules.has('reindex')) expect(response.status).toBe(200);
    else {
      expect(response.status).toBe(400);
      expect(response.body.error).toContain(
        `no handler found for uri [/${INDEX}/_delete_by_query]`,
      );
    }
  });
});
