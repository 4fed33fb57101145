import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../../src/core/client.js';
import {
  HelperRetriesExhaustedError,
  HelperShardFailureError,
} from '../../../../src/core/helpers/helper-errors.js';
import type { Helpers } from '../../../../src/core/helpers/helpers.js';
import { type Stub, type StubHandler, type StubRequest, startStub } from './support/stub-server.js';

let stub: Stub | undefined;
let client: Client | undefined;

async function setup(handler: StubHandler): Promise<{ helpers: Helpers; stub: Stub }> {
  stub = await startStub(handler);
  client = new Client({ node: stub.url, maxRetries: 0 });
  return { helpers: client.helpers, stub };
}

afterEach(async () => {
  await client?.close();
  await stub?.close();
});

const hitsOf = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    _index: 'x',
    _id: String(from + i),
    _source: { n: from + i },
    sort: [from + i],
  }));

/** A scroll over `pages` pages of 2 hits; the first `throttle` requests answer 429. */
function scrollStub(pages: number, throttle = 0): StubHandler {
  let served = 0;
  let calls = 0;
  return (req) => {
    if (req.method === 'DELETE') return { body: { succeeded: true, num_freed: 1 } };
    if (++calls <= throttle) return { status: 429, body: { error: { type: 'too_many' } } };
    const hits = served < pages ? hitsOf(served * 2, 2) : [];
    served++;
    return {
      body: {
        _scroll_id: `sid-${served}`,
        hits: { total: { value: pages * 2, relation: 'eq' }, hits },
      },
    };
  };
}

const deletes = (requests: StubRequest[]) => requests.filter((r) => r.method === 'DELETE');

describe('helpers.scrollSearch / scrollDocuments', () => {
  it('iterates every page, splits query-string and body parameters, and clears the scroll at the end', async () => {
    const { helpers, stub } = await setup(scrollStub(3));
    const docs: unknown[] = [];
    for await (const doc of helpers.scrollDocuments({
      index: 'x',
      size: 2,
      query: { match_all: {} },
      routing: 'r',
    })) {
      docs.push(doc);
    }
    expect(docs).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
    const first = stub.requests[0]!;
    expect(first.path).toBe('/x/_search');
    expect(first.query.get('scroll')).toBe('1m');
    expect(first.query.get('routing')).toBe('r');
    // Shard failures fail the read rather than leave documents out silently.
    expect(first.query.get('allow_partial_search_results')).toBe('false');
    expect(JSON.parse(first.body)).toEqual({ size: 2, query: { match_all: {} } });
    expect(JSON.parse(stub.requests[1]!.body)).toEqual({ scroll: '1m', scroll_id: 'sid-1' });
    expect(deletes(stub.requests).map((r) => JSON.parse(r.body))).toEqual([
      { scroll_id: ['sid-4'] },
    ]);
  });

  it('clears the scroll when the loop breaks early', async () => {
    const { helpers, stub } = await setup(scrollStub(10));
    for await (const page of helpers.scrollSearch({ index: 'x' })) {
      expect(page.documents).toHaveLength(2);
      break;
    }
    expect(deletes(stub.requests).map((r) => JSON.parse(r.body))).toEqual([
      { scroll_id: ['sid-1'] },
    ]);
  });

  it('clears the scroll when the loop body throws', async () => {
    const { helpers, stub } = await setup(scrollStub(10));
    const run = async () => {
      for await (const _page of helpers.scrollSearch({ index: 'x' }))
        throw new Error('consumer failed');
    };
    await expect(run()).rejects.toThrow('consumer failed');
    expect(deletes(stub.requests)).toHaveLength(1);
  });

  it('retries 429 answers with backoff, then gives up with a coded error', async () => {
    const ok = await setup(scrollStub(1, 2));
    const pages = [];
    for await (const page of ok.helpers.scrollSearch({ index: 'x' }, { wait: 1, retries: 3 }))
      pages.push(page);
    expect(pages).toHaveLength(1);
    await client?.close();
    await stub?.close();
    const failing = await setup(scrollStub(1, 10));
    const run = async () => {
      for await (const _page of failing.helpers.scrollSearch(
        { index: 'x' },
        { wait: 1, retries: 2 },
      )) {
        // never reached
      }
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelperRetriesExhaustedError);
    expect((error as HelperRetriesExhaustedError).code).toBe('ELASTIQ_HELPER_RETRIES_EXHAUSTED');
    expect(failing.stub.requests).toHaveLength(3);
  });
});

/** A scroll of 3 pages of 2 hits whose second page reports one failed shard of 2. */
function shardLossStub(): StubHandler {
  let served = 0;
  const failure = {
    shard: 1,
    index: 'x',
    reason: { type: 'search_context_missing_exception', reason: 'No search context found' },
  };
  return (req) => {
    if (req.method === 'DELETE') return { body: { succeeded: true, num_freed: 1 } };
    served++;
    const failed = served === 2;
    return {
      body: {
        _scroll_id: `sid-${served}`,
        _shards: {
          total: 2,
          successful: failed ? 1 : 2,
          failed: failed ? 1 : 0,
          ...(failed ? { failures: [failure] } : {}),
        },
        hits: { hits: served <= 3 ? hitsOf((served - 1) * 2, 2) : [] },
      },
    };
  };
}

describe('helpers.scrollSearch shard failures', () => {
  it('fails with HelperShardFailureError when a later page lost shards, and clears the scroll', async () => {
    const { helpers, stub } = await setup(shardLossStub());
    const docs: unknown[] = [];
    const run = async () => {
      for await (const doc of helpers.scrollDocuments({ index: 'x', size: 2 })) docs.push(doc);
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelperShardFailureError);
    const shardError = error as HelperShardFailureError;
    expect(shardError.code).toBe('ELASTIQ_HELPER_SHARD_FAILURE');
    expect(shardError.shards).toMatchObject({ total: 2, failed: 1 });
    expect(shardError.failures).toEqual([expect.objectContaining({ shard: 1, index: 'x' })]);
    expect(shardError.message).toContain('search_context_missing_exception');
    expect(docs).toEqual([{ n: 0 }, { n: 1 }]);
    expect(deletes(stub.requests).map((r) => JSON.parse(r.body))).toEqual([
      { scroll_id: ['sid-2'] },
    ]);
  });

  it('keeps reading past failed shards when the caller allowed partial results', async () => {
    const { helpers } = await setup(shardLossStub());
    const docs: unknown[] = [];
    for await (const doc of helpers.scrollDocuments({
      index: 'x',
      size: 2,
      allow_partial_search_results: true,
    }))
      docs.push(doc);
    expect(docs).toHaveLength(6);
  });
});

/** A PIT stub over `total` documents, honouring size, search_after and slices; pit ids rotate. */
function pitStub(total: number): StubHandler {
  let pitVersion = 0;
  return (req) => {
    if (req.path.endsWith('/_pit') && req.method === 'POST') return { body: { id: 'pit-0' } };
    if (req.method === 'DELETE') return { body: { succeeded: true, num_freed: 1 } };
    const body = JSON.parse(req.body) as {
      size: number;
      search_after?: [number];
      slice?: { id: number; max: number };
    };
    const start = body.search_after === undefined ? 0 : body.search_after[0] + 1;
    const all = hitsOf(0, total).filter(
      (hit) => body.slice === undefined || Number(hit._id) % body.slice.max === body.slice.id,
    );
    const hits = all.filter((hit) => Number(hit._id) >= start).slice(0, body.size);
    pitVersion++;
    return { body: { pit_id: `pit-${pitVersion}`, hits: { hits } } };
  };
}

describe('helpers.pitSearch', () => {
  it('pages with search_after and a _shard_doc tiebreaker, follows new PIT ids and closes the latest', async () => {
    const { helpers, stub } = await setup(pitStub(7));
    const docs: unknown[] = [];
    for await (const doc of helpers.pitDocuments({
      index: 'x',
      size: 3,
      sort: [{ n: 'asc' }],
      keepAlive: '30s',
    })) {
      docs.push(doc);
    }
    expect(docs).toHaveLength(7);
    expect(stub.requests[0]!.path).toBe('/x/_pit');
    expect(stub.requests[0]!.query.get('keep_alive')).toBe('30s');
    const searches = stub.requests
      .filter((r) => r.path === '/_search')
      .map((r) => JSON.parse(r.body));
    expect(searches[0]).toMatchObject({
      sort: [{ n: 'asc' }, { _shard_doc: 'asc' }],
      pit: { id: 'pit-0', keep_alive: '30s' },
    });
    expect(searches[0].search_after).toBeUndefined();
    const pages = stub.requests.filter((r) => r.path === '/_search');
    expect(pages.map((r) => r.query.get('allow_partial_search_results'))).toEqual([
      'false',
      'false',
      'false',
    ]);
    expect(searches[1]).toMatchObject({ search_after: [2], pit: { id: 'pit-1' } });
    // The last page was short, so no extra empty request.
    expect(searches).toHaveLength(3);
    expect(deletes(stub.requests).map((r) => JSON.parse(r.body))).toEqual([{ id: 'pit-3' }]);
  });

  it('sends routing, preference and index options to the open-PIT request, not to the searches', async () => {
    const { helpers, stub } = await setup(pitStub(3));
    const docs: unknown[] = [];
    for await (const doc of helpers.pitDocuments({
      index: 'x',
      size: 10,
      routing: 'r1',
      preference: '_local',
      ignore_unavailable: true,
      expand_wildcards: 'open',
      request_cache: false,
    })) {
      docs.push(doc);
    }
    expect(docs).toHaveLength(3);
    const open = stub.requests[0]!;
    expect(open.path).toBe('/x/_pit');
    expect(Object.fromEntries(open.query)).toEqual({
      keep_alive: '1m',
      routing: 'r1',
      preference: '_local',
      ignore_unavailable: 'true',
      expand_wildcards: 'open',
    });
    const search = stub.requests.find((r) => r.path === '/_search')!;
    expect(Object.fromEntries(search.query)).toEqual({
      allow_partial_search_results: 'false',
      request_cache: 'false',
    });
  });

  it('reads slices in parallel over one PIT and yields each document once', async () => {
    const { helpers, stub } = await setup(pitStub(50));
    const ids: number[] = [];
    const slices = new Set<number | undefined>();
    for await (const page of helpers.pitSearch<{ n: number }>({ index: 'x', size: 4, slices: 3 })) {
      slices.add(page.slice);
      for (const doc of page.documents) ids.push(doc.n);
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...slices].sort()).toEqual([0, 1, 2]);
    expect(stub.requests.filter((r) => r.method === 'POST' && r.path === '/x/_pit')).toHaveLength(
      1,
    );
    expect(deletes(stub.requests)).toHaveLength(1);
  });

  it('closes the PIT when the consumer breaks out of a sliced read', async () => {
    const { helpers, stub } = await setup(pitStub(500));
    for await (const page of helpers.pitSearch({ index: 'x', size: 5, slices: 2 })) {
      expect(page.hits.length).toBeGreaterThan(0);
      break;
    }
    expect(deletes(stub.requests)).toHaveLength(1);
    expect(stub.requests.at(-1)!.method).toBe('DELETE');
  });
});
