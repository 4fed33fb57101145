import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connect,
  createIndex,
  deleteIndex,
  type NodeHandle,
  openContexts,
} from './support/node.js';

const INDEX = 'helpers-pit-routing';

let node: NodeHandle;

beforeAll(async () => {
  node = connect();
  await createIndex(node.transport, INDEX, {
    settings: { number_of_shards: 3, number_of_replicas: 0 },
  });
  for (let n = 0; n < 30; n++) {
    await node.transport.request({
      method: 'PUT',
      path: `/${INDEX}/_doc/${n}`,
      querystring: { routing: n % 2 === 0 ? 'even' : 'odd' },
      body: { n },
    });
  }
  await node.transport.request({ method: 'POST', path: `/${INDEX}/_refresh` });
});

afterAll(async () => {
  await deleteIndex(node.transport, INDEX);
  await node.close();
});

describe('pitSearch with routing and preference on the real node', () => {
  it('reads only the routed shard and closes the PIT', async () => {
    const ids: number[] = [];
    for await (const doc of node.helpers.pitDocuments<{ n: number }>({
      index: INDEX,
      size: 4,
      routing: 'even',
      preference: '_local',
      ignore_unavailable: true,
    })) {
      ids.push(doc.n);
    }
    // The routed shard holds every even document (and perhaps odd ones routed to the same shard).
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect(ids.length).toBeLessThan(30);
    expect(ids.filter((n) => n % 2 === 0).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 15 }, (_, i) => i * 2),
    );
    expect(await openContexts(node.transport, INDEX)).toBe(0);
  });
});
