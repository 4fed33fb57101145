import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ErrorCodes, SerializationError } from '../../../src/core/errors.js';
import { JsonSerializer } from '../../../src/core/serializer/json-serializer.js';
import {
  findNonFinite,
  formatJsonPath,
  isNonFinite,
} from '../../../src/core/serializer/non-finite.js';
import { type Stub, startStub } from '../../support/stub-server.js';

function thrown(run: () => unknown): SerializationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    return err as SerializationError;
  }
  throw new Error('expected a SerializationError, nothing was thrown');
}

describe('JsonSerializer refuses values JSON.stringify would write as null', () => {
  const serializer = new JsonSerializer();

  it('names the path of a NaN range bound instead of sending an unbounded range', () => {
    const err = thrown(() =>
      serializer.serialize({ query: { range: { n: { gte: Number('abc') } } } }),
    );
    expect(err.code).toBe(ErrorCodes.serialization);
    expect(err.path).toBe('query.range.n.gte');
    expect(err.message).toContain('at query.range.n.gte is NaN');
    expect(err.message).toContain('nothing is sent');
    expect(err.message).toContain('Pass a finite number');
  });

  it('refuses Infinity and -Infinity, with array indices in brackets and dotted keys quoted', () => {
    const inArray = thrown(() =>
      serializer.serialize({
        query: {
          bool: { filter: [{ term: { a: 1 } }, { range: { 'user.age': { lt: Infinity } } }] },
        },
      }),
    );
    expect(inArray.path).toBe('query.bool.filter[1].range["user.age"].lt');
    expect(inArray.message).toContain('is Infinity');
    const negative = thrown(() => serializer.serialize({ values: [1, 2, -Infinity] }));
    expect(negative.path).toBe('values[2]');
    expect(negative.message).toContain('is -Infinity');
  });

  it('refuses an Invalid Date (its toJSON() is null)', () => {
    const err = thrown(() => serializer.serialize({ document: { at: new Date('not a date') } }));
    expect(err.path).toBe('document.at');
    expect(err.message).toContain('an Invalid Date');
    expect(err.message).toContain('Pass a valid Date');
  });

  it('refuses a NaN returned by a toJSON() and a NaN at the top level', () => {
    const custom = { toJSON: () => ({ score: Number.NaN }) };
    expect(thrown(() => serializer.serialize({ wrapped: custom })).path).toBe('wrapped.score');
    const top = thrown(() => serializer.serialize(Number.NaN));
    expect(top.path).toBe('');
    expect(top.message).toContain('the value is NaN');
  });

  it('still refuses them in a body that holds a BigInt (the BigInt path)', () => {
    const err = thrown(() => serializer.serialize({ id: 12345678901234567890n, n: Number.NaN }));
    expect(err.path).toBe('n');
  });

  it('leaves real nulls, finite numbers, valid dates and bigints as they were', () => {
    const body = { a: null, b: [null, 1.5, -0], c: new Date(0), d: 1n, e: 'null', f: undefined };
    expect(serializer.serialize(body)).toBe(
      '{"a":null,"b":[null,1.5,0],"c":"1970-01-01T00:00:00.000Z","d":1,"e":"null"}',
    );
    expect(serializer.serialize({ s: 'nullable', n: 1 })).toBe('{"s":"nullable","n":1}');
  });

  it('NDJSON: names the item index, then the path inside it', () => {
    const lines = [
      { index: { _index: 'x', _id: '1' } },
      { n: 1 },
      { index: { _index: 'x', _id: '2' } },
      { nested: { n: Number.NaN } },
    ];
    const err = thrown(() => serializer.ndserialize(lines));
    expect(err.path).toBe('[3].nested.n');
    expect(err.message).toContain('the NDJSON body');
    expect(err.message).toContain('at [3].nested.n is NaN');
    // A string line is sent as it is; a finite body still serializes.
    expect(serializer.ndserialize(['{"a":1}', { b: null }])).toBe('{"a":1}\n{"b":null}\n');
  });
});

describe('findNonFinite', () => {
  it('walks as JSON.stringify does: toJSON first, own enumerable keys, array items', () => {
    expect(findNonFinite({ a: [1, { b: Number.NaN }] })?.path).toEqual(['a', 1, 'b']);
    expect(findNonFinite({ a: undefined, f: () => Number.NaN })).toBeUndefined();
    expect(findNonFinite(Object.create({ inherited: Number.NaN }))).toBeUndefined();
    // Number objects are unwrapped by JSON.stringify: new Number(NaN) is written as null too.
    expect(findNonFinite({ boxed: new Number(Number.NaN) })?.path).toEqual(['boxed']);
  });

  it('stops at a cycle instead of recursing forever', () => {
    const loop: Record<string, unknown> = { n: 1 };
    loop.self = loop;
    expect(findNonFinite(loop)).toBeUndefined();
  });

  it('isNonFinite and formatJsonPath', () => {
    expect([Number.NaN, Infinity, -Infinity, new Date(Number.NaN)].every(isNonFinite)).toBe(true);
    expect([0, -0, 1e308, new Date(0), null, 'NaN'].some(isNonFinite)).toBe(false);
    expect(formatJsonPath([])).toBe('');
    expect(formatJsonPath([0, 'a', 'b c', '@timestamp'])).toBe('[0].a["b c"].@timestamp');
  });
});

describe('the client sends nothing when the body holds NaN', () => {
  let stub: Stub;
  let client: Client;

  beforeEach(async () => {
    stub = await startStub();
    client = new Client({ node: stub.url, maxRetries: 0 });
  });

  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  it('count with a NaN range bound throws before any request', async () => {
    const err = await client
      .count({ index: 'docs', query: { range: { n: { gte: Number('abc') } } } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('query.range.n.gte');
    expect(stub.requests).toHaveLength(0);
  });

  it('index of a document with NaN throws before any request', async () => {
    const err = await client
      .index({ index: 'docs', id: '1', document: { n: Number.NaN } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('n');
    expect(stub.requests).toHaveLength(0);
  });

  it('bulk with a NaN in a document throws before any request', async () => {
    const err = await client
      .bulk({ operations: [{ index: { _index: 'docs', _id: '1' } }, { n: Infinity }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as SerializationError).path).toBe('[1].n');
    expect(stub.requests).toHaveLength(0);
  });
});
