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
  liftWriteBlock,
  type MigrateIndexIntent,
  type MigrateIndexOptions,
  type MigrateIndexResult,
  migrateIndex,
  swapWasMade,
  undoCopy,
  writeOps,
} from './migrate-index.js';
import {
  type JournalStep,
  MigrationJournal,
  type StepOperation,
  stepLabel,
  type UndoPlan,
} from './migration-journal.js';

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
  /**
   * Where steps are recorded (default: in memory): with the state index's journal, a rerun skips
   * the steps an earlier run finished.
   */
  readonly journal?: MigrationJournal;
  /** Told at each step boundary (the runner publishes them as diagnostics and times stalls). */
  readonly onStep?: (event: StepEvent) => void;
}

/** A step boundary: a step starts, reaches a phase of its own, is skipped or ends. */
export interface StepEvent {
  readonly step: string;
  readonly phase: 'start' | 'skipped' | 'copying' | 'copied' | 'swapped' | 'done';
}

/** What a step did: its undo, and a result to return again when a rerun skips it. */
interface StepOutcome<T> {
  readonly undo: UndoPlan;
  readonly result?: T;
}

const NOTHING: UndoPlan = { kind: 'nothing' };
const IRREVERSIBLE: UndoPlan = { kind: 'irreversible' };

/**
 * The context of one migration run; it numbers the steps (so a failure names its step) and
 * journals each (before it starts and when it ends, with how to undo it). When the migration
 * throws, the runner undoes the journaled steps newest first; a rerun skips the steps a previous
 * run finished and undoes the one it left in flight first.
 */
export class OperationContext implements MigrationContext {
  readonly #hooks: ContextHooks;
  readonly #journal: MigrationJournal;
  #step = 0;
  #current: string | undefined;
  #running = false;

  constructor(
    readonly client: Client,
    hooks: ContextHooks,
  ) {
    this.#hooks = hooks;
    this.#journal = hooks.journal ?? MigrationJournal.inMemory();
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

  /** Descriptions of the steps done so far (this run's and those an earlier run finished). */
  get steps(): readonly string[] {
    return this.#journal.steps.filter((s) => s.state === 'done').map(stepLabel);
  }

  log(message: string): void {
    this.#hooks.log(message);
  }

  createIndex(target: IndexTarget, options: CreateIndexOptions = {}): Promise<void> {
    const resolved = resolveTarget(target);
    return this.#run('createIndex', resolved.name, (mark) =>
      this.#create(resolved, options, mark),
    ).then(() => undefined);
  }

  putMapping(target: IndexTarget): Promise<void> {
    const resolved = resolveTarget(target);
    return this.#run('putMapping', resolved.name, () => this.#putMapping(resolved)).then(
      () => undefined,
    );
  }

  async migrateIndex(
    target: IndexTarget,
    options: MigrateIndexOptions = {},
  ): Promise<MigrateIndexResult> {
    const resolved = resolveTarget(target);
    const result = await this.#run('migrateIndex', resolved.name, async (mark, label) => {
      const done = await migrateIndex(this.client, resolved, options, {
        log: (m) => this.log(m),
        mark: (intent) => mark({ ...intent }),
        onPhase: (phase) => this.#hooks.onStep?.({ step: label, phase }),
        ...(this.#hooks.onProgress === undefined ? {} : { onProgress: this.#hooks.onProgress }),
        ...(this.#hooks.signal === undefined ? {} : { signal: this.#hooks.signal }),
      });
      return { undo: migrateIndexUndo(done, resolved.body.aliases ?? {}), result: done };
    });
    return result as MigrateIndexResult; // a migrateIndex step always has a result
  }

  deleteIndex(target: IndexTarget | string): Promise<void> {
    const name = typeof target === 'string' ? target : resolveTarget(target).name;
    return this.#run('deleteIndex', name, () => this.#delete(name)).then(() => undefined);
  }

  updateAliases(actions: readonly IndicesUpdateAliasesAction[]): Promise<void> {
    return this.#run('updateAliases', `(${actions.length} actions)`, async () => {
      const undo = await inverseAliases(actions, this.client);
      await this.client.indices.updateAliases({ actions: [...actions] });
      return { undo };
    }).then(() => undefined);
  }

  /**
   * Settles the step an earlier run left in flight (it died, or could not clean up after a
   * failure): a `migrateIndex` whose alias swap was made is recorded as done; otherwise what it
   * made is removed (a `_reindex` still filling the new index is cancelled, the new index deleted,
   * the migrator's write block lifted) and the step runs again when the migration reaches it.
   * Returns what was done, for the log.
   */
  async recover(): Promise<string[]> {
    const said: string[] = [];
    for (const step of this.#journal.steps.filter((s) => s.state === 'started')) {
      said.push(await this.#recoverStep(step));
    }
    return said;
  }

  /**
   * Undoes the journaled steps, newest first (those of earlier runs too), after settling a step
   * in flight; an undone step leaves the journal, one that cannot be undone stays in it (as done,
   * so a rerun does not run it again). Returns what was undone and what was kept.
   */
  async rollback(): Promise<{ undone: string[]; kept: string[] }> {
    const undone: string[] = [];
    const kept: string[] = [];
    for (const journaled of [...this.#journal.steps].reverse()) {
      const label = stepLabel(journaled);
      try {
        let step: JournalStep | undefined = journaled;
        if (step.state === 'started') {
          await this.#recoverStep(step);
          // Settled as done (its swap was made after all): undone like any finished step.
          step = this.#journal.step(step.n);
          if (step?.state !== 'done') continue;
        }
        const undo = step.undo ?? IRREVERSIBLE;
        if (undo.kind === 'irreversible') {
          kept.push(label);
          continue;
        }
        await runUndo(this.client, undo);
        await this.#journal.drop(step.n);
        if (undo.kind !== 'nothing') undone.push(label);
      } catch (error) {
        kept.push(`${label} (${error instanceof Error ? error.message : error})`);
      }
    }
    return { undone, kept };
  }

  async #recoverStep(step: JournalStep): Promise<string> {
    const label = stepLabel(step);
    const intent = step.intent;
    if (step.op === 'migrateIndex' && intent !== undefined) {
      const inFlight = intent as unknown as MigrateIndexIntent;
      if (await swapWasMade(this.client, inFlight)) {
        if (!inFlight.deleteOld && inFlight.blockSetByUs) {
          await liftWriteBlock(this.client, inFlight.from);
        }
        const result = resultOfIntent(inFlight);
        await this.#journal.put({
          ...step,
          state: 'done',
          undo: migrateIndexUndo(result, inFlight.aliases),
          result: { ...result },
        });
        return `${label}: its alias swap was made before the run stopped; recorded as done`;
      }
      await undoCopy(this.client, inFlight);
      await this.#journal.drop(step.n);
      const block = inFlight.blockSetByUs ? `, lifted the write block on ${inFlight.from}` : '';
      return `${label}: undid the unfinished copy (deleted ${inFlight.to}${block}); it runs again`;
    }
    if (step.op === 'createIndex' && typeof intent?.index === 'string') {
      if (await this.client.indices.exists({ index: intent.index })) {
        await this.#journal.put({
          ...step,
          state: 'done',
          undo: { kind: 'delete-index', index: intent.index },
        });
        return `${label}: ${intent.index} was created before the run stopped; recorded as done`;
      }
    }
    await this.#journal.drop(step.n);
    return `${label}: was under way when the run stopped; it runs again`;
  }

  async #run<T>(
    op: StepOperation,
    target: string,
    action: (
      mark: (intent: Record<string, unknown>) => Promise<void>,
      label: string,
    ) => Promise<StepOutcome<T>>,
  ): Promise<T | undefined> {
    this.#step += 1;
    const n = this.#step;
    const label = stepLabel({ n, op, target });
    this.#hooks.signal?.throwIfAborted();
    this.#current = label;
    const prior = this.#journal.step(n);
    if (prior !== undefined) {
      if (prior.op !== op || prior.target !== target || prior.state !== 'done') {
        throw new OrmError(
          'ORM_MIGRATION_INVALID',
          `The journal of this migration's earlier run says ${stepLabel(prior)}, but it now calls ${label}: its steps were changed while it was partially applied. Put back the steps the earlier run did (elastiq migrate status lists them) and change only those after them`,
        );
      }
      this.log(`${label}: done by an earlier run; skipped`);
      this.#hooks.onStep?.({ step: label, phase: 'skipped' });
      return prior.result as T | undefined;
    }
    this.#running = true;
    this.#hooks.onStep?.({ step: label, phase: 'start' });
    const record = (state: 'started' | 'done', extra: Partial<JournalStep>) =>
      this.#journal.put({ n, op, target, state, ...extra });
    await record('started', {});
    const outcome = await action((intent) => record('started', { intent }), label);
    const result = outcome.result as Record<string, unknown> | undefined;
    await record('done', { undo: outcome.undo, ...(result === undefined ? {} : { result }) });
    this.#running = false;
    this.#hooks.onStep?.({ step: label, phase: 'done' });
    return outcome.result;
  }

  async #create(
    target: ResolvedTarget,
    options: CreateIndexOptions,
    mark: (intent: Record<string, unknown>) => Promise<void>,
  ): Promise<StepOutcome<undefined>> {
    if ((await locate(this.client, target.name)).kind !== 'missing') {
      this.log(`${target.name} exists; not created again`);
      return { undo: NOTHING };
    }
    const versioned = options.versioned !== false;
    const index = versioned ? `${target.name}-v1` : target.name;
    const aliases = { ...(target.body.aliases ?? {}), ...(versioned ? { [target.name]: {} } : {}) };
    await mark({ index });
    await this.client.indices.create({
      index,
      ...(target.body.settings === undefined ? {} : { settings: target.body.settings }),
      ...(target.body.mappings === undefined ? {} : { mappings: target.body.mappings }),
      ...(Object.keys(aliases).length === 0 ? {} : { aliases }),
    });
    this.log(versioned ? `created ${index} behind alias ${target.name}` : `created ${index}`);
    return { undo: { kind: 'delete-index', index } };
  }

  async #putMapping(target: ResolvedTarget): Promise<StepOutcome<undefined>> {
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
    return { undo: IRREVERSIBLE }; // fields cannot be removed from a mapping
  }

  async #delete(name: string): Promise<StepOutcome<undefined>> {
    const location = await locate(this.client, name);
    if (location.kind === 'missing') {
      this.log(`${name} does not exist; nothing deleted`);
      return { undo: NOTHING };
    }
    const indices =
      location.kind === 'alias'
        ? [...new Set([...location.indices, ...(await versionsOf(this.client, name))])]
        : [name];
    await this.client.indices.delete({ index: indices });
    this.log(`deleted ${indices.join(', ')}`);
    return { undo: IRREVERSIBLE };
  }
}

function migrateIndexUndo(
  result: MigrateIndexResult,
  aliases: Readonly<Record<string, Record<string, unknown>>>,
): UndoPlan {
  if (result.deletedOld) return IRREVERSIBLE;
  return {
    kind: 'swap-back',
    alias: result.alias,
    from: result.from,
    to: result.to,
    aliases,
    writes: result.writes,
  };
}

function resultOfIntent(intent: MigrateIndexIntent): MigrateIndexResult {
  return {
    alias: intent.alias,
    from: intent.from,
    to: intent.to,
    total: intent.total ?? 0,
    copied: intent.copied ?? 0,
    skipped: intent.skipped ?? 0,
    deletedOld: intent.deleteOld,
    method: intent.method,
    ms: 0,
    writes: intent.writes ?? 0,
  };
}

/** Runs an undo plan (a step of this run's, or of an earlier run's from the journal). */
async function runUndo(client: Client, undo: UndoPlan): Promise<void> {
  switch (undo.kind) {
    case 'nothing':
    case 'irreversible':
      return;
    case 'delete-index':
      await client.indices.delete({ index: undo.index }, { ignore: [404] });
      return;
    case 'aliases':
      if (undo.actions.length > 0)
        await client.indices.updateAliases({ actions: [...undo.actions] });
      return;
    case 'swap-back':
      await swapBack(client, undo);
      return;
  }
}

// Deleting the new index drops its aliases; the old index gets them all back in the same call.
// Writes the new index took through the alias since the swap would go with it: then it stays.
async function swapBack(
  client: Client,
  plan: Extract<UndoPlan, { kind: 'swap-back' }>,
): Promise<void> {
  const extra = Object.entries(plan.aliases).map(([alias, options]) => ({
    add: { index: plan.from, alias, ...options },
  }));
  const { to } = plan;
  // The _block API returns once writes in flight have finished, so the count below is final.
  await client.indices.addBlock({ index: to, block: 'write' });
  try {
    if ((await writeOps(client, to)) !== plan.writes) {
      throw new OrmError(
        'ORM_MIGRATION_FAILED',
        `${to} took writes after ${plan.alias} moved to it, which undoing the swap would delete; ${plan.alias} still points to ${to}`,
      );
    }
    await client.indices.updateAliases({
      actions: [
        { remove_index: { index: to } },
        { add: { index: plan.from, alias: plan.alias } },
        ...extra,
      ],
    });
  } catch (error) {
    await liftWriteBlock(client, to).catch(() => undefined);
    throw error;
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
): Promise<UndoPlan> {
  if (actions.some((a) => a.remove_index !== undefined)) return IRREVERSIBLE;
  const targets = actions.flatMap((a) => [a.add, a.remove].filter((t) => t !== undefined));
  if (targets.length === 0) return NOTHING;
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
  return { kind: 'aliases', actions: inverse };
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
