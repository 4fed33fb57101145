import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ResponseError } from '../../../src/core/errors.js';
import { MultiSearch, Q, type Response, type WithFields } from '../../../src/dsl/index.js';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  Binary,
  BooleanField,
  Byte,
  Completion,
  DateField,
  DenseVector,
  Double,
  Flattened,
  Float,
  GeoPoint,
  GeoShape,
  HalfFloat,
  Integer,
  Ip,
  Keyword,
  Long,
  ScaledFloat,
  Short,
  SparseVector,
  Text,
  UnsignedLong,
} from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { setDefaultClient } from '../../../src/orm/document/connections.js';
import { OrmConflictError, OrmNotFoundError } from '../../../src/orm/document/errors.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { Model } from '../../../src/orm/document/model.js';
import { OrmValidationError } from '../../../src/orm/document/validation.js';
import { singleNode } from '../../support/cluster.js';

// Every persistence feature against the real node (ELASTICSEARCH_URL). Index names are unique per
// run and deleted afterwards.
const RUN = `${process.pid}-${Date.now()}`;
const POSTS = `orm-model-posts-${RUN}`;
const EXTRAS = `orm-model-extras-${RUN}`;
const MODULES = `orm-model-modules-${RUN}`;
const ALIAS = `orm-model-aliased-${RUN}`;
const ALIASED_V1 = `orm-model-aliased-v1-${RUN}`;
const ALIASED_V2 = `orm-model-aliased-v2-${RUN}`;

class Author extends InnerDoc {
  @Keyword() name!: string;
  @Keyword() email!: string;
}

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @Text() body!: string;
  @DateField() createdAt!: Date;
  @Integer() stars = 0;
}

@Document({ index: POSTS, settings: { number_of_shards: 1, number_of_replicas: 0 } })
class Post extends Model {
  @Text({ analyzer: 'standard', fields: { raw: { type: 'keyword' } } }) title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Integer() likes = 0;
  @Long() views = 0;
  @Short() rank = 0;
  @Byte() level = 0;
  @Float() ratio = 0;
  @Double() score = 0;
  @HalfFloat() weight = 0;
  @BooleanField() published = false;
  @DateField({ required: true, name: 'published_at' }) publishedAt!: Date;
  @DateField({ format: 'epoch_millis' }) editedAt?: Date;
  @Binary() thumbnail?: string;
  @Ip() ip?: string;
  @GeoPoint() location?: { lat: number; lon: number };
  @DenseVector({ dims: 3 }) embedding?: number[];
  @SparseVector() tokens?: Record<string, number>;
  @Completion() suggest?: { input: string[]; weight?: number };
  @Flattened() labels?: Record<string, string>;
  @ObjectField(() => Author) author?: Author;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
}

const client = new Client({ node: singleNode.url });
const requests: string[] = [];
client.on('request', (event) => {
  requests.push(`${event.method} ${event.path}`);
});

function fullPost(title: string): Post {
  return Post.create({
    title,
    tags: ['intro', 'news'],
    likes: 3,
    views: 9_007_199_254_740_991,
    rank: -12,
    level: 7,
    ratio: 0.5,
    score: 1.25,
    weight: 2.5,
    published: true,
    publishedAt: new Date('2024-05-01T10:00:00.000Z'),
    editedAt: new Date('2024-05-03T08:30:00.000Z'),
    thumbnail: Buffer.from('png').toString('base64'),
    ip: '192.168.0.1',
    location: { lat: 48.85, lon: 2.35 },
    embedding: [0.5, 1, -1],
    tokens: { hello: 1.5, world: 0.5 },
    suggest: { input: ['hello world'], weight: 3 },
    labels: { team: 'search' },
    author: { name: 'ann', email: 'ann@example.com' },
    comments: [
      { author: 'bob', body: 'first', createdAt: new Date('2024-05-02T00:00:00.000Z'), stars: 4 },
      { author: 'cy', body: 'second', createdAt: new Date('2024-05-02T01:00:00.000Z'), stars: 5 },
      { author: 'di', body: 'third', createdAt: new Date('2024-05-02T02:00:00.000Z'), stars: 1 },
    ],
  });
}

async function rawSource(index: string, id: string): Promise<Record<string, unknown>> {
  // vectors too: 9.1+ leaves them out of _source unless asked
  const res = (await client.get({ index, id, _source_exclude_vectors: false })) as {
    _source: Record<string, unknown>;
  };
  return res._source;
}

beforeAll(async () => {
  setDefaultClient(client);
  await expect(Post.init()).resolves.toEqual({ index: POSTS, created: true });
});

afterAll(async () => {
  setDefaultClient(undefined);
  // by name: a wildcard delete is refused where action.destructive_requires_name is on
  await client.indices.delete({
    index: [POSTS, EXTRAS, MODULES, ALIASED_V1, ALIASED_V2],
    ignore_unavailable: true,
  });
  await client.close();
});

describe('init', () => {
  it('creates the index with the generated mapping, and a second init changes nothing', async () => {
    const before = await client.indices.getMapping({ index: POSTS });
    await expect(Post.init()).resolves.toEqual({ index: POSTS, created: false });
    const after = await client.indices.getMapping({ index: POSTS });
    expect(after).toEqual(before);
    const props = (before as Record<string, { mappings: { properties: Record<string, any> } }>)[
      POSTS
    ]!.mappings.properties;
    expect(props.title.fields.raw.type).toBe('keyword');
    expect(props.published_at.type).toBe('date');
    expect(props.comments.type).toBe('nested');
    expect(props.comments.properties.createdAt.type).toBe('date');
  });

  it('an existing index gets new fields added; a changed field is ORM_MAPPING_CONFLICT', async () => {
    await client.indices.create({
      index: EXTRAS,
      mappings: { properties: { title: { type: 'keyword' }, legacy: { type: 'keyword' } } },
    });
    @Document({ index: EXTRAS })
    class Added extends Model {
      @Keyword() legacy!: string;
      @Integer() added = 0;
    }
    @Document({ index: EXTRAS })
    class Changed extends Model {
      @Integer() legacy = 0;
    }
    await expect(Added.init()).resolves.toEqual({ index: EXTRAS, created: false });
    const mapping = (await client.indices.getMapping({ index: EXTRAS })) as Record<string, any>;
    expect(mapping[EXTRAS].mappings.properties.added).toEqual({ type: 'integer' });
    const error = await Changed.init().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_MAPPING_CONFLICT' });
    expect((error as Error).message).toMatch(/legacy/);
  });
});

describe('save / get / mget / exists / update / delete', () => {
  it('round-trips every field kind, dates and nested inner docs included', async () => {
    const post = fullPost('Hello world');
    await post.save({ refresh: 'wait_for' });
    expect(post.meta.id).toEqual(expect.any(String));
    expect(post.meta).toMatchObject({
      index: POSTS,
      seqNo: expect.any(Number),
      primaryTerm: 1,
      version: 1,
    });

    const same = await Post.get(post.meta.id!);
    expect(same).toBeInstanceOf(Post);
    expect(same.publishedAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
    expect(same.editedAt).toEqual(new Date('2024-05-03T08:30:00.000Z'));
    expect(same.author).toBeInstanceOf(Author);
    expect(same.comments).toHaveLength(3);
    expect(same.comments.every((c) => c instanceof Comment && c.createdAt instanceof Date)).toBe(
      true,
    );
    expect(same.toJSON()).toEqual(post.toJSON());
    expect(same.meta).toEqual({
      id: post.meta.id,
      index: POSTS,
      seqNo: post.meta.seqNo,
      primaryTerm: post.meta.primaryTerm,
      version: 1,
    });
    // the epoch_millis date is stored as a number, the others as ISO strings
    const stored = await rawSource(POSTS, post.meta.id!);
    expect(stored.published_at).toBe('2024-05-01T10:00:00.000Z');
    expect(stored.editedAt).toBe(Date.parse('2024-05-03T08:30:00.000Z'));
    expect(stored).not.toHaveProperty('meta');
  });

  it('a load and a save keep the vectors stored (9.1+ leaves them out of _source unless asked)', async () => {
    const post = await fullPost('Vectors kept').save();
    const loaded = await Post.get(post.meta.id!);
    loaded.likes = 8;
    await loaded.save();
    expect(await rawSource(POSTS, post.meta.id!)).toMatchObject({
      likes: 8,
      embedding: [0.5, 1, -1],
      tokens: { hello: 1.5, world: 0.5 },
    });
  });

  it('saves with an explicit id and routing, and reads it back with them', async () => {
    const post = fullPost('Routed');
    post.meta.id = 'routed-1';
    await post.save({ routing: 'tenant-a', refresh: true });
    const same = await Post.get('routed-1', { routing: 'tenant-a' });
    expect(same.meta).toMatchObject({ id: 'routed-1', routing: 'tenant-a' });
    await expect(Post.exists('routed-1', { routing: 'tenant-a' })).resolves.toBe(true);
  });

  it('mget keeps the order of ids; missing ones are null, skipped or thrown', async () => {
    const a = await fullPost('A').save();
    const b = await fullPost('B').save();
    const docs = await Post.mget([b.meta.id!, 'nope', a.meta.id!]);
    expect(docs.map((d) => d?.title ?? null)).toEqual(['B', null, 'A']);
    expect(docs[0]).toBeInstanceOf(Post);
    const skipped = await Post.mget([b.meta.id!, 'nope'], { missing: 'skip' });
    expect(skipped.map((d) => d.title)).toEqual(['B']);
    await expect(Post.mget(['nope'], { missing: 'throw' })).rejects.toBeInstanceOf(
      OrmNotFoundError,
    );
  });

  it('exists answers true for a stored id and false otherwise', async () => {
    const post = await fullPost('Exists').save();
    await expect(Post.exists(post.meta.id!)).resolves.toBe(true);
    await expect(Post.exists('never-saved')).resolves.toBe(false);
  });

  it('get of a missing id rejects with ORM_NOT_FOUND, or gives null', async () => {
    await expect(Post.get('never-saved')).rejects.toMatchObject({
      code: 'ORM_NOT_FOUND',
      id: 'never-saved',
    });
    await expect(Post.get('never-saved', { missing: 'null' })).resolves.toBeNull();
  });

  it('update sends only the given fields: the others stay as stored', async () => {
    const post = await fullPost('Partial').save();
    const seqNo = post.meta.seqNo!;
    // another writer changes a field this update does not touch
    await client.update({ index: POSTS, id: post.meta.id!, doc: { title: 'Changed elsewhere' } });
    await post.reload();
    await post.update({ likes: 42, tags: ['updated'] });
    expect(post.likes).toBe(42);
    expect(post.meta.seqNo).toBeGreaterThan(seqNo + 1);
    const stored = await rawSource(POSTS, post.meta.id!);
    expect(stored).toMatchObject({ title: 'Changed elsewhere', likes: 42, tags: ['updated'] });
    expect((stored.comments as unknown[]).length).toBe(3);
  });

  it('update of a stale instance is refused with ORM_CONFLICT and taken back', async () => {
    const post = await fullPost('Stale update').save();
    const other = await Post.get(post.meta.id!);
    await other.update({ likes: 7 });
    await expect(post.update({ likes: 8 })).rejects.toBeInstanceOf(OrmConflictError);
    expect(post.likes).toBe(3);
    expect((await rawSource(POSTS, post.meta.id!)).likes).toBe(7);
  });

  it('update with retryOnConflict writes over a concurrent change instead of refusing', async () => {
    const post = await fullPost('Retried').save();
    const other = await Post.get(post.meta.id!);
    await other.update({ title: 'Renamed elsewhere' });
    await post.update({ likes: 9 }, { retryOnConflict: 2 });
    expect(await rawSource(POSTS, post.meta.id!)).toMatchObject({
      title: 'Renamed elsewhere',
      likes: 9,
    });
    expect(post.meta.seqNo).toBeGreaterThan(other.meta.seqNo!);
  });

  it('after an update with retryOnConflict a save cannot put back fields it never saw', async () => {
    const post = await fullPost('Retried then saved').save();
    const other = await Post.get(post.meta.id!);
    await other.update({ title: 'Renamed elsewhere' });
    await post.update({ likes: 9 }, { retryOnConflict: 2 });
    post.likes = 10;
    await expect(post.save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    expect((await rawSource(POSTS, post.meta.id!)).title).toBe('Renamed elsewhere');
    await post.reload();
    post.likes = 10;
    await post.save();
    expect(await rawSource(POSTS, post.meta.id!)).toMatchObject({
      title: 'Renamed elsewhere',
      likes: 10,
    });
  });

  it('delete removes the document; deleting again is ORM_NOT_FOUND', async () => {
    const post = await fullPost('Doomed').save();
    const id = post.meta.id!;
    const again = await Post.get(id);
    await post.delete({ refresh: true });
    await expect(Post.exists(id)).resolves.toBe(false);
    await expect(again.delete()).rejects.toMatchObject({ code: 'ORM_NOT_FOUND', id });
  });

  it('delete of a stale instance is refused with ORM_CONFLICT and the document stays', async () => {
    const post = await fullPost('Kept').save();
    const other = await Post.get(post.meta.id!);
    await other.update({ likes: 11 });
    await expect(post.delete()).rejects.toBeInstanceOf(OrmConflictError);
    await expect(Post.exists(post.meta.id!)).resolves.toBe(true);
  });
});

describe('source filtering', () => {
  it('a partially loaded document cannot be saved whole, but its update keeps the other fields', async () => {
    const post = await fullPost('Partly').save();
    const part = await Post.get(post.meta.id!, { source: { includes: ['title', 'likes'] } });
    expect(part.title).toBe('Partly');
    expect(part.comments).toEqual([]);
    await expect(part.save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    await part.update({ likes: 50 });
    const stored = await rawSource(POSTS, post.meta.id!);
    expect(stored).toMatchObject({ title: 'Partly', likes: 50 });
    expect((stored.comments as unknown[]).length).toBe(3);
  });
});

describe('optimistic concurrency', () => {
  it('the second of two instances saving is refused, nothing is overwritten, and reload + retry succeeds', async () => {
    const original = await fullPost('Concurrent').save();
    const first = await Post.get(original.meta.id!);
    const second = await Post.get(original.meta.id!);
    first.likes = 100;
    await first.save();
    second.title = 'Second writer';
    const error = await second.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmConflictError);
    expect(error).toMatchObject({
      code: 'ORM_CONFLICT',
      id: original.meta.id,
      expectedSeqNo: original.meta.seqNo,
      currentSeqNo: first.meta.seqNo,
    });
    expect((error as Error).message).toMatch(/reload\(\)/);
    expect(await rawSource(POSTS, original.meta.id!)).toMatchObject({
      title: 'Concurrent',
      likes: 100,
    });

    await second.reload();
    expect(second.likes).toBe(100);
    second.title = 'Second writer';
    await second.save();
    expect(await rawSource(POSTS, original.meta.id!)).toMatchObject({
      title: 'Second writer',
      likes: 100,
    });
  });

  it('of five instances saved at once, exactly one wins and the others get ORM_CONFLICT', async () => {
    const original = await fullPost('Race').save();
    const racers = await Promise.all(Array.from({ length: 5 }, () => Post.get(original.meta.id!)));
    racers.forEach((r, i) => {
      r.likes = 1000 + i;
    });
    const results = await Promise.allSettled(racers.map((r) => r.save()));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(OrmConflictError);
    }
    expect((await rawSource(POSTS, original.meta.id!)).likes).toBe(1000 + won[0]!);
  });

  it("opType: 'create' with an id that exists is refused with ORM_CONFLICT and the stored one is intact", async () => {
    const existing = fullPost('Original');
    existing.meta.id = 'create-once';
    await existing.save({ opType: 'create' });
    const duplicate = fullPost('Duplicate');
    duplicate.meta.id = 'create-once';
    const error = await duplicate.save({ opType: 'create' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmConflictError);
    expect((error as Error).message).toMatch(/already exists/);
    expect((await rawSource(POSTS, 'create-once')).title).toBe('Original');
  });
});

describe('validation', () => {
  it('refuses an invalid document before any request is sent', async () => {
    const bad = fullPost('Bad');
    (bad as { publishedAt: unknown }).publishedAt = undefined;
    (bad as { likes: unknown }).likes = 'many';
    bad.meta.id = 'invalid-doc';
    const sentBefore = requests.length;
    const error = await bad.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmValidationError);
    const paths = (error as OrmValidationError).issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['publishedAt', 'likes']));
    expect(requests.length).toBe(sentBefore);
    await expect(Post.exists('invalid-doc')).resolves.toBe(false);
  });
});

describe('search', () => {
  it('gives typed model instances with meta, and a hit can be saved back with its seqNo guard', async () => {
    const post = fullPost('Searchable unicorn');
    await post.save({ refresh: 'wait_for' });
    const res = await Post.search()
      .query(Q.match({ title: 'unicorn' }))
      .filter(Q.term({ tags: 'news' }))
      .execute();
    expect(res.hits).toHaveLength(1);
    const hit = res.hits[0]!;
    expect(hit).toBeInstanceOf(Post);
    expect(hit.publishedAt).toBeInstanceOf(Date);
    expect(hit.comments[0]).toBeInstanceOf(Comment);
    expect(hit.meta).toMatchObject({
      id: post.meta.id,
      index: POSTS,
      seqNo: post.meta.seqNo,
      primaryTerm: 1,
    });
    expect(hit.meta.score).toBeGreaterThan(0);
    hit.likes = 5;
    await hit.save();
    // the searched instance is now stale
    post.likes = 6;
    await expect(post.save()).rejects.toBeInstanceOf(OrmConflictError);
  });

  it('nested queries on inner docs and multi-fields work', async () => {
    await fullPost('Nested probe').save({ refresh: 'wait_for' });
    // multi-fields are not properties: WithFields declares them to the field-path check
    const res = await Post.search<WithFields<Post, 'title.raw'>>()
      .query(Q.nested({ path: 'comments', query: Q.term({ 'comments.author': 'cy' }) }))
      .filter(Q.term({ 'title.raw': 'Nested probe' }))
      .execute();
    expect(res.hits.map((h) => h.title)).toEqual(['Nested probe']);
  });

  it('a vector model found through a MultiSearch (no vectors on 9.1+) cannot be saved until reloaded', async () => {
    const post = fullPost('Multi vector');
    await post.save({ refresh: 'wait_for' });
    const [res] = await new MultiSearch({ client })
      .add(Post.search().query(Q.match({ title: 'vector' })))
      .execute();
    const hit = (res as Response<Post>).hits[0]!;
    expect(hit.meta.id).toBe(post.meta.id);
    await expect(hit.save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    await hit.reload();
    expect(hit.embedding).toEqual([0.5, 1, -1]);
    await expect(hit.save()).resolves.toBe(hit);
    expect((await rawSource(POSTS, post.meta.id!)).embedding).toEqual([0.5, 1, -1]);
  });

  it('iterate() and scan() yield model instances', async () => {
    await client.indices.refresh({ index: POSTS });
    const total = await Post.search().count();
    const iterated: Post[] = [];
    for await (const hit of Post.search().iterate({ size: 2 })) iterated.push(hit);
    const scanned: Post[] = [];
    for await (const hit of Post.search().scan({ size: 2 })) scanned.push(hit);
    expect(iterated).toHaveLength(total);
    expect(scanned).toHaveLength(total);
    expect(iterated.every((p) => p instanceof Post && typeof p.meta.id === 'string')).toBe(true);
    expect(scanned.every((p) => p instanceof Post && p.publishedAt instanceof Date)).toBe(true);
  });
});

describe('a model whose index name is an alias (as migrations manage it)', () => {
  @Document({ index: ALIAS })
  class Note extends Model {
    @Text() body!: string;
    @Integer() version = 1;
  }

  it('init extends the index behind the alias; reads show the concrete index; writes go through the alias, to the new index after a swap', async () => {
    await client.indices.create({ index: ALIASED_V1, aliases: { [ALIAS]: {} } });
    await expect(Note.init()).resolves.toEqual({ index: ALIAS, created: false });
    const mapping = (await client.indices.getMapping({ index: ALIASED_V1 })) as Record<string, any>;
    expect(mapping[ALIASED_V1].mappings.properties.version).toEqual({ type: 'integer' });

    const note = Note.create({ body: 'first' });
    note.meta.id = 'n1';
    await note.save({ refresh: true });
    const loaded = await Note.get('n1');
    expect(loaded.meta.index).toBe(ALIASED_V1);

    // a migration: copy to v2 and swap the alias atomically
    await client.indices.create({
      index: ALIASED_V2,
      mappings: { properties: { body: { type: 'text' }, version: { type: 'integer' } } },
    });
    await client.index({ index: ALIASED_V2, id: 'n1', document: loaded.toJSON(), refresh: true });
    await client.indices.updateAliases({
      actions: [
        { remove: { index: ALIASED_V1, alias: ALIAS } },
        { add: { index: ALIASED_V2, alias: ALIAS } },
      ],
    });
    await loaded.reload();
    expect(loaded.meta.index).toBe(ALIASED_V2);
    loaded.version = 2;
    const sent = requests.length;
    await loaded.save({ refresh: true });
    expect(requests.slice(sent)).toEqual([
      `PUT /${ALIAS}/_doc/n1?if_seq_no=0&if_primary_term=1&refresh=true`,
    ]);
    expect((await rawSource(ALIASED_V2, 'n1')).version).toBe(2);
    expect((await rawSource(ALIASED_V1, 'n1')).version).toBe(1);
  });
});

describe('undeclared source fields', () => {
  it('survive a load and a save', async () => {
    const source = { ...fullPost('Legacy').toJSON(), legacy_score: 12, extra: { nested: ['x'] } };
    await client.index({ index: POSTS, id: 'legacy-1', document: source, refresh: true });
    const post = await Post.get('legacy-1');
    post.likes = 77;
    await post.save();
    expect(await rawSource(POSTS, 'legacy-1')).toMatchObject({
      likes: 77,
      legacy_score: 12,
      extra: { nested: ['x'] },
    });
  });
});

describe('field types from modules the node may lack', () => {
  it('scaled_float, unsigned_long and geo_shape round-trip where their modules exist, else init names the missing mapper type', async () => {
    const nodes = (await client.nodes.info({ metric: 'plugins' })) as {
      nodes: Record<string, { modules: { name: string }[] }>;
    };
    const modules = new Set(
      Object.values(nodes.nodes).flatMap((n) => n.modules.map((m) => m.name)),
    );
    @Document({ index: MODULES })
    class Measure extends Model {
      @ScaledFloat({ scaling_factor: 100 }) price = 0;
      @UnsignedLong() counter = 0;
      @GeoShape() area?: { type: string; coordinates: unknown };
    }
    if (!modules.has('mapper-extras')) {
      const error = await Measure.init().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect((error as ResponseError).statusCode).toBe(400);
      expect((error as Error).message).toMatch(
        /mapper type \[(scaled_float|unsigned_long|geo_shape)\]/,
      );
      return;
    }
    await Measure.init();
    const m = await Measure.create({
      price: 9.99,
      counter: 5,
      area: { type: 'Point', coordinates: [2.35, 48.85] },
    }).save({ refresh: true });
    const same = await Measure.get(m.meta.id!);
    expect(same.toJSON()).toEqual(m.toJSON());
  });
});
