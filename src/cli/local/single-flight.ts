import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Clusters started at once (with-cluster starts them in parallel) share one download, one unpack
// and one plugin build per target path instead of racing on the same temporary files.
const inFlight = new Map<string, Promise<unknown>>();

/** Runs `work` for `key` unless a run for it is already going, whose result is shared then. */
export function singleFlight<T>(key: string, work: () => Promise<T>): Promise<T> {
  const running = inFlight.get(key);
  if (running) return running as Promise<T>;
  const started = work().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

/** A temporary sibling name no other process or concurrent call uses. */
export function scratchName(path: string, tag: string): string {
  return `${path}.${tag}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Deletes the {@link scratchName} siblings of `path` whose process is gone: a download or unpack
 * interrupted by Ctrl-C or a kill leaves its unique temporary file (up to the size of the zip)
 * that nothing else would ever remove. Those of live processes are still being written.
 */
export async function removeStaleScratch(path: string, tag: string): Promise<void> {
  const prefix = `${basename(path)}.${tag}-`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (pid > 0 && processGone(pid)) {
      await rm(join(dirname(path), name), { recursive: true, force: true });
    }
  }
}
