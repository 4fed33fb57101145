import type { Client } from '../../core/client.js';
import type { ReindexProgress } from '../../core/helpers/reindex.js';
import { OrmError } from '../errors.js';
import { type ContextHooks, type MigrationContext, OperationContext } from './migration-context.js';
import { MigrationFailedError, type MigrationLockInfo } from './migration-errors.js';
import { listMigrationFiles, loadMigration, type MigrationFile } from './migration-files.js';
import {
  type AppliedMigration,
  acquireLock,
  assertStateIndexName,
  DEFAULT_STATE_INDEX,
  ensureStateIndex,
  type LockOptions,
  readApplied,
  readLock,
  recordApplied,
  removeApplied,
} from './migration-state.js';

/**
 * The directory of migration files unless told otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_MIGRATIONS_DIR, Migrator } from 'elastiq/orm';
 * const migrator = new Migrator({ client, dir: process.env.MIGRATIONS_DIR ?? DEFAULT_MIGRATIONS_DIR });
 * ```
 */
export const DEFAULT_MIGRATIONS_DIR = './migrations';

/** Options of a `Migrator`. */
export interface MigratorOptions {
  readonly client: Client;
  /** Directory of `YYYYMMDDHHMMSS_description.{ts,js,mjs}` files (default `./migrations`). */
  readonly dir?: string;
  /** Index recording applied migrations and holding the lock (default `elastiq-migrations`). */
  readonly stateIndex?: string;
  /** Lock owner label, `forceUnlock` and its stale age. */
  readonly lock?: LockOptions;
  /** Where `ctx.log` and the runner's own messages go (default: nowhere). */
  readonly log?: (message: string) => void;
  /** Copy progress of `migrateIndex`. */
  readonly onProgress?: (progress: ReindexProgress & { readonly to: string }) => void;
  /**
   * Stops `up`/`down` (Ctrl-C in the CLI): no further migration starts, and the running one stops
   * at its next step or inside a copy, is undone like a failure, and is not recorded.
   */
  readonly signal?: AbortSignal;
}

/** Where one migration stands. */
export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing';

/** One line of `status`. */
export interface MigrationStatusEntry {
  readonly name: string;
  /**
   * `applied`; `pending` (a file not applied yet); `changed` (applied, but the file's checksum
   * differs from the recorded one); `missing` (recorded as applied, but no file has that name).
   */
  readonly state: MigrationState;
  readonly appliedAt?: string;
  readonly durationMs?: number;
  readonly file?: string;
}

/** What `up` did. */
export interface UpResult {
  /** Migrations applied by this run, in order (with `dryRun`: those that would be, 0 ms). */
  readonly applied: readonly { readonly name: string; readonly durationMs: number }[];
  /** Pending migrations left for later (after `to`). */
  readonly remaining: readonly string[];
  readonly dryRun: boolean;
}

/** What `down` did. */
export interface DownResult {
  /** Migrations reverted, newest first. */
  readonly reverted: readonly string[];
}

/**
 * Runs the migrations of a directory against a cluster: `up`, `down`, `status`. Applied
 * migrations are recorded in the state index; a lock document keeps two runners from migrating
 * at once; a migration that throws is undone where possible and never recorded.
 *
 * @example
 * ```ts
 * import { Client } from 'elastiq';
 * import { Migrator } from 'elastiq/orm';
 *
 * const client = new Client({ node: 'http://127.0.0.1:9200' });
 * const migrator = new Migrator({ client, dir: './migrations', log: console.log });
 * const { applied } = await migrator.up();
 * console.log(`${applied.length} migrations applied`);
 * ```
 */
export class Migrator {
  readonly client: Client;
  readonly dir: string;
  readonly stateIndex: string;
  readonly #options: MigratorOptions;

  constructor(options: MigratorOptions) {
    this.client = options.client;
    this.dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
    this.stateIndex = options.stateIndex ?? DEFAULT_STATE_INDEX;
    assertStateIndexName(this.stateIndex);
    this.#options = options;
  }

  /** Every migration, file or record, in name order, with its state. */
  async status(): Promise<MigrationStatusEntry[]> {
    const [files, applied] = await Promise.all([
      listMigrationFiles(this.dir),
      readApplied(this.client, this.stateIndex),
    ]);
    return statusOf(files, applied);
  }

  /**
   * Applies pending migrations in order (up to and including `to`). With `dryRun`, only loads
   * them (so a broken file shows) and says which would run: no migration code runs, since `up`
   * may call `ctx.client` directly; no lock is taken and nothing is recorded.
   */
  async up(options: { readonly to?: string; readonly dryRun?: boolean } = {}): Promise<UpResult> {
    const dryRun = options.dryRun === true;
    if (dryRun) return this.#up(options.to, true);
    await ensureStateIndex(this.client, this.stateIndex);
    return this.#locked(() => this.#up(options.to, false));
  }

  /**
   * Reverts the `steps` most recently applied migrations (default 1) with their `down`, in the
   * reverse of the order they were applied in.
   */
  async down(options: { readonly steps?: number } = {}): Promise<DownResult> {
    const steps = options.steps ?? 1;
    if (!Number.isInteger(steps) || steps < 1) {
      throw new OrmError('ORM_MIGRATION_INVALID', `steps must be a positive integer, not ${steps}`);
    }
    await ensureStateIndex(this.client, this.stateIndex);
    return this.#locked(() => this.#down(steps));
  }

  async #locked<T>(work: () => Promise<T>): Promise<T> {
    const lock = await acquireLock(this.client, this.stateIndex, {
      onRenewError: (message) => this.#log(`warning: ${message}`),
      ...this.#options.lock,
    });
    let result: T;
    try {
      result = await work();
    } catch (error) {
      // The migration's error matters more than a failed release (which the stale age cures).
      await lock.release().catch((e: unknown) => this.#log(`could not release the lock: ${e}`));
      throw error;
    }
    // The work is done and its records written: a failed release must not report it as failed.
    await lock
      .release()
      .catch((e: unknown) =>
        this.#log(
          `warning: could not release the migration lock (${e}); run elastiq migrate unlock, or it goes stale`,
        ),
      );
    return result;
  }

  /** Who holds the migration lock, or undefined when nobody does. */
  async lockHolder(): Promise<MigrationLockInfo | undefined> {
    if (!(await this.client.indices.exists({ index: this.stateIndex }))) return undefined;
    return (await readLock(this.client, this.stateIndex))?.lock;
  }

  async #up(to: string | undefined, dryRun: boolean): Promise<UpResult> {
    const files = await listMigrationFiles(this.dir);
    const applied = await readApplied(this.client, this.stateIndex);
    refuseChanged(statusOf(files, applied));
    const done = new Set(applied.map((a) => a.name));
    const pending = files.filter((f) => !done.has(f.name));
    const selected = selectUpTo(pending, to, files);
    const newest = applied.at(-1)?.name;
    for (const file of selected) {
      // Usually a branch merged after newer migrations ran: applied anyway, but worth a look.
      if (newest !== undefined && file.name < newest) {
        this.#log(`note: ${file.name} is older than the newest applied migration ${newest}`);
      }
    }
    const results: { name: string; durationMs: number }[] = [];
    for (const file of selected) {
      this.#stopIfAborted(file.name, results.length);
      results.push({ name: file.name, durationMs: await this.#apply(file, dryRun) });
    }
    return {
      applied: results,
      remaining: pending.slice(selected.length).map((f) => f.name),
      dryRun,
    };
  }

  async #apply(file: MigrationFile, dryRun: boolean): Promise<number> {
    const migration = await loadMigration<MigrationContext>(file);
    if (dryRun) {
      this.#log(`would apply ${file.name}`);
      return 0;
    }
    const ctx = this.#context();
    this.#log(`applying ${file.name}`);
    const started = performance.now();
    await runStep(file.name, ctx, () => migration.up(ctx));
    const durationMs = Math.round(performance.now() - started);
    const record = {
      name: file.name,
      checksum: file.checksum,
      applied_at: new Date().toISOString(),
      duration_ms: durationMs,
    };
    await recordApplied(this.client, this.stateIndex, record).catch((cause: unknown) => {
      throw this.#unrecorded(
        cause,
        `Migration ${file.name} ran, but recording it in ${this.stateIndex} failed`,
        'it is still pending, so the next up runs it again (ctx operations are safe to repeat; a migrateIndex copies once more)',
      );
    });
    this.#log(`applied ${file.name} (${durationMs} ms)`);
    return durationMs;
  }

  async #down(steps: number): Promise<DownResult> {
    const files = new Map((await listMigrationFiles(this.dir)).map((f) => [f.name, f]));
    const applied = await readApplied(this.client, this.stateIndex);
    const reverted: string[] = [];
    // Newest applied first: a migration from a branch merged late (an older name applied after
    // newer ones) is the first to revert, as the order it ran in says.
    const newestFirst = [...applied].sort(
      (a, b) => compareText(b.applied_at, a.applied_at) || compareText(b.name, a.name),
    );
    for (const record of newestFirst.slice(0, steps)) {
      this.#stopIfAborted(record.name, reverted.length);
      const file = files.get(record.name);
      if (file === undefined) {
        throw new OrmError(
          'ORM_MIGRATION_MISSING',
          `Cannot revert ${record.name}: it is recorded as applied but there is no file for it in ${this.dir}; restore the file (from version control) and run down again`,
        );
      }
      await this.#revert(file);
      reverted.push(file.name);
    }
    return { reverted };
  }

  async #revert(file: MigrationFile): Promise<void> {
    const migration = await loadMigration<MigrationContext>(file);
    const down = migration.down;
    if (down === undefined) {
      throw new OrmError(
        'ORM_MIGRATION_INVALID',
        `${file.path} exports no down(ctx), so it cannot be reverted; add one, or write a new migration that undoes it`,
      );
    }
    const ctx = this.#context();
    this.#log(`reverting ${file.name}`);
    await runStep(file.name, ctx, () => down.call(migration, ctx));
    await removeApplied(this.client, this.stateIndex, file.name).catch((cause: unknown) => {
      throw this.#unrecorded(
        cause,
        `Migration ${file.name} was reverted, but removing its record from ${this.stateIndex} failed`,
        `it is still listed as applied, so up will not run it again: run down again once ${this.stateIndex} takes writes`,
      );
    });
    this.#log(`reverted ${file.name}`);
  }

  // The migration's work is done but the state index says otherwise: say which way it is off.
  #unrecorded(cause: unknown, what: string, consequence: string): OrmError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new OrmError(
      'ORM_MIGRATION_FAILED',
      `${what}: ${reason}. Its changes stay; ${consequence}`,
      {
        cause,
      },
    );
  }

  #stopIfAborted(next: string, done: number): void {
    if (this.#options.signal?.aborted !== true) return;
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `Stopped before ${next}: the run was aborted after ${done} migration(s); the rest are as they were`,
      { cause: this.#options.signal.reason },
    );
  }

  #context(): OperationContext {
    const signal = this.#options.signal;
    const hooks: ContextHooks = {
      log: (m) => this.#log(m),
      ...(this.#options.onProgress === undefined ? {} : { onProgress: this.#options.onProgress }),
      ...(signal === undefined ? {} : { signal }),
    };
    return new OperationContext(this.client, hooks);
  }

  #log(message: string): void {
    this.#options.log?.(message);
  }
}

// Runs up() or down(); on a throw, undoes the steps done and names the step that failed.
async function runStep(name: string, ctx: OperationContext, body: () => unknown): Promise<void> {
  try {
    await body();
  } catch (cause) {
    const step = ctx.currentStep;
    const { undone, kept } = await ctx.rollback();
    const reason = cause instanceof Error ? cause.message : String(cause);
    const where = step.startsWith('step ') ? `at ${step}` : step;
    const parts = [`Migration ${name} failed ${where}: ${reason}.`, 'It was not recorded.'];
    if (undone.length > 0) parts.push(`Undone: ${undone.join('; ')}.`);
    if (kept.length > 0) parts.push(`Kept (cannot be undone): ${kept.join('; ')}.`);
    parts.push('Fix the migration and run it again.');
    throw new MigrationFailedError(
      { migration: name, step, rolledBack: undone },
      parts.join(' '),
      cause,
    );
  }
}

/** Merges files and records into status lines, in name order. */
export function statusOf(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
): MigrationStatusEntry[] {
  const records = new Map(applied.map((a) => [a.name, a]));
  const entries: MigrationStatusEntry[] = files.map((file) => {
    const record = records.get(file.name);
    if (record === undefined) return { name: file.name, state: 'pending', file: file.path };
    return {
      name: file.name,
      state: record.checksum === file.checksum ? 'applied' : 'changed',
      appliedAt: record.applied_at,
      durationMs: record.duration_ms,
      file: file.path,
    };
  });
  const names = new Set(files.map((f) => f.name));
  for (const record of applied) {
    if (names.has(record.name)) continue;
    entries.push({
      name: record.name,
      state: 'missing',
      appliedAt: record.applied_at,
      durationMs: record.duration_ms,
    });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function refuseChanged(entries: readonly MigrationStatusEntry[]): void {
  const changed = entries.filter((e) => e.state === 'changed').map((e) => e.name);
  if (changed.length === 0) return;
  throw new OrmError(
    'ORM_MIGRATION_INVALID',
    `Applied migrations were edited after they ran: ${changed.join(', ')}. Restore them as they were and put the change in a new migration (elastiq migrate create)`,
  );
}

/** The pending files to apply: all, or up to and including `to` (a name or its timestamp). */
export function selectUpTo(
  pending: readonly MigrationFile[],
  to: string | undefined,
  all: readonly MigrationFile[],
): MigrationFile[] {
  if (to === undefined) return [...pending];
  const matches = (f: MigrationFile) => f.name === to || f.name.startsWith(`${to}_`);
  const target = all.find(matches);
  if (target === undefined) {
    throw new OrmError(
      'ORM_MIGRATION_MISSING',
      `No migration named ${to}; run elastiq migrate status to see the names`,
    );
  }
  return pending.filter((f) => f.name <= target.name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
