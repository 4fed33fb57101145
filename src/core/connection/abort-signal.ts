// One 'abort' listener per AbortSignal, whatever the number of requests or sleeps waiting on it.
//
// Each listener added to an AbortSignal counts towards Node's max-listeners check: more than 10
// concurrent requests sharing a signal printed a MaxListenersExceededWarning although nothing
// leaked. A signal gets a single listener here that fans out to a set of callbacks; the listener
// goes away when its last callback does.

interface Fanout {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `callback` once when `signal` aborts; returns the function that cancels it (idempotent).
 * The caller checks `signal.aborted` first: a signal that already aborted never calls back.
 * One function should not be registered twice on the same signal at the same time.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let fanout = fanouts.get(signal);
  if (fanout === undefined) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      fanouts.delete(signal);
      // A copy: callbacks unsubscribe themselves while they run.
      for (const run of [...callbacks]) run();
      callbacks.clear();
    };
    fanout = { callbacks, listener };
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', listener, { once: true });
  }
  const current = fanout;
  current.callbacks.add(callback);
  return () => {
    if (!current.callbacks.delete(callback) || current.callbacks.size > 0) return;
    if (fanouts.get(signal) === current) fanouts.delete(signal);
    signal.removeEventListener('abort', current.listener);
  };
}
