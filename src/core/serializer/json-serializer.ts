import { randomBytes } from 'node:crypto';
import { DeserializationError, ErrorCodes, SerializationError } from '../errors.js';
import type { QueryValue } from '../transport/types.js';
import { LosslessSyntaxError, parseLossless } from './lossless-json.js';
import {
  assertJsonSafe,
  containsNonFinite,
  findNonFinite,
  isNonFiniteError,
  prefixNonFinitePath,
  stringifyFinite,
} from './non-finite.js';
import { mayBePoisoned, type PoisonAction, PoisonedJsonError, scrubPoison } from './poison.js';
import { querystring } from './querystring.js';

/** Turns request bodies into text and response text into values. Pluggable via `Client({ Serializer })`. */
export interface Serializer {
  /** JSON text of a request body. Throws `SerializationError`. */
  serialize(value: unknown): string;
  /** Value of a JSON response body. Throws `DeserializationError`. */
  deserialize<T = unknown>(text: string): T;
  /** NDJSON of bulk/msearch lines: each item serialized unless already a string, newline-terminated. */
  ndserialize(items: readonly unknown[]): string;
  /** Query string ('' or '?a=b&...') of the request's parameters merged with the per-request ones. */
  qserialize(
    query: Readonly<Record<string, QueryValue>> | undefined,
    extra?: Readonly<Record<string, QueryValue>>,
  ): string;
}

export interface JsonSerializerOptions {
  /** Parse integers beyond 2^53 as `bigint` instead of rounding them. Default false. */
  readonly losslessIntegers?: boolean | undefined;
  /** `__proto__` / `constructor.prototype` in responses: 'remove' (default), 'error' or 'ignore'. */
  readonly prototypePoisoning?: PoisonAction | undefined;
}

// A BigInt is written through a marker string that cannot collide with user data (random nonce).
const BIGINT_MARKER = `@elastiq-bigint-${randomBytes(6).toString('hex')}:`;
const BIGINT_MARKER_PATTERN = new RegExp(`"${BIGINT_MARKER}(-?\\d+)"`, 'g');
const LONG_DIGIT_RUN = /\d{16}/;

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${BIGINT_MARKER}${value}` : value;
}

/**
 * The default serializer: JSON with `Date` as ISO-8601 and `BigInt` as a JSON integer, parsing
 * guarded against prototype poisoning, optional lossless integers. NaN, Infinity and an Invalid
 * Date (which JSON.stringify would quietly write as null) are refused with a `SerializationError`
 * naming their path.
 *
 * @example
 * const serializer = new JsonSerializer({ losslessIntegers: true });
 * serializer.deserialize('{"n":9007199254740993}'); // { n: 9007199254740993n }
 * serializer.serialize({ n: 9007199254740993n }); // '{"n":9007199254740993}'
 */
export class JsonSerializer implements Serializer {
  readonly #lossless: boolean;
  readonly #poison: PoisonAction;

  constructor(options: JsonSerializerOptions = {}) {
    this.#lossless = options.losslessIntegers ?? false;
    this.#poison = options.prototypePoisoning ?? 'remove';
  }

  serialize(value: unknown): string {
    try {
      // A non-finite value would be written as null: refused, with its path.
      return stringifyFinite(value, BODY) ?? 'null';
    } catch (err) {
      if (err instanceof TypeError && /BigInt/i.test(err.message))
        return serializeWithBigInt(value);
      throw serializationError(err, value);
    }
  }

  deserialize<T = unknown>(text: string): T {
    if (text.length === 0) return '' as T;
    let value: unknown;
    try {
      if (this.#lossless && LONG_DIGIT_RUN.test(text))
        return parseLossless(text, this.#poison) as T;
      value = JSON.parse(text);
    } catch (err) {
      throw deserializationError(err, text);
    }
    if (this.#poison !== 'ignore' && typeof value === 'object' && mayBePoisoned(text)) {
      try {
        scrubPoison(value, this.#poison);
      } catch (err) {
        throw deserializationError(err, text);
      }
    }
    return value as T;
  }

  ndserialize(items: readonly unknown[]): string {
    let out = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      let line: string;
      if (typeof item === 'string') line = item;
      else {
        try {
          line = this.serialize(item);
        } catch (err) {
          throw prefixNonFinitePath(err, [i], NDJSON_BODY);
        }
      }
      out += line.endsWith('\n') ? line : `${line}\n`;
    }
    return out;
  }

  qserialize(
    query: Readonly<Record<string, QueryValue>> | undefined,
    extra?: Readonly<Record<string, QueryValue>>,
  ): string {
    return querystring(query, extra);
  }
}

const BODY = 'the request body';
const NDJSON_BODY = 'the NDJSON body (bulk operations, msearch searches)';

function serializeWithBigInt(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, bigintReplacer) ?? 'null';
  } catch (err) {
    throw serializationError(err, value);
  }
  if (text.includes('null') && containsNonFinite(value)) assertJsonSafe(value, BODY);
  return text.replace(BIGINT_MARKER_PATTERN, '$1');
}

function serializationError(err: unknown, value: unknown): SerializationError {
  // A nested toJSON() (a DSL query) refused a non-finite value: walk again for the whole path.
  if (isNonFiniteError(err)) {
    try {
      findNonFinite(value);
    } catch (nested) {
      if (isNonFiniteError(nested))
        return prefixNonFinitePath(nested, [], BODY) as SerializationError;
    }
    return err;
  }
  return new SerializationError(`Cannot serialize the request body: ${(err as Error).message}`, {
    cause: err,
  });
}

function deserializationError(err: unknown, text: string): DeserializationError {
  if (
    err instanceof PoisonedJsonError ||
    (err instanceof LosslessSyntaxError && /Forbidden/.test(err.message))
  ) {
    return new DeserializationError(`Refused a response body: ${(err as Error).message}`, text, {
      cause: err,
      code: ErrorCodes.prototypePoisoning,
    });
  }
  return new DeserializationError(
    `The response body is not valid JSON: ${(err as Error).message}`,
    text,
    { cause: err },
  );
}
