import { describe, expect, it } from 'vitest';
import { BodyCollector } from '../../../src/core/connection/body-collector.js';
import { DeserializationError, ElastiqError } from '../../../src/core/errors.js';
import { parseNodesInfo } from '../../../src/core/pool/nodes-info.js';
import { JsonSerializer } from '../../../src/core/serializer/json-serializer.js';
import { parseLossless } from '../../../src/core/serializer/lossless-json.js';

// Deterministic pseudo-random numbers (mulberry32): a failing case can be replayed from its seed.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSONISH = '{}[]":,0123456789-+.eE truefalsnul\\u_proto_constructor\n\t';

function randomText(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    text +=
      next() < 0.8
        ? JSONISH[Math.floor(next() * JSONISH.length)]
        : String.fromCharCode(Math.floor(next() * 0xffff));
  }
  return text;
}

// Mutates valid JSON a little, which reaches deeper parser states than pure noise.
function mutate(next: () => number, text: string): string {
  const chars = [...text];
  const edits = 1 + Math.floor(next() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * chars.length);
    const op = next();
    if (op < 0.33) chars.splice(at, 1);
    else if (op < 0.66) chars.splice(at, 0, JSONISH[Math.floor(next() * JSONISH.length)]!);
    else chars[at] = JSONISH[Math.floor(next() * JSONISH.length)]!;
  }
  return chars.join('');
}

// Written as text so the integer beyond 2^53 stays exact.
const SAMPLE =
  '{"took":3,"hits":{"total":{"value":9007199254740993},"hits":[{"_id":"a","_source":{"n":-1.5e3,"ok":true,"x":null}}]},' +
  '"aggregations":{"constructor":{"buckets":[]}}}';

describe('fuzz', () => {
  it('the serializer returns a value or throws DeserializationError on random and mutated text', () => {
    const next = random(7);
    const serializers = [
      new JsonSerializer(),
      new JsonSerializer({ losslessIntegers: true }),
      new JsonSerializer({ prototypePoisoning: 'error', losslessIntegers: true }),
    ];
    let failures = 0;
    for (let i = 0; i < 5000; i++) {
      const text = i % 2 === 0 ? randomText(next, Math.floor(next() * 80)) : mutate(next, SAMPLE);
      for (const serializer of serializers) {
        try {
          serializer.deserialize(text);
        } catch (err) {
          expect(err, JSON.stringify(text)).toBeInstanceOf(DeserializationError);
          failures++;
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('the lossless parser agrees with JSON.parse on what is valid', () => {
    const next = random(11);
    for (let i = 0; i < 5000; i++) {
      const text = mutate(next, '{"a":[1,2.5,"x"],"b":{"c":null,"d":true},"e":-0.1e-2}');
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      if (valid) expect(parseLossless(text, 'ignore'), text).toEqual(expected);
      else expect(() => parseLossless(text), text).toThrow(SyntaxError);
    }
  });

  it('the node-info parser throws only DeserializationError on random shapes', () => {
    const next = random(13);
    const values = (depth: number): unknown => {
      const pick = next();
      if (depth > 3 || pick < 0.3)
        return [null, 1, 'x', '127.0.0.1:9200', 'h/[::1]:1', true, ':::', 'a:99999'][
          Math.floor(next() * 8)
        ];
      if (pick < 0.5) return [values(depth + 1), values(depth + 1)];
      const keys = ['nodes', 'http', 'publish_address', 'roles', 'name', 'n1'];
      return Object.fromEntries(keys.filter(() => next() < 0.5).map((k) => [k, values(depth + 1)]));
    };
    for (let i = 0; i < 5000; i++) {
      const body =
        i % 3 === 0
          ? { nodes: { a: { http: { publish_address: randomText(next, 12) }, roles: values(2) } } }
          : values(0);
      try {
        parseNodesInfo(body, 'http:');
      } catch (err) {
        expect(err).toBeInstanceOf(DeserializationError);
      }
    }
  });

  it('the body decoder turns random compressed bytes into typed errors', async () => {
    const next = random(17);
    for (let i = 0; i < 300; i++) {
      const encoding = ['gzip', 'deflate', 'br', 'x-gzip', 'zstd'][i % 5]!;
      const collector = new BodyCollector(
        { 'content-encoding': encoding, 'content-type': 'application/json' },
        1e6,
        1e6,
      );
      const bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 256)),
      );
      expect(collector.push(bytes)).toBeUndefined();
      try {
        await collector.finish();
      } catch (err) {
        expect(err).toBeInstanceOf(ElastiqError);
      }
    }
  });
});
