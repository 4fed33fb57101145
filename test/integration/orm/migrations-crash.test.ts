import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Migrator } from '../../../src/orm/migrations/migrator.js';
import { openSearchMissing, openSearchNode } from '../../support/cluster.js';

/**
 * Crash safety of `elastiq migrate up`, proven with SIGKILL: a real CLI process (node, tsx as its
 * loader, and fixtures/pause-at.mjs preloaded) is frozen at a chosen step boundary and killed
 * there; then `migrate up` runs again with nothing done by hand, and every document, field, alias,
 * block, lock and index is checked.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'src/cli/index.ts');
const PAUSE = join(import.meta.dirname, 'fixtures/pause-at.mjs');
const DOCS = 20_000;

interface Target {
  readonly url: string;
  readonly client: Client;
  /** Flags the CLI needs for this server (OpenSearch). */
  readonly flags?: readonly string[];
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function migrate(
  target: Target,
  dir: string,
  state: string,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      PAUSE,
      CLI,
      'migrate',
      ...args,
      '--url',
      target.url,
      '--dir',
      dir,
      '--state-index',
      state,
      ...(target.flags ?? []),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<Run>((resolveRun) => {
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

async function waitForFile(path: string, run: Promise<Run>): Promise<void> {
  let ended: Run | undefined;
  void run.then((r) => {
    ended = r;
  });
  const deadline = Date.now() + 120_000;
  while (!existsSync(path)) {
    if (ended !== undefined) {
      throw new Error(
        `the run ended before its pause point (code ${ended.code}): ${ended.stderr}${ended.stdout}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`no pause at ${path} within 120 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs `migrate up`, freezes it at `pauseAt`, kills it with SIGKILL there. */
async function killAt(target: Target, dir: string, state: string, pauseAt: string): Promise<void> {
  const gate = join(dir, `paused-${Date.now()}.json`);
  const { child, done } = migrate(target, dir, state, ['up', '--quiet'], {
    ELASTIQ_TEST_PAUSE_AT: pauseAt,
    ELASTIQ_TEST_PAUSE_FILE: gate,
  });
  await waitForFile(gate, done);
  const paused = JSON.parse(await readFile(gate, 'utf8')) as { pid: number };
  expect(paused.pid).toBe(child.pid);
  child.kill('SIGKILL');
  const run = await done;
  expect(run.signal).toBe('SIGKILL');
}

async function seed(target: Target, items: string): Promise<void> {
  await target.client.indices.create({
    index: `${items}-v1`,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { properties: { code: { type: 'keyword' }, n: { type: 'integer' } } },
    aliases: { [items]: {} },
  });
  const operations: unknown[] = [];
  for (let i = 0; i < DOCS; i++)
    operations.push({ index: { _id: String(i) } }, { code: `c${i}`, n: i });
  await target.client.bulk({ index: items, operations, refresh: true });
}

const body = (field: string) =>
  JSON.stringify({
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic: 'strict',
      properties: { [field]: { type: 'keyword' }, n: { type: 'integer' } },
    },
  });

/**
 * One or two migrateIndex steps whose transforms rename a field: run again over their own output,
 * they lose it (`code` → `sku`, then `sku` → `ref`). FAIL_AFTER=1 makes the migration throw after
 * its steps (a later step that fails).
 */
function migrationFile(items: string, steps: 1 | 2): string {
  return `const rename = (from, to) => (doc) => { const { [from]: value, ...rest } = doc; return { ...rest, [to]: value }; };
export async function up(ctx) {
  await ctx.migrateIndex({ name: '${items}', body: ${body('sku')} }, { transform: rename('code', 'sku'), batchSize: 500 });
  ${steps === 2 ? `await ctx.migrateIndex({ name: '${items}', body: ${body('ref')} }, { transform: rename('sku', 'ref'), batchSize: 500 });` : ''}
  if (process.env.FAIL_AFTER === '1') throw new Error('a later step failed');
}
`;
}

async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  if (!(await client.indices.existsAlias({ name: alias }))) return [];
  return Object.keys(await client.indices.getAlias({ name: alias })).sort();
}

async function blockedIndices(client: Client, pattern: string): Promise<string[]> {
  const settings = (await client.indices.getSettings({ index: pattern })) as Record<
    string,
    { settings: { index: { blocks?: { write?: unknown } } } }
  >;
  return Object.entries(settings)
    .filter(([, s]) => String(s.settings.index.blocks?.write) === 'true')
    .map(([index]) => index)
    .sort();
}

/** Every document once, each with its own value in `field` and no other renamed field left. */
async function expectEveryDocument(client: Client, index: string, field: string): Promise<void> {
  let seen = 0;
  const wrong: string[] = [];
  for await (const hit of client.helpers.scrollDocuments<Record<string, unknown>>({
    index,
    size: 5000,
  })) {
    seen += 1;
    const doc = hit;
    const extra = ['code', 'sku', 'ref'].filter((f) => f !== field && f in doc);
    if (doc[field] !== `c${doc.n}` || extra.length > 0) {
      if (wrong.length < 3) wrong.push(JSON.stringify(doc));
    }
  }
  expect(wrong).toEqual([]);
  expect(seen).toBe(DOCS);
}

async function expectSettled(
  target: Target,
  dir: string,
  state: string,
  items: string,
  versions: number,
  field: string,
): Promise<void> {
  const { client } = target;
  const live = `${items}-v${versions + 1}`;
  expect(await aliasTargets(client, items)).toEqual([live]);
  await expectEveryDocument(client, items, field);
  const all = Object.keys(await client.indices.get({ index: `${items}-v*` })).sort();
  const expected = Array.from({ length: versions + 1 }, (_, i) => `${items}-v${i + 1}`).sort();
  expect(all).toEqual(expected); // no orphan index left
  expect(await blockedIndices(client, `${items}-v*`)).toEqual([]);
  expect((await client.get({ index: state, id: '_lock' }, { ignore: [404] })).found).toBe(false);
  const entries = await new Migrator({ client, dir, stateIndex: state }).status();
  expect(entries.map((e) => e.state)).toEqual(['applied']);
}

function crashSuite(name: string, target: () => Target | undefined, prefix: string) {
  let dir: string;
  let round = 0;
  const names = () => {
    round += 1;
    return { items: `${prefix}-${round}-items`, state: `${prefix}-${round}-state` };
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orm-crash-'));
  });
  afterAll(async () => {
    const t = target();
    if (t !== undefined) {
      await t.client.indices.delete(
        { index: `${prefix}-*`, expand_wildcards: 'all', allow_no_indices: true },
        { ignore: [404] },
      );
    }
    await rm(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, names, name };
}

const single: Target = {
  url: (process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200').replace(/\/+$/, ''),
  client: new Client({ node: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' }),
};
// Shared by the describe blocks below: closed once, after all of them.
afterAll(() => single.client.close());

describe('migrate up killed with SIGKILL at every step boundary, then run again (Elasticsearch, client copy)', () => {
  const suite = crashSuite('es', () => single, `orm-crash-${process.pid}`);

  const cases: { steps: 1 | 2; at: string; label: string }[] = [
    { steps: 1, at: 'step 1:|progress|4000', label: 'one step, during the copy' },
    { steps: 1, at: 'step 1:|copied', label: 'one step, after the copy' },
    { steps: 1, at: 'step 1:|swapped', label: 'one step, after the alias swap' },
    { steps: 1, at: '|recording', label: 'one step, while recording' },
    { steps: 2, at: 'step 1:|swapped', label: 'two steps, after the first swap' },
    { steps: 2, at: 'step 2:|progress|4000', label: "two steps, during the second step's copy" },
    { steps: 2, at: 'step 2:|copied', label: "two steps, after the second step's copy" },
    { steps: 2, at: 'step 2:|swapped', label: 'two steps, after the second swap' },
    { steps: 2, at: '|recording', label: 'two steps, while recording' },
  ];

  for (const c of cases) {
    it(`${c.label}: the rerun finishes with every document and field, no orphan, block or lock`, async () => {
      const { items, state } = suite.names();
      const folder = join(suite.dir(), `${items}`);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, '20260101000000_rename.mjs'), migrationFile(items, c.steps));
      await seed(single, items);
      await killAt(single, folder, state, c.at);

      const rerun = await migrate(single, folder, state, ['up']).done;
      expect(rerun.stderr + rerun.stdout).not.toMatch(/locked by/);
      expect(rerun.code).toBe(0);
      await expectSettled(single, folder, state, items, c.steps, c.steps === 1 ? 'sku' : 'ref');
    });
  }

  it('a rerun after a kill whose later step fails undoes every step: the alias is back on v1, which takes writes', async () => {
    const { items, state } = suite.names();
    const folder = join(suite.dir(), `${items}`);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, '20260101000000_rename.mjs'), migrationFile(items, 2));
    await seed(single, items);
    await killAt(single, folder, state, 'step 2:|progress|4000');

    const failed = await migrate(single, folder, state, ['up'], { FAIL_AFTER: '1' }).done;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Undone: step 2: migrateIndex');
    expect(failed.stderr).toContain('step 1: migrateIndex');
    expect(await aliasTargets(single.client, items)).toEqual([`${items}-v1`]);
    expect(await blockedIndices(single.client, `${items}-v*`)).toEqual([]);
    await single.client.index({
      index: items,
      id: 'after',
      document: { code: 'c-1', n: -1 },
      refresh: true,
    });
    expect(Object.keys(await single.client.indices.get({ index: `${items}-v*` }))).toEqual([
      `${items}-v1`,
    ]);

    // Fixed (the throw gone), the next run applies it from the start.
    await single.client.delete({ index: items, id: 'after', refresh: true });
    const fixed = await migrate(single, folder, state, ['up']).done;
    expect(fixed.code).toBe(0);
    await expectSettled(single, folder, state, items, 2, 'ref');
  });
});

describe.skipIf(openSearchMissing !== undefined)(
  `migrate up killed during a server-side _reindex (OpenSearch) ${openSearchMissing ?? ''}`,
  () => {
    const os: Target | undefined =
      openSearchNode === undefined
        ? undefined
        : {
            url: openSearchNode.url,
            client: new Client({ node: openSearchNode.url, compatibility: 'opensearch' }),
            flags: ['--compatibility', 'opensearch'],
          };
    // Registered first, so it runs after the suite's own afterAll (hooks run as a stack).
    afterAll(() => os?.client.close());
    const suite = crashSuite('os', () => os, `orm-crash-os-${process.pid}`);

    it('the task the dead runner left filling the new index is cancelled, the orphan removed, and the copy made again', async () => {
      const target = os as Target;
      const { items, state } = suite.names();
      const folder = join(suite.dir(), `${items}`);
      await mkdir(folder, { recursive: true });
      await writeFile(
        join(folder, '20260101000000_copy.mjs'),
        `export async function up(ctx) {
  await ctx.migrateIndex({ name: '${items}', body: ${body('code')} }, { copy: 'server', batchSize: 100 });
}
`,
      );
      await seed(target, items);
      await killAt(target, folder, state, 'step 1:|progress');
      // The task goes on without its runner; slowed down, it is still running at the rerun.
      const tasks = (await target.client.tasks.list({ actions: '*reindex', detailed: true })) as {
        nodes: Record<string, { tasks: Record<string, { description: string }> }>;
      };
      const orphanTask = Object.values(tasks.nodes)
        .flatMap((n) => Object.entries(n.tasks))
        .find(([, t]) => t.description.includes(`to [${items}-v2]`));
      expect(orphanTask).toBeDefined();
      await target.client.reindexRethrottle({ task_id: orphanTask![0], requests_per_second: 50 });

      const rerun = await migrate(target, folder, state, ['up']).done;
      expect(rerun.code).toBe(0);
      expect(rerun.stderr + rerun.stdout).toContain(`deleted ${items}-v2`);
      expect(await aliasTargets(target.client, items)).toEqual([`${items}-v2`]);
      // Made by the rerun from the target's mapping, not by the old task's dynamic mapping.
      const mapping = (await target.client.indices.getMapping({ index: `${items}-v2` })) as Record<
        string,
        { mappings: { dynamic?: unknown } }
      >;
      expect(mapping[`${items}-v2`]?.mappings.dynamic).toBe('strict');
      expect((await target.client.count({ index: items })).count).toBe(DOCS);
      expect(await blockedIndices(target.client, `${items}-v*`)).toEqual([]);
      const left = (await target.client.tasks.list({ actions: '*reindex', detailed: true })) as {
        nodes: Record<string, { tasks: Record<string, unknown> }>;
      };
      expect(Object.values(left.nodes).flatMap((n) => Object.keys(n.tasks))).toEqual([]);
    });
  },
);

describe('migrate up of a migration that stalls (Elasticsearch)', () => {
  const suite = crashSuite('stall', () => undefined, `orm-stall-${process.pid}`);
  afterAll(async () => {
    await single.client.indices.delete(
      { index: `orm-stall-${process.pid}-*`, expand_wildcards: 'all', allow_no_indices: true },
      { ignore: [404] },
    );
  });

  it('one that can never settle exits 1 naming its step, is undone, and leaves no lock', async () => {
    const { items, state } = suite.names();
    const folder = join(suite.dir(), items);
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, '20260101000000_never.mjs'),
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${items}', body: {} });
  await new Promise(() => {});
}
`,
    );
    const run = await migrate(single, folder, state, ['up']).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Migration 20260101000000_never failed after step 1: createIndex ${items}: it never settled`,
    );
    expect(run.stderr).toContain(`Undone: step 1: createIndex ${items}`);
    expect(await single.client.indices.exists({ index: `${items}-v1` })).toBe(false);
    expect((await single.client.get({ index: state, id: '_lock' }, { ignore: [404] })).found).toBe(
      false,
    );
  });

  it('--step-timeout fails one that makes no progress for that long, and undoes it', async () => {
    const { items, state } = suite.names();
    const folder = join(suite.dir(), items);
    await mkdir(folder, { recursive: true });
    // A timer keeps the process busy: only the step timeout ends this one.
    await writeFile(
      join(folder, '20260101000000_slow.mjs'),
      `export async function up(ctx) {
  await ctx.createIndex({ name: '${items}', body: {} });
  await new Promise((resolve) => setTimeout(resolve, 600_000));
}
`,
    );
    const started = Date.now();
    const run = await migrate(single, folder, state, ['up', '--step-timeout', '2']).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `failed after step 1: createIndex ${items}: no progress for 2000 ms after step 1: createIndex ${items} (stepTimeoutMs)`,
    );
    expect(Date.now() - started).toBeLessThan(120_000); // far from the 600 s the step would take
    expect(await single.client.indices.exists({ index: `${items}-v1` })).toBe(false);
  });

  it('status reports a partial migration: its finished step, the step under way, its orphan and block', async () => {
    const { items, state } = suite.names();
    const folder = join(suite.dir(), items);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, '20260101000000_rename.mjs'), migrationFile(items, 2));
    await seed(single, items);
    await killAt(single, folder, state, 'step 2:|progress|4000');
    const run = await migrate(single, folder, state, ['status']).done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('partial  20260101000000_rename');
    expect(run.stdout).toContain(`partially applied: 1 step done (step 1: migrateIndex ${items})`);
    expect(run.stdout).toContain(`under way when its run stopped: step 2: migrateIndex ${items}`);
    expect(run.stdout).toContain(`orphan index ${items}-v3: the next up deletes it`);
    expect(run.stdout).toContain(
      `${items}-v2 is write-blocked by the migrator: the next up lifts the block`,
    );
    expect(run.stdout).toMatch(
      /Locked by .* \(pid \d+\)[^\n]*\n {2}the next up takes it over: its holder, pid \d+ on this host/,
    );
    const rerun = await migrate(single, folder, state, ['up']).done;
    expect(rerun.code).toBe(0);
    await expectSettled(single, folder, state, items, 2, 'ref');
  });
});
