import type { Client } from '../../core/client.js';
import type { ReindexProgress } from '../../core/helpers/reindex.js';
import type { HelperHit } from '../../core/helpers/search-params.js';
import { OrmError } from '../errors.js';
import { locate, nextVersionedName, type ResolvedTarget } from './index-target.js';
import { cancelAndWait, hasReindexModule, serverReindex } from './server-reindex.js';

/** Options of `ctx.migrateIndex`. */
export interface MigrateIndexOptions {
  /**
   * Rewrites each document on its way to the new index (it may be async); null or undefined
   * drops it.
   */
  readonly transform?: (source: Record<string, unknown>, hit: HelperHit<unknown>) => unknown;
  /** Documents read per page and written per bulk flush (default 1000). */
  readonly batchSize?: number;
  /** Delete the old index in the same atomic alias update (default: keep it). */
  readonly deleteOld?: boolean;
  /**
   * How documents are copied: `client` (the reindex helper: point in time + bulk), `server`
   * (Elasticsearch's `_reindex`, which needs the reindex module and no `transform`), or `auto`
   * (default): `server` when every node has the module and there is no transform.
   */
  readonly copy?: 'auto' | 'client' | 'server';
}

/** What `migrateIndex` did. */
export interface MigrateIndexResult {
  /** Write operations the new index had taken (the copy) when the alias moved to it. */
  readonly writes: number;
  /** The alias (the model's index name). */
  readonly alias: string;
  /** The index the alias pointed to (or the concrete index that had the name). */
  readonly from: string;
  /** The new versioned index, `<alias>-v<N>`. */
  readonly to: string;
  /** Documents in the old index when the copy started. */
  readonly total: number;
  /** Documents the new index holds. */
  readonly copied: number;
  /** Documents the transform dropped. */
  readonly skipped: number;
  /** The old index was deleted (always for a concrete index, whose name the alias takes). */
  readonly deletedOld: boolean;
  /** Who copied: the client-side reindex helper or the server's `_reindex`. */
  readonly method: 'client' | 'server';
  readonly ms: number;
}

/** Hooks of one migrateIndex run (progress for the CLI, logging, the journal). */
export interface MigrateIndexHooks {
  readonly onProgress?: (progress: ReindexProgress & { readonly to: string }) => void;
  /** Stops the copy: it fails, the new index is deleted and the old one is writable again. */
  readonly signal?: AbortSignal;
  readonly log?: (message: string) => void;
  /**
   * Awaited before each change to the cluster with what is about to be made (the journal's
   * intent record): a run that dies after it can be undone or finished by the next one.
   */
  readonly mark?: (intent: MigrateIndexIntent) => Promise<void>;
  /** Told at each boundary of the step (the runner publishes them as diagnostics). */
  readonly onPhase?: (phase: 'copying' | 'copied' | 'swapped') => void;
}

/**
 * What a `migrateIndex` in flight has made, as the journal keeps it: `copying` (the old index is
 * being blocked, the new one created and filled) or `swapping` (copied and counted; the alias
 * is about to move).
 */
export interface MigrateIndexIntent {
  readonly phase: 'copying' | 'swapping';
  readonly alias: string;
  readonly from: string;
  readonly to: string;
  /** The write block on `from` is the migrator's own (it was not there before), so it lifts it. */
  readonly blockSetByUs: boolean;
  readonly deleteOld: boolean;
  readonly method: 'client' | 'server';
  /** The target's other aliases. */
  readonly aliases: Readonly<Record<string, Record<string, unknown>>>;
  /** With `swapping`: the counts and the write operations `to` had taken (the copy). */
  readonly total?: number;
  readonly copied?: number;
  readonly skipped?: number;
  readonly writes?: number;
}

/**
 * A breaking mapping change without read downtime: create `<alias>-v<N>` from the target's body,
 * copy every document (the old index is write-blocked meanwhile, so a write fails with a
 * `cluster_block_exception` instead of being lost), verify the counts, then move the alias in ONE
 * `_aliases` call. On any failure before that call the new
 * index is deleted, the old one is writable again and the alias stays where it was.
 */
export async function migrateIndex(
  client: Client,
  target: ResolvedTarget,
  options: MigrateIndexOptions = {},
  hooks: MigrateIndexHooks = {},
): Promise<MigrateIndexResult> {
  const started = performance.now();
  const { name } = target;
  checkOptions(options);
  const from = await currentIndex(client, name);
  const to = await nextVersionedName(client, name);
  const deleteOld = from.concrete || options.deleteOld === true;
  const method = await copyMethod(client, options);
  const intent: MigrateIndexIntent = {
    phase: 'copying',
    alias: name,
    from: from.index,
    to,
    blockSetByUs: !(await hasWriteBlock(client, from.index)),
    deleteOld,
    method,
    aliases: target.body.aliases ?? {},
  };
  let copy: { total: number; copied: number; skipped: number };
  let writes = 0;
  try {
    await hooks.mark?.(intent);
    await blockWrites(client, from.index, intent.blockSetByUs);
    await client.indices.create({
      index: to,
      ...(target.body.settings === undefined ? {} : { settings: target.body.settings }),
      ...(target.body.mappings === undefined ? {} : { mappings: target.body.mappings }),
    });
    hooks.onPhase?.('copying');
    copy = await copyDocuments(client, from.index, to, options, hooks, method);
    writes = await writeOps(client, to);
    hooks.onPhase?.('copied');
    await hooks.mark?.({ ...intent, phase: 'swapping', ...copy, writes });
    await swap(client, name, to, swapActions(name, from.index, to, target, deleteOld));
  } catch (error) {
    if (error instanceof SwapUnknownError) throw error;
    const undoError = await undoCopy(client, intent).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (undoError === undefined) throw copyFailed(error, name, from.index, to);
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `copying ${from.index} into ${to} failed (${messageChain(error)}), and undoing it failed too (${messageChain(undoError)}); ${name} still points to ${from.index}. The next migrate up deletes ${to}${intent.blockSetByUs ? ` and lifts the write block on ${from.index}` : ''} before it goes on`,
      { cause: error },
    );
  }
  hooks.onPhase?.('swapped');
  if (!deleteOld && intent.blockSetByUs) await liftWriteBlock(client, from.index);
  hooks.log?.(`${name}: ${from.index} → ${to}, ${copy.copied}/${copy.total} documents copied`);
  return {
    alias: name,
    from: from.index,
    to,
    ...copy,
    deletedOld: deleteOld,
    method,
    ms: Math.round(performance.now() - started),
    writes,
  };
}

/**
 * Undoes a copy that did not finish (it failed, or its runner died): stops a server `_reindex`
 * still writing into the new index, deletes the new index unless the alias already points to it,
 * and lifts the write block the migrator put on the old one. Safe to run again.
 */
export async function undoCopy(client: Client, intent: MigrateIndexIntent): Promise<void> {
  await cancelReindexInto(client, intent.to);
  const location = await locate(client, intent.alias);
  const live = location.kind === 'alias' && location.indices.includes(intent.to);
  if (!live) await client.indices.delete({ index: intent.to }, { ignore: [404] });
  if (intent.blockSetByUs) await liftWriteBlock(client, intent.from);
}

/**
 * Whether the alias swap of a `migrateIndex` in flight was made (its runner died after it): then
 * the step is done, and its result is what the intent recorded.
 */
export async function swapWasMade(client: Client, intent: MigrateIndexIntent): Promise<boolean> {
  if (intent.phase !== 'swapping') return false;
  const location = await locate(client, intent.alias);
  return (
    location.kind === 'alias' && location.indices.length === 1 && location.indices[0] === intent.to
  );
}

/** Lifts `index.blocks.write` (a missing index is fine: there is nothing to lift). */
export async function liftWriteBlock(client: Client, index: string): Promise<void> {
  await client.indices.putSettings(
    { index, settings: { 'index.blocks.write': null } },
    { ignore: [404] },
  );
}

/** Index and delete operations an index's primaries have taken. */
export async function writeOps(client: Client, index: string): Promise<number> {
  const stats = (await client.indices.stats({ index, metric: 'indexing' })) as {
    _all?: { primaries?: { indexing?: { index_total?: number; delete_total?: number } } };
  };
  const indexing = stats._all?.primaries?.indexing;
  return (indexing?.index_total ?? 0) + (indexing?.delete_total ?? 0);
}

/** The swap got no answer and the cluster could not be asked whether it was applied. */
class SwapUnknownError extends OrmError {
  static override readonly kind: string = 'MigrationSwapUnknownError';
}

/**
 * The one `_aliases` call. Its answer can be lost after the server applied it (a timeout, a reset,
 * a retry refused because the first try already removed the old index): then the new index is live
 * and must not be deleted as a failed copy, so the alias is looked up before calling it failed.
 */
async function swap(
  client: Client,
  name: string,
  to: string,
  actions: Record<string, unknown>[],
): Promise<void> {
  try {
    await client.indices.updateAliases({ actions });
  } catch (error) {
    const location = await locate(client, name).catch(() => undefined);
    if (location?.kind === 'alias' && location.indices.length === 1 && location.indices[0] === to) {
      return; // applied: the error was about the answer, not the swap
    }
    if (location !== undefined) throw error;
    throw new SwapUnknownError(
      'ORM_MIGRATION_FAILED',
      `the alias swap of ${name} to ${to} failed (${messageChain(error)}) and the cluster could not be asked whether it was applied, so no index was deleted. The next migrate up asks again: it keeps ${to} if ${name} points to it, and otherwise deletes it and lifts the old index's write block`,
      { cause: error },
    );
  }
}

/**
 * The transform, refusing what it may not return (a value that is not a document object would be
 * written as something else, and the counts would still match); an async transform is awaited.
 */
function checkedTransform(
  transform: NonNullable<MigrateIndexOptions['transform']>,
): (source: Record<string, unknown>, hit: HelperHit<unknown>) => unknown {
  return (source, hit) => {
    const out = transform(source, hit);
    return typeof (out as { then?: unknown } | null | undefined)?.then === 'function'
      ? Promise.resolve(out).then((resolved) => checkedDocument(resolved, hit))
      : checkedDocument(out, hit);
  };
}

function checkedDocument(out: unknown, hit: HelperHit<unknown>): unknown {
  if (out === null || out === undefined) return out;
  if (typeof out !== 'object' || Array.isArray(out)) {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `migrateIndex: the transform returned ${Array.isArray(out) ? 'an array' : typeof out} for document ${hit._id}; return the document object (or null to drop it)`,
    );
  }
  return out;
}

// Checked before anything is touched: a bad batch size used to surface as a count mismatch.
function checkOptions(options: MigrateIndexOptions): void {
  const { batchSize, copy } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `migrateIndex: batchSize must be a positive integer (documents per page), not ${batchSize}`,
    );
  }
  if (copy !== undefined && !['auto', 'client', 'server'].includes(copy)) {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `migrateIndex: copy must be 'auto', 'client' or 'server', not ${JSON.stringify(copy)}`,
    );
  }
}

// Names what failed and what state it left, whatever threw (the transform, the bulk, the swap).
function copyFailed(error: unknown, name: string, from: string, to: string): OrmError {
  if (error instanceof OrmError) return error;
  return new OrmError(
    'ORM_MIGRATION_FAILED',
    `copying ${from} into ${to} failed: ${messageChain(error)}; ${to} was deleted and ${name} still points to ${from}`,
    { cause: error },
  );
}

function messageChain(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 4; e = e.cause) {
    if (!messages.some((m) => m.includes(e instanceof Error ? e.message : ''))) {
      messages.push(e.message);
    }
  }
  return messages.join(': ') || String(error);
}

async function currentIndex(
  client: Client,
  name: string,
): Promise<{ index: string; concrete: boolean }> {
  const location = await locate(client, name);
  if (location.kind === 'index') return { index: name, concrete: true };
  if (location.kind === 'alias' && location.indices.length === 1) {
    return { index: location.indices[0] as string, concrete: false };
  }
  if (location.kind === 'alias') {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `The alias ${name} points to ${location.indices.length} indices (${location.indices.join(', ')}); migrateIndex moves an alias of one index. Remove the alias from all but one first`,
    );
  }
  throw new OrmError(
    'ORM_MIGRATION_FAILED',
    `migrateIndex found no index or alias named ${name}; create it first with ctx.createIndex`,
  );
}

/** Whether `index.blocks.write` is set on the index (false for a missing index). */
export async function hasWriteBlock(client: Client, index: string): Promise<boolean> {
  const settings = (await client.indices.getSettings(
    { index, name: 'index.blocks.write' },
    { ignore: [404] },
  )) as Record<string, { settings?: { index?: { blocks?: { write?: unknown } } } }>;
  return String(settings[index]?.settings?.index?.blocks?.write) === 'true';
}

// Writes during the copy would be lost; blocked, they fail loudly instead.
async function blockWrites(client: Client, index: string, add: boolean): Promise<void> {
  // The _block API, unlike the setting alone, returns once writes in flight have finished.
  if (add) await client.indices.addBlock({ index, block: 'write' });
  // The copy reads what a search sees: acknowledged writes not yet refreshed would be left out.
  await client.indices.refresh({ index });
}

/**
 * Cancels any `_reindex` task writing into `index` (one a dead runner started keeps going on the
 * server) and waits, bounded, until each has stopped, so none creates the index again after it is
 * deleted.
 */
async function cancelReindexInto(client: Client, index: string): Promise<void> {
  const listed = (await client.tasks.list({ actions: '*reindex', detailed: true })) as {
    nodes?: Record<
      string,
      { tasks?: Record<string, { description?: string; cancellable?: boolean }> }
    >;
  };
  const ids = Object.values(listed.nodes ?? {}).flatMap((n) =>
    Object.entries(n.tasks ?? {})
      .filter(([, task]) => (task.description ?? '').includes(`to [${index}]`))
      .map(([id]) => id),
  );
  for (const id of ids) await cancelAndWait(client, id);
}

async function copyMethod(
  client: Client,
  options: MigrateIndexOptions,
): Promise<'client' | 'server'> {
  const wanted = options.copy ?? 'auto';
  if (wanted === 'client') return 'client';
  if (wanted === 'server' && options.transform !== undefined) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      "migrateIndex: copy 'server' cannot run a JavaScript transform; use copy 'client' (or 'auto')",
    );
  }
  const available = await hasReindexModule(client);
  if (wanted === 'server' && !available) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      "migrateIndex: copy 'server' needs the reindex module on every node, and this cluster lacks it (GET /_nodes/plugins); use copy 'client' or 'auto'",
    );
  }
  return available && options.transform === undefined ? 'server' : 'client';
}

async function copyDocuments(
  client: Client,
  from: string,
  to: string,
  options: MigrateIndexOptions,
  hooks: MigrateIndexHooks,
  method: 'client' | 'server',
): Promise<{ total: number; copied: number; skipped: number }> {
  if (method === 'server') {
    const batch = options.batchSize ?? 1000;
    await serverReindex(
      client,
      from,
      to,
      batch,
      (p) => hooks.onProgress?.({ ...p, to }),
      hooks.signal,
    );
    return verifyCounts(client, from, to, 0);
  }
  const skipped = await clientReindex(client, from, to, options, hooks);
  // The helper ends early without throwing when aborted; say so rather than report a count gap.
  hooks.signal?.throwIfAborted();
  return verifyCounts(client, from, to, skipped);
}

/** The reindex helper (point in time + bulk): works without the reindex module; returns skipped. */
async function clientReindex(
  client: Client,
  from: string,
  to: string,
  options: MigrateIndexOptions,
  hooks: MigrateIndexHooks,
): Promise<number> {
  const dropped: string[] = [];
  const result = await client.helpers.reindex<Record<string, unknown>, unknown>({
    source: { index: from, size: options.batchSize ?? 1000 },
    dest: { index: to },
    ...(options.transform === undefined ? {} : { transform: checkedTransform(options.transform) }),
    onProgress: (progress) => hooks.onProgress?.({ ...progress, to }),
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
    bulk: {
      flushBytes: 5_000_000,
      onDrop: (drop) => {
        if (dropped.length < 3) dropped.push(JSON.stringify(drop.error ?? drop.status));
      },
    },
  });
  if (result.bulk.failed > 0) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `${result.bulk.failed} of ${result.read} documents were refused by ${to} (first: ${dropped.join('; ')}); the alias was left on ${from}. Fix the mapping or the transform and run the migration again`,
    );
  }
  return result.skipped;
}

// The copy is trusted only when the new index holds every document the old one had.
async function verifyCounts(
  client: Client,
  from: string,
  to: string,
  skipped: number,
): Promise<{ total: number; copied: number; skipped: number }> {
  await client.indices.refresh({ index: to });
  const [source, dest] = await Promise.all([
    client.count({ index: from }),
    client.count({ index: to }),
  ]);
  const expected = source.count - skipped;
  if (dest.count !== expected) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `${to} holds ${dest.count} documents but ${from} has ${source.count} (${skipped} dropped by the transform), so ${expected} were expected; the alias was left on ${from}`,
    );
  }
  return { total: source.count, copied: dest.count, skipped };
}

function swapActions(
  name: string,
  from: string,
  to: string,
  target: ResolvedTarget,
  deleteFrom: boolean,
): Record<string, unknown>[] {
  // remove_index runs before the other actions, so a concrete index can give its name to the alias.
  const actions: Record<string, unknown>[] = deleteFrom
    ? [{ remove_index: { index: from } }]
    : [{ remove: { index: from, alias: name } }];
  actions.push({ add: { index: to, alias: name } });
  for (const [alias, options] of Object.entries(target.body.aliases ?? {})) {
    if (!deleteFrom) actions.push({ remove: { index: from, alias, must_exist: false } });
    actions.push({ add: { index: to, alias, ...options } });
  }
  return actions;
}
