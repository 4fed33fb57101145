import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Q } from '../../../src/dsl/index.js';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  DateField,
  DenseVector,
  Integer,
  Keyword,
  Text,
} from '../../../src/orm/decorators/field-types.js';
import { OrmConflictError } from '../../../src/orm/document/errors.js';
import { Model } from '../../../src/orm/document/model.js';
import {
  es8Node,
  es8NodeMissing,
  openSearchMissing,
  openSearchNode,
} from '../../support/cluster.js';

// The Elasticsearch integ-test-zip has no reindex or painless module: update/delete-by-query of
// models are proven on OpenSearch. Elasticsearch 8 (and OpenSearch) do not know the
// `_source_exclude_vectors` parameter that reads of vector models send to 9.x: proven on 8.x.
const RUN = `${process.pid}-${Date.now()}`;

@Document({ index: `orm-model-os-${RUN}`, settings: { number_of_shards: 1 } })
class Article extends Model {
  @Text() title!: string;
  @Keyword() status = 'draft';
  @Integer() views = 0;
  @DateField() createdAt = new Date('2024-01-01T00:00:00.000Z');
}

@Document({ index: `orm-model-es8-${RUN}`, settings: { number_of_shards: 1 } })
class Passage extends Model {
  @Text() text!: string;
  @DenseVector({ dims: 3 }) embedding!: number[];
}

describe.skipIf(openSearchMissing !== undefined)(
  `models on the OpenSearch node ${openSearchMissing ?? ''}`,
  () => {
    const client = new Client({
      node: openSearchNode?.url ?? 'http://127.0.0.1:9',
      compatibility: 'opensearch',
    });

    beforeAll(async () => {
      await Article.init({ client });
      for (let i = 0; i < 6; i++) {
        const a = Article.create({ title: `article ${i}`, status: i % 2 ? 'draft' : 'published' });
        a.meta.id = `a${i}`;
        await a.save({ client });
      }
      await client.indices.refresh({ index: Article.indexName() });
    });

    afterAll(async () => {
      await client.indices.delete({ index: Article.indexName() }, { ignore: [404] });
      await client.close();
    });

    it('saves, loads and refuses a stale save there too', async () => {
      const first = await Article.get('a0', { client });
      const second = await Article.get('a0', { client });
      expect(first.createdAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
      first.views = 1;
      await first.save({ client });
      second.views = 2;
      await expect(second.save({ client })).rejects.toBeInstanceOf(OrmConflictError);
    });

    it('updateByQuery runs a script over the matching documents', async () => {
      const res = await Article.updateByQuery({ client })
        .filter(Q.term({ status: 'draft' }))
        .script({ source: 'ctx._source.views += 10', lang: 'painless' })
        .params({ refresh: true })
        .execute();
      expect(res.updated).toBe(3);
      const drafts = await Article.search({ client })
        .filter(Q.term({ status: 'draft' }))
        .execute();
      expect(drafts.hits.map((h) => h.views)).toEqual([10, 10, 10]);
    });

    it('search().delete() deletes the matching documents (delete-by-query)', async () => {
      const res = await Article.search({ client })
        .filter(Q.term({ status: 'published' }))
        .params({ refresh: true })
        .delete();
      expect(res.deleted).toBe(3);
      await expect(Article.search({ client }).count()).resolves.toBe(3);
      await expect(Article.exists('a2', { client })).resolves.toBe(false);
    });
  },
);

describe.skipIf(es8NodeMissing !== undefined)(
  `models with vectors on Elasticsearch 8 ${es8NodeMissing ?? ''}`,
  () => {
    const client = new Client({ node: es8Node?.url ?? 'http://127.0.0.1:9' });

    afterAll(async () => {
      await client.indices.delete({ index: Passage.indexName() }, { ignore: [404] });
      await client.close();
    });

    it('get, mget and search load the vectors although 8.x refuses _source_exclude_vectors', async () => {
      await Passage.init({ client });
      const p = Passage.create({ text: 'hello vectors', embedding: [0.5, 1, -1] });
      await p.save({ client, refresh: 'wait_for' });
      const loaded = await Passage.get(p.meta.id!, { client });
      expect(loaded.embedding).toEqual([0.5, 1, -1]);
      const [again] = await Passage.mget([p.meta.id!], { client });
      expect(again?.embedding).toEqual([0.5, 1, -1]);
      const res = await Passage.search({ client })
        .query(Q.match({ text: 'hello' }))
        .execute();
      expect(res.hits[0]?.embedding).toEqual([0.5, 1, -1]);
      // a hit of the model's own search holds its vectors: it may be saved back
      await expect(res.hits[0]!.save({ client })).resolves.toBe(res.hits[0]);
    });
  },
);
