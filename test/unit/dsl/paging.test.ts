import { describe, expect, test } from 'vitest';
import { HelperShardFailureError } from '../../../src/core/helpers/helper-errors.js';
import { Search, type SearchClient } from '../../../src/dsl/index.js';

type Call = [method: string, params: Record<string, any>];

/** A client double that records calls and answers from a script. */
function fakeClient(answers: Partial<Record<keyof SearchClient, (p: any) => unknown>>) {
  const calls: Call[] = [];
  const client = {} as Record<string, (p: Record<string, any>) => Promise<unknown>>;
  for (const m of [
    'search',
    'openPointInTime',
    'closePointInTime',
    'scroll',
    'clearScroll',
  ] as const) {
    client[m] = async (p) => {
      calls.push([m, structuredClone(p)]);
      const answer = answers[m];
      if (!answer) throw new Error(`unexpected call ${m}`);
      return answer(p);
    };
  }
  return { client: client as unknown as SearchClient, calls };
}

const hit = (id: string, sort: unknown[]) => ({ _id: id, _index: 'posts', _source: {}, sort });
const page = (hits: object[], extra: object = {}) => ({
  _shards: { total: 1, successful: 1, failed: 0 },
  hits: { hits },
  ...extra,
});

describe('iterate() and scan() run the helpers’ paging loops', () => {
  test('iterate() sends routing and preference with the point-in-time open, not the search', async () => {
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => page([hit('1', [1])]),
      closePointInTime: () => ({}),
    });
    const ids: string[] = [];
    for await (const h of new Search({ client, index: 'posts' })
      .params({ routing: 'r1', preference: '_local' })
      .iterate({ size: 10 }))
      ids.push(h.meta.id);
    expect(ids).toEqual(['1']);
    expect(calls[0]).toEqual([
      'openPointInTime',
      { index: 'posts', keep_alive: '1m', routing: 'r1', preference: '_local' },
    ]);
    expect(calls[1]![0]).toBe('search');
    expect(calls[1]![1]).not.toHaveProperty('routing');
    expect(calls[1]![1]).not.toHaveProperty('preference');
    expect(calls[1]![1]).not.toHaveProperty('index');
  });

  test('iterate() retries a search answered 429 and goes on', async () => {
    let answered = 0;
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => {
        answered++;
        if (answered === 1) {
          throw Object.assign(new Error('too many requests'), { statusCode: 429, body: {} });
        }
        return page([hit('1', [1])]);
      },
      closePointInTime: () => ({}),
    });
    const ids: string[] = [];
    for await (const h of new Search({ client, index: 'posts' }).iterate({ size: 10 }))
      ids.push(h.meta.id);
    expect(ids).toEqual(['1']);
    expect(calls.map(([m]) => m)).toEqual([
      'openPointInTime',
      'search',
      'search',
      'closePointInTime',
    ]);
  });

  test('iterate({ slices }) reads each slice of one point in time', async () => {
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: (p) => page([hit(`s${p.slice.id}`, [1])]),
      closePointInTime: () => ({}),
    });
    const ids: string[] = [];
    for await (const h of new Search({ client, index: 'posts' }).iterate({ size: 5, slices: 2 }))
      ids.push(h.meta.id);
    expect(ids.sort()).toEqual(['s0', 's1']);
    const slices = calls.filter(([m]) => m === 'search').map(([, p]) => p.slice);
    expect(slices).toEqual(
      expect.arrayContaining([
        { id: 0, max: 2 },
        { id: 1, max: 2 },
      ]),
    );
    expect(calls.filter(([m]) => m === 'openPointInTime')).toHaveLength(1);
    expect(calls.at(-1)).toEqual(['closePointInTime', { id: 'p1' }]);
  });

  test('iterate() over a Search without an index opens the point in time on _all', async () => {
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => page([]),
      closePointInTime: () => ({}),
    });
    for await (const _ of new Search({ client }).iterate()) break;
    expect(calls[0]).toEqual(['openPointInTime', { index: '_all', keep_alive: '1m' }]);
  });

  test('iterate() fails on shard failures: the PIT searches refuse partial results', async () => {
    const { client, calls } = fakeClient({
      openPointInTime: () => ({ id: 'p1' }),
      search: () => page([]),
      closePointInTime: () => ({}),
    });
    for await (const _ of new Search({ client, index: 'posts' }).iterate());
    expect(calls[1]![1].allow_partial_search_results).toBe(false);
  });

  test('scan() keeps routing on the scroll search and fails when the first page lost shards', async () => {
    const { client, calls } = fakeClient({
      search: () =>
        page([hit('1', [])], {
          _scroll_id: 's1',
          _shards: { total: 2, successful: 1, failed: 1, failures: [] },
        }),
      clearScroll: () => ({}),
    });
    const error = await (async () => {
      for await (const _ of new Search({ client, index: 'posts' })
        .params({ routing: 'r1', allow_partial_search_results: 'false' })
        .scan());
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HelperShardFailureError);
    expect(calls[0]![1]).toMatchObject({ index: 'posts', routing: 'r1', scroll: '1m' });
    expect(calls.at(-1)).toEqual(['clearScroll', { scroll_id: ['s1'] }]);
  });
});
