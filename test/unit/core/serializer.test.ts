import { describe, expect, it } from 'vitest';
import { DeserializationError, ErrorCodes, SerializationError } from '../../../src/core/errors.js';
import { JsonSerializer } from '../../../src/core/serializer/json-serializer.js';
import { parseLossless } from '../../../src/core/serializer/lossless-json.js';
import { querystring } from '../../../src/core/serializer/querystring.js';

describe('JsonSerializer.serialize', () => {
  const serializer = new JsonSerializer();

  it('writes dates as ISO-8601 and bigints as JSON integers', () => {
    const text = serializer.serialize({
      at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      id: 12345678901234567890n,
      n: [1n],
    });
    expect(text).toBe('{"at":"2024-01-02T03:04:05.000Z","id":12345678901234567890,"n":[1]}');
  });

  it('keeps a user string that looks like a bigint marker untouched', () => {
    const text = serializer.serialize({ s: '@elastiq-bigint-:1', b: 2n });
    expect(JSON.parse(text)).toEqual({ s: '@elastiq-bigint-:1', b: 2 });
  });

  it('fails with SerializationError on circular input', () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    expect(() => serializer.serialize(value)).toThrow(SerializationError);
    const withBigInt: Record<string, unknown> = { b: 1n };
    withBigInt.self = withBigInt;
    expect(() => serializer.serialize(withBigInt)).toThrow(SerializationError);
  });

  it('writes NDJSON lines, leaving strings as they are and ending every line', () => {
    expect(
      serializer.ndserialize([{ index: { _id: '1' } }, '{"a":1}', { b: 2 }, '{"c":3}\n']),
    ).toBe('{"index":{"_id":"1"}}\n{"a":1}\n{"b":2}\n{"c":3}\n');
  });
});

describe('JsonSerializer.deserialize', () => {
  it('drops __proto__ keys by default so parsed objects cannot poison prototypes', () => {
    const value = new JsonSerializer().deserialize<Record<string, unknown>>(
      '{"a":1,"__proto__":{"polluted":true},"nested":{"\\u005f_proto__":{"x":1}}}',
    );
    expect(Object.hasOwn(value, '__proto__')).toBe(false);
    expect(Object.hasOwn(value.nested as object, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(value.a).toBe(1);
  });

  it('drops constructor.prototype but keeps an aggregation named constructor', () => {
    const serializer = new JsonSerializer();
    const poisoned = serializer.deserialize<Record<string, unknown>>(
      '{"constructor":{"prototype":{"x":1}}}',
    );
    expect(Object.hasOwn(poisoned, 'constructor')).toBe(false);
    const aggs = serializer.deserialize<{ aggregations: { constructor: { buckets: unknown[] } } }>(
      '{"aggregations":{"constructor":{"buckets":[{"key":"a","doc_count":1}]}}}',
    );
    expect(aggs.aggregations.constructor.buckets).toEqual([{ key: 'a', doc_count: 1 }]);
  });

  it("rejects poisoned bodies with ELASTIQ_PROTOTYPE_POISONING in 'error' mode", () => {
    const serializer = new JsonSerializer({ prototypePoisoning: 'error' });
    try {
      serializer.deserialize('{"__proto__":{"a":1}}');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DeserializationError);
      expect((err as DeserializationError).code).toBe(ErrorCodes.prototypePoisoning);
    }
  });

  it('fails with a DeserializationError carrying an excerpt on malformed JSON', () => {
    try {
      new JsonSerializer().deserialize('{"took": 3, "hits": [');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DeserializationError);
      expect((err as DeserializationError).excerpt).toBe('{"took": 3, "hits": [');
    }
  });

  it('rounds big integers by default and keeps them exact as bigint in lossless mode', () => {
    const text =
      '{"id":9007199254740993,"small":42,"neg":-9223372036854775808,"f":1.5,"s":"12345678901234567890"}';
    expect(new JsonSerializer().deserialize<{ id: number }>(text).id).toBe(9007199254740992);
    expect(new JsonSerializer({ losslessIntegers: true }).deserialize(text)).toEqual({
      id: 9007199254740993n,
      small: 42,
      neg: -9223372036854775808n,
      f: 1.5,
      s: '12345678901234567890',
    });
  });
});

describe('parseLossless', () => {
  it('parses every JSON value the way JSON.parse does', () => {
    const samples = [
      '{"a":[1,2.5,-3e2,true,false,null,"x\\n\\u00e9\\"y"],"b":{},"c":[]}',
      '  [ { "k" : "v" } , 0 , -0.0 , 1E+2 ]  ',
      '"plain"',
      '123',
    ];
    for (const sample of samples) expect(parseLossless(sample)).toEqual(JSON.parse(sample));
  });

  it('throws SyntaxError on invalid JSON', () => {
    for (const bad of [
      '{',
      '[1,]',
      '{"a" 1}',
      '01',
      '"unterminated',
      'tru',
      '{"a":1}x',
      '-',
      '1.',
      '1e',
    ]) {
      expect(() => parseLossless(bad), bad).toThrow(SyntaxError);
    }
  });
});

describe('querystring', () => {
  it('joins arrays with commas, writes booleans, drops undefined and null, encodes values', () => {
    expect(
      querystring({
        index: ['a', 'b c'],
        refresh: true,
        routing: undefined,
        q: null,
        size: 10,
        big: 9007199254740993n,
        at: new Date(Date.UTC(2024, 0, 1)),
        'key&': 'v=1',
      }),
    ).toBe(
      '?index=a,b%20c&refresh=true&size=10&big=9007199254740993&at=2024-01-01T00%3A00%3A00.000Z&key%26=v%3D1',
    );
  });

  it('lets per-request parameters override the request ones', () => {
    expect(querystring({ a: 1, b: 2 }, { b: 3, c: false })).toBe('?a=1&b=3&c=false');
    expect(querystring(undefined, undefined)).toBe('');
  });
});
