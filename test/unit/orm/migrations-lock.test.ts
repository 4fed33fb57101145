import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../../src/core/client.js';
import { ResponseError } from '../../../src/core/errors.js';
import { MigrationLockedError } from '../../../src/orm/migrations/migration-errors.js';
import { acquireLock, readLock } from '../../../src/orm/migrations/migration-state.js';
import { Migrator } from '../../../src/orm/migrations/migrator.js';

interface Stored {
  source: Record<string, unknown>;
  seqNo: number;
}

function conflict(): ResponseError {
  return new ResponseError({
    body: { error: { type: 'version_conflict_engine_exception' }, status: 409 },
    statusCode: 409,
    headers: {},
    meta: { requestId: 1, name: 'test', node: undefined, attempts: 1, aborted: false },
  });
}

/**
 * The lock document's life in memory, with Elasticsearch's rules for it: `create` refuses an
 * existing id (409) and a conditional delete refuses a changed document (409).
 */
function fakeClient() {
  const docs = new Map<string, Stored>();
  let seq = 0;
  const deletes: string[] = [];
  const client = {
    create: async (p: { id: string; document: Record<string, unknown> }) => {
      if (docs.has(p.id)) throw conflict();
      docs.set(p.id, { source: p.document, seqNo: ++seq });
      return {};
    },
    get: async (p: { id: string }) => {
      const doc = docs.get(p.id);
      return doc === undefined
        ? { found: false }
        : { found: true, _source: doc.source, _seq_no: doc.seqNo, _primary_term: 1 };
    },
    index: async (p: { id: string; document: Record<string, unknown>; if_seq_no?: number }) => {
      const doc = docs.get(p.id);
      if (p.if_seq_no !== undefined && p.if_seq_no !== doc?.seqNo) throw conflict();
      docs.set(p.id, { source: p.document, seqNo: ++seq });
      return {};
    },
    delete: async (p: { id: string; if_seq_no?: number }) => {
      const doc = docs.get(p.id);
      if (doc === undefined) return { result: 'not_found' };
      if (p.if_seq_no !== undefined && p.if_seq_no !== doc.seqNo) return { status: 409 };
      docs.delete(p.id);
      deletes.push(p.id);
      return { result: 'deleted' };
    },
  };
  return { client: client as unknown as Client, docs, deletes };
}

const at = (iso: string) => () => new Date(iso);

describe('migration lock', () => {
  it('of two runners exactly one takes the lock; the other learns who, where, which pid and since when', async () => {
    const { client } = fakeClient();
    const results = await Promise.allSettled([
      acquireLock(client, 'state', { holder: 'a', now: at('2026-01-01T00:00:00Z') }),
      acquireLock(client, 'state', { holder: 'b', now: at('2026-01-01T00:00:00Z') }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(MigrationLockedError);
    const error = refused.reason as MigrationLockedError;
    expect(error.code).toBe('ORM_MIGRATION_LOCKED');
    expect(['a', 'b']).toContain(error.lock.holder);
    expect(error.lock.pid).toBe(process.pid);
    expect(error.message).toContain('since 2026-01-01T00:00:00.000Z (0s ago');
  });

  it('is released by its holder, and can then be taken again', async () => {
    const { client } = fakeClient();
    const held = await acquireLock(client, 'state', { holder: 'a' });
    await held.release();
    expect(await readLock(client, 'state')).toBeUndefined();
    const again = await acquireLock(client, 'state', { holder: 'b' });
    expect(again.info.holder).toBe('b');
  });

  it('refuses a lock within its lease, saying when the next run takes it over and how to take it now', async () => {
    const { client } = fakeClient();
    await acquireLock(client, 'state', { holder: 'a', now: at('2026-01-01T00:00:00Z') });
    const young = acquireLock(client, 'state', {
      holder: 'b',
      staleAfterMs: 60_000,
      now: at('2026-01-01T00:00:30Z'),
    });
    await expect(young).rejects.toThrow(
      /locked by a .* \(30s ago, renewed 30s ago; .*the next run takes the lock over in 30s, when its lease of 60s runs out .*--force-unlock/,
    );
  });

  it("takes over a lock past its lease without being asked, and the dead holder's late release leaves the new lock alone", async () => {
    const { client } = fakeClient();
    const dead = await acquireLock(client, 'state', {
      holder: 'a',
      now: at('2026-01-01T00:00:00Z'),
    });
    const said: string[] = [];
    const taken = await acquireLock(client, 'state', {
      holder: 'b',
      staleAfterMs: 60_000,
      now: at('2026-01-01T01:00:00Z'),
      onTakeover: (m) => said.push(m),
    });
    expect(said).toEqual([
      expect.stringMatching(
        /^took over the migration lock of a on .* last renewed 3600s ago, past its lease of 60s$/,
      ),
    ]);
    await dead.release();
    expect((await readLock(client, 'state'))?.lock.token).toBe(taken.info.token);
  });

  it('takes over at once the lock of a process of this host that no longer runs', async () => {
    const { client, docs } = fakeClient();
    const held = await acquireLock(client, 'state', { holder: 'a' });
    // The holder was killed (kill -9): its pid runs no more. 2^22 + 1 is above Linux's pid_max.
    const lock = docs.get('_lock') as Stored;
    docs.set('_lock', { ...lock, source: { ...lock.source, pid: 4_194_305 } });
    const said: string[] = [];
    const taken = await acquireLock(client, 'state', {
      holder: 'b',
      onTakeover: (m) => said.push(m),
    });
    expect(said[0]).toMatch(/its holder, pid 4194305 on this host \(.*\), no longer runs$/);
    expect((await readLock(client, 'state'))?.lock.token).toBe(taken.info.token);
    await held.release(); // the dead run's release leaves the new lock alone
    expect((await readLock(client, 'state'))?.lock.token).toBe(taken.info.token);
  });

  it('forceUnlock takes a lock within its lease (its holder is known to be gone)', async () => {
    const { client } = fakeClient();
    await acquireLock(client, 'state', { holder: 'a', now: at('2026-01-01T00:00:00Z') });
    const taken = await acquireLock(client, 'state', {
      holder: 'b',
      forceUnlock: true,
      now: at('2026-01-01T00:00:01Z'),
    });
    expect((await readLock(client, 'state'))?.lock.token).toBe(taken.info.token);
  });

  it('a live holder renews its lock, so a run longer than the lease is not taken over', async () => {
    const { client } = fakeClient();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = () => new Date(clock);
    const live = await acquireLock(client, 'state', { holder: 'a', renewEveryMs: 5, now });
    clock += 20 * 60_000; // the run has lasted 20 minutes, past the 2-minute lease
    // Wait for a renewal stamped with the new time (a loaded machine may delay the 5 ms timer).
    const stamped = new Date(clock).toISOString();
    await expect
      .poll(async () => (await readLock(client, 'state'))?.lock.renewed, { timeout: 10_000 })
      .toBe(stamped);
    const other = acquireLock(client, 'state', { holder: 'b', now });
    await expect(other).rejects.toThrow(/locked by a .* \(1200s ago, renewed 0s ago/);
    expect((await readLock(client, 'state'))?.lock.token).toBe(live.info.token);
    await live.release();
    expect(await readLock(client, 'state')).toBeUndefined();
  });

  it('a holder whose lock was broken stops renewing it and says so', async () => {
    const { client, docs } = fakeClient();
    const warnings: string[] = [];
    const lost: string[] = [];
    const held = await acquireLock(client, 'state', {
      holder: 'a',
      renewEveryMs: 5,
      onRenewError: (m) => warnings.push(m),
      onLost: (m) => lost.push(m),
    });
    docs.delete('_lock'); // `elastiq migrate unlock` from elsewhere
    // The next renewal finds the lock gone: wait for it rather than for a fixed time.
    await expect.poll(() => warnings.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await held.release();
    expect(warnings).toEqual([
      'the migration lock state/_lock was taken over by nobody (it was removed)',
    ]);
    expect(lost).toEqual(warnings); // the run is told to stop
    expect(docs.has('_lock')).toBe(false);
  });

  it('a run whose work is done still succeeds when releasing the lock fails, and says so', async () => {
    const { client } = fakeClient();
    const fake = client as unknown as Record<string, unknown>;
    fake.indices = { exists: async () => true, putMapping: async () => ({}) };
    // A folder with one pending migration, which does nothing.
    const dir = await mkdtemp(join(tmpdir(), 'orm-mig-lock-'));
    await writeFile(join(dir, '20260101000000_noop.mjs'), 'export async function up() {}\n');
    fake.search = async () => ({ hits: { hits: [] } });
    fake.delete = async () => {
      throw new Error('socket hang up');
    };
    const logged: string[] = [];
    const migrator = new Migrator({ client, dir, log: (m) => logged.push(m) });
    try {
      await expect(migrator.up()).resolves.toMatchObject({
        applied: [{ name: '20260101000000_noop' }],
        remaining: [],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(logged.at(-1)).toEqual(
      'warning: could not release the migration lock (Error: socket hang up); the next run takes it over when its lease runs out (from this host, as soon as this process has exited)',
    );
  });
});
