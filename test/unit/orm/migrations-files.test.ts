import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../../../src/core/client.js';
import { OrmError } from '../../../src/orm/errors.js';
import {
  checksumOf,
  listMigrationFiles,
  loadMigration,
  migrationFileName,
  parseMigrationFileName,
  slugify,
  timestampOf,
} from '../../../src/orm/migrations/migration-files.js';
import {
  createMigration,
  generateMigration,
} from '../../../src/orm/migrations/migration-generate.js';
import { selectUpTo, statusOf } from '../../../src/orm/migrations/migrator.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('migration file names', () => {
  it('slugifies a description into lowercase words joined by _', () => {
    expect(slugify('Add tags to Posts!')).toBe('add_tags_to_posts');
    expect(slugify('  Ünïcode  café ')).toBe('unicode_cafe');
  });

  it('refuses a description without letters or digits', () => {
    expect(() => slugify('!!!')).toThrow(/has no letters or digits/);
  });

  it('prefixes the UTC timestamp to the second', () => {
    const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(timestampOf(when)).toBe('20260102030405');
    expect(migrationFileName('add tags', when, 'ts')).toBe('20260102030405_add_tags.ts');
  });

  it('parses only YYYYMMDDHHMMSS_description.{ts,js,mjs} names', () => {
    expect(parseMigrationFileName('20260102030405_add_tags.ts')).toBe('20260102030405_add_tags');
    expect(parseMigrationFileName('20260102030405_add-tags.mjs')).toBe('20260102030405_add-tags');
    expect(parseMigrationFileName('2026010203_add.ts')).toBeUndefined();
    expect(parseMigrationFileName('20260102030405_add.cjs')).toBeUndefined();
    expect(parseMigrationFileName('README.md')).toBeUndefined();
  });
});

describe('checksums', () => {
  it('is the sha256 of the text, the same for CRLF and LF line endings', () => {
    expect(checksumOf('a\nb\n')).toBe(checksumOf('a\r\nb\r\n'));
    expect(checksumOf('a\nb\n')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksumOf('a\nb\n')).not.toBe(checksumOf('a\nc\n'));
  });
});

describe('listMigrationFiles', () => {
  it('orders files by timestamp and skips unrelated files and .d.ts', async () => {
    await writeFile(join(dir, '20260103000000_c.mjs'), 'export function up() {}');
    await writeFile(join(dir, '20260101000000_a.ts'), 'export function up() {}');
    await writeFile(join(dir, '20260102000000_b.js'), 'export function up() {}');
    await writeFile(join(dir, 'README.md'), '# notes');
    await writeFile(join(dir, '20260101000000_a.d.ts'), 'export {};');
    const files = await listMigrationFiles(dir);
    expect(files.map((f) => f.name)).toEqual([
      '20260101000000_a',
      '20260102000000_b',
      '20260103000000_c',
    ]);
    expect(files[0]?.checksum).toBe(checksumOf('export function up() {}'));
  });

  it('refuses a directory that does not exist (a mistyped path is not "nothing to do")', async () => {
    await expect(listMigrationFiles(join(dir, 'nope'))).rejects.toMatchObject({
      code: 'ORM_NO_MIGRATIONS',
    });
  });

  it('fails on a near miss instead of silently skipping it', async () => {
    await writeFile(join(dir, '20260101_add tags.ts'), '');
    await expect(listMigrationFiles(dir)).rejects.toThrow(/does not follow YYYYMMDDHHMMSS/);
  });

  it('fails when two files share a name with different extensions', async () => {
    await writeFile(join(dir, '20260101000000_a.ts'), '');
    await writeFile(join(dir, '20260101000000_a.mjs'), '');
    await expect(listMigrationFiles(dir)).rejects.toMatchObject({
      code: 'ORM_MIGRATION_INVALID',
    });
  });
});

describe('loadMigration', () => {
  it('loads a .ts migration through tsx and an .mjs one natively', async () => {
    await writeFile(
      join(dir, '20260101000000_a.ts'),
      'export async function up(ctx: { log(m: string): void }): Promise<void> { ctx.log("ts"); }',
    );
    await writeFile(join(dir, '20260102000000_b.mjs'), 'export const up = () => "mjs";');
    const [ts, mjs] = await listMigrationFiles(dir);
    const logged: string[] = [];
    await (await loadMigration<{ log(m: string): void }>(ts!)).up({ log: (m) => logged.push(m) });
    expect(logged).toEqual(['ts']);
    expect(await (await loadMigration(mjs!)).up(undefined)).toBe('mjs');
  });

  it('names the file when a migration does not even load (a syntax error)', async () => {
    await writeFile(join(dir, '20260101000000_a.mjs'), 'export async function up( {');
    const [file] = await listMigrationFiles(dir);
    const error = await loadMigration(file!).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_INVALID' });
    expect((error as Error).message).toContain(`Cannot load ${file!.path}:`);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects a module without up() with ORM_MIGRATION_INVALID', async () => {
    await writeFile(join(dir, '20260101000000_a.mjs'), 'export const down = () => 1;');
    const [file] = await listMigrationFiles(dir);
    const error = await loadMigration(file!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmError);
    expect(error).toMatchObject({ code: 'ORM_MIGRATION_INVALID' });
    expect((error as Error).message).toContain('does not export an up(ctx) function');
  });
});

describe('createMigration', () => {
  it('writes a template with up and down, and never reuses a timestamp', async () => {
    const now = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
    const first = await createMigration({ dir, description: 'add tags', now });
    const second = await createMigration({ dir, description: 'add likes', now });
    expect(first.endsWith('20260601120000_add_tags.ts')).toBe(true);
    expect(second.endsWith('20260601120001_add_likes.ts')).toBe(true);
    const [file] = await listMigrationFiles(dir);
    const module = await loadMigration<{ log(m: string): void }>(file!);
    expect(typeof module.down).toBe('function');
  });
});

describe('status and selection', () => {
  const file = (name: string, checksum = 'c') => ({ name, path: `/m/${name}.ts`, checksum });
  const record = (name: string, checksum = 'c') => ({
    name,
    checksum,
    applied_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 5,
  });

  it('reports applied, pending, changed-checksum and missing-file migrations in name order', () => {
    const entries = statusOf(
      [file('20260101000000_a'), file('20260102000000_b', 'new'), file('20260104000000_d')],
      [record('20260101000000_a'), record('20260102000000_b', 'old'), record('20260103000000_c')],
    );
    expect(entries.map((e) => `${e.state} ${e.name}`)).toEqual([
      'applied 20260101000000_a',
      'changed 20260102000000_b',
      'missing 20260103000000_c',
      'pending 20260104000000_d',
    ]);
  });

  it('selects pending migrations up to a name or a timestamp, and rejects an unknown one', () => {
    const all = [file('20260101000000_a'), file('20260102000000_b'), file('20260103000000_c')];
    expect(selectUpTo(all, '20260102000000_b', all).map((f) => f.name)).toEqual([
      '20260101000000_a',
      '20260102000000_b',
    ]);
    expect(selectUpTo(all, '20260101000000', all)).toHaveLength(1);
    expect(() => selectUpTo(all, 'nope', all)).toThrow(/No migration named nope/);
  });
});

describe('generateMigration', () => {
  it('refuses a models module without @Document classes before touching the cluster', async () => {
    const client = {} as Client; // any call on it would throw
    await expect(
      generateMigration({ client, models: [], dir, description: 'x', source: 'src/models.ts' }),
    ).rejects.toThrow(/src\/models\.ts exports no @Document model classes/);
  });
});
