import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrate } from '../../../src/cli/migrate.js';
import { Client } from '../../../src/core/client.js';
import { listMigrationFiles } from '../../../src/orm/migrations/migration-files.js';
import { Migrator } from '../../../src/orm/migrations/migrator.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

// Nothing listens there: a command that reached the cluster would fail with ELASTIQ_CONNECTION.
const NOWHERE = 'http://127.0.0.1:1';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-cli-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a migrations folder that is missing or holds no migration', () => {
  it('listMigrationFiles refuses a missing folder, naming the resolved path and how to start', async () => {
    const error = await listMigrationFiles(join(dir, 'migratoins')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_NO_MIGRATIONS' });
    expect((error as Error).message).toContain(
      `No migrations folder at ${join(dir, 'migratoins')}`,
    );
    expect((error as Error).message).toContain('elastiq migrate create <description>');
  });

  it('listMigrationFiles refuses a folder without migration files, unless asked to allow it', async () => {
    await writeFile(join(dir, 'README.md'), '# notes');
    const error = await listMigrationFiles(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_NO_MIGRATIONS' });
    expect((error as Error).message).toContain(`No migration files in ${dir}`);
    expect(await listMigrationFiles(dir, { allowEmpty: true })).toEqual([]);
  });

  it('the library Migrator refuses it too', async () => {
    const client = new Client({ node: NOWHERE, maxRetries: 0 });
    try {
      const migrator = new Migrator({ client, dir: join(dir, 'nope') });
      await expect(migrator.up({ dryRun: true })).rejects.toMatchObject({
        code: 'ORM_NO_MIGRATIONS',
      });
    } finally {
      await client.close();
    }
  });

  it.each(['up', 'down', 'status'])(
    '%s of a misspelt folder exits 1 with ORM_NO_MIGRATIONS before reaching the cluster',
    async (command) => {
      const { io, out, err } = capture();
      const missing = join(dir, 'migratoins');
      expect(await runMigrate([command, '--dir', missing, '--url', NOWHERE], io)).toBe(1);
      expect(err.join('\n')).toContain(`No migrations folder at ${missing}`);
      expect(err.join('\n')).toContain('[ORM_NO_MIGRATIONS]');
      expect(out.join('\n')).not.toContain('Nothing to apply');
    },
  );

  it('up of an empty folder exits 1 with ORM_NO_MIGRATIONS', async () => {
    const empty = join(dir, 'migrations');
    await mkdir(empty);
    const { io, err } = capture();
    expect(await runMigrate(['up', '--dir', empty, '--url', NOWHERE], io)).toBe(1);
    expect(err.join('\n')).toContain(`No migration files in ${empty}`);
  });

  it('create still makes a missing folder and writes the first migration there', async () => {
    const fresh = join(dir, 'new', 'migrations');
    const { io, out } = capture();
    expect(await runMigrate(['create', 'first', '--dir', fresh], io)).toBe(0);
    expect(out.join('')).toContain(join(fresh, ''));
  });
});

describe('flags of each migrate subcommand', () => {
  async function usageError(argv: string[]): Promise<string> {
    const { io, err } = capture();
    // The flags under test come last, so that they win over these.
    expect(await runMigrate(['--dir', dir, '--url', NOWHERE, ...argv], io)).toBe(2);
    const text = err.join('\n');
    expect(text).toContain('[ELASTIQ_MIGRATE_USAGE]');
    return text;
  }

  it.each([
    [['down', '--steps', 'x'], "--steps must be a positive integer, not 'x'"],
    [['down', '--steps', '1.5'], "--steps must be a positive integer, not '1.5'"],
    [['down', '--steps', ''], "--steps must be a positive integer, not ''"],
    [['up', '--lock-age', 'soon'], "--lock-age must be a positive integer, not 'soon'"],
    [['down', '--lock-age', '0'], "--lock-age must be a positive integer, not '0'"],
    [['generate', '--lang', 'py'], "--lang must be ts, js or mjs, not 'py'"],
    [['up', '--to', ''], '--to needs a migration name or timestamp'],
    [
      ['status', '--url', 'localhost:9200'],
      "--url must be an http:// or https:// URL, not 'localhost:9200'",
    ],
    [['status', '--state-index', ''], '--state-index needs an index name'],
  ])('%j is refused: %s', async (argv, message) => {
    expect(await usageError(argv)).toContain(message);
  });

  it.each([
    [['up', '--steps', '2'], '--steps is an option of down, not of up'],
    [['status', '--steps', 'x'], '--steps is an option of down, not of status'],
    [['down', '--to', '2026'], '--to is an option of up, not of down'],
    [['status', '--dry-run'], '--dry-run is an option of up, not of status'],
    [['up', '--models', 'm.ts'], '--models is an option of generate, not of up'],
    [['status', '--lang', 'js'], '--lang is an option of create and generate, not of status'],
    [['status', '--force-unlock'], '--force-unlock is an option of up and down, not of status'],
    [['unlock', '--lock-age', '60'], '--lock-age is an option of up and down, not of unlock'],
  ])('%j is refused rather than ignored: %s', async (argv, message) => {
    expect(await usageError(argv)).toContain(message);
  });

  it.each([
    [['up', '--stpes', '2'], "Unknown option '--stpes'; did you mean --steps?"],
    [['up', '--dry_run'], "Unknown option '--dry_run'; did you mean --dry-run?"],
    [['status', '--state-idx', 'x'], "Unknown option '--state-idx'; did you mean --state-index?"],
    [['up', '--password', 'secret'], "Unknown option '--password'"],
  ])('an unknown flag %j names the nearest known one', async (argv, message) => {
    expect(await usageError(argv)).toContain(message);
  });

  it('a flag without its value is a usage error naming the flag', async () => {
    expect(await usageError(['down', '--steps'])).toContain('--steps');
  });

  it('a command line error is found before the folder is looked at', async () => {
    const { io, err } = capture();
    const argv = ['down', '--steps', 'x', '--dir', join(dir, 'missing'), '--url', NOWHERE];
    expect(await runMigrate(argv, io)).toBe(2);
    expect(err.join('\n')).not.toContain('ORM_NO_MIGRATIONS');
  });
});
