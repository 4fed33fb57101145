import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';

const run = promisify(execFile);
const node = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const client = new Client({ node });
const ROOT = resolve(import.meta.dirname, '../../..');
const PREFIX = `orm-mig-cli-${process.pid}-${Date.now()}`;
const STATE = `${PREFIX}-state`;
const BOOKS = `${PREFIX}-books`;
const SRC = (path: string) => JSON.stringify(join(ROOT, 'src/orm', path));

let dir: string;
let migrations: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `tsx src/cli/index.ts migrate ...` (what `npx tsx` runs) from a user's project folder, with
 * that project's tsconfig (legacy decorators) applying to its models, against the real node.
 */
async function cli(...args: string[]): Promise<CliResult> {
  const argv = [join(ROOT, 'src/cli/index.ts'), 'migrate', ...args];
  const defaults: [string, string][] = [
    ['--url', node],
    ['--dir', migrations],
    ['--state-index', STATE],
  ];
  const common = defaults.filter(([flag]) => !args.includes(flag)).flat();
  try {
    const { stdout, stderr } = await run(
      join(ROOT, 'node_modules/.bin/tsx'),
      [...argv, ...common],
      {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function models(titleDecorator: string, extra = ''): string {
  return `import { Document } from ${SRC('decorators/document.js')};
import { DateField, Integer, Keyword, Text } from ${SRC('decorators/field-types.js')};

@Document({ index: '${BOOKS}', settings: { number_of_shards: 1, number_of_replicas: 0 } })
export class Book {
  ${titleDecorator} title!: string;
  @Integer() pages = 0;
  ${extra}
}

export class NotAModel {}
`;
}

async function writeModels(text: string): Promise<string> {
  const path = join(dir, 'models.ts');
  await writeFile(path, text);
  return path;
}

async function newestMigration(): Promise<string> {
  const names = (await readdir(migrations)).sort();
  return readFile(join(migrations, names.at(-1) as string), 'utf8');
}

async function aliasTargets(alias: string): Promise<string[]> {
  if (!(await client.indices.existsAlias({ name: alias }))) return [];
  return Object.keys(await client.indices.getAlias({ name: alias })).sort();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-cli-'));
  migrations = join(dir, 'migrations');
  // A user's project: ESM, and legacy decorators as elastiq/orm needs them.
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        experimentalDecorators: true,
        useDefineForClassFields: true,
      },
    }),
  );
});

afterAll(async () => {
  await client.indices.delete(
    { index: `${PREFIX}*`, expand_wildcards: 'all', allow_no_indices: true },
    { ignore: [404] },
  );
  await client.close();
  await rm(dir, { recursive: true, force: true });
});

describe('elastiq migrate (child process, real node)', () => {
  it('status of a folder that does not exist yet is refused, naming it', async () => {
    const result = await cli('status');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No migrations folder at ${migrations}`);
    expect(result.stderr).toContain('[ORM_NO_MIGRATIONS]');
  });

  it('create writes a template that status lists as pending', async () => {
    const created = await cli('create', 'Set up the catalogue');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created .*\d{14}_set_up_the_catalogue\.ts/);
    const status = await cli('status');
    expect(status.stdout).toMatch(/^pending {2}\d{14}_set_up_the_catalogue$/m);
    expect(status.stdout).toContain('1 pending');
  });

  it('generate writes a createIndex migration for a new model, which up applies', async () => {
    const path = await writeModels(models('@Keyword()'));
    const generated = await cli('generate', 'books', '--models', path);
    // Only the line that says which cluster it acts on.
    expect(generated.stderr).toBe(`Cluster: ${new URL(node).origin} (from --url)\n`);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain(`Book (${BOOKS}): createIndex`);
    expect(generated.stdout).toMatch(/Wrote .*\d{14}_books\.ts/);
    const text = await newestMigration();
    expect(text).toContain('// Book → ');
    expect(text).toContain('await ctx.createIndex(');
    expect(text).toContain(`await ctx.deleteIndex('${BOOKS}')`);

    const up = await cli('up');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('Applied 2:');
    expect(await aliasTargets(BOOKS)).toEqual([`${BOOKS}-v1`]);
    const status = await cli('status');
    expect(status.stdout.match(/^applied /gm)).toHaveLength(2);
    expect(status.stdout).toContain('2 applied');
  });

  it('generate finds nothing to do when the models match the cluster', async () => {
    const path = await writeModels(models('@Keyword()'));
    const before = (await readdir(migrations)).length;
    const generated = await cli('generate', '--models', path);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain(`Book (${BOOKS}): none`);
    expect(generated.stdout).toContain('No change: no migration written');
    expect((await readdir(migrations)).length).toBe(before);
  });

  it('an added field becomes putMapping; a changed type becomes migrateIndex that keeps every document', async () => {
    await client.helpers.bulk({
      datasource: Array.from({ length: 300 }, (_, i) => ({ title: `Deep Work ${i}`, pages: i })),
      onDocument: () => ({ index: { _index: BOOKS } }),
      refreshOnCompletion: BOOKS,
    });
    const added = await writeModels(models('@Keyword()', '@DateField() printedAt!: Date;'));
    const putMapping = await cli('generate', 'printed at', '--models', added);
    expect(putMapping.stdout).toContain('putMapping');
    expect(putMapping.stdout).toContain('+ printedAt: new date field');
    expect(await newestMigration()).toContain('await ctx.putMapping(');
    const applied = await cli('up');
    expect(applied.code, applied.stderr).toBe(0);

    const retyped = await writeModels(
      models('@Text({ analyzer: "standard" })', '@DateField() printedAt!: Date;'),
    );
    const migrate = await cli('generate', 'title as text', '--models', retyped, '--json');
    const plan = JSON.parse(migrate.stdout) as {
      operations: { action: string; changes: { description: string }[] }[];
    };
    expect(plan.operations[0]?.action).toBe('migrateIndex');
    expect(plan.operations[0]?.changes[0]?.description).toBe('title: type keyword → text');
    const text = await newestMigration();
    expect(text).toContain('//   ! title: type keyword → text');
    expect(text).toContain('await ctx.migrateIndex(');

    const up = await cli('up');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`copying into ${BOOKS}-v2: 300/300 documents (100%)`);
    expect(await aliasTargets(BOOKS)).toEqual([`${BOOKS}-v2`]);
    expect((await client.count({ index: BOOKS })).count).toBe(300);
    const hits = await client.search({ index: BOOKS, query: { match: { title: 'work' } } });
    expect(hits.hits.total).toMatchObject({ value: 300 });
  });

  it('down reverts the type change through the mapping snapshot written by generate', async () => {
    const down = await cli('down');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/Reverted 1: \d{14}_title_as_text/);
    expect(await aliasTargets(BOOKS)).toEqual([`${BOOKS}-v3`]);
    expect((await client.count({ index: BOOKS })).count).toBe(300);
    const mapping = await client.indices.getMapping({ index: BOOKS });
    expect(mapping[`${BOOKS}-v3`]?.mappings.properties?.title).toEqual({ type: 'keyword' });
    const status = await cli('status', '--json');
    const { migrations: entries, lock } = JSON.parse(status.stdout) as {
      migrations: { state: string }[];
      lock: unknown;
    };
    expect(entries.map((e) => e.state)).toEqual(['applied', 'applied', 'applied', 'pending']);
    expect(lock).toBeNull();
  });

  it('a held lock makes up exit 1 with ORM_MIGRATION_LOCKED naming its holder', async () => {
    await client.index({
      index: STATE,
      id: '_lock',
      document: {
        type: 'lock',
        token: 'x',
        holder: 'deploy-bot',
        host: 'ci-7',
        pid: 4242,
        since: new Date().toISOString(),
      },
      refresh: true,
    });
    const locked = await cli('up');
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('Migrations are locked by deploy-bot on ci-7 (pid 4242)');
    expect(locked.stderr).toContain('[ORM_MIGRATION_LOCKED]');
    const status = await cli('status');
    expect(status.stdout).toMatch(/^Locked by deploy-bot on ci-7 \(pid 4242\) since \d{4}-/m);
    const unlocked = await cli('unlock');
    expect(unlocked.stdout).toContain('Lock removed');
    expect((await cli('up', '--dry-run')).stdout).toMatch(
      /Would apply 1:\n {2}\d{14}_title_as_text/,
    );
  });

  it('a wrong command line exits 2 with ELASTIQ_MIGRATE_USAGE', async () => {
    const bad = await cli('down', '--steps', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--steps must be a positive integer, not '0'");
    expect(bad.stderr).toContain('[ELASTIQ_MIGRATE_USAGE]');
  });

  it('up --json of a failing run prints what it applied before the failure, and the failure', async () => {
    const failDir = join(dir, 'failing');
    const failState = `${PREFIX}-fail-state`;
    const made = `${PREFIX}-fail-first`;
    await mkdir(failDir);
    await writeFile(
      join(failDir, '20260101000000_first.mjs'),
      `export async function up(ctx) { await ctx.createIndex({ name: '${made}' }); }\n`,
    );
    await writeFile(
      join(failDir, '20260102000000_broken.mjs'),
      "export async function up() { throw new Error('the data is not ready'); }\n",
    );
    const result = await cli('up', '--json', '--dir', failDir, '--state-index', failState);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[ORM_MIGRATION_FAILED]');
    const report = JSON.parse(result.stdout) as {
      applied: string[];
      error: { code: string; migration: string; step: string };
    };
    expect(report.applied).toEqual(['20260101000000_first']);
    expect(report.error).toMatchObject({
      code: 'ORM_MIGRATION_FAILED',
      migration: '20260102000000_broken',
      step: 'before its first step',
    });
  });

  it('two CLI runs at once: exactly one applies, the other exits 1 with ORM_MIGRATION_LOCKED', async () => {
    const raceDir = join(dir, 'race');
    const raceState = `${PREFIX}-race-state`;
    await mkdir(raceDir);
    // The migration holds the lock until the test lets it go, which it does once one run has
    // ended: the loser, if the lock works. A fixed sleep let a run started late (slow process
    // start on a loaded machine) find the migration already applied and exit 0 as well.
    const gate = join(dir, 'race-go');
    await writeFile(
      join(raceDir, '20260101000000_slow.mjs'),
      `import { existsSync } from 'node:fs';
export async function up() {
  for (let i = 0; i < 1200 && !existsSync(${JSON.stringify(gate)}); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}
`,
    );
    const flags = ['--dir', raceDir, '--state-index', raceState];
    const runs = [cli('up', ...flags), cli('up', ...flags)];
    await Promise.race(runs);
    await writeFile(gate, '');
    const [a, b] = await Promise.all(runs);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(loser.stderr).toMatch(/Migrations are locked by .+ \(pid \d+\) since /);
    expect(loser.stderr).toContain('[ORM_MIGRATION_LOCKED]');
    const status = await cli('status', ...flags);
    expect(status.stdout).toContain('1 applied');
    expect(status.stdout).not.toContain('Locked by');
  });

  it('Ctrl-C during up undoes the running migration, releases the lock and exits 1', async () => {
    const intDir = join(dir, 'interrupted');
    const intState = `${PREFIX}-int-state`;
    const created = `${PREFIX}-int`;
    await mkdir(intDir);
    // The migration waits between its steps until the test has seen the run take the Ctrl-C,
    // not for 3 s that a stalled test process could let pass before the signal (step 2 then ran
    // and the run succeeded).
    const gate = join(dir, 'int-go');
    await writeFile(
      join(intDir, '20260101000000_slow.mjs'),
      `import { existsSync } from 'node:fs';
export async function up(ctx) {
  await ctx.createIndex({ name: '${created}', body: { mappings: { properties: { a: { type: 'keyword' } } } } });
  ctx.log('created, now waiting');
  for (let i = 0; i < 1200 && !existsSync(${JSON.stringify(gate)}); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await ctx.putMapping({ name: '${created}', body: { mappings: { properties: { b: { type: 'keyword' } } } } });
}
`,
    );
    // node itself (not the tsx wrapper, which runs a second process) receives the signal.
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href]
        .concat([join(ROOT, 'src/cli/index.ts'), 'migrate', 'up'])
        .concat(['--url', node, '--dir', intDir, '--state-index', intState]),
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
    );
    let stderr = '';
    let interrupted = false;
    let released = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && stderr.includes('created, now waiting')) {
        interrupted = true; // once: a second Ctrl-C quits at once
        child.kill('SIGINT');
      }
      // The run printed this as it aborted: the migration's next step now meets the abort.
      if (interrupted && !released && stderr.includes('SIGINT: stopping')) {
        released = true;
        void writeFile(gate, '');
      }
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toContain(
      'SIGINT: stopping; the running migration is undone and the lock released',
    );
    expect(stderr).toContain(`Undone: step 1: createIndex ${created}`);
    expect(stderr).toContain('[ORM_MIGRATION_FAILED]');
    expect(code).toBe(1);
    expect(await client.indices.exists({ index: `${created}-v1` })).toBe(false);
    const status = await cli('status', '--dir', intDir, '--state-index', intState, '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      migrations: [{ name: '20260101000000_slow', state: 'pending' }],
      lock: null,
    });
  });
});
