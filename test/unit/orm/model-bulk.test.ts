import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Document } from '../../../src/orm/decorators/document.js';
import { DateField, Integer, Keyword } from '../../../src/orm/decorators/field-types.js';
import { setDefaultClient } from '../../../src/orm/document/connections.js';
import {
  OrmBulkSaveError,
  OrmConflictError,
  OrmNotFoundError,
  OrmWriteError,
} from '../../../src/orm/document/errors.js';
import { Model } from '../../../src/orm/document/model.js';
import { OrmValidationError } from '../../../src/orm/document/validation.js';
import { OrmError } from '../../../src/orm/errors.js';
import { type Stub, type StubRequest, sendJson, startStub } from '../../support/stub-server.js';

@Document({ index: 'orm-bulk-unit' })
class Post extends Model {
  @Keyword({ required: true }) slug!: string;
  @Integer() likes = 0;
  @DateField({ name: 'published_at' }) publishedAt?: Date;
}

@Document({ index: 'orm-bulk-unit-other' })
class Other extends Model {
  @Keyword() name!: string;
}

/** One operation of a received bulk request: its action line and its source line. */
interface Operation {
  readonly op: string;
  readonly meta: Record<string, unknown>;
  readonly source: Record<string, unknown>;
}

type Answer = (operation: Operation, n: number) => Record<string, unknown>;

let stub: Stub;
let client: Client;
let sent: Operation[];
let generated: number;

function parseBulk(request: StubRequest): Operation[] {
  const lines = request.body.toString('utf8').split('\n').filter(Boolean);
  const ops: Operation[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const action = JSON.parse(lines[i]!) as Record<string, Record<string, unknown>>;
    const op = Object.keys(action)[0]!;
    ops.push({ op, meta: action[op]!, source: JSON.parse(lines[i + 1]!) });
  }
  return ops;
}

/** An acknowledged item, as Elasticsearch answers an index/create operation. */
const ok: Answer = (operation) => {
  generated += 1;
  const id = (operation.meta._id as string | undefined) ?? `gen-${generated}`;
  const seqNo = typeof operation.meta.if_seq_no === 'number' ? operation.meta.if_seq_no + 1 : 0;
  return {
    _index: `${String(operation.meta._index)}-v1`,
    _id: id,
    _version: seqNo + 1,
    _seq_no: seqNo,
    _primary_term: 1,
    result: seqNo === 0 ? 'created' : 'updated',
    status: seqNo === 0 ? 201 : 200,
  };
};

/** Answers each bulk request item by item with `answer`; records every operation. */
function answerBulk(answer: Answer = ok): void {
  stub.handle((request, response) => {
    if (!request.path.endsWith('/_bulk')) {
      return sendJson(response, 500, { error: { type: 'unexpected', reason: request.url } });
    }
    const ops = parseBulk(request);
    const items = ops.map((operation) => {
      sent.push(operation);
      return { [operation.op]: answer(operation, sent.length) };
    });
    const errors = items.some((i) => Object.values(i)[0]!.error !== undefined);
    sendJson(response, 200, { took: 1, errors, items });
  });
}

const conflictItem = (operation: Operation) => ({
  _index: 'orm-bulk-unit-v1',
  _id: operation.meta._id,
  status: 409,
  error: {
    type: 'version_conflict_engine_exception',
    reason: `[${String(operation.meta._id)}]: version conflict, required seqNo [${String(operation.meta.if_seq_no)}], primary term [1]. current document has seqNo [42] and primary term [1]`,
  },
});

/** A document as if loaded: id, seqNo, primaryTerm and the index it was read through. */
function loaded(slug: string, seqNo: number, routing?: string): Post {
  const post = Post.create({ slug });
  post.meta.id = slug;
  post.meta.seqNo = seqNo;
  post.meta.primaryTerm = 1;
  if (routing !== undefined) post.meta.routing = routing;
  return post;
}

beforeEach(async () => {
  stub = await startStub();
  client = new Client({ node: stub.url, maxRetries: 0 });
  setDefaultClient(client);
  sent = [];
  generated = 0;
});

afterEach(async () => {
  setDefaultClient(undefined);
  await client.close();
  await stub.close();
});

describe('Model.saveAll: what is sent', () => {
  it('sends a new document as an index action without id, and a loaded one with its id, routing and seqNo guard', async () => {
    answerBulk();
    const fresh = Post.create({ slug: 'new', publishedAt: new Date('2024-05-01T00:00:00.000Z') });
    const old = loaded('old', 7, 'r1');
    await Post.saveAll([fresh, old]);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.path).toBe('/_bulk');
    expect(sent).toEqual([
      {
        op: 'index',
        meta: { _index: 'orm-bulk-unit' },
        source: { slug: 'new', likes: 0, published_at: '2024-05-01T00:00:00.000Z' },
      },
      {
        op: 'index',
        meta: {
          _index: 'orm-bulk-unit',
          _id: 'old',
          routing: 'r1',
          if_seq_no: 7,
          if_primary_term: 1,
        },
        source: { slug: 'old', likes: 0 },
      },
    ]);
  });

  it("opType 'create' sends create actions without a seqNo guard", async () => {
    answerBulk();
    await Post.saveAll([loaded('c', 3)], { opType: 'create' });
    expect(sent[0]).toMatchObject({ op: 'create', meta: { _index: 'orm-bulk-unit', _id: 'c' } });
    expect(sent[0]!.meta).not.toHaveProperty('if_seq_no');
  });

  it('writes a document read through a name to that name, as save() does', async () => {
    stub.handle((request, response) =>
      request.path.endsWith('/_bulk')
        ? sendJson(response, 200, {
            errors: false,
            items: parseBulk(request).map((o) => ({ index: ok(o, 0) })),
          })
        : sendJson(response, 200, {
            _index: 'orm-bulk-unit-v7',
            _id: 'x',
            _seq_no: 4,
            _primary_term: 1,
            _version: 2,
            found: true,
            _source: { slug: 'x' },
          }),
    );
    const doc = await Post.get('x', { index: 'orm-bulk-alias' });
    await Post.saveAll([doc]);
    const bulk = parseBulk(stub.requests[1]!);
    expect(bulk[0]!.meta).toMatchObject({ _index: 'orm-bulk-alias', _id: 'x', if_seq_no: 4 });
  });

  it('passes refresh to every bulk request, asks only for the item fields it reads, and splits batches at flushBytes', async () => {
    answerBulk();
    const posts = Array.from({ length: 30 }, (_, i) => Post.create({ slug: `s${i}` }));
    const result = await Post.saveAll(posts, { refresh: 'wait_for', flushBytes: 200 });
    expect(result.savedCount).toBe(30);
    expect(stub.requests.length).toBeGreaterThan(3);
    for (const request of stub.requests) {
      expect(request.query.get('refresh')).toBe('wait_for');
      // only what an item's meta needs comes back (not _shards and the rest)
      expect(request.query.get('filter_path')?.split(',')).toEqual(
        expect.arrayContaining(['errors', 'items.*.status', 'items.*.error', 'items.*._seq_no']),
      );
    }
  });

  it('never sends invalid documents unless validate: false', async () => {
    answerBulk();
    const invalid = Post.create({ likes: 1 }); // slug is required
    const valid = Post.create({ slug: 'v' });
    const result = await Post.saveAll([invalid, valid], { raiseOnError: false });
    expect(sent.map((o) => o.source.slug)).toEqual(['v']);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.document).toBe(invalid);
    expect(result.failed[0]!.error).toBeInstanceOf(OrmValidationError);
    expect((result.failed[0]!.error as OrmValidationError).issues[0]!.path).toEqual(['slug']);

    sent = [];
    await Post.saveAll([invalid], { validate: false });
    expect(sent).toHaveLength(1);
    expect(invalid.meta.id).toEqual(expect.any(String));
  });
});

describe('Model.saveAll: what it reports', () => {
  it('updates the meta of every saved document from its item', async () => {
    answerBulk();
    const fresh = Post.create({ slug: 'a' });
    const old = loaded('b', 9);
    const result = await Post.saveAll([fresh, old]);
    expect(result.saved).toEqual([fresh, old]);
    expect(fresh.meta).toEqual({
      id: 'gen-1',
      index: 'orm-bulk-unit-v1',
      seqNo: 0,
      primaryTerm: 1,
      version: 1,
    });
    expect(old.meta).toMatchObject({ id: 'b', seqNo: 10, version: 11 });
    // the next save of a bulk-saved document is guarded by the seqNo of its item
    answerBulk();
    sent = [];
    await Post.saveAll([fresh]);
    expect(sent[0]!.meta).toMatchObject({ _id: 'gen-1', if_seq_no: 0, if_primary_term: 1 });
  });

  it('a 409 item is an OrmConflictError with the same details save() gives, and the meta is kept', async () => {
    answerBulk((o) => (o.meta._id === 'stale' ? conflictItem(o) : ok(o, 0)));
    const stale = loaded('stale', 5);
    const fine = Post.create({ slug: 'fine' });
    const error = await Post.saveAll([stale, fine]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmBulkSaveError);
    const bulk = error as OrmBulkSaveError<Post>;
    expect(bulk).toMatchObject({ code: 'ORM_BULK_FAILED', savedCount: 1, saved: [fine] });
    const conflict = bulk.failed[0]!.error as OrmConflictError;
    expect(bulk.failed[0]!.document).toBe(stale);
    expect(conflict).toBeInstanceOf(OrmConflictError);
    expect(conflict).toMatchObject({
      id: 'stale',
      index: 'orm-bulk-unit',
      expectedSeqNo: 5,
      currentSeqNo: 42,
    });
    expect(conflict.message).toMatch(/reload\(\)/);
    expect(stale.meta.seqNo).toBe(5);
    expect(bulk.message).toMatch(/saved 1 documents and failed 1 \(1 ORM_CONFLICT\)/);
    expect(bulk.message).toMatch(/raiseOnError: false/);
  });

  it('a 409 of a create says the id is taken; a guard on a deleted document says it was deleted', async () => {
    answerBulk((o) =>
      o.meta._id === 'gone'
        ? {
            status: 409,
            error: {
              type: 'version_conflict_engine_exception',
              reason:
                '[gone]: version conflict, required seqNo [3], primary term [1]. but no document was found',
            },
          }
        : conflictItem(o),
    );
    const taken = Post.create({ slug: 'taken' });
    taken.meta.id = 'taken';
    const created = await Post.saveAll([taken], { opType: 'create', raiseOnError: false });
    expect(created.failed[0]!.error.message).toMatch(/already exists/);
    const deleted = await Post.saveAll([loaded('gone', 3)], { raiseOnError: false });
    expect(deleted.failed[0]!.error.message).toMatch(/was deleted/);
  });

  it('another refused item is an OrmWriteError with its status, type and reason; a missing index is ORM_NOT_FOUND', async () => {
    answerBulk((o) =>
      o.source.slug === 'bad'
        ? {
            status: 400,
            error: { type: 'document_parsing_exception', reason: 'failed to parse field [likes]' },
          }
        : {
            status: 404,
            error: { type: 'index_not_found_exception', reason: 'no such index [orm-bulk-unit]' },
          },
    );
    const bad = Post.create({ slug: 'bad' });
    const lost = Post.create({ slug: 'lost' });
    const result = await Post.saveAll([bad, lost], { raiseOnError: false });
    const write = result.failed[0]!.error as OrmWriteError;
    expect(write).toBeInstanceOf(OrmWriteError);
    expect(write).toMatchObject({
      code: 'ORM_WRITE_FAILED',
      status: 400,
      type: 'document_parsing_exception',
      reason: 'failed to parse field [likes]',
      index: 'orm-bulk-unit',
    });
    expect(write.message).toMatch(/status 400 \(document_parsing_exception: failed to parse/);
    expect(result.failed[1]!.error).toBeInstanceOf(OrmNotFoundError);
    expect(result.failed[1]!.error.message).toMatch(/init\(\)/);
    expect(result.savedCount).toBe(0);
    expect(result.saved).toEqual([]);
  });

  it('retries 429 items through the helper and saves them', async () => {
    let refused = 0;
    answerBulk((o) => {
      if (o.source.slug === 'busy' && refused === 0) {
        refused += 1;
        return { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'busy' } };
      }
      return ok(o, 0);
    });
    const busy = Post.create({ slug: 'busy' });
    const result = await Post.saveAll([busy, Post.create({ slug: 'calm' })]);
    expect(result.savedCount).toBe(2);
    expect(refused).toBe(1);
    expect(sent.filter((o) => o.source.slug === 'busy')).toHaveLength(2);
    expect(busy.meta.id).toEqual(expect.any(String));
  }, 10_000);

  it('reports partial documents, values of another class and repeats without sending them', async () => {
    answerBulk();
    stub.handle((request, response) => {
      if (!request.path.endsWith('/_bulk')) {
        return sendJson(response, 200, {
          _index: 'orm-bulk-unit',
          _id: 'p',
          _seq_no: 1,
          _primary_term: 1,
          found: true,
          _source: { slug: 'p' },
        });
      }
      const items = parseBulk(request).map((o) => {
        sent.push(o);
        return { index: ok(o, 0) };
      });
      sendJson(response, 200, { errors: false, items });
    });
    const partial = await Post.get('p', { source: { includes: ['slug'] } });
    const twice = Post.create({ slug: 'twice' });
    const stranger = Other.create({ name: 'x' }) as unknown as Post;
    const result = await Post.saveAll([partial, twice, stranger, twice], { raiseOnError: false });
    expect(sent.map((o) => o.source.slug)).toEqual(['twice']);
    expect(result.saved).toEqual([twice]);
    expect(result.failed.map((f) => f.error.code)).toEqual([
      'ORM_PARTIAL_DOCUMENT',
      'ORM_NOT_A_DOCUMENT',
      'ORM_BULK_FAILED',
    ]);
    expect(result.failed[1]!.error.message).toMatch(/given a Other, not a Post/);
    expect(result.failed[2]!.error.message).toMatch(/given twice/);
  });

  it('a failed bulk request stops the run: OrmBulkSaveError (stopped) lists every unacknowledged document', async () => {
    stub.handle((_request, response) =>
      sendJson(response, 503, { error: { type: 'unavailable', reason: 'down' }, status: 503 }),
    );
    const posts = [Post.create({ slug: 'a' }), Post.create({ slug: 'b' })];
    const error = await Post.saveAll(posts, { raiseOnError: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmBulkSaveError);
    const bulk = error as OrmBulkSaveError<Post>;
    expect(bulk.stopped).toBe(true);
    expect(bulk.cause).toBeDefined();
    expect(bulk.failed.map((f) => f.document)).toEqual(posts);
    expect(bulk.failed[0]!.error).toMatchObject({ code: 'ORM_WRITE_FAILED', status: undefined });
    expect(bulk.failed[0]!.error.message).toMatch(/never acknowledged/);
    expect(bulk.message).toMatch(/stopped before the end of its input/);
    expect(posts[0]!.meta.id).toBeUndefined();
    // their write queue is free again: a later save() of them runs
    answerBulk();
    await expect(Post.saveAll(posts)).resolves.toMatchObject({ savedCount: 2 });
  });

  it('an input that throws stops the run: OrmBulkSaveError with that cause, the documents read and not acknowledged in failed', async () => {
    answerBulk();
    const first = Post.create({ slug: 'first' });
    const boom = new Error('source broke');
    async function* docs(): AsyncGenerator<Post> {
      yield first;
      throw boom;
    }
    const error = await Post.saveAll(docs(), { raiseOnError: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmBulkSaveError);
    const bulk = error as OrmBulkSaveError<Post>;
    expect(bulk).toMatchObject({ stopped: true, saved: undefined });
    expect((bulk.cause as Error).cause).toBe(boom);
    // the batch being filled is not sent: its document is reported, not lost
    expect(bulk.savedCount + bulk.failed.length).toBe(1);
    for (const f of bulk.failed) {
      expect(f.document).toBe(first);
      expect(f.error).toMatchObject({ code: 'ORM_WRITE_FAILED', status: undefined });
    }
  });

  it('a bulk option out of range is refused before anything is read or sent', async () => {
    answerBulk();
    let read = 0;
    function* docs(): Generator<Post> {
      read += 1;
      yield Post.create({ slug: 'a' });
    }
    const error = await Post.saveAll(docs(), { concurrency: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ELASTIQ_CONFIGURATION', option: 'concurrency' });
    expect(read).toBe(0);
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses at once without a client (ORM_NO_CLIENT) or on a class without @Document', async () => {
    setDefaultClient(undefined);
    await expect(Post.saveAll([Post.create({ slug: 'a' })])).rejects.toMatchObject({
      code: 'ORM_NO_CLIENT',
    });
    class Plain extends Model {}
    await expect(Plain.saveAll([])).rejects.toMatchObject({ code: 'ORM_NOT_A_DOCUMENT' });
    expect(stub.requests).toHaveLength(0);
  });
});

describe('Model.saveAll: writes of one instance and long inputs', () => {
  it('waits for a save() of the same instance under way, then sends the seqNo that save got', async () => {
    let releaseSave: (() => void) | undefined;
    stub.handle((request, response) => {
      if (request.method === 'PUT' || request.method === 'POST') {
        if (!request.path.endsWith('/_bulk')) {
          // the single save: answered once the bulk call has started
          releaseSave = () =>
            sendJson(response, 200, {
              _index: 'orm-bulk-unit',
              _id: 'one',
              _seq_no: 11,
              _primary_term: 1,
              _version: 3,
              result: 'updated',
            });
          return;
        }
      }
      const items = parseBulk(request).map((o) => {
        sent.push(o);
        return { index: ok(o, 0) };
      });
      sendJson(response, 200, { errors: false, items });
    });
    const doc = loaded('one', 10);
    const saving = doc.save();
    // The save must be under way (its request held by the stub) before saveAll starts.
    await expect.poll(() => releaseSave !== undefined, { timeout: 10_000 }).toBe(true);
    const bulk = Post.saveAll([doc]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toHaveLength(0); // the bulk waits for the save
    releaseSave!();
    await saving;
    await bulk;
    expect(sent[0]!.meta).toMatchObject({ _id: 'one', if_seq_no: 11 });
    expect(doc.meta.seqNo).toBe(12);
  });

  it('an async iterable is read as the writes go, and its saved documents are counted, not kept', async () => {
    let produced = 0;
    let maxAhead = 0;
    answerBulk((o, n) => {
      maxAhead = Math.max(maxAhead, produced - n);
      return ok(o, n);
    });
    async function* stream(): AsyncGenerator<Post> {
      for (let i = 0; i < 20_000; i += 1) {
        produced += 1;
        yield Post.create({ slug: `s${i}` });
      }
    }
    const result = await Post.saveAll(stream(), { flushBytes: 20_000, concurrency: 2 });
    expect(result.saved).toBeUndefined();
    expect(result.savedCount).toBe(20_000);
    expect(result.failed).toEqual([]);
    // at most (concurrency + 2) batches of ~20 KB (~500 documents each) are read ahead
    expect(maxAhead).toBeLessThan(4 * 700);
  }, 30_000);

  it('a failed item of a sync iterable is reported by document; the result lists no saved ones', async () => {
    answerBulk((o) => (o.meta._id === 'stale' ? conflictItem(o) : ok(o, 0)));
    const stale = loaded('stale', 1);
    function* docs(): Generator<Post> {
      yield Post.create({ slug: 'a' });
      yield stale;
    }
    const result = await Post.saveAll(docs(), { raiseOnError: false });
    expect(result).toMatchObject({ saved: undefined, savedCount: 1 });
    expect(result.failed[0]!.document).toBe(stale);
    expect(result.failed[0]!.error).toBeInstanceOf(OrmError);
    expect(result.failed[0]!.error.code).toBe('ORM_CONFLICT');
  });
});
