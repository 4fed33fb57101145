import type { IndicesUpdateAliasesAction } from '../../core/api/generated/types.js';
import type { Client } from '../../core/client.js';
import type { ReindexProgress } from '../../core/helpers/reindex.js';
import { OrmError } from '../errors.js';
import {
  type IndexTarget,
  locate,
  type ResolvedTarget,
  resolveTarget,
  versionsOf,
} from './index-target.js';
import {
  type MigrateIndexOptions,
  type MigrateIndexResult,
  migrateIndex,
  writeOps,
  writesAtSwap,
} from './migrate-index.js';

/** Options of `ctx.createIndex`. */
export interface CreateIndexOptions {
  /**
   * Create `<name>-v1` behind an alias `<name>` (default), so a later `migrateIndex` swaps
   * versions without downtime; `false` creates a plain index named `<name>`.
   */
  readonly versioned?: boolean;
}

/**
 * What a migration's `up(ctx)` and `down(ctx)` receive: the client and operations that are safe to
 * run twice (an index that exists is not created again) and that are undone, where they can be,
 * when a later step of the same migration fails.
 *
 * @example
 * ```ts
 * import type { MigrationContext } from 'elastiq/orm';
 *
 * export async function up(ctx: MigrationContext): Promise<void> {
 *   await ctx.createIndex({ name: 'orm-mig-authors', body: { mappings: { properties: { name: { type: 'keyword' } } } } });
 *   ctx.log('authors index ready');
 * }
 * ```
 */
export interface MigrationContext {
  readonly client: Client;
  /** Creates the index (versioned behind an alias by default) unless the name exists already. */
  createIndex(target: IndexTarget, options?: CreateIndexOptions): Promise<void>;
  /** Adds the target's fields to the live mapping (additive changes only; they cannot be undone). */
  putMapping(target: IndexTarget): Promise<void>;
  /** A breaking change: new `<name>-v<N>`, documents copied and counted, one atomic alias swap. */
  migrateIndex(target: IndexTarget, options?: MigrateIndexOptions): Promise<MigrateIndexResult>;
  /**
   * Deletes the index, or the indices behind the alias and the retired `<name>-v<N>` versions
   * that earlier `migrateIndex` calls kept; nothing happens when the name is missing.
   */
  deleteIndex(target: IndexTarget | string): Promise<void>;
  /** One atomic `_aliases` call. */
  updateAliases(actions: readonly IndicesUpdateAliasesAction[]): Promise<void>;
  log(message: string): void;
}

/** What the runner gives a context. */
export interface ContextHooks {
  readonly log: (message: string) => void;
  readonly onProgress?: (progress: ReindexProgress & { readonly to: string }) => void;
  /** Aborts the run: the next step does not start and a running copy stops (and is undone). */
  readonly signal?: AbortSignal;
}

/** How to undo a step: a function, or why there is nothing to run. */
type Undo = (() => Promise<void>) | 'irreversible' | 'nothing';

interface DoneStep {
  readonly description: string;
  readonly undo: Undo;
}

/**
 * The context of one migration run; it numbers the steps (so a failure names its step) and keeps
 * a journal of how to undo each, which the runner plays backwards when the migration throws.
 */
export class OperationContext implements MigrationContext {
  readonly #hooks: ContextHooks;
  readonly #done: DoneStep[] = [];
  #step = 0;
  #current: string | undefined;
  #running = false;

  constructor(
    readonly client: Client,
    hooks: ContextHooks,
  ) {
    this.#hooks = hooks;
  }

  /**
   * Where the migration is, for the failure message: the step that is running (`step 2: ...`),
   * or, between steps, the last one that finished (`after step 1: ...`), so a throw of the
   * migration's own code is not blamed on a step that succeeded.
   */
  get currentStep(): string {
    if (this.#current === undefined) return 'before its first step';
    return this.#running ? this.#current : `after ${this.#current}`;
  }

  /** Descriptions of the steps done so far. */
  get steps(): readonly string[] {
    return this.#done.map((s) => s.description);
  }

  log(message: string): void {
    this.#hooks.log(message);
  }

  createIndex(target: IndexTarget, options: CreateIndexOptions = {}): Promise<void> {
    const resolved = resolveTarget(target);
    return this.#run(`createIndex ${resolved.name}`, () => this.#create(resolved, options));
  }

  putMapping(target: IndexTarget): Promise<void> {
    const resolved = resolveTarget(target);
    return this.#run(`putMapping ${resolved.name}`, () => this.#putMapping(resolved));
  }

  async migrateIndex(
    target: IndexTarget,
    options: MigrateIndexOptions = {},
  ): Promise<MigrateIndexResult> {
    const resolved = resolveTarget(target);
    let result: MigrateIndexResult | undefined;
    await this.#run(`migrateIndex ${resolved.name}`, async () => {
      const done = await migrateIndex(this.client, resolved, options, {
        log: (m) => this.log(m),
        ...(this.#hooks.onProgress === undefined ? {} : { onProgress: this.#hooks.onProgress }),
        ...(this.#hooks.signal === undefined ? {} : { signal: this.#hooks.signal }),
      });
      result = done;
      return done.deletedOld ? 'irreversible' : () => this.#swapBack(done, resolved);
    });
    return result as MigrateIndexResult; // #run resolves only after the step set it
  }

  deleteIndex(target: IndexTarget | string): Promise<void> {
    const name = typeof target === 'string' ? target : resolveTarget(target).name;
    return this.#run(`deleteIndex ${name}`, () => this.#delete(name));
  }

  updateAliases(actions: readonly IndicesUpdateAliasesAction[]): Promise<void> {
    return this.#run(`updateAliases (${actions.length} actions)`, async () => {
      const undo = await inverseAliases(actions, this.client);
      await this.client.indices.updateAliases({ actions: [...actions] });
      return undo;
    });
  }

  /** Undoes the steps done, newest first; returns what was undone and what could not be. */
  async rollback(): Promise<{ undone: string[]; kept: string[] }> {
    const undone: string[] = [];
    const kept: string[] = [];
    for (const step of [...this.#done].reverse()) {
      if (step.undo === 'nothing') continue;
      if (step.undo === 'irreversible') {
        kept.push(step.description);
        continue;
      }
      try {
        await step.undo();
        undone.push(step.description);
      } catch (error) {
        kept.push(`${step.description} (${error instanceof Error ? error.message : error})`);
      }
    }
    this.#done.length = 0;
    return { undone, kept };
  }

  async #run(description: string, action: () => Promise<Undo>): Promise<void> {
    this.#step += 1;
    const label = `step ${this.#step}: ${description}`;
    this.#hooks.signal?.throwIfAborted();
    this.#current = label;
    this.#running = true;
    const undo = await action();
    this.#running = false;
    this.#done.push({ description: label, undo });
  }

  async #create(target: ResolvedTarget, options: CreateIndexOptions): Promise<Undo> {
    if ((await locate(this.client, target.name)).kind !== 'missing') {
      this.log(`${target.name} exists; not created again`);
      return 'nothing';
    }
    const versioned = options.versioned !== false;
    const index = versioned ? `${target.name}-v1` : target.name;
    const aliases = { ...(target.body.aliases ?? {}), ...(versioned ? { [target.name]: {} } : {}) };
    await this.client.indices.create({
      index,
      ...(target.body.settings === undefined ? {} : { settings: target.body.settings }),
      ...(target.body.mappings === undefined ? {} : { mappings: target.body.mappings }),
      ...(Object.keys(aliases).length === 0 ? {} : { aliases }),
    });
    this.log(versioned ? `created ${index} behind alias ${target.name}` : `created ${index}`);
    return async () => {
      await this.client.indices.delete({ index }, { ignore: [404] });
    };
  }

  async #putMapping(target: ResolvedTarget): Promise<Undo> {
    if ((await locate(this.client, target.name)).kind === 'missing') {
      throw new OrmError(
        'ORM_MIGRATION_FAILED',
        `putMapping found no index or alias named ${target.name}; create it first with ctx.createIndex`,
      );
    }
    // _source and _routing are fixed at creation; everything else may be sent again.
    const { _source, _routing, ...mappings } = target.body.mappings ?? {};
    await this.client.indices.putMapping({ index: target.name, ...mappings });
    this.log(`updated the mapping of ${target.name}`);
    return 'irreversible'; // fields cannot be removed from a mapping
  }

  async #delete(name: string): Promise<Undo> {
    const location = await locate(this.client, name);
    if (location.kind === 'missing') {
      this.log(`${name} does not exist; nothing deleted`);
      return 'nothing';
    }
    const indices =
      location.kind === 'alias'
        ? [...new Set([...location.indices, ...(await versionsOf(this.client, name))])]
        : [name];
    await this.client.indices.delete({ index: indices });
    this.log(`deleted ${indices.join(', ')}`);
    return 'irreversible';
  }

  // Deleting the new index drops its aliases; the old index gets them all back in the same call.
  // Writes the new index took through the alias since the swap would go with it: then it stays.
  async #swapBack(result: MigrateIndexResult, target: ResolvedTarget): Promise<void> {
    const extra = Object.entries(target.body.aliases ?? {}).map(([alias, options]) => ({
      add: { index: result.from, alias, ...options },
    }));
    const { to } = result;
    // The _block API returns once writes in flight have finished, so the count below is final.
    await this.client.indices.addBlock({ index: to, block: 'write' });
    try {
      if ((await writeOps(this.client, to)) !== writesAtSwap.get(result)) {
        throw new OrmError(
          'ORM_MIGRATION_FAILED',
          `${to} took writes after ${result.alias} moved to it, which undoing the swap would delete; ${result.alias} still points to ${to}`,
        );
      }
      await this.client.indices.updateAliases({
        actions: [
          { remove_index: { index: to } },
          { add: { index: result.from, alias: result.alias } },
          ...extra,
        ],
      });
    } catch (error) {
      await this.client.indices
        .putSettings({ index: to, settings: { 'index.blocks.write': null } }, { ignore: [404] })
        .catch(() => undefined);
      throw error;
    }
  }
}

/**
 * The undo of an `_aliases` call, read before it runs: what it adds is removed, then every alias
 * it touches is put back as it was, with its filter, routing and write-index flag (a removed
 * filtered alias must not come back unfiltered; an overwritten one must not vanish).
 * `remove_index` cannot be undone, so such a call has no undo.
 */
async function inverseAliases(
  actions: readonly IndicesUpdateAliasesAction[],
  client: Client,
): Promise<Undo> {
  if (actions.some((a) => a.remove_index !== undefined)) return 'irreversible';
  const targets = actions.flatMap((a) => [a.add, a.remove].filter((t) => t !== undefined));
  if (targets.length === 0) return 'nothing';
  const indices = [...new Set(targets.flatMap((t) => listOf(t.index, t.indices)))];
  const names = [...new Set(targets.flatMap((t) => listOf(t.alias, t.aliases)))];
  const before = (await client.indices.getAlias(
    { index: indices, name: names },
    { ignore: [404] },
  )) as Record<string, { aliases?: Record<string, Record<string, unknown>> }>;
  const inverse: IndicesUpdateAliasesAction[] = actions.flatMap((a) =>
    a.add === undefined ? [] : [{ remove: { ...pickTarget(a.add), must_exist: false } }],
  );
  for (const [index, entry] of Object.entries(before)) {
    for (const [alias, definition] of Object.entries(entry?.aliases ?? {})) {
      inverse.push({ add: { index, alias, ...definition } });
    }
  }
  return async () => {
    if (inverse.length > 0) await client.indices.updateAliases({ actions: inverse });
  };
}

function listOf(...values: (string | string[] | undefined)[]): string[] {
  return values.flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
}

function pickTarget(action: {
  index?: string | undefined;
  indices?: string | string[] | undefined;
  alias?: string | undefined;
  aliases?: string | string[] | undefined;
}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['index', 'indices', 'alias', 'aliases'] as const) {
    if (action[key] !== undefined) out[key] = action[key];
  }
  return out;
}
