import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '../core/client.js';
import { ElastiqError } from '../core/errors.js';
import { MigrationFailedError } from '../orm/migrations/migration-errors.js';
import { importModule, listMigrationFiles } from '../orm/migrations/migration-files.js';
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
import {
  type ClusterConnection,
  clusterUrl,
  compatibilityOf,
  clusterConnection as connect,
  httpUrl as parseHttpUrl,
} from './connection.js';
import type { Output } from './local/command.js';
import { MigrateUsageError } from './migrate-errors.js';
import { formatGenerate, formatStatus, formatUp, progressLine } from './migrate-output.js';

export { type ClusterConnection, clusterUrl };

const migrateUsage = (message: string) => new MigrateUsageError(message);

export const MIGRATE_USAGE = `Usage: elastiq migrate <up|down|status|create|generate|unlock> [options]

Migrations: ordered files YYYYMMDDHHMMSS_description.{ts,js,mjs} exporting up(ctx) and down(ctx).
Applied ones are recorded in the state index; a lock keeps two runners from migrating at once.

Commands:
  up                     apply the pending migrations in order
    --to <name>          stop after this migration (its name or timestamp)
    --dry-run            show what would run; nothing is changed or recorded
  down                   revert applied migrations, newest first
    --steps <n>          how many (default 1)
  status                 every migration: applied, pending, partial (an earlier run died or
                         failed midway: its finished steps, the step under way, the orphan
                         index and write block it left, all of which the next up settles),
                         changed (edited after it ran) or missing (recorded, but no file);
                         and the lock, with when the next run may take it over
  create <description>   write a new empty migration file
  generate [description] diff the models against the cluster and write a migration:
                         new index → createIndex, added fields → putMapping, a changed or
                         removed field → migrateIndex (new versioned index, copy, alias swap)
    --models <module>    the module exporting the @Document classes (default: models.ts,
                         src/models.ts or src/models/index.ts, or their .js)
  unlock                 remove the lock whoever holds it (rarely needed: up takes over the
                         lock of a dead runner by itself)

Options:
  --url <url>            the cluster (default: ELASTICSEARCH_URL, else http://127.0.0.1:9200);
                         printed on stderr as each command starts, without credentials
  --ca <file>            PEM CA certificate that signed an https cluster's (default: ELASTICSEARCH_CA)
  --api-key <key>        an API key; visible to ps and shell history: prefer ELASTICSEARCH_API_KEY
  --dir <dir>            the migrations directory (default ${DEFAULT_MIGRATIONS_DIR})
  --state-index <name>   the index of applied migrations and the lock (default ${DEFAULT_STATE_INDEX})
  --lang <ts|js|mjs>     language of the files create and generate write (default ts)
  --force-unlock         take the lock even while its lease runs (its runner, on another host,
                         is known to be dead); without it, a lock whose runner no longer runs
                         on this host is taken over at once, any other once its lease runs out
  --lock-age <seconds>   the lease: a lock not renewed for this long is taken over (default ${DEFAULT_STALE_LOCK_MS / 1000};
                         a live runner renews it every 30 s)
  --step-timeout <seconds>
                         fail (and undo) a migration that makes no progress for this long
                         (no step starts or ends, no copy advances); default: no limit
  --compatibility <elasticsearch|opensearch>
                         the server's product (default elasticsearch)
  --json                 machine-readable output
  --quiet                no progress output (nor the Cluster line)

Environment:
  ELASTICSEARCH_URL                             the cluster, unless --url is given
  ELASTICSEARCH_USERNAME, ELASTICSEARCH_PASSWORD basic authentication (no flag takes a password:
                                                a command line is visible to ps and kept in history)
  ELASTICSEARCH_API_KEY                         an API key (base64 id:key, as Elasticsearch returns it)
  ELASTICSEARCH_CA                              path of a PEM CA certificate, unless --ca is given
`;

const OPTIONS = {
  url: { type: 'string' },
  ca: { type: 'string' },
  'api-key': { type: 'string' },
  dir: { type: 'string' },
  'state-index': { type: 'string' },
  to: { type: 'string' },
  'dry-run': { type: 'boolean' },
  steps: { type: 'string' },
  models: { type: 'string' },
  lang: { type: 'string' },
  'force-unlock': { type: 'boolean' },
  'lock-age': { type: 'string' },
  'step-timeout': { type: 'string' },
  compatibility: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Parsed = ReturnType<typeof parseMigrateArgs>;
type Values = Parsed['values'];

const COMMANDS = ['up', 'down', 'status', 'create', 'generate', 'unlock'] as const;
type Command = (typeof COMMANDS)[number];

// Flags that act in some commands only: given to another, they would be silently ignored, so
// they are refused. The others (where the cluster, folder and state index are, how to print) go
// with every command, so a script can pass the same ones to all.
const ACTION_FLAGS: Partial<Record<keyof typeof OPTIONS, readonly Command[]>> = {
  to: ['up'],
  'dry-run': ['up'],
  steps: ['down'],
  models: ['generate'],
  lang: ['create', 'generate'],
  'force-unlock': ['up', 'down'],
  'lock-age': ['up', 'down'],
  'step-timeout': ['up', 'down'],
};

// What each string flag needs, for the message when it is given empty.
const NEEDS: Partial<Record<keyof typeof OPTIONS, string>> = {
  dir: 'a folder',
  'state-index': 'an index name',
  to: 'a migration name or timestamp',
  models: 'a module path',
  ca: 'a PEM file',
  'api-key': 'an API key (better: ELASTICSEARCH_API_KEY)',
};

/** Parses `elastiq migrate` arguments; a wrong flag is a usage error. */
export function parseMigrateArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new MigrateUsageError(`${parseErrorMessage(cause)}\n\n${MIGRATE_USAGE}`, { cause });
  }
}

function parseErrorMessage(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const flag = /'(-[^']*)'/.exec(message)?.[1];
  if (flag === undefined) return message;
  const near = nearestFlag(flag.replace(/^-+/, '').split('=')[0] ?? '');
  return `Unknown option '${flag}'${near === undefined ? '' : `; did you mean --${near}?`}`;
}

/** The known flag closest to a mistyped one, if one is close enough to be meant. */
export function nearestFlag(name: string): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const flag of Object.keys(OPTIONS)) {
    const distance = editDistance(name.toLowerCase(), flag);
    if (best === undefined || distance < best.distance) best = { flag, distance };
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return best !== undefined && best.distance <= limit ? best.flag : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length]!;
}

function isCommand(command: string): command is Command {
  return (COMMANDS as readonly string[]).includes(command);
}

/**
 * Checks every flag against the command before anything is read or sent: a flag of another
 * command, an empty value, a number or an enum that does not parse is a usage error.
 */
export function checkFlags(command: Command, values: Values): void {
  for (const [flag, commands] of Object.entries(ACTION_FLAGS)) {
    if (values[flag as keyof Values] === undefined || commands.includes(command)) continue;
    const where = commands.join(' and ');
    throw new MigrateUsageError(`--${flag} is an option of ${where}, not of ${command}`);
  }
  for (const [flag, what] of Object.entries(NEEDS)) {
    if (values[flag as keyof Values] === '') throw new MigrateUsageError(`--${flag} needs ${what}`);
  }
  positiveInteger(values.steps, 'steps');
  positiveInteger(values['lock-age'], 'lock-age');
  stepTimeoutMs(values);
  compatibility(values);
  if (values.lang !== undefined) language(values);
  if (values.url !== undefined) httpUrl(values.url, '--url');
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new MigrateUsageError(`--${flag} must be a positive integer, not '${value}'`);
  }
  return n;
}

// Never echoes credentials: user and password are masked in the message.
function httpUrl(value: string, source: string): URL {
  return parseHttpUrl(value, source, migrateUsage);
}

function stepTimeoutMs(values: Values): number | undefined {
  const seconds = positiveInteger(values['step-timeout'], 'step-timeout');
  if (seconds !== undefined && seconds * 1000 >= 2 ** 31) {
    throw new MigrateUsageError(
      `--step-timeout must be below ${Math.floor(2 ** 31 / 1000)} seconds`,
    );
  }
  return seconds === undefined ? undefined : seconds * 1000;
}

function compatibility(values: Values): 'elasticsearch' | 'opensearch' {
  return compatibilityOf(values, migrateUsage);
}

function language(values: Values): MigrationLanguage {
  const lang = values.lang ?? 'ts';
  if (lang !== 'ts' && lang !== 'js' && lang !== 'mjs') {
    throw new MigrateUsageError(`--lang must be ts, js or mjs, not '${lang}'`);
  }
  return lang;
}

/**
 * The cluster and credentials (src/cli/connection.ts, shared with `elastiq info`); anything
 * incomplete or unreadable is an ELASTIQ_MIGRATE_USAGE error.
 */
export function clusterConnection(
  values: Values,
  env: NodeJS.ProcessEnv = process.env,
): ClusterConnection {
  return connect(values, env, migrateUsage);
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
    if (!isCommand(command)) {
      throw new MigrateUsageError(`Unknown migrate command '${command}'\n\n${MIGRATE_USAGE}`);
    }
    checkFlags(command, values);
    return await dispatch(command, args, values, io);
  } catch (error) {
    if (!(error instanceof ElastiqError)) throw error;
    io.err(`elastiq migrate: ${error.message} [${error.code}]`);
    return error instanceof MigrateUsageError ? 2 : 1;
  }
}

async function dispatch(
  command: Command,
  args: readonly string[],
  values: Values,
  io: Output,
): Promise<number> {
  if (command === 'create') return create(args, values, io);
  const connection = clusterConnection(values);
  // A mistyped --dir is refused before anything reaches the cluster (no state index is made).
  if (command === 'up' || command === 'down' || command === 'status') {
    await listMigrationFiles(values.dir ?? DEFAULT_MIGRATIONS_DIR);
  }
  for (const warning of connection.warnings) io.err(warning);
  if (values.quiet !== true) io.err(connection.description);
  const client = new Client(connection.options);
  try {
    if (command === 'generate') return await generate(client, args, values, io);
    if (command === 'unlock') return await unlock(client, values, io);
    if (command === 'status') return await status(migratorFor(client, values, io), values, io);
    const interrupt = stopOnSignals(io);
    const migrator = migratorFor(client, values, io, interrupt.signal);
    const stuck = haltWhenIdle(migrator);
    try {
      if (command === 'up') return await up(migrator, values, io);
      return await down(migrator, values, io);
    } finally {
      stuck.dispose();
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

/**
 * A migration that awaits something that can never happen (a promise nobody settles) leaves
 * Node with nothing to do: it would exit with code 13 and no message, the lock left behind.
 * When the event loop empties while a migration runs, the migrator gives up on it instead: it is
 * undone, the lock released, and the failure names the step.
 */
function haltWhenIdle(migrator: Migrator): { dispose(): void } {
  const idle = () => {
    migrator.halt(
      'it never settled: its up()/down() awaits a promise that nothing is left to resolve (the process had no other work), such as a promise without resolve or an event that never comes',
    );
  };
  process.on('beforeExit', idle);
  return { dispose: () => process.off('beforeExit', idle) };
}

function migratorFor(client: Client, values: Values, io: Output, signal?: AbortSignal): Migrator {
  const quiet = values.quiet === true;
  const lockAge = positiveInteger(values['lock-age'], 'lock-age');
  const timeout = stepTimeoutMs(values);
  return new Migrator({
    ...(timeout === undefined ? {} : { stepTimeoutMs: timeout }),
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
  const [migrations, held] = await Promise.all([migrator.status(), migrator.lockStatus()]);
  if (values.json) {
    const lock = held === undefined ? null : { ...held.lock, takeover: held.takeover ?? null };
    io.out(JSON.stringify({ migrations, lock }, null, 2));
  } else io.out(formatStatus(migrations, held?.lock, held?.takeover));
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
  return (await migrator.status())
    .filter((e) => e.state !== 'pending' && e.state !== 'partial')
    .map((e) => e.name);
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
