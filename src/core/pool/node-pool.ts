import type { Connection, ConnectionClass, ConnectionOptions } from '../connection/types.js';
import {
  defaultNodeFilter,
  type NodeSelector,
  resolveSelector,
  type SelectorFunction,
} from './selectors.js';

/** How a dead node comes back once its penalty is over. */
export type ResurrectStrategy = 'ping' | 'optimistic' | 'none';

/** What the pool reports when it tries to bring a node back. */
export interface ResurrectEvent {
  readonly connection: Connection;
  readonly strategy: ResurrectStrategy;
  readonly alive: boolean;
}

export interface NodePoolOptions {
  readonly Connection: ConnectionClass;
  /** Penalty after the first failure, in ms; doubled for each further one. Default 60 000. */
  readonly deadTimeout?: number | undefined;
  /** Largest penalty, in ms. Default 30 minutes. */
  readonly maxDeadTimeout?: number | undefined;
  readonly resurrectStrategy?: ResurrectStrategy | undefined;
  readonly nodeSelector?: NodeSelector | undefined;
  /** Which living nodes may serve requests. Default: all but master-only nodes. */
  readonly nodeFilter?: ((connection: Connection) => boolean) | undefined;
  /** Resolves when the node answers anything at all; used by the 'ping' strategy. */
  readonly ping?: ((connection: Connection) => Promise<void>) | undefined;
  readonly onResurrect?: ((event: ResurrectEvent) => void) | undefined;
  readonly now?: (() => number) | undefined;
}

/** The health of one node as the pool sees it. */
export interface NodeState {
  readonly connection: Connection;
  readonly alive: boolean;
  readonly deaths: number;
  readonly resurrectAt: number;
}

interface Entry {
  connection: Connection;
  alive: boolean;
  deaths: number;
  resurrectAt: number;
  pinging: boolean;
}

/**
 * Every node, alive or dead. Dead nodes wait `deadTimeout * 2^(deaths-1)` (capped) and then come
 * back by ping or optimistically; when every node is dead, the one due soonest is tried.
 *
 * @example
 * import { NodePool, UndiciConnection } from 'elastiq';
 * const pool = new NodePool({ Connection: UndiciConnection });
 * pool.update([{ url: new URL('http://127.0.0.1:9200') }]);
 * const connection = pool.select();
 */
export class NodePool {
  readonly #options: NodePoolOptions;
  readonly #select: SelectorFunction;
  readonly #filter: (connection: Connection) => boolean;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  #eligible: Connection[] = [];
  // Dead entries ordered by resurrectAt, soonest first.
  #dead: Entry[] = [];
  #closed = false;

  constructor(options: NodePoolOptions) {
    this.#options = options;
    this.#select = resolveSelector(options.nodeSelector);
    this.#filter = options.nodeFilter ?? defaultNodeFilter;
    this.#now = options.now ?? Date.now;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every connection, alive or dead. */
  get connections(): Connection[] {
    return [...this.#entries.values()].map((entry) => entry.connection);
  }

  /** A snapshot of every node's health. */
  states(): NodeState[] {
    return [...this.#entries.values()].map(({ connection, alive, deaths, resurrectAt }) => ({
      connection,
      alive,
      deaths,
      resurrectAt,
    }));
  }

  /** The connection for the next request, or undefined when the pool is empty or closed. */
  select(): Connection | undefined {
    if (this.#dead.length > 0) {
      const due = this.#resurrectDue();
      if (due !== undefined) return due;
    }
    const eligible = this.#eligible;
    if (eligible.length > 0) return eligible.length === 1 ? eligible[0] : this.#select(eligible);
    return this.#soonestDead();
  }

  /** Records a failure. Failures reported while the node is already serving a penalty count once. */
  markDead(connection: Connection): void {
    const entry = this.#entries.get(connection.id);
    if (entry === undefined || entry.connection !== connection) return;
    const now = this.#now();
    if (!entry.alive && entry.resurrectAt > now) return;
    entry.deaths++;
    entry.resurrectAt = now + this.deadTimeoutFor(entry.deaths);
    if (entry.alive) {
      entry.alive = false;
      this.#refreshEligible();
    } else {
      this.#dead.splice(this.#dead.indexOf(entry), 1);
    }
    this.#insertDead(entry);
  }

  /** Records a success: the node is alive and its penalty forgotten. */
  markAlive(connection: Connection): void {
    const entry = this.#entries.get(connection.id);
    if (entry === undefined || entry.connection !== connection) return;
    entry.deaths = 0;
    if (entry.alive) return;
    this.#revive(entry);
  }

  /** Penalty in ms after `deaths` consecutive failures. */
  deadTimeoutFor(deaths: number): number {
    const base = this.#options.deadTimeout ?? 60_000;
    const max = this.#options.maxDeadTimeout ?? 30 * 60_000;
    return Math.min(base * 2 ** Math.min(deaths - 1, 30), max);
  }

  /**
   * Replaces the node list (seeds or sniffed nodes). Nodes already known keep their connection and
   * health; nodes that went away are closed once their requests end.
   */
  update(nodes: readonly ConnectionOptions[]): void {
    if (this.#closed) return;
    const next = new Map<string, Entry>();
    for (const options of nodes) {
      const id = options.id ?? options.url.href;
      const existing = this.#entries.get(id) ?? next.get(id);
      if (existing !== undefined) {
        next.set(id, existing);
        continue;
      }
      const connection = new this.#options.Connection({ ...options, id });
      next.set(id, { connection, alive: true, deaths: 0, resurrectAt: 0, pinging: false });
    }
    for (const [id, entry] of this.#entries) {
      if (!next.has(id)) void entry.connection.close().catch(() => undefined);
    }
    this.#entries.clear();
    for (const [id, entry] of next) this.#entries.set(id, entry);
    this.#dead = [...this.#entries.values()].filter((entry) => !entry.alive);
    this.#dead.sort((a, b) => a.resurrectAt - b.resurrectAt);
    this.#refreshEligible();
  }

  /** Closes every connection (ends every socket). */
  async close(): Promise<void> {
    this.#closed = true;
    const connections = this.connections;
    this.#entries.clear();
    this.#dead = [];
    this.#eligible = [];
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
  }

  #refreshEligible(): void {
    const eligible: Connection[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.alive && this.#filter(entry.connection)) eligible.push(entry.connection);
    }
    this.#eligible = eligible;
  }

  #insertDead(entry: Entry): void {
    const dead = this.#dead;
    let i = dead.length;
    while (i > 0 && dead[i - 1]!.resurrectAt > entry.resurrectAt) i--;
    dead.splice(i, 0, entry);
  }

  #revive(entry: Entry): void {
    entry.alive = true;
    const index = this.#dead.indexOf(entry);
    if (index !== -1) this.#dead.splice(index, 1);
    this.#refreshEligible();
  }

  // Handles the dead node whose penalty is over, if any. Returns it when it should serve now.
  #resurrectDue(): Connection | undefined {
    const strategy = this.#options.resurrectStrategy ?? 'ping';
    if (strategy === 'none') return undefined;
    const now = this.#now();
    const entry = this.#dead.find((candidate) => !candidate.pinging);
    if (entry === undefined || entry.resurrectAt > now) return undefined;
    if (strategy === 'optimistic' || this.#options.ping === undefined) {
      this.#revive(entry);
      this.#options.onResurrect?.({ connection: entry.connection, strategy, alive: true });
      return this.#filter(entry.connection) ? entry.connection : undefined;
    }
    this.#ping(entry);
    return undefined;
  }

  #ping(entry: Entry): void {
    entry.pinging = true;
    const connection = entry.connection;
    this.#options.ping!(connection).then(
      () => {
        entry.pinging = false;
        this.markAlive(connection);
        this.#options.onResurrect?.({ connection, strategy: 'ping', alive: true });
      },
      () => {
        entry.pinging = false;
        this.markDead(connection);
        this.#options.onResurrect?.({ connection, strategy: 'ping', alive: false });
      },
    );
  }

  #soonestDead(): Connection | undefined {
    for (const entry of this.#dead) {
      if (this.#filter(entry.connection)) return entry.connection;
    }
    return undefined;
  }
}
