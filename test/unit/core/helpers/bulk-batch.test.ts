import { describe, expect, it } from 'vitest';
import { BulkBatch, operationLines } from '../../../../src/core/helpers/bulk-batch.js';
import { parseBulk } from './support/stub-server.js';

describe('BulkBatch', () => {
  it('writes index, create, update and delete operations as NDJSON', () => {
    const batch = new BulkBatch<{ id: string; n: number }>(1024);
    batch.add({ id: 'a', n: 1 }, { index: { _index: 'i', _id: 'a' } });
    batch.add({ id: 'b', n: 2 }, { create: { _index: 'i', _id: 'b' } });
    batch.add({ id: 'c', n: 3 }, [{ update: { _index: 'i', _id: 'c' } }, { doc_as_upsert: true }]);
    batch.add({ id: 'd', n: 4 }, { delete: { _index: 'i', _id: 'd' } });
    const text = batch.body().toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(parseBulk(text)).toEqual([
      { operation: 'index', meta: { _index: 'i', _id: 'a' }, source: { id: 'a', n: 1 } },
      { operation: 'create', meta: { _index: 'i', _id: 'b' }, source: { id: 'b', n: 2 } },
      {
        operation: 'update',
        meta: { _index: 'i', _id: 'c' },
        source: { doc: { id: 'c', n: 3 }, doc_as_upsert: true },
      },
      { operation: 'delete', meta: { _index: 'i', _id: 'd' }, source: undefined },
    ]);
    expect(batch.hasUpdates).toBe(true);
  });

  it('counts bytes exactly for multi-byte text, growing past its first buffer', () => {
    const batch = new BulkBatch<{ text: string }>(10 * 1024 * 1024);
    let expected = 0;
    for (let i = 0; i < 3000; i++) {
      const doc = { text: `żółw 🐢 ${i} ${'é'.repeat(i % 50)}` };
      batch.add(doc, { index: { _index: 'x' } });
      expected += Buffer.byteLength(`{"index":{"_index":"x"}}\n${JSON.stringify(doc)}\n`);
    }
    expect(batch.body().length).toBe(expected);
    expect(batch.bytes).toBe(expected);
    expect(parseBulk(batch.body().toString('utf8'))).toHaveLength(3000);
  });

  it('builds the body of chosen operations for a retry, byte-identical to the first send', () => {
    const batch = new BulkBatch<{ n: number }>(1024);
    for (let n = 0; n < 5; n++) batch.add({ n }, { index: { _index: 'x', _id: String(n) } });
    const full = batch.body().toString('utf8').split('\n');
    const retry = batch.bodyOf([1, 3]).toString('utf8');
    expect(retry).toBe(`${full.slice(2, 4).join('\n')}\n${full.slice(6, 8).join('\n')}\n`);
    expect(batch.documents).toHaveLength(5);
    expect(batch.actions[3]).toEqual({ index: { _index: 'x', _id: '3' } });
  });

  it('sends a pre-serialized string document as is, and a tuple source instead of the document', () => {
    const payload = (document: unknown, action: Parameters<typeof operationLines>[1]) =>
      operationLines(document, action).text.split('\n')[1];
    expect(payload('{"a":1}', { index: { _index: 'x' } })).toBe('{"a":1}');
    expect(payload('{"a":1}', [{ update: { _id: '1' } }, { doc_as_upsert: true }])).toBe(
      '{"doc":{"a":1},"doc_as_upsert":true}',
    );
    expect(payload({ a: 1 }, [{ index: { _id: '1' } }, { b: 2 }])).toBe('{"b":2}');
    expect(payload({ a: 1 }, [{ update: { _id: '1' } }, { script: { source: 's' } }])).toBe(
      '{"doc":{"a":1},"script":{"source":"s"}}',
    );
  });

  it('rejects an action that names no bulk operation', () => {
    expect(() => operationLines({}, { upsert: {} } as never)).toThrow(
      /index \| create \| update \| delete/,
    );
  });
});
