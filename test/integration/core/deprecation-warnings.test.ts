// Elasticsearch 9.5.4's real deprecation warnings (the requests of
// test/yaml/fixtures/deprecation-warnings.yml) reach the caller: `warnings` of a result with
// meta, the `warning` event, and `onWarning`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import type { WarningDiagnostic } from '../../../src/core/diagnostics.js';
import type { ClientOptions } from '../../../src/core/transport/client-options.js';
import type { WarningMeta } from '../../../src/core/transport/types.js';
import { singleNode } from '../../support/cluster.js';

const PREFIX = `core-deprecation-${process.pid}`;
const SOURCE_MODE =
  'Configuring source mode in mappings is deprecated and will be removed in future versions. Use [index.mapping.source.mode] index setting instead.';
const MERGE_SETTING =
  /^\[index\.merge\.policy\.max_merge_at_once_explicit\] setting was deprecated in Elasticsearch/;

let created = 0;
const clients: Client[] = [];
const processWarnings: Error[] = [];
const onProcessWarning = (warning: Error) => processWarnings.push(warning);

function client(options: Partial<ClientOptions> = {}): Client {
  const c = new Client({ node: singleNode.url, requestTimeout: '30s', ...options });
  clients.push(c);
  return c;
}

// Creating an index with `_source.mode` in its mappings is deprecated in 9.x.
function createWithSourceMode(c: Client, extraSettings: Record<string, unknown> = {}) {
  const index = `${PREFIX}-${++created}`;
  return c.transport.request(
    {
      method: 'PUT',
      path: `/${index}`,
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0, ...extraSettings },
        mappings: { _source: { mode: 'stored' } },
      },
    },
    { meta: true },
  );
}

// process.emitWarning emits on the next tick; a macrotask later every one has been emitted.
async function deprecationWarnings(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return processWarnings
    .filter((w) => w.name === 'ElasticsearchDeprecationWarning')
    .map((w) => w.message);
}

beforeAll(() => {
  process.on('warning', onProcessWarning);
});

afterEach(() => {
  processWarnings.length = 0;
});

afterAll(async () => {
  process.off('warning', onProcessWarning);
  const cleaner = new Client({ node: singleNode.url });
  await cleaner.transport.request(
    { method: 'DELETE', path: `/${PREFIX}-*`, querystring: { expand_wildcards: 'all' } },
    { ignore: [404] },
  );
  await cleaner.close();
  await Promise.all(clients.map((c) => c.close()));
});

describe('deprecation warnings of a real node', () => {
  it('gives the decoded messages as `warnings` of a result with meta, null when none', async () => {
    const c = client({ onWarning: false });
    const result = await createWithSourceMode(c);
    expect(result.statusCode).toBe(200);
    expect(result.warnings).toEqual([SOURCE_MODE]);
    const plain = await c.transport.request(
      { method: 'GET', path: '/_cluster/health' },
      { meta: true },
    );
    expect(plain.warnings).toBeNull();
  });

  it('reads two warnings of one response (two header lines)', async () => {
    const result = await createWithSourceMode(client({ onWarning: false }), {
      'index.merge.policy.max_merge_at_once_explicit': 5,
    });
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings).toContain(SOURCE_MODE);
    expect(result.warnings!.some((w) => MERGE_SETTING.test(w))).toBe(true);
  });

  it('fires the `warning` event', async () => {
    const c = client({ onWarning: false });
    const events: WarningDiagnostic[] = [];
    const off = c.on('warning', (event) => events.push(event));
    await createWithSourceMode(c);
    off();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ method: 'PUT', statusCode: 200, warnings: [SOURCE_MODE] });
    expect(events[0]!.path).toMatch(new RegExp(`^/${PREFIX}-\\d+$`));
  });

  it('by default emits one process warning for two identical deprecations', async () => {
    const c = client();
    await createWithSourceMode(c);
    await createWithSourceMode(c);
    expect(await deprecationWarnings()).toEqual([SOURCE_MODE]);
  });

  it('emits none with onWarning: false', async () => {
    const c = client({ onWarning: false });
    expect((await createWithSourceMode(c)).warnings).toEqual([SOURCE_MODE]);
    expect(await deprecationWarnings()).toEqual([]);
  });

  it('passes the messages and the request to a custom onWarning', async () => {
    const calls: [readonly string[], WarningMeta][] = [];
    const c = client({ onWarning: (warnings, meta) => calls.push([warnings, meta]) });
    await createWithSourceMode(c);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toEqual([SOURCE_MODE]);
    expect(calls[0]![1]).toMatchObject({ method: 'PUT', statusCode: 200, attempts: 1 });
    expect(await deprecationWarnings()).toEqual([]);
  });
});
