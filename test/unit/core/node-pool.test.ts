import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionOptions } from '../../../src/core/connection/types.js';
import { NodePool, type ResurrectEvent } from '../../../src/core/pool/node-pool.js';

// A connection that never touches the network: the pool only needs identity and roles.
class FakeConnection implements Connection {
  readonly url: URL;
  readonly id: string;
  readonly roles;
  closed = false;
  constructor(readonly options: ConnectionOptions) {
    this.url = options.url;
    this.id = options.id ?? options.url.href;
    this.roles = options.roles;
  }
  request(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const node = (port: number, roles?: ConnectionOptions['roles']): ConnectionOptions => ({
  url: new URL(`http://127.0.0.1:${port}/`),
  roles,
});

function makePool(extra: Partial<ConstructorParameters<typeof NodePool>[0]> = {}) {
  const clock = { now: 1_000_000 };
  const pool = new NodePool({
    Connection: FakeConnection,
    now: () => clock.now,
    deadTimeout: 1000,
    maxDeadTimeout: 8000,
    ...extra,
  });
  pool.update([node(1), node(2), node(3)]);
  return { pool, clock };
}

describe('NodePool', () => {
  it('selects nodes round-robin by default', () => {
    const { pool } = makePool();
    const picked = Array.from({ length: 6 }, () => pool.select()!.url.port);
    expect(picked).toEqual(['1', '2', '3', '1', '2', '3']);
  });

  it('accepts random and custom selectors', () => {
    const { pool: random } = makePool({ nodeSelector: 'random' });
    const seen = new Set(Array.from({ length: 200 }, () => random.select()!.url.port));
    expect(seen).toEqual(new Set(['1', '2', '3']));
    const { pool: last } = makePool({
      nodeSelector: (connections) => connections[connections.length - 1]!,
    });
    expect(last.select()!.url.port).toBe('3');
  });

  it('skips a dead node for base * 2^(deaths-1), capped', () => {
    const { pool, clock } = makePool({ resurrectStrategy: 'optimistic' });
    const second = pool.connections[1]!;
    const timeouts: number[] = [];
    for (let death = 1; death <= 5; death++) {
      pool.markDead(second);
      const state = pool.states().find((s) => s.connection === second)!;
      timeouts.push(state.resurrectAt - clock.now);
      clock.now = state.resurrectAt; // due again: the next failure counts as a new death
    }
    expect(timeouts).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('never hands out a dead node while living ones remain', () => {
    const { pool } = makePool();
    pool.markDead(pool.connections[0]!);
    const picked = new Set(Array.from({ length: 10 }, () => pool.select()!.url.port));
    expect(picked).toEqual(new Set(['2', '3']));
  });

  it('tries the dead node due soonest when every node is dead', () => {
    const { pool, clock } = makePool();
    const [a, b, c] = pool.connections;
    pool.markDead(b!);
    clock.now += 10;
    pool.markDead(a!);
    pool.markDead(c!);
    expect(pool.select()).toBe(b);
  });

  it('resurrects optimistically once the penalty is over', () => {
    const events: ResurrectEvent[] = [];
    const { pool, clock } = makePool({
      resurrectStrategy: 'optimistic',
      onResurrect: (e) => events.push(e),
    });
    const first = pool.connections[0]!;
    pool.markDead(first);
    clock.now += 999;
    expect(pool.select()).not.toBe(first);
    clock.now += 1;
    expect(pool.select()).toBe(first);
    expect(events).toEqual([{ connection: first, strategy: 'optimistic', alive: true }]);
    expect(pool.states().find((s) => s.connection === first)!.alive).toBe(true);
  });

  it('resurrects by ping: alive on any answer, dead again (longer) when the ping fails', async () => {
    let answer = false;
    const pings: string[] = [];
    const { pool, clock } = makePool({
      ping: async (connection) => {
        pings.push(connection.url.port);
        if (!answer) throw new Error('refused');
      },
    });
    const first = pool.connections[0]!;
    pool.markDead(first);
    clock.now += 1000;
    expect(pool.select()).not.toBe(first); // the ping runs in the background
    await new Promise((resolve) => setImmediate(resolve));
    let state = pool.states().find((s) => s.connection === first)!;
    expect(state.alive).toBe(false);
    expect(state.deaths).toBe(2);
    clock.now += 2000;
    answer = true;
    pool.select();
    await new Promise((resolve) => setImmediate(resolve));
    state = pool.states().find((s) => s.connection === first)!;
    expect(state.alive).toBe(true);
    expect(state.deaths).toBe(0);
    expect(pings).toEqual(['1', '1']);
  });

  it("never brings a node back with 'none' while others live, but still tries it when all are dead", () => {
    const { pool, clock } = makePool({ resurrectStrategy: 'none' });
    const [a, b, c] = pool.connections;
    pool.markDead(a!);
    clock.now += 1_000_000;
    const picked = new Set(Array.from({ length: 10 }, () => pool.select()));
    expect(picked).toEqual(new Set([b, c]));
    pool.markDead(b!);
    pool.markDead(c!);
    expect(pool.select()).toBe(a);
  });

  it('filters master-only nodes by default and accepts a custom nodeFilter', () => {
    const roles = (master: boolean, data: boolean) => ({ master, data, ingest: false, ml: false });
    const pool = new NodePool({ Connection: FakeConnection });
    pool.update([node(1, roles(true, false)), node(2, roles(true, true))]);
    expect(new Set(Array.from({ length: 4 }, () => pool.select()!.url.port))).toEqual(
      new Set(['2']),
    );
    const custom = new NodePool({
      Connection: FakeConnection,
      nodeFilter: (c) => c.url.port === '1',
    });
    custom.update([node(1, roles(true, false)), node(2, roles(true, true))]);
    expect(custom.select()!.url.port).toBe('1');
  });

  it('keeps known connections and their health across updates, and closes the removed ones', () => {
    const { pool } = makePool();
    const [a, b, c] = pool.connections as FakeConnection[];
    pool.markDead(b!);
    pool.update([node(2), node(3), node(4)]);
    const states = pool.states();
    expect(states.map((s) => s.connection.url.port)).toEqual(['2', '3', '4']);
    expect(states[0]!.connection).toBe(b);
    expect(states[0]!.alive).toBe(false);
    expect(states[1]!.connection).toBe(c);
    expect(a!.closed).toBe(true);
  });

  it('stays consistent under thousands of concurrent failures and successes', async () => {
    const { pool, clock } = makePool();
    const [a, b] = pool.connections;
    // 5000 concurrent requests: every one on node 1 fails, the others succeed.
    await Promise.all(
      Array.from({ length: 5000 }, async (_, i) => {
        const connection = pool.select()!;
        await new Promise((resolve) => setTimeout(resolve, i % 7));
        if (connection === a) pool.markDead(connection);
        else pool.markAlive(connection);
      }),
    );
    const states = pool.states();
    expect(states.find((s) => s.connection === a)).toMatchObject({ alive: false, deaths: 1 });
    expect(states.filter((s) => s.alive).map((s) => s.connection)).toEqual([
      b,
      pool.connections[2],
    ]);
    clock.now += 500;
    const picked = Array.from({ length: 100 }, () => pool.select());
    expect(picked.filter((connection) => connection === a)).toHaveLength(0);
    expect(new Set(picked).size).toBe(2);
  });

  it('closes every connection and then selects nothing', async () => {
    const { pool } = makePool();
    const connections = pool.connections as FakeConnection[];
    await pool.close();
    expect(connections.every((c) => c.closed)).toBe(true);
    expect(pool.select()).toBeUndefined();
  });
});
