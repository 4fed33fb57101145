// Paths, stash and comparisons of the Elasticsearch YAML REST test format.

/** Values saved by `set` and read back as `$name` (whole value) or `${name}` (inside a string). */
export class Stash {
  readonly #values = new Map<string, unknown>();

  set(name: string, value: unknown): void {
    this.#values.set(name, value);
  }

  clear(): void {
    this.#values.clear();
  }

  /** `$name` -> the stashed value; `${name}` inside strings -> its text; recursive, keys too. */
  resolve(value: unknown): unknown {
    if (typeof value === 'string') return this.resolveString(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        out[String(this.resolveString(k))] = this.resolve(v);
      return out;
    }
    return value;
  }

  private resolveString(text: string): unknown {
    const exact = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(text);
    if (exact && this.#values.has(exact[1]!)) return this.#values.get(exact[1]!);
    return text.replace(/\$\{([A-Za-z_]\w*)\}/g, (all, name: string) =>
      this.#values.has(name) ? String(this.#values.get(name)) : all,
    );
  }
}

/** Splits a dotted path; `\.` is a literal dot. */
export function parsePath(path: string): string[] {
  if (path === '' || path === '$body') return [];
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && path[i + 1] === '.') {
      current += '.';
      i++;
    } else if (c === '.') {
      segments.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments[0] === '$body' ? segments.slice(1) : segments;
}

/** The value at a dotted path of the last response (`$name` segments read the stash). */
export function valueAt(body: unknown, path: string, stash: Stash): unknown {
  let current = body;
  for (const raw of parsePath(path)) {
    const segment = String(stash.resolve(raw));
    if (current === null || current === undefined) return undefined;
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (typeof current === 'object') current = (current as Record<string, unknown>)[segment];
    else return undefined;
  }
  return current;
}

/** `/.../` in the YAML format is a verbose-mode (x flag) regex: whitespace and # comments drop. */
export function verboseRegex(source: string): RegExp {
  const body = source.trim().slice(1, -1);
  let out = '';
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1] ?? '';
      // An escaped space or # stands for itself in verbose mode.
      out += next === ' ' || next === '#' ? next : c + next;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < body.length && body[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return new RegExp(out, 's');
}

export function isRegexLiteral(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('/') && trimmed.endsWith('/');
}

/** Deep equality with the format's leniency: numbers compare by value, a number equals its text. */
export function matches(actual: unknown, expected: unknown): boolean {
  if (isRegexLiteral(expected)) {
    return (
      actual !== undefined &&
      verboseRegex(expected).test(typeof actual === 'string' ? actual : JSON.stringify(actual))
    );
  }
  if (expected === null || typeof expected !== 'object') {
    if (actual === expected) return true;
    const scalar = (v: unknown) =>
      typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint';
    return scalar(actual) && scalar(expected) && String(actual) === String(expected);
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => matches(actual[i], e))
    );
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = Object.keys(e);
  return keys.length === Object.keys(a).length && keys.every((k) => k in a && matches(a[k], e[k]));
}

/**
 * `match` itself: {@link matches}, or an array that holds the expected scalar. The clients' YAML
 * suite is written for runners that accept this (es-test-runner-ruby tests `include?`), e.g.
 * `match: { invalidated_api_keys: $id }` against `["<id>"]`.
 */
export function matchesOrHolds(actual: unknown, expected: unknown): boolean {
  if (matches(actual, expected)) return true;
  const scalar = expected === null || typeof expected !== 'object';
  return (
    scalar &&
    !isRegexLiteral(expected) &&
    Array.isArray(actual) &&
    actual.some((a) => matches(a, expected))
  );
}

/** `contains`: an array holding the value (an object value matches any element with its keys). */
export function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return typeof expected === 'string' && actual.includes(expected);
  if (!Array.isArray(actual)) return false;
  return actual.some((item) => matches(item, expected) || isSubset(item, expected));
}

function isSubset(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    return matches(actual, expected);
  }
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) =>
    isSubset((actual as Record<string, unknown>)[k], v),
  );
}

export function isTruthy(value: unknown): boolean {
  return !(
    value === undefined ||
    value === null ||
    value === false ||
    value === '' ||
    value === 'false' ||
    value === 0
  );
}

/**
 * A value `gt`/`gte`/`lt`/`lte` can compare: a number, a bigint or numeric text. A missing
 * field, null, a boolean or an object is none, so the comparison fails instead of reading it
 * as 0 (`Number(null)`), which let `gte: { count: 0 }` pass on a field that is not there.
 */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** `gt`, `gte`, `lt` and `lte`: both sides numeric and in that order. */
export function compareNumbers(
  actual: unknown,
  expected: unknown,
  test: (actual: number, expected: number) => boolean,
): boolean {
  const a = numericValue(actual);
  const e = numericValue(expected);
  return a !== undefined && e !== undefined && test(a, e);
}

/** Length of an array, the key count of an object, or the length of a string. */
export function lengthOf(value: unknown): number | undefined {
  if (Array.isArray(value) || typeof value === 'string') return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}
