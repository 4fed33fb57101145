import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  Binary,
  BooleanField,
  Completion,
  DateField,
  DenseVector,
  Double,
  Float,
  GeoPoint,
  Integer,
  Ip,
  Keyword,
  Long,
  Short,
  Text,
} from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { OrmError } from '../../../src/orm/errors.js';
import { OperationContext } from '../../../src/orm/migrations/migration-context.js';
import {
  MigrationFailedError,
  MigrationLockedError,
} from '../../../src/orm/migrations/migration-errors.js';
import {
  generateMigration,
  planMigration,
} from '../../../src/orm/migrations/migration-generate.js';
import {
  acquireLock,
  ensureStateIndex,
  readLock,
} from '../../../src/orm/migrations/migration-state.js';
import { Migrator, type UpResult } from '../../../src/orm/migrations/migrator.js';

const node = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const client = new Client({ node });
const RUN = `${process.pid}-${Date.now()}`;
const PREFIX = `orm-mig-${RUN}`;
let dir: string;
let STATE = `${PREFIX}-state`;
let stateCount = 0;

async function cleanup(): Promise<void> {
  await client.indices.delete(
    { index: `${PREFIX}*`, expand_wildcards: 'all', allow_no_indices: true },
    { ignore: [404] },
  );
}

beforeAll(cleanup);
afterAll(async () => {
  await cleanup();
  await client.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-it-'));
  STATE = `${PREFIX}-state-${++stateCount}`;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<void> {
  await writeFile(join(dir, name), text);
}

async function aliasTargets(alias: string): Promise<string[]> {
  const exists = await client.indices.existsAlias({ name: alias });
  return exists ? Object.keys(await client.indices.getAlias({ name: alias })).sort() : [];
}

async function indicesMatching(pattern: string): Promise<string[]> {
  const found = await client.indices.get({ index: pattern, allow_no_indices: true });
  return Object.keys(found).sort();
}

async function titlesMatching(index: string, text: string): Promise<string[]> {
  const res = await client.search<{ title: string }>({
    index,
    query: { match: { title: text } },
    size: 100,
  });
  return res.hits.hits.map((h) => h._source!.title).sort();
}

function migrator(extra: Partial<ConstructorParameters<typeof Migrator>[0]> = {}): Migrator {
  return new Migrator({ client, dir, stateIndex: STATE, ...extra });
}

// Three generations of one model: v2 adds a field, v3 changes a type.
const POSTS = `${PREFIX}-posts`;

@Document({ index: POSTS, settings: { number_of_shards: 1, number_of_replicas: 0 } })
class PostV1 {
  @Keyword() title!: string;
  @Integer() likes = 0;
}

@Document({ index: POSTS, settings: { number_of_shards: 1, number_of_replicas: 0 } })
class PostV2 {
  @Keyword() title!: string;
  @Integer() likes = 0;
  @DateField() publishedAt!: Date;
}

@Document({ index: POSTS, settings: { number_of_shards: 1, number_of_replicas: 0 } })
class PostV3 {
  @Text({ fields: { raw: { type: 'keyword' } } }) title!: string;
  @Integer() likes = 0;
  @DateField() publishedAt!: Date;
}

describe('migration operations on models (real node)', () => {
  const log: string[] = [];
  const ctx = () => new OperationContext(client, { log: (m) => log.push(m) });

  it('creates a versioned index behind an alias, adds a field, changes a type without losing a document, and swaps back', async () => {
    await ctx().createIndex(PostV1);
    expect(await aliasTargets(POSTS)).toEqual([`${POSTS}-v1`]);
    const docs = Array.from({ length: 1200 }, (_, i) => ({
      title: `post number ${i}`,
      likes: i,
    }));
    await client.helpers.bulk({
      datasource: docs,
      onDocument: (_doc) => ({ index: { _index: POSTS } }),
      refreshOnCompletion: POSTS,
    });
    // keyword: only the exact title matches through the alias
    expect(await titlesMatching(POSTS, 'post number 7')).toEqual(['post number 7']);

    await ctx().putMapping(PostV2);
    const v2 = await client.indices.getMapping({ index: POSTS });
    expect(Object.keys(v2[`${POSTS}-v1`]!.mappings.properties!)).toContain('publishedAt');

    const progress: number[] = [];
    const step = new OperationContext(client, {
      log: (m) => log.push(m),
      onProgress: (p) => progress.push(p.written),
    });
    const result = await step.migrateIndex(PostV3, { batchSize: 500 });
    expect(result).toMatchObject({
      alias: POSTS,
      from: `${POSTS}-v1`,
      to: `${POSTS}-v2`,
      total: 1200,
      copied: 1200,
      skipped: 0,
      deletedOld: false,
    });
    expect(progress.at(-1)).toBe(1200);
    expect(await aliasTargets(POSTS)).toEqual([`${POSTS}-v2`]);
    expect((await client.count({ index: POSTS })).count).toBe(1200);
    // text now: a match on one word finds every document through the same alias
    expect((await titlesMatching(POSTS, 'number')).length).toBe(100);
    const mapping = await client.indices.getMapping({ index: POSTS });
    expect(mapping[`${POSTS}-v2`]!.mappings.properties!.title).toEqual({
      type: 'text',
      fields: { raw: { type: 'keyword' } },
    });
    // the old index is kept, writable again, outside the alias
    expect((await client.count({ index: `${POSTS}-v1` })).count).toBe(1200);
    await client.index({ index: `${POSTS}-v1`, id: 'probe', document: { title: 'x' } });

    // rolling the step back puts the alias on the old index and drops the new one
    const undone = await step.rollback();
    expect(undone.undone).toEqual([`step 1: migrateIndex ${POSTS}`]);
    expect(await aliasTargets(POSTS)).toEqual([`${POSTS}-v1`]);
    expect(await client.indices.exists({ index: `${POSTS}-v2` })).toBe(false);
    await client.delete({ index: `${POSTS}-v1`, id: 'probe', refresh: true });
  });

  it('createIndex does nothing when the index or alias exists already', async () => {
    const name = `${PREFIX}-exists`;
    const target = { name, body: { mappings: { properties: { a: { type: 'keyword' } } } } };
    await ctx().createIndex(target);
    await ctx().createIndex(target);
    expect(await aliasTargets(name)).toEqual([`${name}-v1`]);
    expect(log).toContain(`${name} exists; not created again`);
  });

  it('migrates a concrete index into <name>-v2 and puts an alias of the same name on it in one call', async () => {
    const name = `${PREFIX}-concrete`;
    await client.indices.create({
      index: name,
      mappings: { properties: { title: { type: 'keyword' } } },
    });
    await client.index({ index: name, id: '1', document: { title: 'Hello World' } });
    await client.index({ index: name, id: '2', document: { title: 'Other' }, refresh: true });
    const result = await ctx().migrateIndex({
      name,
      body: { mappings: { properties: { title: { type: 'text' } } } },
    });
    expect(result).toMatchObject({ from: name, to: `${name}-v2`, copied: 2, deletedOld: true });
    expect(await aliasTargets(name)).toEqual([`${name}-v2`]);
    expect(await titlesMatching(name, 'hello')).toEqual(['Hello World']);
    const doc = await client.get<{ title: string }>({ index: name, id: '1' });
    expect(doc._index).toBe(`${name}-v2`);
  });

  it('deleteOld drops the old version in the same alias call, and a transform can rewrite and drop documents', async () => {
    const name = `${PREFIX}-deleteold`;
    await ctx().createIndex({
      name,
      body: { mappings: { properties: { n: { type: 'integer' } } } },
    });
    await client.helpers.bulk({
      datasource: Array.from({ length: 20 }, (_, i) => ({ n: i })),
      onDocument: () => ({ index: { _index: name } }),
      refreshOnCompletion: name,
    });
    const result = await ctx().migrateIndex(
      {
        name,
        body: { mappings: { properties: { n: { type: 'integer' }, even: { type: 'boolean' } } } },
      },
      {
        deleteOld: true,
        transform: (source) =>
          (source.n as number) >= 15 ? null : { ...source, even: (source.n as number) % 2 === 0 },
      },
    );
    expect(result).toMatchObject({ total: 20, copied: 15, skipped: 5, deletedOld: true });
    expect(await client.indices.exists({ index: `${name}-v1` })).toBe(false);
    expect(await aliasTargets(name)).toEqual([`${name}-v2`]);
    const evens = await client.count({ index: name, query: { term: { even: true } } });
    expect(evens.count).toBe(8);
  });

  it('a transform that throws midway deletes the half-filled index and leaves the alias and old index as they were', async () => {
    const name = `${PREFIX}-broken`;
    const target = { name, body: { mappings: { properties: { n: { type: 'integer' } } } } };
    await ctx().createIndex(target);
    await client.helpers.bulk({
      datasource: Array.from({ length: 50 }, (_, i) => ({ n: i })),
      onDocument: () => ({ index: { _index: name } }),
      refreshOnCompletion: name,
    });
    const error = await ctx()
      .migrateIndex(target, {
        batchSize: 10,
        transform: (source) => {
          if (source.n === 33) throw new Error('cannot convert 33');
          return source;
        },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_FAILED' });
    expect((error as Error).message).toContain('cannot convert 33');
    expect((error as Error).message).toContain(
      `${name}-v2 was deleted and ${name} still points to ${name}-v1`,
    );
    expect(await aliasTargets(name)).toEqual([`${name}-v1`]);
    expect(await client.indices.exists({ index: `${name}-v2` })).toBe(false);
    // still writable: the write block of the copy was lifted
    await client.index({ index: name, document: { n: 99 }, refresh: true });
    expect((await client.count({ index: name })).count).toBe(51);
  });

  it("deleteIndex and migrateIndex leave alone another model's index whose name starts with <name>-v", async () => {
    const posts = `${PREFIX}-pv`;
    const videos = `${PREFIX}-pv-videos`; // posts-v + ideos: not a version of posts
    const body = { mappings: { properties: { n: { type: 'integer' } } } };
    await ctx().createIndex({ name: posts, body });
    await ctx().createIndex({ name: videos, body });
    await client.index({ index: videos, document: { n: 1 }, refresh: true });
    const moved = await ctx().migrateIndex({ name: posts, body });
    expect(moved.to).toBe(`${posts}-v2`);
    await ctx().deleteIndex(posts);
    expect(await indicesMatching(`${posts}-v*`)).toEqual([`${videos}-v1`]);
    expect((await client.count({ index: videos })).count).toBe(1);
  });

  it('copies documents written just before the migration that no refresh has made searchable yet', async () => {
    const name = `${PREFIX}-unrefreshed`;
    await ctx().createIndex({
      name,
      body: {
        settings: { refresh_interval: '-1' }, // no periodic refresh: the last write stays unsearchable
        mappings: { properties: { n: { type: 'integer' } } },
      },
    });
    await client.index({ index: name, id: 'seen', document: { n: 1 }, refresh: true });
    await client.index({ index: name, id: 'fresh', document: { n: 2 } }); // acknowledged, not refreshed
    const result = await ctx().migrateIndex({
      name,
      body: { mappings: { properties: { n: { type: 'long' } } } },
    });
    expect(result).toMatchObject({ total: 2, copied: 2 });
    expect((await client.get({ index: name, id: 'fresh' }, { ignore: [404] })).found).toBe(true);
  });

  it('an alias swap whose answer is lost after the server applied it keeps the new index (the old one is gone)', async () => {
    const name = `${PREFIX}-lost-answer`;
    const target = { name, body: { mappings: { properties: { n: { type: 'integer' } } } } };
    await ctx().createIndex(target, { versioned: false });
    await client.index({ index: name, document: { n: 1 }, refresh: true });
    const flaky = new Client({ node });
    const applyThenFail = flaky.indices.updateAliases.bind(flaky.indices);
    flaky.indices.updateAliases = (async (...args: Parameters<typeof applyThenFail>) => {
      await applyThenFail(...args);
      throw new Error('socket hang up');
    }) as typeof flaky.indices.updateAliases;
    try {
      const result = await new OperationContext(flaky, { log: () => undefined }).migrateIndex(
        target,
      );
      expect(result).toMatchObject({ from: name, to: `${name}-v2`, copied: 1, deletedOld: true });
    } finally {
      await flaky.close();
    }
    expect(await aliasTargets(name)).toEqual([`${name}-v2`]);
    expect((await client.count({ index: name })).count).toBe(1);
  });

  it('an async transform is awaited: its documents are copied, and one resolving to a non-object fails the copy', async () => {
    const name = `${PREFIX}-async-transform`;
    const target = { name, body: { mappings: { properties: { n: { type: 'integer' } } } } };
    await ctx().createIndex(target, { versioned: false }); // a concrete index: a swap deletes it
    await client.index({ index: name, id: 'a', document: { n: 1 }, refresh: true });
    const error = await ctx()
      .migrateIndex(target, { transform: async () => 'not a document' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_FAILED' });
    expect((error as Error).message).toContain('the transform returned string for document a');
    expect((await client.get<{ n: number }>({ index: name, id: 'a' }))._source).toEqual({ n: 1 });
    expect(await client.indices.exists({ index: `${name}-v2` })).toBe(false);

    const result = await ctx().migrateIndex(target, {
      transform: async (source) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { ...source, n: 2 };
      },
    });
    expect(result).toMatchObject({ copied: 1 });
    expect((await client.get<{ n: number }>({ index: name, id: 'a' }))._source).toEqual({ n: 2 });
  });

  it('documents the new mapping refuses fail the copy with ORM_MIGRATION_FAILED before the alias moves', async () => {
    const name = `${PREFIX}-refused`;
    await ctx().createIndex({
      name,
      body: { mappings: { properties: { n: { type: 'keyword' } } } },
    });
    await client.index({ index: name, document: { n: 'abc' } });
    await client.index({ index: name, document: { n: '12' }, refresh: true });
    const error = await ctx()
      .migrateIndex({ name, body: { mappings: { properties: { n: { type: 'integer' } } } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmError);
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_FAILED' });
    expect((error as Error).message).toMatch(/1 of 2 documents were refused/);
    expect(await aliasTargets(name)).toEqual([`${name}-v1`]);
    expect(await client.indices.exists({ index: `${name}-v2` })).toBe(false);
  });
});

class Address extends InnerDoc {
  @Keyword() city!: string;
  @GeoPoint() location!: { lat: number; lon: number };
}

class Review extends InnerDoc {
  @Keyword() author!: string;
  @Short() stars!: number;
  @DateField({ format: 'yyyy-MM-dd' }) day!: string;
}

const RICH = `${PREFIX}-rich`;

@Document({
  index: RICH,
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { dynamic: 'strict' },
})
class Rich {
  @Text({ analyzer: 'standard', fields: { raw: { type: 'keyword', ignore_above: 256 } } })
  title!: string;
  @Keyword({ multi: true, index: true, doc_values: true }) tags: string[] = [];
  @Integer() likes = 0;
  @Long() views = 0;
  @Float() ratio = 0;
  @Double({ coerce: true }) score = 0;
  @BooleanField() published = false;
  @DateField() createdAt!: Date;
  @Ip() ip!: string;
  @Binary() blob!: string;
  @Completion() suggest!: string;
  @DenseVector({ dims: 3 }) vec!: number[];
  @ObjectField(() => Address) address!: Address;
  @Nested(() => Review, { multi: true }) reviews: Review[] = [];
}

describe('generate against the real node', () => {
  it('sees no change between a model and the index created from it (server defaults and spelling do not count)', async () => {
    await new OperationContext(client, { log: () => undefined }).createIndex(Rich);
    const [plan] = await planMigration(client, [Rich]);
    expect(plan?.changes).toEqual([]);
    expect(plan?.action).toBe('none');
  });

  it('plans putMapping, then migrateIndex, as the model gains a field and then changes one', async () => {
    @Document({ index: RICH, mappings: { dynamic: 'strict' } })
    class RicherAdded extends Rich {
      @Keyword() extra!: string;
    }
    const [added] = await planMigration(client, [RicherAdded]);
    expect(added?.action).toBe('putMapping');
    expect(added?.changes.map((c) => c.description)).toEqual(['extra: new keyword field']);

    @Document({ index: RICH, mappings: { dynamic: 'strict' } })
    class RicherChanged extends Rich {
      @Long() override likes = 0;
    }
    const [changed] = await planMigration(client, [RicherChanged]);
    expect(changed?.action).toBe('migrateIndex');
    expect(changed?.changes.map((c) => c.description)).toEqual(['likes: type integer → long']);
    expect(changed?.previous?.mappings).toMatchObject({
      properties: { likes: { type: 'integer' } },
    });
    expect(changed?.previous?.settings).toEqual({ number_of_shards: '1' });
  });

  it('plans nothing for fields that dynamic mapping added to the index (a copy would add them again)', async () => {
    await new OperationContext(client, { log: () => undefined }).createIndex(PostV1);
    await client.index({
      index: POSTS,
      document: { title: 'a', likes: 1, undeclared: 'kept by the model', extra: { n: 1 } },
      refresh: true,
    });
    const [plan] = await planMigration(client, [PostV1]);
    expect(plan?.changes).toEqual([]);
    expect(plan?.action).toBe('none');
    await client.indices.delete({ index: `${POSTS}-v*` });
  });
});

describe('Migrator (real node)', () => {
  const NAME = `${PREFIX}-runner`;

  it('down reverts in the reverse of the order migrations were applied, not of their names', async () => {
    const made = (n: string) =>
      `export async function up(ctx) { await ctx.createIndex({ name: '${NAME}-${n}' }); }
export async function down(ctx) { await ctx.deleteIndex('${NAME}-${n}'); }
`;
    await file('20260105000000_newer.mjs', made('newer'));
    const m = migrator();
    await m.up();
    // A migration from a branch merged late: its name is older, but it runs last.
    await file('20260104000000_merged_late.mjs', made('late'));
    expect((await m.up()).applied.map((a) => a.name)).toEqual(['20260104000000_merged_late']);
    expect((await m.down()).reverted).toEqual(['20260104000000_merged_late']);
    expect(await client.indices.exists({ index: `${NAME}-late` })).toBe(false);
    expect(await client.indices.exists({ index: `${NAME}-newer` })).toBe(true);
    expect((await m.down()).reverted).toEqual(['20260105000000_newer']);
  });

  it('applies files in order, records them, reports status, reverts with down', async () => {
    await file(
      '20260101000000_create.mjs',
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${NAME}', body: { mappings: { properties: { title: { type: 'keyword' } } } } });
  await ctx.client.index({ index: '${NAME}', id: '1', document: { title: 'Hello there' }, refresh: true });
}
export async function down(ctx) { await ctx.deleteIndex('${NAME}'); }
`,
    );
    await file(
      '20260102000000_retype.ts',
      `export async function up(ctx: any): Promise<void> {
  await ctx.migrateIndex({ name: '${NAME}', body: { mappings: { properties: { title: { type: 'text' } } } } });
}
export async function down(ctx: any): Promise<void> {
  await ctx.migrateIndex({ name: '${NAME}', body: { mappings: { properties: { title: { type: 'keyword' } } } } });
}
`,
    );
    const m = migrator();
    expect((await m.status()).map((e) => e.state)).toEqual(['pending', 'pending']);
    const dry = await m.up({ dryRun: true });
    expect(dry.applied.map((a) => a.name)).toEqual([
      '20260101000000_create',
      '20260102000000_retype',
    ]);
    expect(await client.indices.exists({ index: NAME })).toBe(false);

    const first = await m.up({ to: '20260101000000' });
    expect(first.applied.map((a) => a.name)).toEqual(['20260101000000_create']);
    expect(first.remaining).toEqual(['20260102000000_retype']);
    expect(await titlesMatching(NAME, 'hello')).toEqual([]);

    await m.up();
    const status = await m.status();
    expect(status.map((e) => `${e.state} ${e.name}`)).toEqual([
      'applied 20260101000000_create',
      'applied 20260102000000_retype',
    ]);
    expect(status[0]?.appliedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await titlesMatching(NAME, 'hello')).toEqual(['Hello there']);
    expect(await readLock(client, STATE)).toBeUndefined();

    expect((await m.up()).applied).toEqual([]);

    expect(await m.down()).toEqual({ reverted: ['20260102000000_retype'] });
    expect(await titlesMatching(NAME, 'hello')).toEqual([]);
    expect(await aliasTargets(NAME)).toEqual([`${NAME}-v3`]);
    expect(await m.down({ steps: 5 })).toEqual({ reverted: ['20260101000000_create'] });
    expect(await indicesMatching(`${NAME}*`)).toEqual([]);
    expect((await m.status()).map((e) => e.state)).toEqual(['pending', 'pending']);
  });

  it('a model that no longer says dynamic strict gets a putMapping that lifts it, after which nothing is planned', async () => {
    const name = `${PREFIX}-was-strict`;
    await new OperationContext(client, { log: () => undefined }).createIndex({
      name,
      body: { mappings: { dynamic: 'strict', properties: { n: { type: 'integer' } } } },
    });
    @Document({ index: name })
    class Relaxed {
      @Integer() n = 0;
    }
    const [before] = await planMigration(client, [Relaxed]);
    expect(before?.action).toBe('putMapping');
    await generateMigration({
      client,
      models: [Relaxed],
      dir,
      description: 'relax',
      language: 'mjs',
    });
    await migrator().up();
    const [after] = await planMigration(client, [Relaxed]);
    expect(after?.changes).toEqual([]);
    expect(after?.action).toBe('none');
  });

  it("a generated type change and its down keep the model's other alias with the index its own alias points to", async () => {
    const name = `${PREFIX}-aliased`;
    const read = `${name}-read`;
    @Document({ index: name, aliases: { [read]: {} } })
    class Before {
      @Integer() n = 0;
    }
    @Document({ index: name, aliases: { [read]: {} } })
    class After {
      @Long() n = 0;
    }
    await new OperationContext(client, { log: () => undefined }).createIndex(Before);
    await generateMigration({
      client,
      models: [After],
      dir,
      description: 'n long',
      language: 'mjs',
    });
    await migrator().up();
    expect(await aliasTargets(name)).toEqual([`${name}-v2`]);
    expect(await aliasTargets(read)).toEqual([`${name}-v2`]);
    await migrator().down();
    expect(await aliasTargets(name)).toEqual([`${name}-v3`]);
    expect(await aliasTargets(read)).toEqual([`${name}-v3`]);
  });

  it('a migrateIndex undone by a later failure swaps back, unless the new index took writes since the swap', async () => {
    const quiet = `${PREFIX}-undo-quiet`;
    const busy = `${PREFIX}-undo-busy`;
    const body = { mappings: { properties: { n: { type: 'long' } } } };
    for (const name of [quiet, busy]) {
      await new OperationContext(client, { log: () => undefined }).createIndex({
        name,
        body: { mappings: { properties: { n: { type: 'integer' } } } },
      });
      await client.index({ index: name, document: { n: 1 }, refresh: true });
    }
    await file(
      '20260101000000_undo.mjs',
      `export async function up(ctx) {
  await ctx.migrateIndex({ name: '${quiet}', body: ${JSON.stringify(body)} });
  await ctx.migrateIndex({ name: '${busy}', body: ${JSON.stringify(body)} });
  await ctx.client.index({ index: '${busy}', document: { n: 2 }, refresh: true });
  throw new Error('a later step failed');
}
`,
    );
    const error = (await migrator()
      .up()
      .catch((e: unknown) => e)) as MigrationFailedError;
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.rolledBack).toEqual([`step 1: migrateIndex ${quiet}`]);
    expect(error.message).toContain(
      `Kept (cannot be undone): step 2: migrateIndex ${busy} (${busy}-v2 took writes after ${busy} moved to it`,
    );
    expect(await aliasTargets(quiet)).toEqual([`${quiet}-v1`]);
    expect(await client.indices.exists({ index: `${quiet}-v2` })).toBe(false);
    // the write made through the alias after the swap is still there, and the index writable
    expect(await aliasTargets(busy)).toEqual([`${busy}-v2`]);
    await client.index({ index: busy, document: { n: 3 }, refresh: true });
    expect((await client.count({ index: busy })).count).toBe(3);
  });

  it("a throw of the migration's own code after a step names that step as done, not as the one that failed", async () => {
    const name = `${PREFIX}-own-code`;
    await file(
      '20260101000000_own_code.mjs',
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${name}', body: { mappings: { properties: { a: { type: 'keyword' } } } } });
  await ctx.client.indices.putMapping({ index: '${name}', properties: { a: { type: 'long' } } });
}
`,
    );
    const error = (await migrator()
      .up()
      .catch((e: unknown) => e)) as MigrationFailedError;
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error.step).toBe(`after step 1: createIndex ${name}`);
    expect(error.message).toContain(
      `Migration 20260101000000_own_code failed after step 1: createIndex ${name}: 400 illegal_argument_exception`,
    );
    expect(error.rolledBack).toEqual([`step 1: createIndex ${name}`]);
  });

  it('a migration that ran but could not be recorded says its changes stay; the next up records it without running its steps again', async () => {
    const name = `${PREFIX}-unrecorded`;
    await file(
      '20260101000000_unrecorded.mjs',
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${name}', body: { mappings: { properties: { a: { type: 'keyword' } } } } });
  await ctx.client.indices.putSettings({ index: '${STATE}', settings: { 'index.blocks.write': true } });
}
`,
    );
    const logged: string[] = [];
    const error = await migrator({ log: (m) => logged.push(m) })
      .up()
      .catch((e: unknown) => e);
    await client.indices.putSettings({ index: STATE, settings: { 'index.blocks.write': null } });
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_FAILED' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Migration 20260101000000_unrecorded ran, but recording it in ${STATE} failed: 403 cluster_block_exception.*Its changes stay; its steps are journaled as done, so the next up records it without running them again`,
      ),
    );
    expect(await aliasTargets(name)).toEqual([`${name}-v1`]);
    expect(logged.some((m) => m.startsWith('could not release the lock'))).toBe(true);
    const [entry] = await migrator().status();
    expect(entry).toMatchObject({
      state: 'partial',
      partial: { done: [`step 1: createIndex ${name}`], orphans: [], blocked: [] },
    });
    // The rerun skips the journaled step, whose putSettings would block the state index again.
    await file(
      '20260101000000_unrecorded.mjs',
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${name}', body: { mappings: { properties: { a: { type: 'keyword' } } } } });
}
`,
    );
    const again: string[] = [];
    // The lock could not be released either; this process still runs, so it is forced here (a
    // new process would take over the lock of this host's dead pid by itself).
    const rerun = await migrator({ log: (m) => again.push(m), lock: { forceUnlock: true } }).up();
    expect(rerun.applied.map((a) => a.name)).toEqual(['20260101000000_unrecorded']);
    expect(again).toContain(`step 1: createIndex ${name}: done by an earlier run; skipped`);
    expect((await migrator().status()).map((e) => e.state)).toEqual(['applied']);
  });

  it('an aborted run stops the copy, undoes the running migration, releases the lock and starts no other', async () => {
    const name = `${PREFIX}-aborted`;
    await new OperationContext(client, { log: () => undefined }).createIndex({
      name,
      body: { mappings: { properties: { n: { type: 'integer' } } } },
    });
    await client.helpers.bulk({
      datasource: Array.from({ length: 2000 }, (_, n) => ({ n })),
      onDocument: () => ({ index: { _index: name } }),
      refreshOnCompletion: name,
    });
    const body = JSON.stringify({ mappings: { properties: { n: { type: 'long' } } } });
    await file(
      '20260101000000_copy.mjs',
      // The transform pulls the plug in the middle of the copy (as Ctrl-C would).
      `export async function up(ctx) {\n  await ctx.migrateIndex({ name: '${name}', body: ${body} }, { batchSize: 100, transform: (s) => { if (s.n === 500) globalThis.abortMigration(); return s; } });\n}\n`,
    );
    await file('20260102000000_after.mjs', 'export function up(ctx) { ctx.log("after ran"); }\n');
    const controller = new AbortController();
    const scope = globalThis as { abortMigration?: () => void };
    scope.abortMigration = () => controller.abort();
    const logged: string[] = [];
    const error = await migrator({ signal: controller.signal, log: (m) => logged.push(m) })
      .up()
      .catch((e: unknown) => e)
      .finally(() => delete scope.abortMigration);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as MigrationFailedError).step).toBe(`step 1: migrateIndex ${name}`);
    expect((error as Error).message).toContain(
      `copying ${name}-v1 into ${name}-v2 failed: This operation was aborted; ${name}-v2 was deleted`,
    );
    expect(await aliasTargets(name)).toEqual([`${name}-v1`]);
    expect(await client.indices.exists({ index: `${name}-v2` })).toBe(false);
    await client.index({ index: name, document: { n: -1 }, refresh: true }); // writable again
    expect(logged).not.toContain('after ran');
    expect((await migrator().status()).map((e) => e.state)).toEqual(['pending', 'pending']);
    expect(await readLock(client, STATE)).toBeUndefined();
  });

  it('undoing updateAliases puts a removed filtered alias and an overwritten one back as they were', async () => {
    const name = `${PREFIX}-aliases-undo`;
    const tenant = `${name}-tenant`;
    const writer = `${name}-writer`;
    await client.indices.create({
      index: name,
      mappings: { properties: { tenant: { type: 'keyword' } } },
      aliases: {
        [tenant]: { filter: { term: { tenant: 'a' } }, index_routing: 'a', search_routing: 'a' },
        [writer]: { is_write_index: true },
      },
    });
    await file(
      '20260101000000_aliases.mjs',
      `export async function up(ctx) {
  await ctx.updateAliases([
    { remove: { index: '${name}', alias: '${tenant}' } },
    { add: { index: '${name}', alias: '${writer}', is_write_index: false } },
    { add: { index: '${name}', alias: '${name}-new' } },
  ]);
  throw new Error('a later step failed');
}
`,
    );
    const error = (await migrator()
      .up()
      .catch((e: unknown) => e)) as MigrationFailedError;
    expect(error.rolledBack).toEqual(['step 1: updateAliases (3 actions)']);
    const aliases = (await client.indices.getAlias({ index: name }))[name]?.aliases;
    expect(aliases).toEqual({
      [tenant]: { filter: { term: { tenant: 'a' } }, index_routing: 'a', search_routing: 'a' },
      [writer]: { is_write_index: true },
    });
  });

  it('a migration that throws is not recorded, its steps are undone, the lock is released and the step is named', async () => {
    const name = `${PREFIX}-failing`;
    await file(
      '20260101000000_failing.mjs',
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${name}', body: { mappings: { properties: { a: { type: 'keyword' } } } } });
  await ctx.updateAliases([{ add: { index: '${name}-v1', alias: '${name}-extra' } }]);
  await ctx.putMapping({ name: '${name}-missing', body: { mappings: { properties: { b: { type: 'keyword' } } } } });
}
`,
    );
    const error = await migrator()
      .up()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    const failed = error as MigrationFailedError;
    expect(failed.code).toBe('ORM_MIGRATION_FAILED');
    expect(failed.step).toBe(`step 3: putMapping ${name}-missing`);
    expect(failed.rolledBack).toEqual([
      `step 2: updateAliases (1 actions)`,
      `step 1: createIndex ${name}`,
    ]);
    expect(failed.message).toContain('It was not recorded');
    expect(await indicesMatching(`${name}*`)).toEqual([]);
    expect(await client.indices.existsAlias({ name: `${name}-extra` })).toBe(false);
    expect((await migrator().status()).map((e) => e.state)).toEqual(['pending']);
    expect(await readLock(client, STATE)).toBeUndefined();
  });

  it('a down() that throws keeps the migration recorded and undoes its steps', async () => {
    const name = `${PREFIX}-baddown`;
    await file(
      '20260101000000_baddown.mjs',
      `export async function up() {}
export async function down(ctx) {
  await ctx.createIndex({ name: '${name}', body: {} });
  throw new Error('down is broken');
}
`,
    );
    await migrator().up();
    const error = await migrator()
      .down()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain('down is broken');
    expect((error as MigrationFailedError).rolledBack).toEqual([`step 1: createIndex ${name}`]);
    expect(await indicesMatching(`${name}*`)).toEqual([]);
    expect((await migrator().status()).map((e) => e.state)).toEqual(['applied']);
  });

  it('down of a migration without down() fails with ORM_MIGRATION_INVALID and keeps it applied', async () => {
    await file('20260101000000_oneway.mjs', 'export async function up() {}\n');
    await migrator().up();
    await expect(migrator().down()).rejects.toThrow(/exports no down\(ctx\)/);
    expect((await migrator().status()).map((e) => e.state)).toEqual(['applied']);
  });

  it('applies a pending migration older than the newest applied one, with a note', async () => {
    await file('20260102000000_b.mjs', 'export function up() {}\n');
    await migrator().up();
    await file('20260101000000_a.mjs', 'export function up() {}\n');
    const lines: string[] = [];
    const result = await migrator({ log: (m) => lines.push(m) }).up();
    expect(result.applied.map((a) => a.name)).toEqual(['20260101000000_a']);
    expect(lines).toContain(
      'note: 20260101000000_a is older than the newest applied migration 20260102000000_b',
    );
  });

  it('refuses to run when an applied migration was edited, and status shows changed and missing files', async () => {
    await file('20260101000000_noop.mjs', 'export function up() {}\n');
    await file('20260102000000_gone.mjs', 'export function up() {}\n');
    await migrator().up();
    await file('20260101000000_noop.mjs', 'export function up() { /* edited */ }\n');
    await rm(join(dir, '20260102000000_gone.mjs'));
    expect((await migrator().status()).map((e) => `${e.state} ${e.name}`)).toEqual([
      'changed 20260101000000_noop',
      'missing 20260102000000_gone',
    ]);
    await expect(migrator().up()).rejects.toMatchObject({ code: 'ORM_MIGRATION_INVALID' });
    await expect(migrator().down()).rejects.toMatchObject({ code: 'ORM_MIGRATION_MISSING' });
  });
});

describe('migration lock (real node)', () => {
  it('two runners at once: exactly one applies, the other gets ORM_MIGRATION_LOCKED naming holder, host, pid and since', async () => {
    // The migration holds the lock until one runner has ended (the refused one, if the lock
    // works), not for a fixed time that a runner delayed by a loaded machine could outlast.
    const gate = globalThis as { elastiqMigrationGate?: Promise<void> };
    let open = () => {};
    gate.elastiqMigrationGate = new Promise<void>((resolve) => {
      open = resolve;
    });
    await file(
      '20260101000000_slow.mjs',
      `export async function up(ctx) { await Promise.race([globalThis.elastiqMigrationGate, new Promise((r) => setTimeout(r, 30000))]); ctx.log('slow done'); }\n`,
    );
    const runs = [
      migrator({ lock: { holder: 'runner-a' } }).up(),
      migrator({ lock: { holder: 'runner-b' } }).up(),
    ];
    await Promise.race(runs.map((run) => run.catch(() => undefined)));
    open();
    const results = await Promise.allSettled(runs);
    delete gate.elastiqMigrationGate;
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect((fulfilled[0] as PromiseFulfilledResult<UpResult>).value.applied).toHaveLength(1);
    const error = (rejected[0] as PromiseRejectedResult).reason as MigrationLockedError;
    expect(error).toBeInstanceOf(MigrationLockedError);
    expect(error.code).toBe('ORM_MIGRATION_LOCKED');
    expect(['runner-a', 'runner-b']).toContain(error.lock.holder);
    expect(error.lock.host).toBe(hostname());
    expect(error.lock.pid).toBe(process.pid);
    expect(error.message).toContain(
      `on ${hostname()} (pid ${process.pid}) since ${error.lock.since}`,
    );
    expect((await migrator().status()).filter((e) => e.state === 'applied')).toHaveLength(1);
    expect(await readLock(client, STATE)).toBeUndefined();
  });

  it('a lock of another host is taken over once its lease runs out, or at once with forceUnlock; one of a dead pid on this host at once', async () => {
    await file('20260101000000_noop.mjs', 'export function up() {}\n');
    const since = new Date(Date.now() - 60_000).toISOString();
    await ensureStateIndex(client, STATE);
    const plant = (host: string, pid: number) =>
      client.index({
        index: STATE,
        id: '_lock',
        document: { type: 'lock', token: 't', holder: 'dead', host, pid, since },
        refresh: true,
      });
    await plant('gone', 1);
    const plain = await migrator()
      .up()
      .catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(MigrationLockedError);
    expect((plain as Error).message).toContain('Migrations are locked by dead on gone (pid 1)');
    expect((plain as Error).message).toMatch(
      /takes the lock over in \d+s, when its lease of 120s runs out/,
    );
    const logged: string[] = [];
    const expired = await migrator({
      lock: { staleAfterMs: 30_000 },
      log: (m) => logged.push(m),
    }).up();
    expect(expired.applied.map((a) => a.name)).toEqual(['20260101000000_noop']);
    expect(logged[0]).toMatch(
      /^took over the migration lock of dead on gone \(pid 1\): it was last renewed 6\d+s ago, past its lease of 30s$/,
    );
    expect(await readLock(client, STATE)).toBeUndefined();

    await file('20260101000001_noop.mjs', 'export function up() {}\n');
    await plant('gone', 1);
    const forced = await migrator({ lock: { forceUnlock: true } }).up();
    expect(forced.applied.map((a) => a.name)).toEqual(['20260101000001_noop']);

    await file('20260101000002_noop.mjs', 'export function up() {}\n');
    await plant(hostname(), 4_194_305); // above Linux's pid_max: no such process here
    const dead = await migrator().up();
    expect(dead.applied.map((a) => a.name)).toEqual(['20260101000002_noop']);
    expect(await readLock(client, STATE)).toBeUndefined();
  });

  it('the holder renews its lock on the real node, also in a state index made before renewal existed', async () => {
    await client.indices.create({
      index: STATE,
      mappings: {
        dynamic: 'strict',
        properties: Object.fromEntries(
          ['type', 'name', 'checksum', 'token', 'holder', 'host'].map((f) => [
            f,
            { type: 'keyword' },
          ]),
        ),
      },
    });
    await client.indices.putMapping({
      index: STATE,
      properties: {
        applied_at: { type: 'date' },
        since: { type: 'date' },
        duration_ms: { type: 'long' },
        pid: { type: 'integer' },
      },
    });
    await ensureStateIndex(client, STATE);
    const warnings: string[] = [];
    const held = await acquireLock(client, STATE, {
      renewEveryMs: 50,
      onRenewError: (m) => warnings.push(m),
    });
    // A busy machine may take a while for the first renewal: wait for it (5 s at most).
    let renewed = (await readLock(client, STATE))?.lock;
    for (let i = 0; i < 50 && renewed?.renewed === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      renewed = (await readLock(client, STATE))?.lock;
    }
    await held.release();
    expect(warnings).toEqual([]);
    expect(renewed?.token).toBe(held.info.token);
    expect(Date.parse(renewed?.renewed ?? '')).toBeGreaterThan(Date.parse(held.info.since));
    expect(await readLock(client, STATE)).toBeUndefined();
  });
});
