import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { MigrationFailedError } from '../../../src/orm/migrations/migration-errors.js';
import { Migrator } from '../../../src/orm/migrations/migrator.js';

const node = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const client = new Client({ node });
const PREFIX = `orm-journal-${process.pid}-${Date.now()}`;
let dir: string;
let STATE: string;
let round = 0;

beforeAll(cleanup);
afterAll(async () => {
  await cleanup();
  await client.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-journal-'));
  STATE = `${PREFIX}-state-${++round}`;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function cleanup(): Promise<void> {
  await client.indices.delete(
    { index: `${PREFIX}*`, expand_wildcards: 'all', allow_no_indices: true },
    { ignore: [404] },
  );
}

function migrator(): Migrator {
  return new Migrator({ client, dir, stateIndex: STATE });
}

async function seed(index: string, count: number): Promise<void> {
  await client.indices.create({
    index: `${index}-v1`,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { code: { type: 'keyword' }, n: { type: 'integer' } } },
    aliases: { [index]: {} },
  });
  const operations = [];
  for (let i = 0; i < count; i++) {
    operations.push({ index: { _id: String(i) } }, { code: `c${i}`, n: i });
  }
  await client.bulk({ index: index, operations, refresh: true });
}

async function aliasTargets(alias: string): Promise<string[]> {
  if (!(await client.indices.existsAlias({ name: alias }))) return [];
  return Object.keys(await client.indices.getAlias({ name: alias })).sort();
}

async function writeBlock(index: string): Promise<unknown> {
  const settings = (await client.indices.getSettings({ index })) as Record<
    string,
    { settings: { index: { blocks?: { write?: unknown } } } }
  >;
  return settings[index]?.settings.index.blocks?.write;
}

// Renames code to sku: run twice on the same document, it loses the value.
const RENAME = `(doc) => { const { code, ...rest } = doc; return { ...rest, sku: code }; }`;
const SKU_MAPPING = JSON.stringify({
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { properties: { sku: { type: 'keyword' }, n: { type: 'integer' } } },
});

describe('the migration journal (real node)', () => {
  it('a rerun after a later step failed does not run a kept migrateIndex again: a non-idempotent transform loses nothing', async () => {
    const items = `${PREFIX}-items`;
    await seed(items, 300);
    const migration = (fail: boolean) => `export async function up(ctx) {
  await ctx.migrateIndex({ name: '${items}', body: ${SKU_MAPPING} }, { transform: ${RENAME} });
  await ctx.client.index({ index: '${items}', id: 'new', document: { sku: 'written-after-swap', n: -1 }, refresh: true });
  ${fail ? "throw new Error('a later step failed');" : ''}
}
`;
    await writeFile(join(dir, '20260101000000_rename.mjs'), migration(true));
    const error = await migrator()
      .up()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain('Kept (cannot be undone)');
    expect(await aliasTargets(items)).toEqual([`${items}-v2`]);
    const status = await migrator().status();
    expect(status[0]).toMatchObject({ state: 'partial' });

    // "Fix the migration and run it again"
    await writeFile(join(dir, '20260101000000_rename.mjs'), migration(false));
    const done = await migrator().up();
    expect(done.applied.map((a) => a.name)).toEqual(['20260101000000_rename']);
    expect(await aliasTargets(items)).toEqual([`${items}-v2`]);
    const withSku = await client.count({ index: items, query: { exists: { field: 'sku' } } });
    expect(withSku.count).toBe(301);
    expect(await client.indices.exists({ index: `${items}-v3` })).toBe(false);
    expect(await writeBlock(`${items}-v1`)).toBeUndefined();
    expect((await migrator().status())[0]).toMatchObject({ state: 'applied' });
  });

  it('a failure that met an index block names the index and the block, and how it is lifted', async () => {
    const blocked = `${PREFIX}-blocked`;
    await client.indices.create({ index: blocked });
    await client.indices.addBlock({ index: blocked, block: 'write' });
    await writeFile(
      join(dir, '20260101000000_write.mjs'),
      `export async function up(ctx) {
  await ctx.client.index({ index: '${blocked}', document: { a: 1 } });
}
`,
    );
    const error = await migrator()
      .up()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain(
      `${blocked} is blocked (FORBIDDEN/8/index write (api)): if a migration that died set it, elastiq migrate up lifts it`,
    );
    expect((error as Error).message).toContain(
      `otherwise lift it with PUT ${blocked}/_settings {"index.blocks.write": null}`,
    );
  });

  it('a runner whose lock is taken over stops at once without undoing anything, and starts no other migration', async () => {
    const first = `${PREFIX}-lost-a`;
    await writeFile(
      join(dir, '20260101000000_first.mjs'),
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${first}', body: {} });
  // Another runner takes the lock over (as after a lease that ran out during a long stall).
  const since = new Date().toISOString();
  await ctx.client.index({ index: '${STATE}', id: '_lock', refresh: true,
    document: { type: 'lock', token: 'other', holder: 'other', host: 'elsewhere', pid: 1, since } });
  await new Promise((resolve) => setTimeout(resolve, 60_000).unref());
}
`,
    );
    await writeFile(join(dir, '20260101000001_second.mjs'), 'export async function up() {}\n');
    const started = Date.now();
    const error = await new Migrator({ client, dir, stateIndex: STATE, lock: { renewEveryMs: 50 } })
      .up()
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as Error).message).toContain(
      `the migration lock ${STATE}/_lock was taken over by other on elsewhere (pid 1)`,
    );
    expect((error as Error).message).toContain('Nothing was undone');
    expect(await aliasTargets(first)).toEqual([`${first}-v1`]);
    const status = await migrator().status();
    expect(status.map((e) => e.state)).toEqual(['partial', 'pending']);
    // The lock is the other runner's still.
    expect((await client.get({ index: STATE, id: '_lock' }))._source).toMatchObject({
      token: 'other',
    });
  });

  it('up refuses to run when a migration recorded as applied has no file in the folder (a wrong --dir)', async () => {
    await writeFile(join(dir, '20260101000000_first.mjs'), 'export async function up() {}\n');
    await migrator().up();
    await rm(join(dir, '20260101000000_first.mjs'));
    await writeFile(join(dir, '20260101000001_other.mjs'), 'export async function up() {}\n');
    const error = await migrator()
      .up()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_MISSING' });
    expect((error as Error).message).toContain(
      `1 migration(s) recorded as applied have no file in ${dir}: 20260101000000_first. Check that this is the migrations folder (--dir)`,
    );
    expect((await migrator().status()).map((e) => [e.name, e.state])).toEqual([
      ['20260101000000_first', 'missing'],
      ['20260101000001_other', 'pending'],
    ]);
  });
});
