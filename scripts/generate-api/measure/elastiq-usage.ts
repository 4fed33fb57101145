// The same typical calls as official-usage.ts, through elastiq's generated API (tsc cost probe).
import { Api } from '../../../src/core/api/index.js';
import type { TransportLike } from '../../../src/core/transport/types.js';

interface Post {
  title: string;
  views: number;
}

export async function probe(transport: TransportLike): Promise<number> {
  const client = new Api(transport);
  await client.indices.create({
    index: 'posts',
    mappings: { properties: { title: { type: 'keyword' } } },
  });
  await client.index<Post>({ index: 'posts', id: '1', document: { title: 't', views: 1 } });
  await client.bulk<Post>({
    operations: [{ index: { _index: 'posts' } }, { title: 'u', views: 2 }],
  });
  const result = await client.search<Post>({
    index: 'posts',
    query: {
      bool: { must: [{ match: { title: 'x' } }], filter: [{ range: { views: { gte: 1 } } }] },
    },
    aggs: { views: { terms: { field: 'views' } } },
    sort: [{ views: { order: 'desc' } }],
  });
  const got = await client.get<Post>({ index: 'posts', id: '1' });
  const exists = await client.indices.exists({ index: 'posts' });
  return (result.hits.hits[0]?._source?.views ?? 0) + (got._source?.views ?? 0) + Number(exists);
}
