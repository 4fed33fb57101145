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
