// NaN, Infinity and Invalid Date have no JSON form: JSON.stringify writes `null` for them, which
// silently turns `{ range: { n: { gte: NaN } } }` into an unbounded range and a NaN field into a
// cleared one. This module finds them and builds the error; the serializer, elastiq/dsl and
// elastiq/orm all use it.

import { SerializationError } from '../errors.js';

/** One step of a path into a JSON value: an object key or an array index. */
export type JsonPathSegment = string | number;

/** A value with no JSON form and where it sits. */
export interface NonFiniteValue {
  readonly path: readonly JsonPathSegment[];
  readonly value: unknown;
}

/**
 * True for a value JSON.stringify would silently write as `null`: NaN, Infinity, -Infinity, an
 * Invalid Date (`new Date(NaN)`).
 *
 * @example
 * isNonFinite(Number('abc')); // true
 * isNonFinite(new Date('not a date')); // true
 * isNonFinite(0); // false
 */
export function isNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return isNonFiniteNumber(value);
  return value instanceof Date && Number.isNaN(value.getTime());
}

/**
 * The first value with no JSON form inside `value`, walked as JSON.stringify walks it (`toJSON()`
 * first, own enumerable keys, array items), or `undefined`. An error thrown by a nested
 * `toJSON()` for such a value gets the path that leads to it prefixed.
 *
 * @example
 * findNonFinite({ query: { range: { n: { gte: NaN } } } })?.path; // ['query', 'range', 'n', 'gte']
 */
export function findNonFinite(value: unknown): NonFiniteValue | undefined {
  if (typeof value !== 'object' || value === null) {
    return isNonFiniteNumber(value) ? { path: [], value } : undefined;
  }
  const path: JsonPathSegment[] = [];
  const found = visit(value, '', path, []);
  return found === NOTHING ? undefined : { path, value: found };
}

/**
 * True when `value` holds a value with no JSON form: the quick test of the serializer, without
 * the path (`findNonFinite` then finds it). Only for a value JSON.stringify already accepted:
 * it has no cycle, so none is looked for.
 */
export function containsNonFinite(value: unknown): boolean {
  return scan(value, '');
}

function scan(value: unknown, key: string | number): boolean {
  if (typeof value === 'number') return isNonFiniteNumber(value);
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (value instanceof Date) return Number.isNaN(value.getTime());
    // As JSON.stringify: toJSON() once, its result written as it is (its own toJSON not called).
    const json = (value as { toJSON(key: string): unknown }).toJSON(String(key));
    if (typeof json !== 'object' || json === null) return isNonFiniteNumber(json);
    return scanContent(json);
  }
  return scanContent(value);
}

function scanContent(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' ? item !== null && scan(item, i) : isNonFiniteNumber(item))
        return true;
    }
    return false;
  }
  if (value instanceof Number) return isNonFiniteNumber(Number(value));
  for (const k of Object.keys(value)) {
    const item: unknown = (value as Record<string, unknown>)[k];
    if (typeof item === 'object' ? item !== null && scan(item, k) : isNonFiniteNumber(item))
      return true;
  }
  return false;
}

const NOTHING: unique symbol = Symbol('nothing');

// Returns the offending value (the path left in `path`), or NOTHING (the path restored).
function visit(start: unknown, key: string, path: JsonPathSegment[], ancestors: object[]): unknown {
  let value = start;
  if (typeof value === 'number') return isNonFiniteNumber(value) ? value : NOTHING;
  if (typeof value !== 'object' || value === null) return NOTHING;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? value : NOTHING;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    try {
      value = (value as { toJSON(key: string): unknown }).toJSON(key);
    } catch (err) {
      throw prefixNonFinitePath(err, path);
    }
    if (typeof value === 'number') return isNonFiniteNumber(value) ? value : NOTHING;
    if (typeof value !== 'object' || value === null) return NOTHING;
  }
  if (value instanceof Number) {
    const n = Number(value);
    return isNonFiniteNumber(n) ? n : NOTHING;
  }
  // A cycle: JSON.stringify refuses it with its own error; nothing more to find here.
  if (ancestors.includes(value)) return NOTHING;
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      const found = visit(value[i], String(i), path, ancestors);
      if (found !== NOTHING) return found;
      path.pop();
    }
  } else {
    for (const k of Object.keys(value)) {
      path.push(k);
      const found = visit((value as Record<string, unknown>)[k], k, path, ancestors);
      if (found !== NOTHING) return found;
      path.pop();
    }
  }
  ancestors.pop();
  return NOTHING;
}

const IDENTIFIER = /^[A-Za-z_$@][\w$@-]*$/;

/**
 * A path as text: keys joined by dots, array indices in brackets, a key that is not a plain name
 * (a dotted field name) quoted in brackets: `query.bool.filter[0].range["user.age"].gte`.
 *
 * @example
 * formatJsonPath(['query', 'range', 'n', 'gte']); // 'query.range.n.gte'
 * formatJsonPath([3, 'user.age']); // '[3]["user.age"]'
 */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * What the value is and why it cannot be sent, for an error message: `NaN has no JSON form ...`.
 *
 * @example
 * nonFiniteReason(Infinity); // 'Infinity has no JSON form (JSON.stringify would write null)'
 */
export function nonFiniteReason(value: unknown): string {
  return `${describeNonFinite(value)} has no JSON form (JSON.stringify would write null)`;
}

function describeNonFinite(value: unknown): string {
  return typeof value === 'number' ? String(value) : 'an Invalid Date';
}

/**
 * True for NaN, Infinity and -Infinity: the numbers JSON has no form for.
 *
 * @example
 * isNonFiniteNumber(1 / 0); // true
 * isNonFiniteNumber('NaN'); // false
 */
export function isNonFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && value - value !== 0;
}

/**
 * The `SerializationError` of a value with no JSON form; it keeps what is needed to rebuild it
 * under a longer path (a nested `toJSON()` only knows the path inside itself).
 */
class NonFiniteValueError extends SerializationError {
  readonly where: string;
  readonly segments: readonly JsonPathSegment[];
  readonly value: unknown;

  constructor(message: string, found: NonFiniteValue, where: string) {
    super(message, { path: formatJsonPath(found.path) });
    this.where = where;
    this.segments = found.path;
    this.value = found.value;
  }
}

/**
 * The `SerializationError` (`ELASTIQ_SERIALIZATION`) for a value with no JSON form: names the
 * path, says what it would have become and what to do. `err.path` holds the path as text.
 *
 * @example
 * const err = nonFiniteError({ path: ['query', 'range', 'n', 'gte'], value: NaN });
 * err.path; // 'query.range.n.gte'
 */
export function nonFiniteError(
  found: NonFiniteValue,
  where = 'the request body',
): SerializationError {
  const at = found.path.length === 0 ? '' : ` at ${formatJsonPath(found.path)}`;
  const fix =
    typeof found.value === 'number'
      ? 'Pass a finite number (Number() of a non-numeric string is NaN: check input before using it), or leave the key out'
      : 'Pass a valid Date, or leave the key out';
  return new NonFiniteValueError(
    `Cannot serialize ${where}: the value${at} is ${describeNonFinite(found.value)}, which JSON cannot hold: JSON.stringify would write null there and silently change the request (a range without that bound, a cleared field), so nothing is sent. ${fix}.`,
    found,
    where,
  );
}

/**
 * `err` again under a longer path (and `where`, if given) when it is a non-finite-value error
 * built here (a nested `toJSON()` only knows the path inside itself); any other error as it is.
 *
 * @example
 * const inner = nonFiniteError({ path: ['range', 'n', 'gt'], value: NaN });
 * prefixNonFinitePath(inner, ['query']); // a SerializationError whose path is 'query.range.n.gt'
 */
export function prefixNonFinitePath(
  err: unknown,
  prefix: readonly JsonPathSegment[],
  where?: string,
): unknown {
  if (!(err instanceof NonFiniteValueError)) return err;
  if (prefix.length === 0 && where === undefined) return err;
  const path = [...prefix, ...err.segments];
  return nonFiniteError({ path, value: err.value }, where ?? err.where);
}

/** True when `err` is the error of a value with no JSON form (built by `nonFiniteError`). */
export function isNonFiniteError(err: unknown): err is SerializationError {
  return err instanceof NonFiniteValueError;
}

/**
 * Throws the `SerializationError` of the first value in `value` that has no JSON form.
 *
 * @example
 * assertJsonSafe({ n: 1 }); // fine
 * assertJsonSafe({ n: NaN }); // throws SerializationError: ... the value at n is NaN ...
 */
export function assertJsonSafe(value: unknown, where?: string): void {
  const found = findNonFinite(value);
  if (found !== undefined) throw nonFiniteError(found, where);
}

/**
 * `JSON.stringify(value)`, refusing a value with no JSON form (which it would write as `null`):
 * only a text that holds `null` pays for the walk that looks for one.
 *
 * @example
 * stringifyFinite({ n: 1 }, 'a bulk document'); // '{"n":1}'
 * stringifyFinite({ n: NaN }, 'a bulk document'); // throws SerializationError (path 'n')
 */
export function stringifyFinite(value: unknown, where: string): string {
  const text = JSON.stringify(value);
  if (text?.includes('null') && containsNonFinite(value)) {
    assertJsonSafe(value, where);
  }
  return text;
}
