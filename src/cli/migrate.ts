import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '../core/client.js';
import { ElastiqError } from '../core/errors.js';
import { MigrationFailedError } from '../orm/migrations/migration-errors.js';
import { importModule } from '../orm/migrations/migration-files.js';
import {
  createMigration,
  documentClassesOf,
  generateMigration,
} from '../orm/migrations/migration-generate.js';
import {
  clearLock,
  DEFAULT_STALE_LOCK_MS,
  DEFAULT_STATE_INDEX,
} from '../orm/migrations/migration-state.js';
import type { MigrationLanguage } from '../orm/migrations/migration-templates.js';
import { DEFAULT_MIGRATIONS_DIR, Migrator } from '../orm/migrations/migrator.js';
import type { Output } from './local/command.js';
import { MigrateUsageError } from './migrate-errors.js';
import { formatGenerate, formatStatus, formatUp, progressLine } from './migrate-output.js';

export const MIGRATE_USAGE = `Usage: elastiq migrate <up|down|status|create|generate|unlock> [options]

Migrations: ordered files YYYYMMDDHHMMSS_description.{ts,js,mjs} exporting up(ctx) and down(ctx).
Applied ones are recorded in the state index; a lock keeps two runners from migrating at once.

Commands:
  up                     apply the pending migrations in order
    --to <name>          stop after this migration (its name or timestamp)
    --dry-run            show what would run; nothing is changed or recorded
  down                   revert applied migrations, newest first
    --steps <n>          how many (default 1)
  status                 every migration: applied, pending, changed (edited after it ran) or
                         missing (recorded, but no file)
  create <description>   write a new empty migration file
  generate [description] diff the models against the cluster and write a migration:
                         new index → createIndex, added fields → putMapping, a changed or
                         removed field → migrateIndex (new versioned index, copy, alias swap)
    --models <module>    the module exporting the @Document classes (default: models.ts,
                         src/models.ts or src/models/index.ts, or their .js)
  unlock                 remove the lock whoever holds it (when a runner died)

Options:
  --url <url>            the cluster (default: ELASTICSEARCH_URL, else http://127.0.0.1:9200)
  --dir <dir>            the migrations directory (default ${DEFAULT_MIGRATIONS_DIR})
  --state-index <name>   the index of applied migrations and the lock (default ${DEFAULT_STATE_INDEX})
  --lang <ts|js|mjs>     language of the files create and generate write (default ts)
  --force-unlock         break a lock not renewed for --lock-age (its runner died)
  --lock-age <seconds>   unrenewed age after which a lock is stale (default ${DEFAULT_STALE_LOCK_MS / 1000})
  --json                 machine-readable output
  --quiet                no progress output
`;

const OPTIONS = {
  url: { type: 'string' },
  dir: { type: 'string' },
  'state-index': { type: 'string' },
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  steps: { type: 'string' },
  models: { type: 'string' },
  lang: { type: 'string' },
  'force-unlock': { type: 'boolean' },
  'lock-age': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Parsed = ReturnType<typeof parseMigrateArgs>;
type Values = Parsed['values'];

/** Parses `elastiq migrate` arguments; a wrong flag is a usage error. */
export function parseMigrateArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new MigrateUsageError(`${(cause as Error).message}\n\n${MIGRATE_USAGE}`, { cause });
  }
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new MigrateUsageError(`--${flag} must be a positive integer, not '${value}'`);
  }
  return n;
}

function language(values: Values): MigrationLanguage {
  const lang = values.lang ?? 'ts';
  if (lang !== 'ts' && lang !== 'js' && lang !== 'mjs') {
    throw new MigrateUsageError(`--lang must be ts, js or mjs, not '${lang}'`);
  }
  return lang;
}

/** The cluster URL: --url, else ELASTICSEARCH_URL, else the default local node. */
export function clusterUrl(values: Values, env: NodeJS.ProcessEnv = process.env): string {
  return values.url ?? (env.ELASTICSEARCH_URL || 'http://127.0.0.1:9200');
}

const MODEL_CANDIDATES = [
  'models.ts',
  'models.js',
  'models.mjs',
  'src/models.ts',
  'src/models.js',
  'src/models/index.ts',
  'src/models/index.js',
];

/** The models module: --models, else the first conventional path that exists. */
export function modelsPath(values: Values, cwd: string = process.cwd()): string {
  if (values.models !== undefined) {
    const path = resolve(cwd, values.models);
    if (!existsSync(path)) throw new MigrateUsageError(`--models: no file at ${path}`);
    return path;
  }
  for (const candidate of MODEL_CANDIDATES) {
    const path = resolve(cwd, candidate);
    if (existsSync(path)) return path;
  }
  throw new MigrateUsageError(
    `No models module found (looked for ${MODEL_CANDIDATES.join(', ')}); pass --models <module>`,
  );
}

/**
 * Runs `elastiq migrate ...` and returns the exit code: 0 done, 1 failed (the error's message and
 * stable code are printed), 2 a wrong command line.
 *
 * @example
 * ```ts
 * const io = { out: (text: string) => console.log(text), err: (text: string) => console.error(text) };
 * process.exitCode = await runMigrate(['status', '--dir', './migrations'], io);
 * ```
 */
export async function runMigrate(argv: readonly string[], io: Output): Promise<number> {
  try {
    const { values, positionals } = parseMigrateArgs(argv);
    const [command, ...args] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.out(MIGRATE_USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    return await dispatch(command, args, values, io);
  } catch (error) {
    if (!(error instanceof ElastiqError)) throw error;
    io.err(`elastiq migrate: ${error.message} [${error.code}]`);
    return error instanceof MigrateUsageError ? 2 : 1;
  }
}

async function dispatch(
  command: string,
  args: readonly string[],
  values: Values,
  io: Output,
): Promise<number> {
  if (command === 'create') return create(args, values, io);
  if (!['up', 'down', 'status', 'generate', 'unlock'].includes(command)) {
    throw new MigrateUsageError(`Unknown migrate command '${command}'\n\n${MIGRATE_USAGE}`);
  }
  const client = new Client({ node: clusterUrl(values) });
  try {
    if (command === 'generate') return await generate(client, args, values, io);
    if (command === 'unlock') return await unlock(client, values, io);
    if (command === 'status') return await status(migratorFor(client, values, io), values, io);
    const interrupt = stopOnSignals(io);
    try {
      const migrator = migratorFor(client, values, io, interrupt.signal);
      if (command === 'up') return await up(migrator, values, io);
      return await down(migrator, values, io);
    } finally {
      interrupt.dispose();
    }
  } finally {
    await client.close();
  }
}

/**
 * The first Ctrl-C (or SIGTERM) aborts the run, so the running migration is undone and the lock
 * released rather than left for the stale age (and a copy's old index left write-blocked); a
 * second one quits at once, as the handler is gone by then.
 */
function stopOnSignals(io: Output): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = (name: NodeJS.Signals) => {
    dispose();
    io.err(
      `${name}: stopping; the running migration is undone and the lock released (${name} again to quit at once)`,
    );
    controller.abort();
  };
  const dispose = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { signal: controller.signal, dispose };
}

function migratorFor(client: Client, values: Values, io: Output, signal?: AbortSignal): Migrator {
  const quiet = values.quiet === true;
  const lockAge = positiveInteger(values['lock-age'], 'lock-age');
  return new Migrator({
    client,
    dir: values.dir ?? DEFAULT_MIGRATIONS_DIR,
    stateIndex: values['state-index'] ?? DEFAULT_STATE_INDEX,
    lock: {
      ...(values['force-unlock'] ? { forceUnlock: true } : {}),
      ...(lockAge === undefined ? {} : { staleAfterMs: lockAge * 1000 }),
    },
    log: (message) => {
      if (!quiet) io.err(message);
    },
    onProgress: (progress) => {
      if (!quiet) io.err(progressLine(progress));
    },
    ...(signal === undefined ? {} : { signal }),
  });
}

async function status(migrator: Migrator, values: Values, io: Output): Promise<number> {
  const [migrations, lock] = await Promise.all([migrator.status(), migrator.lockHolder()]);
  if (values.json) io.out(JSON.stringify({ migrations, lock: lock ?? null }, null, 2));
  else io.out(formatStatus(migrations, lock));
  return 0;
}

async function up(migrator: Migrator, values: Values, io: Output): Promise<number> {
  const options = {
    ...(values.to === undefined ? {} : { to: values.to }),
    ...(values['dry-run'] ? { dryRun: true } : {}),
  };
  if (!values.json) {
    io.out(formatUp(await migrator.up(options)));
    return 0;
  }
  // A script reading --json must learn what a failing run applied before it failed: those stay.
  const before = await appliedNames(migrator);
  try {
    io.out(JSON.stringify(await migrator.up(options), null, 2));
    return 0;
  } catch (error) {
    const after = await appliedNames(migrator).catch(() => undefined);
    const applied = after?.filter((name) => !before.includes(name)) ?? null;
    const failure = error instanceof ElastiqError ? error.toJSON() : { message: String(error) };
    io.out(JSON.stringify({ applied, error: { ...failure, ...failureDetails(error) } }, null, 2));
    throw error;
  }
}

async function appliedNames(migrator: Migrator): Promise<string[]> {
  return (await migrator.status()).filter((e) => e.state !== 'pending').map((e) => e.name);
}

function failureDetails(error: unknown): Record<string, unknown> {
  if (!(error instanceof MigrationFailedError)) return {};
  return { migration: error.migration, step: error.step, rolledBack: error.rolledBack };
}

async function down(migrator: Migrator, values: Values, io: Output): Promise<number> {
  const steps = positiveInteger(values.steps, 'steps') ?? 1;
  const result = await migrator.down({ steps });
  if (values.json) io.out(JSON.stringify(result, null, 2));
  else if (result.reverted.length === 0) io.out('Nothing to revert: no migration is applied');
  else io.out(`Reverted ${result.reverted.length}: ${result.reverted.join(', ')}`);
  return 0;
}

async function create(args: readonly string[], values: Values, io: Output): Promise<number> {
  const description = args.join(' ').trim();
  if (description === '') {
    throw new MigrateUsageError(
      `create needs a description, such as: elastiq migrate create add tags`,
    );
  }
  const path = await createMigration({
    dir: values.dir ?? DEFAULT_MIGRATIONS_DIR,
    description,
    language: language(values),
  });
  io.out(values.json ? JSON.stringify({ path }) : `Created ${path}`);
  return 0;
}

async function generate(
  client: Client,
  args: readonly string[],
  values: Values,
  io: Output,
): Promise<number> {
  const path = modelsPath(values);
  const models = documentClassesOf(await importModule(path));
  const result = await generateMigration({
    client,
    models,
    dir: values.dir ?? DEFAULT_MIGRATIONS_DIR,
    description: args.join(' ').trim() || 'update models',
    language: language(values),
    source: relative(process.cwd(), path) || path,
  });
  io.out(values.json ? JSON.stringify(result, null, 2) : formatGenerate(result));
  return 0;
}

async function unlock(client: Client, values: Values, io: Output): Promise<number> {
  const removed = await clearLock(client, values['state-index'] ?? DEFAULT_STATE_INDEX);
  if (values.json) io.out(JSON.stringify({ removed }));
  else io.out(removed ? 'Lock removed' : 'There was no lock');
  return 0;
}
