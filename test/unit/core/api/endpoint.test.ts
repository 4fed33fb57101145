import { describe, expect, it } from 'vitest';
import { callEndpoint, defineEndpoint } from '../../../../src/core/api/endpoint.js';
import * as endpoints from '../../../../src/core/api/generated/endpoints.js';
import { Api } from '../../../../src/core/api/index.js';
import { ConfigurationError } from '../../../../src/core/errors.js';
import type {
  TransportLike,
  TransportRequestOptions,
  TransportRequestParams,
} from '../../../../src/core/transport/types.js';

interface Call {
  readonly params: TransportRequestParams;
  readonly options: TransportRequestOptions | undefined;
}

function recordingTransport(): { transport: TransportLike; calls: Call[] } {
  const calls: Call[] = [];
  const transport = {
    request(params: TransportRequestParams, options?: TransportRequestOptions) {
      calls.push({ params, options });
      return Promise.resolve({ acknowledged: true });
    },
  } as TransportLike;
  return { transport, calls };
}

function setup() {
  const { transport, calls } = recordingTransport();
  return { api: new Api(transport), calls, last: () => calls[calls.length - 1]! };
}

describe('API routing', () => {
  it('encodes path parts and comma-joins array path parts', async () => {
    const { api, last } = setup();
    await api.search({ index: ['logs-a', 'we/ird name'] });
    expect(last().params.path).toBe('/logs-a,we%2Fird%20name/_search');
  });

  it('picks the URL variant from the path parts given', async () => {
    const { api, calls } = setup();
    await api.index({ index: 'api-docs', id: '7', document: { a: 1 } });
    await api.index({ index: 'api-docs', document: { a: 1 } });
    expect(calls.map((c) => `${c.params.method} ${c.params.path}`)).toEqual([
      'PUT /api-docs/_doc/7',
      'POST /api-docs/_doc',
    ]);
  });

  it('uses GET without a body and POST with one on GET/POST endpoints', async () => {
    const { api, calls } = setup();
    await api.search();
    await api.search({ query: { match_all: {} } });
    expect(calls.map((c) => c.params.method)).toEqual(['GET', 'POST']);
    expect(calls[0]!.params.path).toBe('/_search');
  });

  it('sends body fields in the body, query parameters and unknown arguments in the query string', async () => {
    const { api, last } = setup();
    const params = {
      index: 'api-i',
      query: { term: { user: 'kimchy' } },
      aggs: {},
      q: 'x',
      routing: 'r',
      custom_flag: 1,
    };
    await api.search(params as Parameters<typeof api.search>[0]);
    expect(last().params.body).toEqual({ query: { term: { user: 'kimchy' } }, aggs: {} });
    expect(last().params.querystring).toEqual({ q: 'x', routing: 'r', custom_flag: 1 });
  });

  it('sends a `field:direction` sort in the query string and an object sort in the body', async () => {
    const { api, calls } = setup();
    await api.search({ index: 'api-i', sort: 'views:desc' });
    await api.search({ index: 'api-i', sort: [{ views: 'desc' }] });
    expect(calls[0]!.params).toMatchObject({ method: 'GET', querystring: { sort: 'views:desc' } });
    expect(calls[0]!.params.body).toBeUndefined();
    expect(calls[1]!.params.body).toEqual({ sort: [{ views: 'desc' }] });
  });

  it('accepts a raw body and merges flattened body fields over it', async () => {
    const { api, last } = setup();
    await api.search({ body: { query: { match_all: {} }, size: 1 }, size: 5 });
    expect(last().params.body).toEqual({ query: { match_all: {} }, size: 5 });
  });

  it('refuses to mix a raw string body with body fields, before sending', async () => {
    const { api, calls } = setup();
    await expect(api.search({ body: '{}', size: 5 })).rejects.toBeInstanceOf(ConfigurationError);
    expect(calls).toHaveLength(0);
  });

  it('sends the single-value body of index under its own argument name', async () => {
    const { api, last } = setup();
    await api.index({ index: 'api-i', document: { title: 'x' }, refresh: 'wait_for' });
    expect(last().params.body).toEqual({ title: 'x' });
    expect(last().params.querystring).toEqual({ refresh: 'wait_for' });
  });

  it('sends bulk and msearch bodies as NDJSON lines through bulkBody', async () => {
    const { api, calls } = setup();
    const operations = [{ index: { _index: 'api-i' } }, { f: 1 }];
    await api.bulk({ operations });
    await api.msearch({ index: 'api-i', searches: [{}, { query: { match_all: {} } }] });
    expect(calls[0]!.params.bulkBody).toBe(operations);
    expect(calls[0]!.params.body).toBeUndefined();
    expect(calls[1]!.params.bulkBody).toEqual([{}, { query: { match_all: {} } }]);
    expect(calls[1]!.params.path).toBe('/api-i/_msearch');
  });

  it('asks the transport for a boolean on HEAD endpoints and keeps the caller options', async () => {
    const { api, last } = setup();
    const signal = new AbortController().signal;
    await api.indices.exists({ index: 'api-i' }, { signal });
    expect(last().params).toMatchObject({ method: 'HEAD', path: '/api-i' });
    expect(last().options).toEqual({ signal, asBoolean: true });
  });

  it('throws a ConfigurationError naming the missing required argument, before any I/O', async () => {
    const { api, calls } = setup();
    const error = await api.indices.create({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toContain("'index'");
    expect((error as ConfigurationError).option).toBe('index');
    expect(calls).toHaveLength(0);
  });

  it('lets a raw body stand in for required body fields', async () => {
    const { api, last } = setup();
    await api.bulk({ body: '{"index":{}}\n{}\n' } as unknown as Parameters<typeof api.bulk>[0]);
    expect(last().params.bulkBody).toBe('{"index":{}}\n{}\n');
  });

  it('sends a name that is a path part and a body field only in the path (ml.put_job job_id)', async () => {
    const { api, calls } = setup();
    await api.ml.putJob({ job_id: 'api-job', body: '{"analysis_config":{}}' } as never);
    await api.ml.putJob({
      job_id: 'api-job',
      analysis_config: { detectors: [] },
      data_description: {},
    });
    expect(calls[0]!.params.path).toBe('/_ml/anomaly_detectors/api-job');
    expect(calls[0]!.params.body).toBe('{"analysis_config":{}}');
    expect(calls[1]!.params.body).toEqual({
      analysis_config: { detectors: [] },
      data_description: {},
    });
  });

  it('sends a single-value body as `body` when its spec name is also a path argument', async () => {
    const { api, last } = setup();
    await api.snapshot.createRepository({
      repository: 'api-repo',
      body: { type: 'fs', settings: { location: 'api-repo' } },
    });
    expect(last().params).toMatchObject({
      method: 'PUT',
      path: '/_snapshot/api-repo',
      body: { type: 'fs', settings: { location: 'api-repo' } },
    });
  });

  it('prefers the non-deprecated URL and sends scroll_id in the body', async () => {
    const { api, last } = setup();
    await api.scroll({ scroll_id: 'abc', scroll: '1m' });
    expect(last().params).toMatchObject({
      method: 'POST',
      path: '/_search/scroll',
      body: { scroll_id: 'abc', scroll: '1m' },
    });
  });

  it('passes the meta option through to the transport', async () => {
    const { api, last } = setup();
    await api.cat.health({ format: 'json' }, { meta: true });
    expect(last().options).toEqual({ meta: true });
    expect(last().params).toMatchObject({
      method: 'GET',
      path: '/_cat/health',
      querystring: { format: 'json' },
    });
  });

  it('creates each namespace once, on first use', () => {
    const { api } = setup();
    expect(api.indices).toBe(api.indices);
    expect(api.cat).not.toBe(api.indices);
  });

  it('routes a descriptor-defined endpoint with the most specific complete variant first', async () => {
    const { transport, calls } = recordingTransport();
    const spec = defineEndpoint('t.x', 'GET /{a}/x/{b}|GET /{a}/x|GET /x', '', '');
    await callEndpoint(transport, spec, { a: 1 }, undefined);
    await callEndpoint(transport, spec, { a: 1, b: [2, 3] }, undefined);
    await callEndpoint(transport, spec, undefined, undefined);
    expect(calls.map((c) => c.params.path)).toEqual(['/1/x', '/1/x/2,3', '/x']);
  });
});

describe('generated endpoint table', () => {
  const table = Object.values(endpoints);

  it('covers every public endpoint of the specification (603 minus 6 internal ones)', () => {
    expect(table).toHaveLength(597);
  });

  it('builds a concrete path for every endpoint once its required arguments are given', async () => {
    const { transport, calls } = recordingTransport();
    for (const spec of table) {
      const params: Record<string, unknown> = {};
      for (const entry of spec.required.split(',').filter(Boolean))
        params[entry.replace(/^\./, '')] = 'v';
      // Endpoints whose only URLs need a path part that is optional in the spec (none expected).
      for (const part of spec.urls
        .split('|')
        .at(-1)!
        .match(/\{(\w+)\}/g) ?? []) {
        params[part.slice(1, -1)] ??= 'v';
      }
      await callEndpoint(transport, spec, params, undefined);
    }
    expect(calls).toHaveLength(597);
    for (const call of calls) expect(call.params.path).toMatch(/^\/[^{}]*$/);
  });

  it('exposes a method for every endpoint on the Api or its namespace', () => {
    const api = new Api(recordingTransport().transport) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const missing = table
      .map((spec) => spec.name.split('.'))
      .filter(([first, second]) =>
        second === undefined
          ? typeof api[camel(first!)] !== 'function'
          : typeof api[camel(first!)]?.[camel(second)] !== 'function',
      );
    expect(missing).toEqual([]);
  });
});
