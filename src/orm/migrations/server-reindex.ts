import type { Client } from '../../core/client.js';
import type { ReindexProgress } from '../../core/helpers/reindex.js';
import { OrmError } from '../errors.js';

// One answer per client: the modules of a cluster do not change while a migration runs.
const MODULES = new WeakMap<Client, Promise<boolean>>();

// A module is listed by name; a module loaded from the classpath (as `elastiq local` runs
// OpenSearch) shows as a plugin named by its class.
function isReindex(plugin: { name?: string; classname?: string }): boolean {
  return plugin.name === 'reindex' || /\.ReindexPlugin$/.test(plugin.classname ?? '');
}

/** True when every node has the reindex module (`GET /_nodes/plugins` lists modules). */
export function hasReindexModule(client: Client): Promise<boolean> {
  let known = MODULES.get(client);
  if (known === undefined) {
    known = client.nodes.info({ metric: 'plugins' }).then((info) => {
      const nodes = Object.values(info.nodes ?? {});
      return (
        nodes.length > 0 &&
        nodes.every((node) => [...(node.modules ?? []), ...(node.plugins ?? [])].some(isReindex))
      );
    });
    MODULES.set(client, known);
  }
  return known;
}

interface TaskStatus {
  readonly total?: number;
  readonly created?: number;
  readonly updated?: number;
}

interface ReindexTaskResponse extends TaskStatus {
  readonly failures?: readonly unknown[];
}

const POLL_MS = 500;

/**
 * Copies with the server's `_reindex` as a task, polling it for progress; the task is cancelled
 * (and waited for) when polling fails, so no copy keeps writing into an index about to be deleted.
 */
export async function serverReindex(
  client: Client,
  from: string,
  to: string,
  batchSize: number,
  onProgress: (progress: ReindexProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const started = performance.now();
  const { task } = (await client.reindex({
    source: { index: from, size: batchSize },
    dest: { index: to, op_type: 'create' },
    wait_for_completion: false,
    refresh: true,
  })) as { task?: string | number };
  if (task === undefined) {
    throw new OrmError('ORM_MIGRATION_FAILED', `_reindex of ${from} into ${to} returned no task`);
  }
  const taskId = String(task);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const state = await client.tasks.get({ task_id: taskId });
      const status = (state.task.status ?? {}) as TaskStatus;
      const written = (status.created ?? 0) + (status.updated ?? 0);
      onProgress({
        read: written,
        skipped: 0,
        written,
        failed: 0,
        total: status.total ?? 0,
        elapsed: Math.round(performance.now() - started),
      });
      if (state.completed) return checkOutcome(state, from, to);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } catch (error) {
    await cancelAndWait(client, taskId);
    throw error;
  }
}

/**
 * Cancels the copy and waits (bounded) until it has stopped: a batch still in flight after the
 * cancel answer could otherwise write into the new index after it is deleted, creating it again.
 */
export async function cancelAndWait(client: Client, taskId: string): Promise<void> {
  await client.tasks.cancel({ task_id: taskId }, { ignore: [404] }).catch(() => undefined);
  await client.tasks
    .get(
      { task_id: taskId, wait_for_completion: true, timeout: '30s' },
      { ignore: [404], requestTimeout: 40_000 },
    )
    .catch(() => undefined);
}

function checkOutcome(
  state: { error?: { reason?: string | null | undefined; type?: string }; response?: unknown },
  from: string,
  to: string,
): void {
  if (state.error !== undefined) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `_reindex of ${from} into ${to} failed: ${state.error.type}: ${state.error.reason ?? ''}`,
    );
  }
  const failures = (state.response as ReindexTaskResponse | undefined)?.failures ?? [];
  if (failures.length > 0) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `${failures.length} documents were refused by ${to} during _reindex (first: ${JSON.stringify(failures[0])})`,
    );
  }
}
