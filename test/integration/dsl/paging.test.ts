import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Q, Search } from '../../../src/dsl/index.js';
import { singleNode } from '../../support/cluster.js';

const INDEX = `dsl-paging-${process.pid}-${Date.now()}`;
const N = 25;

describe('Search.iterate() and scan() page through the client helpers (real node)', () => {
  const client = new Client({ node: singleNode.url });

  beforeAll(async () => {
    await client.indices.create({ index: INDEX, settings: { number_of_shards: 2 } });
    const operations = Array.from({ length: N }, (_, i) => [
      { index: { _index: INDEX, _id: String(i), routing: i % 5 === 0 ? 'r2' : 'r1' } },
      { n: i },
    ]).flat();
    await client.bulk({ operations, refresh: true });
  });

  afterAll(async () => {
    await client.indices.delete({ index: INDEX, ignore_unavailable: true });
    await client.close();
  });

  it('iterate() with params({ routing }) reads every document of that routing', async () => {
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) => i % 5 !== 0);
    const seen: number[] = [];
    const search = new Search<{ n: number }>({ client, index: INDEX })
      .params({ routing: 'r1' })
      .filter(Q.matchAll());
    for await (const hit of search.iterate({ size: 4 })) seen.push(hit.n);
    expect(seen.sort((a, b) => a - b)).toEqual(expected);
  });

  it('scan() with params({ routing }) reads every document of that routing', async () => {
    const seen: number[] = [];
    const search = new Search<{ n: number }>({ client, index: INDEX }).params({ routing: 'r2' });
    for await (const hit of search.scan({ size: 2 })) seen.push(hit.n);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 5, 10, 15, 20]);
  });

  it('iterate({ slices }) reads every document once, across slices', async () => {
    const seen: number[] = [];
    const search = new Search<{ n: number }>({ client, index: INDEX });
    for await (const hit of search.iterate({ size: 3, slices: 2 })) seen.push(hit.n);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
  });
});
