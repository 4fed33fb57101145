import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { SerializationError } from '../../../src/core/errors.js';
import { Q, Search } from '../../../src/dsl/index.js';
import { singleNode } from '../../support/cluster.js';

const INDEX = `core-non-finite-${process.pid}`;
let client: Client;

beforeAll(async () => {
  client = new Client({ node: singleNode.url, requestTimeout: '30s' });
  await client.indices.delete({ index: INDEX }, { ignore: [404] });
  await client.indices.create({
    index: INDEX,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { n: { type: 'double' } } },
  });
  await client.bulk({
    refresh: true,
    operations: [1, 2, 3].flatMap((n) => [{ index: { _index: INDEX, _id: `d${n}` } }, { n }]),
  });
});

afterAll(async () => {
  await client.indices.delete({ index: INDEX }, { ignore: [404] });
  await client.close();
});

async function count(): Promise<number> {
  return ((await client.count({ index: INDEX })) as { count: number }).count;
}

describe('NaN and Infinity never reach the node as null', () => {
  it('count with a NaN range bound throws instead of counting every document', async () => {
    // The bound that works, for comparison: 2 of the 3 documents.
    const bounded = (await client.count({ index: INDEX, query: { range: { n: { gte: 2 } } } })) as {
      count: number;
    };
    expect(bounded.count).toBe(2);
    const err = await client
      .count({ index: INDEX, query: { range: { n: { gte: Number('abc') } } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('query.range.n.gte');
    expect(await count()).toBe(3);
  });

  it('a DSL Search with an Infinity bound throws too', async () => {
    const search = new Search({ client, index: INDEX }).filter(Q.range({ n: { lt: Infinity } }));
    const err = await search.count().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('query.bool.filter[0].range.n.lt');
  });

  it('index of a document holding NaN throws and stores nothing', async () => {
    const err = await client
      .index({ index: INDEX, id: 'nan', document: { n: Number.NaN }, refresh: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('n');
    expect(await client.exists({ index: INDEX, id: 'nan' })).toBe(false);
  });

  it('bulk with one document holding -Infinity throws and stores none of the batch', async () => {
    const err = await client
      .bulk({
        index: INDEX,
        refresh: true,
        operations: [
          { index: { _id: 'ok' } },
          { n: 4 },
          { index: { _id: 'inf' } },
          { n: -Infinity },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('[3].n');
    expect(await client.exists({ index: INDEX, id: 'ok' })).toBe(false);
    expect(await count()).toBe(3);
  });
});
