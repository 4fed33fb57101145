import diagnosticsChannel from 'node:diagnostics_channel';
import type { Client } from '../../core/client.js';
import { ResponseError } from '../../core/errors.js';
import type { ReindexProgress } from '../../core/helpers/reindex.js';
import { OrmError } from '../errors.js';
import { hasWriteBlock } from './migrate-index.js';
import {
  type ContextHooks,
  type MigrationContext,
  OperationContext,
  type StepEvent,
} from './migration-context.js';
import { MigrationFailedError, type MigrationLockInfo } from './migration-errors.js';
import { listMigrationFiles, loadMigration, type MigrationFile } from './migration-files.js';
import {
  MigrationJournal,
  type PartialMigration,
  readPartial,
  stepLabel,
} from './migration-journal.js';
import {
  type AppliedMigration,
  acquireLock,
  assertStateIndexName,
  DEFAULT_STALE_LOCK_MS,
  DEFAULT_STATE_INDEX,
  ensureStateIndex,
  type LockOptions,
  readApplied,
  readLock,
  removeApplied,
  takeoverReason,
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
  /**
   * Fails a migration that makes no progress for this long (milliseconds): no step starts or
   * ends and no copy advances. It is undone like any failure, without waiting for its code to
   * settle. Default: no limit.
   */
  readonly stepTimeoutMs?: number;
}

/**
 * Published on `node:diagnostics_channel` at every step boundary of a migration run: `start`,
 * `skipped` (done by an earlier run), `copying`, `progress` (each batch of a copy), `copied`,
 * `swapped` (of a `migrateIndex`), `done`, and `recording` (before the migration is recorded as
 * applied).
 *
 * @example
 * ```ts
 * import diagnosticsChannel from 'node:diagnostics_channel';
 * import { MIGRATION_CHANNEL, type MigrationStepMessage } from 'elastiq/orm';
 * diagnosticsChannel.subscribe(MIGRATION_CHANNEL, (message) => {
 *   const { migration, step, phase } = message as MigrationStepMessage;
 *   console.log(`${migration} ${step}: ${phase}`);
 * });
 * ```
 */
export const MIGRATION_CHANNEL = 'elastiq:migration';

/** What `MIGRATION_CHANNEL` carries. */
export interface MigrationStepMessage {
  readonly migration: string;
  /** `step 2: migrateIndex items`, or the migration's name for `recording`. */
  readonly step: string;
  readonly phase: StepEvent['phase'] | 'progress' | 'recording';
  /** With `progress`: documents written so far, and of how many. */
  readonly written?: number;
  readonly total?: number;
}

const migrationChannel = diagnosticsChannel.channel(MIGRATION_CHANNEL);

/** Where one migration stands. */
export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing' | 'partial';

/**
 * A migration an earlier run left partially applied (it died, or failed with steps it could not
 * undo): what it finished, what it had under way, and what that left in the cluster.
 */
export interface PartialRun {
  /** The finished steps (`step 1: migrateIndex items`), which a rerun skips. */
  readonly done: readonly string[];
  /** The step under way when the run stopped, which the next run undoes and runs again. */
  readonly inFlight?: string;
  /** Indices the step under way made, which the next run deletes. */
  readonly orphans: readonly string[];
  /** Indices the step under way write-blocked, which the next run unblocks. */
  readonly blocked: readonly string[];
}

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
  /** With `partial`: what the earlier run left. */
  readonly partial?: PartialRun;
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
  /** Rejects the migration in progress (halt(), a stall, a lost lock); undefined between runs. */
  #stop: ((reason: OrmError) => void) | undefined;

  constructor(options: MigratorOptions) {
    this.client = options.client;
    this.dir = options.dir ?? DEFAULT_MIGRATIONS_DIR;
    this.stateIndex = options.stateIndex ?? DEFAULT_STATE_INDEX;
    assertStateIndexName(this.stateIndex);
    const limit = options.stepTimeoutMs;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit < 2 ** 31)) {
      throw new OrmError(
        'ORM_MIGRATION_INVALID',
        `stepTimeoutMs must be a positive whole number of milliseconds below 2^31, not ${limit}`,
      );
    }
    this.#options = options;
  }

  /**
   * Every migration, file or record, in name order, with its state; a partially applied one says
   * what its earlier run finished and left behind.
   */
  async status(): Promise<MigrationStatusEntry[]> {
    const [files, applied, partial] = await Promise.all([
      listMigrationFiles(this.dir),
      readApplied(this.client, this.stateIndex),
      readPartial(this.client, this.stateIndex),
    ]);
    const runs = new Map<string, PartialRun>();
    for (const run of partial) runs.set(run.name, await this.#leftovers(run));
    return statusOf(files, applied, runs);
  }

  async #leftovers(run: PartialMigration): Promise<PartialRun> {
    const done = run.steps.filter((s) => s.state === 'done').map(stepLabel);
    const flying = run.steps.find((s) => s.state === 'started');
    if (flying === undefined) return { done, orphans: [], blocked: [] };
    const intent = (flying.intent ?? {}) as {
      to?: unknown;
      from?: unknown;
      blockSetByUs?: unknown;
    };
    const orphans: string[] = [];
    const blocked: string[] = [];
    if (typeof intent.to === 'string' && (await this.client.indices.exists({ index: intent.to }))) {
      orphans.push(intent.to);
    }
    if (intent.blockSetByUs === true && typeof intent.from === 'string') {
      if (await hasWriteBlock(this.client, intent.from)) blocked.push(intent.from);
    }
    return { done, inFlight: stepLabel(flying), orphans, blocked };
  }

  /**
   * Gives up on the migration in progress at once, without waiting for its `up`/`down` to settle
   * (the CLI calls it when the process has nothing left to wait for, so the migration can never
   * settle): it fails with ORM_MIGRATION_FAILED naming the step, is undone, and the lock is
   * released. Returns false when no migration is running.
   */
  halt(reason: string): boolean {
    const stop = this.#stop;
    if (stop === undefined) return false;
    stop(new OrmError('ORM_MIGRATION_FAILED', reason));
    return true;
  }

  /**
   * Applies pending migrations in order (up to and including `to`). With `dryRun`, only loads
   * them (so a broken file shows) and says which would run: no migration code runs, since `up`
   * may call `ctx.client` directly; no lock is taken and nothing is recorded.
   */
  async up(options: { readonly to?: string; readonly dryRun?: boolean } = {}): Promise<UpResult> {
    const dryRun = options.dryRun === true;
    if (dryRun) return this.#up(options.to, true);
    // Nothing to run: the cluster is not touched (no state index is created for nothing).
    const plan = await this.#plan(options.to);
    if (plan.selected.length === 0) {
      return { applied: [], remaining: plan.pending.map((f) => f.name), dryRun: false };
    }
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
    this.#lockLost = undefined;
    const lock = await acquireLock(this.client, this.stateIndex, {
      onRenewError: (message) => this.#log(`warning: ${message}`),
      onTakeover: (message) => this.#log(message),
      ...this.#options.lock,
      onLost: (message) => {
        this.#lockLost = message;
        this.#stop?.(new LockLostError(message));
      },
    });
    let result: T;
    try {
      result = await work();
      if (this.#lockLost !== undefined) throw new LockLostError(this.#lockLost);
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
          `warning: could not release the migration lock (${e}); the next run takes it over when its lease runs out (from this host, as soon as this process has exited)`,
        ),
      );
    return result;
  }

  /** Who holds the migration lock, or undefined when nobody does. */
  async lockHolder(): Promise<MigrationLockInfo | undefined> {
    return (await this.lockStatus())?.lock;
  }

  /**
   * Who holds the migration lock and whether the next run may take it over (`takeover` says
   * why: its holder no longer runs on this host, or its lease ran out), or undefined when nobody
   * holds it.
   */
  async lockStatus(): Promise<{ lock: MigrationLockInfo; takeover?: string } | undefined> {
    if (!(await this.client.indices.exists({ index: this.stateIndex }))) return undefined;
    const stored = await readLock(this.client, this.stateIndex);
    if (stored === undefined) return undefined;
    const staleAfter = this.#options.lock?.staleAfterMs ?? DEFAULT_STALE_LOCK_MS;
    const takeover = takeoverReason(stored.lock, staleAfter, new Date());
    return takeover === undefined ? { lock: stored.lock } : { lock: stored.lock, takeover };
  }

  async #plan(to: string | undefined) {
    const files = await listMigrationFiles(this.dir);
    const applied = await readApplied(this.client, this.stateIndex);
    const entries = statusOf(files, applied);
    refuseChanged(entries);
    refuseMissing(entries, this.dir);
    const done = new Set(applied.map((a) => a.name));
    const pending = files.filter((f) => !done.has(f.name));
    return { files, applied, pending, selected: selectUpTo(pending, to, files) };
  }

  async #up(to: string | undefined, dryRun: boolean): Promise<UpResult> {
    const { applied, pending, selected } = await this.#plan(to);
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
    const journal = await MigrationJournal.open(
      { client: this.client, index: this.stateIndex },
      file.name,
      file.checksum,
    );
    const ctx = this.#context(file.name, journal);
    const earlier = journal.steps;
    if (earlier.length > 0) {
      const done = earlier.filter((s) => s.state === 'done').length;
      this.#log(`resuming ${file.name}: ${done} step(s) done by an earlier run`);
      for (const said of await ctx.recover()) this.#log(said);
    } else {
      this.#log(`applying ${file.name}`);
    }
    const started = performance.now();
    await this.#runStep(file.name, ctx, () => migration.up(ctx));
    const durationMs = Math.round(performance.now() - started);
    const record = {
      name: file.name,
      checksum: file.checksum,
      applied_at: new Date().toISOString(),
      duration_ms: durationMs,
    };
    migrationChannel.publish({ migration: file.name, step: file.name, phase: 'recording' });
    await journal.finish(record).catch((cause: unknown) => {
      throw this.#unrecorded(
        cause,
        `Migration ${file.name} ran, but recording it in ${this.stateIndex} failed`,
        'its steps are journaled as done, so the next up records it without running them again',
      );
    });
    this.#log(`applied ${file.name} (${durationMs} ms)`);
    return durationMs;
  }

  /**
   * Runs up() or down(); on a throw, undoes the steps done and names the step that failed. A
   * migration that makes no progress for `stepTimeoutMs`, or that `halt()` gives up on, fails
   * without waiting for its code to settle; one whose lock was taken over stops without undoing
   * anything (the runner that took the lock resumes it from the journal).
   */
  async #runStep(name: string, ctx: OperationContext, body: () => unknown): Promise<void> {
    let stop!: (reason: OrmError) => void;
    const stopped = new Promise<never>((_, reject) => {
      // The migration's copy (and its next step) stop too.
      stop = (reason) => {
        reject(reason);
        this.#halt?.abort(reason);
      };
    });
    stopped.catch(() => undefined);
    const stall = this.#stallTimer(ctx, stop);
    this.#stop = stop;
    this.#stall = stall.touch;
    try {
      await Promise.race([Promise.resolve().then(body), stopped]);
    } catch (cause) {
      if (cause instanceof LockLostError) {
        throw new MigrationFailedError(
          { migration: name, step: ctx.currentStep, rolledBack: [] },
          `Migration ${name} stopped ${describeStep(ctx.currentStep)}: ${cause.message}. Nothing was undone: the runner that took the lock over resumes the migration from its journal`,
          cause,
        );
      }
      const step = ctx.currentStep;
      const { undone, kept } = await ctx.rollback();
      const reason = cause instanceof Error ? cause.message : String(cause);
      const parts = [`Migration ${name} failed ${describeStep(step)}: ${reason}.`];
      parts.push(...blockHints(cause));
      parts.push('It was not recorded.');
      if (undone.length > 0) parts.push(`Undone: ${undone.join('; ')}.`);
      if (kept.length > 0) {
        parts.push(
          `Kept (cannot be undone): ${kept.join('; ')}; these stay journaled as done, so the next run does not run them again.`,
        );
      }
      parts.push('Fix the migration and run it again.');
      throw new MigrationFailedError(
        { migration: name, step, rolledBack: undone },
        parts.join(' '),
        cause,
      );
    } finally {
      stall.clear();
      this.#stop = undefined;
      this.#stall = undefined;
    }
  }

  // Restarted at every step boundary and copy progress; fires after stepTimeoutMs of neither.
  #stallTimer(ctx: OperationContext, stop: (reason: OrmError) => void) {
    const limit = this.#options.stepTimeoutMs;
    if (limit === undefined) return { touch: () => undefined, clear: () => undefined };
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stop(
          new OrmError(
            'ORM_MIGRATION_FAILED',
            `no progress for ${limit} ms ${describeStep(ctx.currentStep)} (stepTimeoutMs)`,
          ),
        );
      }, limit);
    };
    touch();
    return { touch, clear: () => clearTimeout(timer) };
  }

  #stall: (() => void) | undefined;
  /** Aborts the running migration's copies and next steps when it is stopped. */
  #halt: AbortController | undefined;
  /** Set when a renewal found the lock taken over: no further migration starts. */
  #lockLost: string | undefined;

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
    const ctx = this.#context(file.name, MigrationJournal.inMemory(file.name));
    this.#log(`reverting ${file.name}`);
    await this.#runStep(file.name, ctx, () => down.call(migration, ctx));
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
    if (this.#lockLost !== undefined) {
      throw new LockLostError(
        `Stopped before ${next} after ${done} migration(s): ${this.#lockLost}`,
      );
    }
    if (this.#options.signal?.aborted !== true) return;
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `Stopped before ${next}: the run was aborted after ${done} migration(s); the rest are as they were`,
      { cause: this.#options.signal.reason },
    );
  }

  #context(migration: string, journal: MigrationJournal): OperationContext {
    this.#halt = new AbortController();
    const own = this.#options.signal;
    const signal =
      own === undefined ? this.#halt.signal : AbortSignal.any([own, this.#halt.signal]);
    const onProgress = this.#options.onProgress;
    const hooks: ContextHooks = {
      log: (m) => this.#log(m),
      journal,
      onProgress: (progress) => {
        this.#stall?.();
        migrationChannel.publish({
          migration,
          step: ctx.currentStep,
          phase: 'progress',
          written: progress.written,
          total: progress.total,
        } satisfies MigrationStepMessage);
        onProgress?.(progress);
      },
      onStep: (event) => {
        this.#stall?.();
        migrationChannel.publish({ migration, ...event } satisfies MigrationStepMessage);
      },
      signal,
    };
    const ctx = new OperationContext(this.client, hooks);
    return ctx;
  }

  #log(message: string): void {
    this.#options.log?.(message);
  }
}

/** The lock was taken over by another runner while this one ran. */
class LockLostError extends OrmError {
  static override readonly kind: string = 'MigrationLockLostError';
  constructor(message: string) {
    super('ORM_MIGRATION_LOCKED', message);
  }
}

function describeStep(step: string): string {
  return step.startsWith('step ') ? `at ${step}` : step;
}

/**
 * Names each index block an error met (`cluster_block_exception`) and how it is lifted: a block
 * left by a migration that died is lifted by the next `migrate up`.
 */
export function blockHints(error: unknown): string[] {
  const hints: string[] = [];
  for (let e: unknown = error; e instanceof Error && hints.length < 4; e = e.cause) {
    if (!(e instanceof ResponseError)) continue;
    const body = e.body as { error?: { type?: unknown; reason?: unknown } } | undefined;
    if (body?.error?.type !== 'cluster_block_exception') continue;
    const reason = String(body.error.reason ?? '');
    for (const m of reason.matchAll(/index \[([^\]]+)\] blocked by: \[([^\]]+)\]/g)) {
      hints.push(
        `${m[1]} is blocked (${m[2]}): if a migration that died set it, elastiq migrate up lifts it (elastiq migrate status lists such blocks); otherwise lift it with PUT ${m[1]}/_settings {"index.blocks.write": null}.`,
      );
    }
  }
  return hints;
}

/** Merges files and records into status lines, in name order. */
export function statusOf(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
  partial: ReadonlyMap<string, PartialRun> = new Map(),
): MigrationStatusEntry[] {
  const records = new Map(applied.map((a) => [a.name, a]));
  const entries: MigrationStatusEntry[] = files.map((file) => {
    const record = records.get(file.name);
    const run = partial.get(file.name);
    if (record === undefined && run !== undefined) {
      return { name: file.name, state: 'partial', file: file.path, partial: run };
    }
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

// A record without its file: the folder is probably the wrong one (a typo in --dir), or the
// file was deleted; running the rest could apply migrations out of their order.
function refuseMissing(entries: readonly MigrationStatusEntry[], dir: string): void {
  const missing = entries.filter((e) => e.state === 'missing').map((e) => e.name);
  if (missing.length === 0) return;
  throw new OrmError(
    'ORM_MIGRATION_MISSING',
    `${missing.length} migration(s) recorded as applied have no file in ${dir}: ${missing.join(', ')}. Check that this is the migrations folder (--dir), or restore the files from version control`,
  );
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
