import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Client } from '../../core/client.js';
import { ResponseError } from '../../core/errors.js';
import { OrmError } from '../errors.js';
import { MigrationLockedError, type MigrationLockInfo } from './migration-errors.js';

/**
 * The index that records applied migrations (and holds the lock) unless told otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_STATE_INDEX } from 'elastiq/orm';
 * const applied = await client.search({ index: DEFAULT_STATE_INDEX, size: 100 }); // 'elastiq-migrations'
 * ```
 */
export const DEFAULT_STATE_INDEX = 'elastiq-migrations';

/**
 * The lease of the migration lock (default 2 minutes): a lock its holder has not renewed for this
 * long is taken over by the next runner, whose holder is presumed dead (a live holder renews it
 * every 30 seconds). A lock of a process on the same host that no longer runs is taken over at
 * once.
 *
 * @example
 * ```ts
 * import { DEFAULT_STALE_LOCK_MS, Migrator } from 'elastiq/orm';
 * // Runners on hosts that may stall for minutes: wait ten minutes before taking over their lock.
 * const migrator = new Migrator({ client, lock: { staleAfterMs: 5 * DEFAULT_STALE_LOCK_MS } });
 * ```
 */
export const DEFAULT_STALE_LOCK_MS = 2 * 60_000;

/** A runner renews its lock this often while it holds it (default 30 seconds). */
export const DEFAULT_LOCK_RENEW_MS = 30_000;

const LOCK_ID = '_lock';

/** One applied migration, as recorded in the state index. */
export interface AppliedMigration {
  readonly name: string;
  readonly checksum: string;
  /** ISO-8601 time the migration finished. */
  readonly applied_at: string;
  readonly duration_ms: number;
}

// Explicit so the records never depend on dynamic mapping (names must stay keywords to sort).
const STATE_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    type: { type: 'keyword' },
    name: { type: 'keyword' },
    checksum: { type: 'keyword' },
    applied_at: { type: 'date' },
    duration_ms: { type: 'long' },
    token: { type: 'keyword' },
    holder: { type: 'keyword' },
    host: { type: 'keyword' },
    pid: { type: 'integer' },
    since: { type: 'date' },
    renewed: { type: 'date' },
    // The journal of a partially applied migration (migration-journal.ts).
    state: { type: 'keyword' },
    started_at: { type: 'date' },
    steps: { type: 'object', enabled: false },
  },
} as const;

// Fields added after the first release: a state index made before them gets them on the next run.
const LATER_FIELDS = {
  renewed: STATE_MAPPINGS.properties.renewed,
  state: STATE_MAPPINGS.properties.state,
  started_at: STATE_MAPPINGS.properties.started_at,
  steps: STATE_MAPPINGS.properties.steps,
};

function isStatus(error: unknown, status: number): boolean {
  return error instanceof ResponseError && error.statusCode === status;
}

function errorType(error: unknown): unknown {
  if (!(error instanceof ResponseError)) return undefined;
  return (error.body as { error?: { type?: unknown } } | undefined)?.error?.type;
}

/** Creates the state index when it does not exist (a concurrent creation is fine). */
export async function ensureStateIndex(client: Client, index: string): Promise<void> {
  if (await client.indices.exists({ index })) {
    // A state index made by an earlier version lacks the (strict) fields added since.
    await client.indices.putMapping({ index, properties: LATER_FIELDS });
    return;
  }
  try {
    await client.indices.create({
      index,
      settings: { number_of_shards: 1, auto_expand_replicas: '0-1' },
      mappings: STATE_MAPPINGS,
    });
  } catch (error) {
    // Another runner created it between our check and our create.
    if (errorType(error) !== 'resource_already_exists_exception') throw error;
  }
}

/** The applied migrations, in name order (empty when the state index does not exist yet). */
export async function readApplied(client: Client, index: string): Promise<AppliedMigration[]> {
  if (!(await client.indices.exists({ index }))) return [];
  // Migrations number in the hundreds at most: one page is enough and keeps this simple.
  // A partially applied migration (its journal) is not applied.
  const response = await client.search<AppliedMigration>({
    index,
    query: {
      bool: {
        filter: [{ term: { type: 'migration' } }],
        must_not: [{ term: { state: 'partial' } }],
      },
    },
    sort: [{ name: { order: 'asc', unmapped_type: 'keyword' } }],
    size: 10_000,
  });
  const applied = response.hits.hits.map((hit) => {
    const doc = hit._source as AppliedMigration;
    return {
      name: doc.name,
      checksum: doc.checksum,
      applied_at: doc.applied_at,
      duration_ms: doc.duration_ms,
    };
  });
  return applied.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Forgets an applied migration (after its down()). */
export async function removeApplied(client: Client, index: string, name: string): Promise<void> {
  await client.delete({ index, id: name, refresh: true }, { ignore: [404] });
}

/** Options of the migration lock. */
export interface LockOptions {
  /** Who takes the lock (default: the OS user name). */
  readonly holder?: string;
  /**
   * Break the lock even while its lease runs: its holder is known to be gone (a runner on another
   * host that died). Without it, a lock is taken over only when its lease has run out or its
   * holder is a process of this host that no longer runs.
   */
  readonly forceUnlock?: boolean;
  /** The lease: a lock not renewed for this long is taken over (default 2 minutes). */
  readonly staleAfterMs?: number;
  /** Told when the lock of another runner is taken over, and why (default: nowhere). */
  readonly onTakeover?: (message: string) => void;
  /** Called once when a renewal finds the lock taken by another runner: the run must stop. */
  readonly onLost?: (message: string) => void;
  /** How often the holder renews the lock while it runs (default 30 seconds). */
  readonly renewEveryMs?: number;
  /** Told when a renewal finds the lock broken or fails (default: nowhere). */
  readonly onRenewError?: (message: string) => void;
  /** The clock (tests). */
  readonly now?: () => Date;
}

/** A held lock: release it in `finally`. */
export interface HeldLock {
  readonly info: MigrationLockInfo;
  release(): Promise<void>;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Takes the migration lock: a document created with `op_type: create`, so of two runners exactly
 * one succeeds; the other gets ORM_MIGRATION_LOCKED naming the holder, host, pid and since when.
 * The holder renews the lock every `renewEveryMs` until it releases it, so a run that takes longer
 * than the stale age (a big copy) is not taken for dead and broken by `forceUnlock`.
 */
export async function acquireLock(
  client: Client,
  index: string,
  options: LockOptions = {},
): Promise<HeldLock> {
  const now = options.now ?? (() => new Date());
  const info: MigrationLockInfo = {
    token: randomUUID(),
    holder: options.holder ?? currentUser(),
    host: hostname(),
    pid: process.pid,
    since: now().toISOString(),
  };
  // Two rounds at most: the lock may be released or broken between our create and our read.
  for (let round = 0; round < 2; round++) {
    if (await tryCreateLock(client, index, info)) {
      const stop = keepRenewed(client, index, info, options, now);
      return {
        info,
        release: async () => {
          await stop();
          await releaseLock(client, index, info.token);
        },
      };
    }
    const current = await readLock(client, index);
    if (current !== undefined) await breakOrRefuse(client, index, current, options, now());
  }
  const winner = await readLock(client, index);
  throw lockedError(
    winner?.lock ?? info,
    index,
    now(),
    options.staleAfterMs ?? DEFAULT_STALE_LOCK_MS,
  );
}

async function tryCreateLock(
  client: Client,
  index: string,
  info: MigrationLockInfo,
): Promise<boolean> {
  try {
    await client.create({
      index,
      id: LOCK_ID,
      document: { type: 'lock', ...info },
      refresh: true,
    });
    return true;
  } catch (error) {
    if (isStatus(error, 409)) return false;
    throw error;
  }
}

interface StoredLock {
  readonly lock: MigrationLockInfo;
  readonly seqNo: number;
  readonly primaryTerm: number;
}

/** The lock document, or undefined when nobody holds the lock. */
export async function readLock(client: Client, index: string): Promise<StoredLock | undefined> {
  const found = await client.get<MigrationLockInfo>({ index, id: LOCK_ID }, { ignore: [404] });
  if (!found.found || found._source === undefined) return undefined;
  return { lock: found._source, seqNo: found._seq_no ?? 0, primaryTerm: found._primary_term ?? 0 };
}

/** Why a held lock may be taken over now, or undefined while its holder may be alive. */
export function takeoverReason(
  lock: MigrationLockInfo,
  staleAfterMs: number,
  now: Date,
): string | undefined {
  if (lock.host === hostname() && !processRuns(lock.pid)) {
    return `its holder, pid ${lock.pid} on this host (${lock.host}), no longer runs`;
  }
  const age = now.getTime() - Date.parse(lock.renewed ?? lock.since);
  if (age >= staleAfterMs) {
    return `it was last renewed ${Math.round(age / 1000)}s ago, past its lease of ${Math.round(staleAfterMs / 1000)}s`;
  }
  return undefined;
}

/** Whether a process of this host with that pid runs (EPERM: it runs, as another user). */
function processRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

async function breakOrRefuse(
  client: Client,
  index: string,
  current: StoredLock,
  options: LockOptions,
  now: Date,
): Promise<void> {
  const staleAfter = options.staleAfterMs ?? DEFAULT_STALE_LOCK_MS;
  const reason =
    takeoverReason(current.lock, staleAfter, now) ??
    (options.forceUnlock === true ? 'forceUnlock was given' : undefined);
  if (reason === undefined) throw lockedError(current.lock, index, now, staleAfter);
  const { holder, host, pid } = current.lock;
  options.onTakeover?.(
    `took over the migration lock of ${holder} on ${host} (pid ${pid}): ${reason}`,
  );
  // Only the lock we read is deleted: a runner that broke it first and took it keeps it.
  await deleteLockAsRead(client, index, current);
}

function lockedError(
  lock: MigrationLockInfo,
  index: string,
  now: Date,
  staleAfterMs: number,
): MigrationLockedError {
  const ago = (iso: string) => Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  const renewedAgo = ago(lock.renewed ?? lock.since);
  const left = Math.max(1, Math.round(staleAfterMs / 1000) - renewedAgo);
  return new MigrationLockedError(
    lock,
    `Migrations are locked by ${lock.holder} on ${lock.host} (pid ${lock.pid}) since ${lock.since} (${ago(lock.since)}s ago, renewed ${renewedAgo}s ago; lock document ${index}/${LOCK_ID}). A live runner renews its lock every ${DEFAULT_LOCK_RENEW_MS / 1000}s; if this one died, the next run takes the lock over in ${left}s, when its lease of ${Math.round(staleAfterMs / 1000)}s runs out (at once if its pid no longer runs on ${lock.host}). To take it over now, run again with --force-unlock (forceUnlock: true)`,
  );
}

/**
 * Renews the held lock on a timer (only while the document is still ours: a conditional write);
 * returns the stop function, which waits for a renewal in flight.
 */
function keepRenewed(
  client: Client,
  index: string,
  info: MigrationLockInfo,
  options: LockOptions,
  now: () => Date,
): () => Promise<void> {
  let inFlight: Promise<void> = Promise.resolve();
  let lost = false;
  const renew = async () => {
    const current = await readLock(client, index);
    if (current === undefined || current.lock.token !== info.token) {
      lost = true;
      const message = `the migration lock ${index}/${LOCK_ID} was taken over by ${current === undefined ? 'nobody (it was removed)' : `${current.lock.holder} on ${current.lock.host} (pid ${current.lock.pid})`}`;
      options.onRenewError?.(message);
      options.onLost?.(message);
      return;
    }
    await client.index({
      index,
      id: LOCK_ID,
      document: { type: 'lock', ...info, renewed: now().toISOString() },
      if_seq_no: current.seqNo,
      if_primary_term: current.primaryTerm,
      refresh: true,
    });
  };
  const timer = setInterval(() => {
    if (lost) return;
    inFlight = inFlight
      .then(renew)
      .catch((e: unknown) => options.onRenewError?.(`could not renew the migration lock: ${e}`));
  }, options.renewEveryMs ?? DEFAULT_LOCK_RENEW_MS);
  timer.unref(); // a held lock never keeps the process alive on its own
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

async function releaseLock(client: Client, index: string, token: string): Promise<void> {
  const current = await readLock(client, index);
  if (current === undefined || current.lock.token !== token) return; // broken and taken over
  await deleteLockAsRead(client, index, current);
}

/** Deletes the lock document only as it was read (seqNo guard): a lock taken since stays. */
async function deleteLockAsRead(
  client: Client,
  index: string,
  current: { readonly seqNo: number; readonly primaryTerm: number },
): Promise<void> {
  await client.delete(
    {
      index,
      id: LOCK_ID,
      if_seq_no: current.seqNo,
      if_primary_term: current.primaryTerm,
      refresh: true,
    },
    { ignore: [404, 409] },
  );
}

/** Removes the lock whoever holds it (the `unlock` escape hatch); true when there was one. */
export async function clearLock(client: Client, index: string): Promise<boolean> {
  if (!(await client.indices.exists({ index }))) return false;
  const current = await readLock(client, index);
  if (current === undefined) return false;
  await client.delete({ index, id: LOCK_ID, refresh: true }, { ignore: [404] });
  return true;
}

/** Fails with ORM_MIGRATION_INVALID when the state index is not one that elastiq wrote. */
export function assertStateIndexName(index: string): void {
  if (index === '' || /[\s,*"<>|\\/?#]/.test(index) || index !== index.toLowerCase()) {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `'${index}' is not a valid state index name; use a lowercase name such as ${DEFAULT_STATE_INDEX}`,
    );
  }
}
