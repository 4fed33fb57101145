import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkAction, BulkDroppedDocument } from '../../../src/core/helpers/bulk-types.js';
import { connect, countOf, createIndex, deleteIndex, type NodeHandle } from './support/node.js';

const INDEX = 'helpers-bulk-mixed';
let node: NodeHandle;

beforeAll(async () => {
  node = connect();
  await createIndex(node.transport, INDEX, {
    mappings: { properties: { n: { type: 'integer' } } },
  });
});

afterAll(async () => {
  await deleteIndex(node.transport, INDEX);
  await node.close();
});

interface Doc {
  id: string;
  n: number | string;
}

describe('helpers.bulk against the real node', () => {
  it('indexes documents and refreshes on completion: count and stats match', async () => {
    const docs: Doc[] = Array.from({ length: 5000 }, (_, i) => ({ id: `d${i}`, n: i }));
    const stats = await node.helpers.bulk({
      datasource: docs,
      onDocument: (doc) => ({ index: { _index: INDEX, _id: doc.id } }),
      flushBytes: 50_000,
      refreshOnCompletion: INDEX,
    });
    expect(stats).toMatchObject({ total: 5000, successful: 5000, failed: 0, aborted: false });
    const count = await node.transport.request<{ count: number }>({
      method: 'GET',
      path: `/${INDEX}/_count`,
    });
    expect(count.count).toBe(5000);
  });

  it('hands onDrop the exact document and action of each refused item in a mixed batch', async () => {
    // d0..d4999 exist. Refusals the node really produces:
    // create of an existing id (409), update of a missing id (404), a non-integer `n` (400).
    const plan: { doc: Doc; action: BulkAction; expect: number | 'ok' }[] = [
      { doc: { id: 'd1', n: 1 }, action: { create: { _index: INDEX, _id: 'd1' } }, expect: 409 },
      {
        doc: { id: 'new1', n: 1 },
        action: { create: { _index: INDEX, _id: 'new1' } },
        expect: 'ok',
      },
      { doc: { id: 'd2', n: 22 }, action: { update: { _index: INDEX, _id: 'd2' } }, expect: 'ok' },
      {
        doc: { id: 'missing', n: 3 },
        action: { update: { _index: INDEX, _id: 'missing' } },
        expect: 404,
      },
      { doc: { id: 'd3', n: 0 }, action: { delete: { _index: INDEX, _id: 'd3' } }, expect: 'ok' },
      {
        doc: { id: 'bad', n: 'not a number' },
        action: { index: { _index: INDEX, _id: 'bad' } },
        expect: 400,
      },
      {
        doc: { id: 'up', n: 5 },
        action: [{ update: { _index: INDEX, _id: 'up' } }, { doc_as_upsert: true }],
        expect: 'ok',
      },
      { doc: { id: 'd4', n: 4 }, action: { update: { _index: INDEX, _id: 'd4' } }, expect: 'ok' }, // noop
      // A delete of a missing document answers 404 `not_found` without an error: acknowledged.
      {
        doc: { id: 'ghost', n: 0 },
        action: { delete: { _index: INDEX, _id: 'ghost' } },
        expect: 'ok',
      },
    ];
    const byDocument = new Map(plan.map((p) => [p.doc, p]));
    const dropped: BulkDroppedDocument<Doc>[] = [];
    const stats = await node.helpers.bulk<Doc>({
      datasource: plan.map((p) => p.doc),
      onDocument: (doc) => byDocument.get(doc)!.action,
      onDrop: (drop) => dropped.push(drop),
    });
    const refused = plan.filter((p) => p.expect !== 'ok');
    expect(dropped).toHaveLength(refused.length);
    for (const drop of dropped) {
      const planned = byDocument.get(drop.document);
      expect(planned).toBeDefined();
      expect(drop.action).toBe(planned!.action);
      expect(drop.status).toBe(planned!.expect);
      expect(drop.retried).toBe(false);
    }
    expect(new Set(dropped.map((d) => d.document.id))).toEqual(new Set(['d1', 'missing', 'bad']));
    expect(stats).toMatchObject({ total: 9, successful: 6, failed: 3, noop: 1 });
    expect(await countOf(node.transport, INDEX)).toBe(
      5000 + 1 /* new1 */ - 1 /* d3 */ + 1 /* up */,
    );
  });

  it('reports a request-level failure with every unacknowledged document', async () => {
    const error = await node.helpers
      .bulk({
        datasource: [{ a: 1 }, { a: 2 }],
        onDocument: () => ({ index: { _index: INDEX } }),
        // An invalid request parameter fails the whole request (400), not single items.
        params: { refresh: 'sometimes' },
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ELASTIQ_BULK_FAILED' });
    expect((error as { unacknowledged: unknown[] }).unacknowledged).toHaveLength(2);
  });

  it("streamingBulk yields each document's outcome as the node answers it", async () => {
    const outcomes: { id: string; ok: boolean; status: number }[] = [];
    const iterator = node.helpers.streamingBulk<Doc>({
      datasource: [
        { id: 'd10', n: 10 }, // exists: create refused with 409
        { id: 'stream1', n: 1 },
        { id: 'stream2', n: 'oops' }, // not an integer: 400
      ],
      onDocument: (doc) => ({ create: { _index: INDEX, _id: doc.id } }),
    });
    let next = await iterator.next();
    while (next.done !== true) {
      outcomes.push({ id: next.value.document.id, ok: next.value.ok, status: next.value.status });
      next = await iterator.next();
    }
    expect(outcomes).toEqual([
      { id: 'd10', ok: false, status: 409 },
      { id: 'stream1', ok: true, status: 201 },
      { id: 'stream2', ok: false, status: 400 },
    ]);
    expect(next.value).toMatchObject({ total: 3, successful: 1, failed: 2 });
  });
});
