// Prototype-poisoning guard for parsed JSON: a cheap text test first, a tree walk only on a hit.

/** What to do with `__proto__` keys and `constructor.prototype` objects: drop them, fail, or keep. */
export type PoisonAction = 'remove' | 'error' | 'ignore';

// Keys may be written with \u escapes: match the escaped spellings too.
const PROTO_KEY =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const CONSTRUCTOR_KEY =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

/** Thrown by `scrubPoison` when the action is 'error'. */
export class PoisonedJsonError extends Error {
  constructor(readonly key: string) {
    super(`Forbidden property "${key}" in JSON (prototype poisoning)`);
  }
}

/** True when the JSON text may hold a `__proto__` or `constructor` key. */
export function mayBePoisoned(text: string): boolean {
  return PROTO_KEY.test(text) || CONSTRUCTOR_KEY.test(text);
}

/**
 * Removes (or rejects) `__proto__` own keys and `constructor` values that carry a `prototype`.
 * A `constructor` key holding ordinary data (an aggregation named "constructor") is kept.
 */
export function scrubPoison(value: unknown, action: PoisonAction): void {
  if (action === 'ignore') return;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (Object.hasOwn(record, '__proto__')) removeKey(record, '__proto__', action);
    const ctor = Object.hasOwn(record, 'constructor') ? record.constructor : undefined;
    if (typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype')) {
      removeKey(record, 'constructor', action);
    }
    for (const key in record) stack.push(record[key]);
  }
}

function removeKey(record: Record<string, unknown>, key: string, action: PoisonAction): void {
  if (action === 'error') throw new PoisonedJsonError(key);
  delete record[key];
}
