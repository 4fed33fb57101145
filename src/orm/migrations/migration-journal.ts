import type { IndicesUpdateAliasesAction } from '../../core/api/generated/types.js';
import type { Client } from '../../core/client.js';
import { ResponseError } from '../../core/errors.js';
import { OrmError } from '../errors.js';

/**
 * How to undo a finished step, as data, so a later run (after a crash) can undo it too:
 * `delete-index` (a created index), `swap-back` (a `migrateIndex` that kept the old index),
 * `aliases` (the inverse of an `_aliases` call), or no undo (`nothing` to undo, `irreversible`).
 */
export type UndoPlan =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'irreversible' }
  | { readonly kind: 'delete-index'; readonly index: string }
  | {
      readonly kind: 'swap-back';
      readonly alias: string;
      readonly from: string;
      readonly to: string;
      /** The target's other aliases, put back on `from`. */
      readonly aliases: Readonly<Record<string, Record<string, unknown>>>;
      /** Write operations `to` had taken (the copy) when the alias moved to it. */
      readonly writes: number;
    }
  | { readonly kind: 'aliases'; readonly actions: readonly IndicesUpdateAliasesAction[] };

/** The operations of a migration context that the journal records. */
export type StepOperation =
  | 'createIndex'
  | 'putMapping'
  | 'migrateIndex'
  | 'deleteIndex'
  | 'updateAliases';

/**
 * One step of a migration in the journal: `started` (an intent: the step was under way; `intent`
 * says what it had made so far) or `done` (with its undo and its result).
 */
export interface JournalStep {
  /** 1-based position of the step in the migration's `up`. */
  readonly n: number;
  readonly op: StepOperation;
  /** The index, alias or action count the step works on. */
  readonly target: string;
  readonly state: 'started' | 'done';
  readonly intent?: Readonly<Record<string, unknown>>;
  readonly undo?: UndoPlan;
  readonly result?: Readonly<Record<string, unknown>>;
}

/** The label of a step in messages: `step 2: migrateIndex items`. */
export function stepLabel(step: Pick<JournalStep, 'n' | 'op' | 'target'>): string {
  return `step ${step.n}: ${step.op} ${step.target}`;
}

/** A partially applied migration, as its journal document records it. */
export interface PartialMigration {
  readonly name: string;
  readonly checksum: string;
  readonly started_at: string;
  readonly steps: readonly JournalStep[];
}

/** Where the journal is kept: the migration's own document in the state index. */
export interface JournalStore {
  readonly client: Client;
  readonly index: string;
}

interface Version {
  readonly seqNo: number;
  readonly primaryTerm: number;
}

/**
 * The journal of one migration run: each step is written to the state index before it starts
 * (an intent, updated as the step makes things) and when it ends (its undo and result), in the
 * migration's own record (`state: 'partial'`), which the applied record replaces in one write at
 * the end. A rerun after a crash or a failure reads it back: finished steps are skipped, the one
 * in flight is undone and run again. Writes are guarded by sequence number, so a runner that lost
 * its lock cannot overwrite what the runner that took over wrote. Without a store (a context used
 * on its own), the journal lives in memory only.
 */
export class MigrationJournal {
  readonly #store: JournalStore | undefined;
  readonly #name: string;
  readonly #checksum: string;
  #startedAt: string;
  #steps: JournalStep[];
  #version: Version | undefined;

  private constructor(
    store: JournalStore | undefined,
    name: string,
    checksum: string,
    partial: { steps: JournalStep[]; startedAt: string; version: Version | undefined },
  ) {
    this.#store = store;
    this.#name = name;
    this.#checksum = checksum;
    this.#steps = partial.steps;
    this.#startedAt = partial.startedAt;
    this.#version = partial.version;
  }

  /** A journal kept in memory only (nothing survives the process). */
  static inMemory(name = 'migration'): MigrationJournal {
    return new MigrationJournal(undefined, name, '', {
      steps: [],
      startedAt: new Date().toISOString(),
      version: undefined,
    });
  }

  /** The journal of `name`, with the steps an earlier run left (none for a fresh start). */
  static async open(
    store: JournalStore,
    name: string,
    checksum: string,
  ): Promise<MigrationJournal> {
    const found = await store.client.get<Record<string, unknown>>(
      { index: store.index, id: name },
      { ignore: [404] },
    );
    const source = found.found ? found._source : undefined;
    if (source !== undefined && source.state !== 'partial') {
      throw new OrmError(
        'ORM_MIGRATION_FAILED',
        `${name} is recorded as applied in ${store.index}; it has no partial run to resume`,
      );
    }
    const partial = source === undefined ? undefined : toPartial(source);
    return new MigrationJournal(store, name, checksum, {
      steps: [...(partial?.steps ?? [])],
      startedAt: partial?.started_at ?? new Date().toISOString(),
      version:
        source === undefined
          ? undefined
          : { seqNo: found._seq_no ?? 0, primaryTerm: found._primary_term ?? 0 },
    });
  }

  get name(): string {
    return this.#name;
  }

  /** The steps recorded, in order. */
  get steps(): readonly JournalStep[] {
    return this.#steps;
  }

  step(n: number): JournalStep | undefined {
    return this.#steps.find((s) => s.n === n);
  }

  /** Records a step (replacing the record of the same position). */
  async put(step: JournalStep): Promise<void> {
    const steps = [...this.#steps.filter((s) => s.n !== step.n), step].sort((a, b) => a.n - b.n);
    await this.#write(steps);
  }

  /** Forgets a step (it was undone); the record goes when no step is left. */
  async drop(n: number): Promise<void> {
    const steps = this.#steps.filter((s) => s.n !== n);
    if (steps.length === this.#steps.length) return;
    if (steps.length > 0) return this.#write(steps);
    await this.#delete();
    this.#steps = [];
  }

  /** Replaces the journal with the applied record, in one write. */
  async finish(record: Readonly<Record<string, unknown>>): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    await this.#guarded(() =>
      store.client.index({
        index: store.index,
        id: this.#name,
        document: { type: 'migration', ...record },
        ...this.#condition(),
        refresh: true,
      }),
    );
    this.#steps = [];
    this.#version = undefined;
  }

  async #write(steps: JournalStep[]): Promise<void> {
    const store = this.#store;
    if (store !== undefined) {
      const document = {
        type: 'migration',
        state: 'partial',
        name: this.#name,
        checksum: this.#checksum,
        started_at: this.#startedAt,
        steps,
      };
      const written = await this.#guarded(() =>
        store.client.index({
          index: store.index,
          id: this.#name,
          document,
          ...this.#condition(),
          refresh: true,
        }),
      );
      this.#version = { seqNo: written._seq_no ?? 0, primaryTerm: written._primary_term ?? 0 };
    }
    this.#steps = steps;
  }

  async #delete(): Promise<void> {
    const store = this.#store;
    if (store === undefined || this.#version === undefined) return;
    await this.#guarded(() =>
      store.client.delete(
        { index: store.index, id: this.#name, ...this.#condition(), refresh: true },
        { ignore: [404] },
      ),
    );
    this.#version = undefined;
    this.#startedAt = new Date().toISOString();
  }

  // A new record may only be created; an existing one only changed as we last wrote it.
  #condition(): Record<string, unknown> {
    const v = this.#version;
    return v === undefined
      ? { op_type: 'create' }
      : { if_seq_no: v.seqNo, if_primary_term: v.primaryTerm };
  }

  async #guarded<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof ResponseError && error.statusCode === 409) {
        throw new OrmError(
          'ORM_MIGRATION_FAILED',
          `The journal of ${this.#name} in ${this.#store?.index} was changed by another runner (one that took the migration lock over from this one); this run stops and leaves the rest to it`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}

/** The partially applied migrations recorded in the state index. */
export async function readPartial(client: Client, index: string): Promise<PartialMigration[]> {
  if (!(await client.indices.exists({ index }))) return [];
  const response = await client.search<Record<string, unknown>>({
    index,
    query: {
      bool: { filter: [{ term: { type: 'migration' } }, { term: { state: 'partial' } }] },
    },
    size: 10_000,
  });
  return response.hits.hits
    .map((hit) => toPartial(hit._source ?? {}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toPartial(source: Record<string, unknown>): PartialMigration {
  return {
    name: String(source.name),
    checksum: String(source.checksum ?? ''),
    started_at: String(source.started_at ?? ''),
    steps: Array.isArray(source.steps) ? (source.steps as JournalStep[]) : [],
  };
}
