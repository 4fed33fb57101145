import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import {
  clusterUrl,
  MIGRATE_USAGE,
  modelsPath,
  parseMigrateArgs,
  runMigrate,
} from '../../../src/cli/migrate.js';
import { MigrateUsageError } from '../../../src/cli/migrate-errors.js';
import {
  formatGenerate,
  formatStatus,
  formatUp,
  progressLine,
} from '../../../src/cli/migrate-output.js';
import { ElastiqError } from '../../../src/core/errors.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-cli-unit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('elastiq migrate command line', () => {
  it('is listed in the top-level usage and reachable through the dispatcher', async () => {
    const { io, out } = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('migrate');
    const help = capture();
    expect(await run(['migrate', '--help'], help.io)).toBe(0);
    expect(help.out.join('')).toBe(MIGRATE_USAGE);
  });

  it('shows every command and option in its help', () => {
    for (const text of [
      'up ',
      'down ',
      'status ',
      'create <description>',
      'generate [description]',
      '--to <name>',
      '--dry-run',
      '--steps <n>',
      '--models <module>',
      '--url <url>',
      '--dir <dir>',
      '--state-index <name>',
      '--force-unlock',
      '--lock-age <seconds>',
      '--json',
    ]) {
      expect(MIGRATE_USAGE).toContain(text);
    }
  });

  it('exits 2 with usage when no subcommand is given', async () => {
    const { io, out } = capture();
    expect(await runMigrate([], io)).toBe(2);
    expect(out.join('')).toContain('Usage: elastiq migrate');
  });

  it('rejects an unknown subcommand, flag or bad number with ELASTIQ_MIGRATE_USAGE (exit 2)', async () => {
    for (const argv of [
      ['frobnicate'],
      ['up', '--bogus'],
      ['down', '--steps', 'two'],
      ['up', '--lock-age', '-1'],
    ]) {
      const { io, err } = capture();
      expect(await runMigrate(argv, io)).toBe(2);
      expect(err.join('')).toContain('[ELASTIQ_MIGRATE_USAGE]');
    }
  });

  it('refuses create without a description and an unknown --lang', async () => {
    const empty = capture();
    expect(await runMigrate(['create', '--dir', dir], empty.io)).toBe(2);
    expect(empty.err.join('')).toContain('create needs a description');
    const lang = capture();
    expect(await runMigrate(['create', 'x', '--lang', 'py', '--dir', dir], lang.io)).toBe(2);
    expect(lang.err.join('')).toContain("--lang must be ts, js or mjs, not 'py'");
  });

  it('create writes the file without touching a cluster, and prints its path as JSON', async () => {
    const { io, out } = capture();
    expect(
      await runMigrate(['create', 'Add', 'tags', '--dir', dir, '--lang', 'mjs', '--json'], io),
    ).toBe(0);
    const { path } = JSON.parse(out[0]!) as { path: string };
    expect(path).toMatch(/\d{14}_add_tags\.mjs$/);
    expect(path.startsWith(dir)).toBe(true);
  });

  it('parses positionals and flags', () => {
    const { values, positionals } = parseMigrateArgs(['up', '--to', '2026', '--dry-run', '--json']);
    expect(positionals).toEqual(['up']);
    expect(values).toMatchObject({ to: '2026', 'dry-run': true, json: true });
  });

  it('takes the cluster from --url, else ELASTICSEARCH_URL, else the local default', () => {
    expect(clusterUrl({ url: 'http://a:1' }, { ELASTICSEARCH_URL: 'http://b:2' })).toBe(
      'http://a:1',
    );
    expect(clusterUrl({}, { ELASTICSEARCH_URL: 'http://b:2' })).toBe('http://b:2');
    expect(clusterUrl({}, {})).toBe('http://127.0.0.1:9200');
  });

  it('finds the models module by convention, or says where it looked', async () => {
    expect(() => modelsPath({}, dir)).toThrow(MigrateUsageError);
    expect(() => modelsPath({}, dir)).toThrow(/looked for models\.ts/);
    await writeFile(join(dir, 'models.js'), 'export {}');
    expect(modelsPath({}, dir)).toBe(join(dir, 'models.js'));
    expect(() => modelsPath({ models: 'nope.ts' }, dir)).toThrow(/--models: no file at/);
  });

  it('the usage error is an ElastiqError with its stable code', () => {
    const error = new MigrateUsageError('bad');
    expect(error).toBeInstanceOf(ElastiqError);
    expect(error.code).toBe('ELASTIQ_MIGRATE_USAGE');
  });
});

describe('elastiq migrate output', () => {
  it('status prints one aligned line per migration and the counts', () => {
    const text = formatStatus([
      {
        name: '20260101000000_a',
        state: 'applied',
        appliedAt: '2026-01-01T00:00:00.000Z',
        durationMs: 12,
      },
      {
        name: '20260102000000_longer',
        state: 'changed',
        appliedAt: '2026-01-02T00:00:00.000Z',
        durationMs: 3,
      },
      { name: '20260103000000_c', state: 'pending' },
      {
        name: '20260104000000_d',
        state: 'missing',
        appliedAt: '2026-01-04T00:00:00.000Z',
        durationMs: 1,
      },
    ]);
    expect(text.split('\n')).toEqual([
      'applied  20260101000000_a       2026-01-01T00:00:00.000Z  12 ms',
      'changed  20260102000000_longer  2026-01-02T00:00:00.000Z  3 ms',
      'pending  20260103000000_c',
      'missing  20260104000000_d       2026-01-04T00:00:00.000Z  1 ms',
      '',
      '1 applied, 1 pending, 1 changed, 1 missing',
    ]);
  });

  it('status names the lock holder when a runner holds the lock', () => {
    const lock = {
      token: 't',
      holder: 'ci',
      host: 'box',
      pid: 7,
      since: '2026-01-01T00:00:00.000Z',
    };
    expect(formatStatus([], lock)).toBe(
      'No migrations (create one with: elastiq migrate create <description>)\nLocked by ci on box (pid 7) since 2026-01-01T00:00:00.000Z',
    );
  });

  it('up says what was applied, what would be, and what is left', () => {
    expect(formatUp({ applied: [], remaining: [], dryRun: false })).toBe(
      'Nothing to apply: every migration is applied',
    );
    expect(
      formatUp({ applied: [{ name: 'm1', durationMs: 5 }], remaining: ['m2'], dryRun: false }),
    ).toBe('Applied 1:\n  m1 (5 ms)\n1 still pending');
    expect(
      formatUp({ applied: [{ name: 'm1', durationMs: 0 }], remaining: [], dryRun: true }),
    ).toBe('Would apply 1:\n  m1');
  });

  it('progress counts written documents against the total', () => {
    expect(
      progressLine({
        read: 500,
        skipped: 0,
        written: 400,
        failed: 0,
        total: 1000,
        elapsed: 9,
        to: 'p-v2',
      }),
    ).toBe('  copying into p-v2: 400/1000 documents (40%)');
    expect(
      progressLine({
        read: 0,
        skipped: 0,
        written: 0,
        failed: 0,
        total: 0,
        elapsed: 1,
        to: 'p-v2',
      }),
    ).toContain('(100%)');
  });

  it('generate lists each model with its action and changes, then the file', () => {
    const text = formatGenerate({
      path: '/m/20260101000000_x.ts',
      operations: [
        {
          model: 'Post',
          index: 'posts',
          action: 'migrateIndex',
          body: {},
          changes: [
            { path: 'a', kind: 'changed', additive: false, description: 'a: type keyword → text' },
            { path: 'b', kind: 'added', additive: true, description: 'b: new long field' },
          ],
        },
      ],
    });
    expect(text).toBe(
      '  Post (posts): migrateIndex\n    ! a: type keyword → text\n    + b: new long field\nWrote /m/20260101000000_x.ts',
    );
  });
});
