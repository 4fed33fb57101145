// Measures the API layer alone (routing arguments into a request, no I/O): elastiq's descriptor
// table interpreted by one function, against a hand-inlined router for the same endpoint (what
// per-endpoint generated code would do) and against @elastic/elasticsearch's generated methods.
// Usage: npx tsx scripts/generate-api/bench-routing.ts
import { createRequire } from 'node:module';
import { Api } from '../../src/core/api/index.js';
import type {
  QueryValue,
  TransportLike,
  TransportRequestParams,
} from '../../src/core/transport/types.js';

const require = createRequire(import.meta.url);
let sink: unknown;
const transport = {
  request(params: TransportRequestParams) {
    sink = params;
    return Promise.resolve(params);
  },
} as TransportLike;

// The same routing written out by hand for search: the fastest a generated method could be.
function inlineSearch(params: Record<string, unknown>): Promise<unknown> {
  const body: Record<string, unknown> = {};
  const querystring: Record<string, QueryValue> = {};
  let hasBody = false;
  for (const key in params) {
    const value = params[key];
    if (value === undefined || key === 'index') continue;
    if (key === 'query' || key === 'size' || key === 'aggs' || key === 'sort') {
      body[key] = value;
      hasBody = true;
    } else {
      querystring[key] = value as QueryValue;
    }
  }
  const index = params.index;
  const path = index == null ? '/_search' : `/${encodeURIComponent(String(index))}/_search`;
  return transport.request({
    method: hasBody ? 'POST' : 'GET',
    path,
    querystring,
    body: hasBody ? body : undefined,
  });
}

async function timeOnce(fn: () => Promise<unknown>, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / iterations;
}

// Interleaved rounds, best of each: JIT and GC order effects otherwise favour whoever runs first.
async function measureAll(
  cases: Record<string, () => Promise<unknown>>,
  rounds = 5,
  iterations = 200_000,
): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (const fn of Object.values(cases)) await timeOnce(fn, 20_000);
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(cases)) {
      const ns = await timeOnce(fn, iterations);
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ns);
    }
  }
  for (const [name, ns] of Object.entries(best))
    console.log(`${name.padEnd(44)} ${ns.toFixed(0).padStart(6)} ns/call`);
  return best;
}

async function main(): Promise<void> {
  const api = new Api(transport);
  const official = require('@elastic/elasticsearch/lib/api/api/search').default as (
    this: unknown,
    params: unknown,
  ) => Promise<unknown>;
  const officialIndex = require('@elastic/elasticsearch/lib/api/api/index').default as (
    this: unknown,
    params: unknown,
  ) => Promise<unknown>;
  const officialThis = { transport };
  const search = () => ({
    index: 'posts',
    query: { match: { title: 'x' } },
    size: 10,
    routing: 'r1',
  });
  const doc = () => ({ index: 'posts', id: '1', document: { title: 'x' }, refresh: true });

  const t = await measureAll({
    'elastiq search (descriptor table)': () => api.search(search()),
    'hand-inlined search router': () => inlineSearch(search()),
    '@elastic/elasticsearch search': () => official.call(officialThis, search()),
    'elastiq index (descriptor table)': () => api.index(doc()),
    '@elastic/elasticsearch index': () => officialIndex.call(officialThis, doc()),
  });
  const ratio = (a: string, b: string) => (t[a]! / t[b]!).toFixed(2);
  console.log(
    `search: table/inline ${ratio('elastiq search (descriptor table)', 'hand-inlined search router')}x, table/official ${ratio('elastiq search (descriptor table)', '@elastic/elasticsearch search')}x`,
  );
  console.log(
    `index: table/official ${ratio('elastiq index (descriptor table)', '@elastic/elasticsearch index')}x`,
  );
  void sink;
}

await main();
