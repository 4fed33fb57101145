import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Document } from '../../../src/orm/decorators/document.js';
import { DateField, Integer, Keyword, Text } from '../../../src/orm/decorators/field-types.js';
import { Nested } from '../../../src/orm/decorators/inner-fields.js';
import { setDefaultClient } from '../../../src/orm/document/connections.js';
import {
  OrmBulkSaveError,
  OrmConflictError,
  OrmWriteError,
} from '../../../src/orm/document/errors.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { Model } from '../../../src/orm/document/model.js';
import { fromSource } from '../../../src/orm/document/source.js';
import { OrmValidationError } from '../../../src/orm/document/validation.js';
import { singleNode } from '../../support/cluster.js';

// Model.saveAll against the real node (ELASTICSEARCH_URL); indices unique per run, deleted after.
const RUN = `${process.pid}-${Date.now()}`;
const POSTS = `orm-bulk-posts-${RUN}`;
const STRICT = `orm-bulk-strict-${RUN}`;

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @DateField() createdAt!: Date;
}

@Document({ index: POSTS, settings: { number_of_shards: 1, number_of_replicas: 0 } })
class Post extends Model {
  @Text() title!: string;
  @Keyword({ required: true }) slug!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Integer() likes = 0;
  @DateField({ required: true, name: 'published_at' }) publishedAt!: Date;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
}

// The mapping is strict: a field the model does not declare is refused by the node (a 400 item).
@Document({
  index: STRICT,
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { dynamic: 'strict' },
})
class Strict extends Model {
  @Keyword() name!: string;
}

const client = new Client({ node: singleNode.url });

function post(n: number): Post {
  return Post.create({
    title: `Post number ${n}`,
    slug: `post-${n}`,
    tags: [`t${n % 7}`, 'bulk'],
    likes: n,
    publishedAt: new Date(Date.UTC(2024, 0, 1) + n * 60_000),
    comments: [
      { author: `a${n}`, createdAt: new Date(Date.UTC(2024, 1, 1) + n * 1000) },
      { author: `b${n}`, createdAt: new Date(Date.UTC(2024, 1, 2) + n * 1000) },
    ],
  });
}

async function storedSource(id: string): Promise<Record<string, unknown>> {
  const res = (await client.get({ index: POSTS, id })) as { _source: Record<string, unknown> };
  return res._source;
}

beforeAll(async () => {
  setDefaultClient(client);
  await Post.init();
  await Strict.init();
});

afterAll(async () => {
  setDefaultClient(undefined);
  await client.indices.delete({ index: [POSTS, STRICT], ignore_unavailable: true });
  await client.close();
});

describe('Model.saveAll on the real node', () => {
  it('saves 10k new documents with their meta set, and they load back equal', async () => {
    const posts = Array.from({ length: 10_000 }, (_, n) => post(n));
    const result = await Post.saveAll(posts, { refresh: 'wait_for', flushBytes: 500_000 });
    expect(result.savedCount).toBe(10_000);
    expect(result.failed).toEqual([]);
    expect(result.saved).toHaveLength(10_000);
    expect(result.saved[0]).toBe(posts[0]);
    const ids = new Set(posts.map((p) => p.meta.id));
    expect(ids.size).toBe(10_000);
    for (const p of posts) {
      expect(p.meta).toMatchObject({ index: POSTS, primaryTerm: 1, version: 1 });
      expect(p.meta.seqNo).toEqual(expect.any(Number));
    }
    const count = (await client.count({ index: POSTS })) as { count: number };
    expect(count.count).toBe(10_000);

    for (let start = 0; start < posts.length; start += 1000) {
      const chunk = posts.slice(start, start + 1000);
      const loaded = await Post.mget(
        chunk.map((p) => p.meta.id!),
        { missing: 'throw' },
      );
      loaded.forEach((back, i) => {
        const original = chunk[i]!;
        expect(back.toJSON()).toEqual(original.toJSON());
        expect(back.publishedAt).toEqual(original.publishedAt);
        expect(back.comments[1]).toBeInstanceOf(Comment);
        expect(back.meta.seqNo).toBe(original.meta.seqNo);
      });
    }
  }, 120_000);

  it('saves exactly the new, changed-after-load ones; refuses stale and invalid ones and overwrites nothing', async () => {
    const fresh = post(20_001);
    fresh.meta.id = 'mix-fresh';
    const base = [post(20_002), post(20_003)];
    base[0]!.meta.id = 'mix-changed';
    base[1]!.meta.id = 'mix-stale';
    await Post.saveAll(base, { refresh: 'wait_for' });

    const changed = await Post.get('mix-changed');
    changed.likes = 111;
    const stale = await Post.get('mix-stale');
    const other = await Post.get('mix-stale');
    other.likes = 222;
    await other.save({ refresh: 'wait_for' }); // stale's seqNo is now behind
    stale.likes = 333;
    const invalid = Post.create({ title: 'no slug, no date' });
    const staleSeqNo = stale.meta.seqNo;

    const result = await Post.saveAll([fresh, changed, stale, invalid], {
      refresh: 'wait_for',
      raiseOnError: false,
    });
    expect(result.savedCount).toBe(2);
    expect(result.saved).toEqual([fresh, changed]);
    expect(result.failed.map((f) => f.document)).toEqual([stale, invalid]);
    const conflict = result.failed[0]!.error;
    expect(conflict).toBeInstanceOf(OrmConflictError);
    expect(conflict).toMatchObject({
      code: 'ORM_CONFLICT',
      id: 'mix-stale',
      index: POSTS,
      expectedSeqNo: staleSeqNo,
      currentSeqNo: other.meta.seqNo,
    });
    expect(result.failed[1]!.error).toBeInstanceOf(OrmValidationError);
    expect((result.failed[1]!.error as OrmValidationError).issues.map((i) => i.path[0])).toEqual(
      expect.arrayContaining(['slug', 'publishedAt']),
    );

    expect(fresh.meta).toMatchObject({ id: 'mix-fresh', version: 1 });
    expect(changed.meta.version).toBe(2);
    expect(stale.meta.seqNo).toBe(staleSeqNo); // a refused write leaves meta as it was
    expect(invalid.meta.id).toBeUndefined();
    expect((await storedSource('mix-changed')).likes).toBe(111);
    expect((await storedSource('mix-stale')).likes).toBe(222); // not overwritten by the stale one
    expect(await client.exists({ index: POSTS, id: 'mix-fresh' })).toBe(true);

    // The changed one's meta came from its item: a second guarded save goes through.
    changed.likes = 112;
    await expect(Post.saveAll([changed])).resolves.toMatchObject({ savedCount: 1 });
  });

  it('rejects with OrmBulkSaveError carrying saved and failed by default', async () => {
    const taken = post(30_001);
    taken.meta.id = 'create-taken';
    await taken.save({ refresh: 'wait_for' });
    const again = post(30_002);
    again.meta.id = 'create-taken';
    const brandNew = post(30_003);
    const error = await Post.saveAll([again, brandNew], { opType: 'create' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OrmBulkSaveError);
    const bulk = error as OrmBulkSaveError<Post>;
    expect(bulk.code).toBe('ORM_BULK_FAILED');
    expect(bulk.savedCount).toBe(1);
    expect(bulk.saved).toEqual([brandNew]);
    expect(bulk.failed[0]!.document).toBe(again);
    expect(bulk.failed[0]!.error.message).toMatch(/already exists/);
    expect(bulk.message).toMatch(/saved 1 documents and failed 1 \(1 ORM_CONFLICT\)/);
    expect((await storedSource('create-taken')).slug).toBe('post-30001');
  });

  it('reports an item the node refuses (strict mapping) as OrmWriteError with status and reason', async () => {
    const good = Strict.create({ name: 'ok' });
    // an undeclared _source field is kept on hydration and written back on save
    const bad = fromSource(Strict, { name: 'bad', extra: 'undeclared' });
    const result = await Strict.saveAll(
      (async function* () {
        yield good;
        yield bad;
      })(),
      { raiseOnError: false },
    );
    expect(result.saved).toBeUndefined();
    expect(result.savedCount).toBe(1);
    const failure = result.failed[0]!.error as OrmWriteError;
    expect(failure).toBeInstanceOf(OrmWriteError);
    expect(failure).toMatchObject({ code: 'ORM_WRITE_FAILED', status: 400, index: STRICT });
    expect(failure.type).toMatch(/strict_dynamic_mapping_exception|document_parsing_exception/);
    expect(failure.message).toMatch(/status 400/);
    expect(good.meta.id).toEqual(expect.any(String));
    expect(bad.meta.id).toBeUndefined();
  });
});
