import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { MultiSearch, Q, type Response } from '../../../src/dsl/index.js';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  DateField,
  DenseVector,
  Integer,
  Keyword,
  Text,
} from '../../../src/orm/decorators/field-types.js';
import { Nested } from '../../../src/orm/decorators/inner-fields.js';
import {
  getDefaultClient,
  resolveClient,
  setDefaultClient,
} from '../../../src/orm/document/connections.js';
import { OrmConflictError, OrmNotFoundError } from '../../../src/orm/document/errors.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { Model } from '../../../src/orm/document/model.js';
import { OrmValidationError } from '../../../src/orm/document/validation.js';
import { OrmError } from '../../../src/orm/errors.js';
import { type Stub, type StubRequest, sendJson, startStub } from '../../support/stub-server.js';

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @DateField() createdAt!: Date;
}

@Document({ index: 'orm-unit-posts' })
class Post extends Model {
  @Text() title!: string;
  @Integer() likes = 0;
  @DateField({ required: true, name: 'published_at' }) publishedAt!: Date;
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
}

class Chunk extends InnerDoc {
  @DenseVector({ dims: 2 }) vector!: number[];
}

@Document({ index: 'orm-unit-passages' })
class Passage extends Model {
  @Text() text!: string;
  @Nested(() => Chunk, { multi: true }) chunks: Chunk[] = [];
}

class NotADocument extends Model {
  @Text() title!: string;
}

type Reply = readonly [status: number, body: unknown];
type Route = (request: StubRequest) => Reply | undefined;

let stub: Stub;
let client: Client;

/** Answers with the first route that matches; anything else is a 500 the test would see. */
function routes(...list: Route[]): void {
  stub.handle((request, response) => {
    for (const route of list) {
      const reply = route(request);
      if (reply) return sendJson(response, reply[0], reply[1]);
    }
    sendJson(response, 500, {
      error: { type: 'unexpected', reason: `${request.method} ${request.url}` },
    });
  });
}

const on =
  (method: string, path: string | RegExp, reply: Reply | ((r: StubRequest) => Reply)): Route =>
  (request) => {
    const matches = typeof path === 'string' ? request.path === path : path.test(request.path);
    if (request.method !== method || !matches) return undefined;
    return typeof reply === 'function' ? reply(request) : reply;
  };

const json = (request: StubRequest): Record<string, any> =>
  JSON.parse(request.body.toString('utf8')) as Record<string, any>;

const STORED = {
  title: 'Hello',
  likes: 3,
  published_at: '2024-05-01T10:00:00.000Z',
  comments: [{ author: 'ann', createdAt: '2024-05-02T00:00:00.000Z' }],
  legacy: { kept: true },
};

const found = (id: string, seqNo = 7, source: unknown = STORED) => ({
  _index: 'orm-unit-posts-v1',
  _id: id,
  _version: 2,
  _seq_no: seqNo,
  _primary_term: 1,
  found: true,
  _source: source,
});

const written = (id: string, seqNo: number, result = 'updated') => ({
  _index: 'orm-unit-posts-v1',
  _id: id,
  _version: seqNo + 1,
  _seq_no: seqNo,
  _primary_term: 1,
  result,
  _shards: { total: 1, successful: 1, failed: 0 },
});

const conflict = (id: string, required: number, current: number) => ({
  error: {
    type: 'version_conflict_engine_exception',
    reason: `[${id}]: version conflict, required seqNo [${required}], primary term [1]. current document has seqNo [${current}] and primary term [1]`,
  },
  status: 409,
});

async function loaded(id = 'p1'): Promise<Post> {
  routes(on('GET', `/orm-unit-posts/_doc/${id}`, [200, found(id)]));
  const post = await Post.get(id);
  stub.requests.length = 0;
  return post;
}

beforeEach(async () => {
  stub = await startStub();
  client = new Client({ node: stub.url, maxRetries: 0 });
  setDefaultClient(client);
});

afterEach(async () => {
  setDefaultClient(undefined);
  await client.close();
  await stub.close();
});

describe('connections', () => {
  it('uses the default client, and a per-call client overrides it', async () => {
    expect(getDefaultClient()).toBe(client);
    const other = new Client({ node: stub.url, maxRetries: 0 });
    expect(resolveClient(other)).toBe(other);
    expect(resolveClient()).toBe(client);
    await other.close();
  });

  it('without any client, rejects with ORM_NO_CLIENT saying to call setDefaultClient or pass { client }', async () => {
    setDefaultClient(undefined);
    const error = await Post.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmError);
    expect((error as OrmError).code).toBe('ORM_NO_CLIENT');
    expect((error as OrmError).message).toMatch(/setDefaultClient.*\{ client \}/);
    expect(stub.requests).toHaveLength(0);
  });

  it('a search without a client fails with ORM_NO_CLIENT only when executed', async () => {
    setDefaultClient(undefined);
    const search = Post.search().query(Q.match({ title: 'x' }));
    await expect(search.execute()).rejects.toMatchObject({ code: 'ORM_NO_CLIENT' });
    expect(stub.requests).toHaveLength(0);
  });

  it('a class without @Document is refused with ORM_NOT_A_DOCUMENT', async () => {
    await expect(NotADocument.get('x')).rejects.toMatchObject({ code: 'ORM_NOT_A_DOCUMENT' });
    expect(() => NotADocument.indexName()).toThrow(/not a document model/);
  });
});

describe('Model.create', () => {
  it('keeps class defaults, assigns props and turns plain inner objects into InnerDoc instances', () => {
    const post = Post.create({
      title: 'x',
      comments: [{ author: 'ann', createdAt: new Date(0) }],
    });
    expect(post).toBeInstanceOf(Post);
    expect(post.likes).toBe(0);
    expect(post.comments[0]).toBeInstanceOf(Comment);
    expect(post.comments[0]!.author).toBe('ann');
    expect(post.meta).toEqual({});
  });

  it('console.log shows the data and meta, not the internal state', async () => {
    const post = await loaded('p1');
    const shown = inspect(post, { depth: 4 });
    expect(shown).toMatch(/^Post \{/);
    expect(shown).toContain("title: 'Hello'");
    expect(shown).toContain("meta: {\n    id: 'p1'");
    expect(shown).not.toContain('Symbol(elastiq.orm.document)');
  });

  it('a copy made with Object.assign does not take over the original meta', async () => {
    const post = await loaded('p1');
    const copy = Object.assign(Post.create(), post);
    expect(copy.title).toBe('Hello');
    expect(copy.meta).toEqual({});
    copy.meta.id = 'other';
    expect(post.meta.id).toBe('p1');
  });

  it('meta never appears in the source, in keys or in JSON', () => {
    const post = Post.create({ title: 'x', publishedAt: new Date(0) });
    post.meta.id = 'chosen';
    expect(Object.keys(post)).not.toContain('meta');
    expect(JSON.parse(JSON.stringify(post))).toEqual({
      title: 'x',
      likes: 0,
      published_at: '1970-01-01T00:00:00.000Z',
      comments: [],
    });
  });
});

describe('Model.get', () => {
  it('hydrates the source into an instance with dates, inner docs and meta', async () => {
    routes(on('GET', '/orm-unit-posts/_doc/p1', [200, found('p1')]));
    const post = await Post.get('p1', { routing: 'r1', realtime: false });
    expect(post).toBeInstanceOf(Post);
    expect(post.publishedAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
    expect(post.comments[0]).toBeInstanceOf(Comment);
    expect(post.comments[0]!.createdAt).toBeInstanceOf(Date);
    expect(post.meta).toEqual({
      id: 'p1',
      index: 'orm-unit-posts-v1',
      seqNo: 7,
      primaryTerm: 1,
      version: 2,
    });
    expect(stub.requests[0]!.query.get('routing')).toBe('r1');
    expect(stub.requests[0]!.query.get('realtime')).toBe('false');
  });

  it('a missing document rejects with ORM_NOT_FOUND naming the id and index, or gives null', async () => {
    routes(
      on('GET', '/orm-unit-posts/_doc/nope', [
        404,
        { _index: 'orm-unit-posts', _id: 'nope', found: false },
      ]),
    );
    const error = await Post.get('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmNotFoundError);
    expect(error).toMatchObject({ code: 'ORM_NOT_FOUND', id: 'nope', index: 'orm-unit-posts' });
    expect((error as Error).message).toContain("missing: 'null'");
    await expect(Post.get('nope', { missing: 'null' })).resolves.toBeNull();
  });

  it('a missing index rejects with ORM_NOT_FOUND saying to run init(), even with missing: null', async () => {
    routes(
      on('GET', '/orm-unit-posts/_doc/x', [
        404,
        {
          error: { type: 'index_not_found_exception', reason: 'no such index [orm-unit-posts]' },
          status: 404,
        },
      ]),
    );
    await expect(Post.get('x', { missing: 'null' })).rejects.toThrow(/does not exist.*init\(\)/);
  });

  it('a found document without _source (source disabled) is ORM_INVALID_RESPONSE, not a crash', async () => {
    const { _source, ...withoutSource } = found('p1');
    routes(on('GET', '/orm-unit-posts/_doc/p1', [200, withoutSource]));
    const error = await Post.get('p1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_INVALID_RESPONSE' });
    expect((error as Error).message).toMatch(/without _source/);
  });

  it('a malformed source gives ORM_INVALID_SOURCE', async () => {
    routes(
      on('GET', '/orm-unit-posts/_doc/p1', [200, found('p1', 1, { title: 'x', comments: 'oops' })]),
    );
    await expect(Post.get('p1')).rejects.toMatchObject({ code: 'ORM_INVALID_SOURCE' });
  });

  it('an answer without "found" is ORM_INVALID_RESPONSE', async () => {
    routes(on('GET', '/orm-unit-posts/_doc/p1', [404, { weird: true }]));
    await expect(Post.get('p1')).rejects.toMatchObject({ code: 'ORM_INVALID_RESPONSE' });
  });
});

describe('Model.mget', () => {
  const answer = on('POST', '/orm-unit-posts/_mget', (request) => [
    200,
    {
      docs: (json(request).ids as string[]).map((id) =>
        id.startsWith('missing') ? { _index: 'orm-unit-posts', _id: id, found: false } : found(id),
      ),
    },
  ]);

  it('keeps the order of the ids and puts null for a missing one by default', async () => {
    routes(answer);
    const docs = await Post.mget(['b', 'missing1', 'a']);
    expect(docs.map((d) => d?.meta.id ?? null)).toEqual(['b', null, 'a']);
    expect(docs[0]).toBeInstanceOf(Post);
    expect(json(stub.requests[0]!)).toEqual({ ids: ['b', 'missing1', 'a'] });
  });

  it("skips missing ids with missing: 'skip' and rejects naming them with missing: 'throw'", async () => {
    routes(answer);
    const docs = await Post.mget(['missing1', 'a'], { missing: 'skip' });
    expect(docs.map((d) => d.meta.id)).toEqual(['a']);
    const error = await Post.mget(['missing1', 'a', 'missing2'], { missing: 'throw' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ORM_NOT_FOUND' });
    expect((error as Error).message).toContain('"missing1", "missing2"');
  });

  it('sends nothing for no ids', async () => {
    await expect(Post.mget([])).resolves.toEqual([]);
    expect(stub.requests).toHaveLength(0);
  });

  it('an answer with fewer docs than ids, or an item error, is refused clearly', async () => {
    routes(on('POST', '/orm-unit-posts/_mget', [200, { docs: [found('a')] }]));
    await expect(Post.mget(['a', 'b'])).rejects.toMatchObject({ code: 'ORM_INVALID_RESPONSE' });
    routes(
      on('POST', '/orm-unit-posts/_mget', [
        200,
        {
          docs: [
            {
              _index: 'orm-unit-posts',
              _id: 'a',
              error: { type: 'routing_missing_exception', reason: 'routing is required for [a]' },
            },
          ],
        },
      ]),
    );
    await expect(Post.mget(['a'])).rejects.toThrow(
      /routing_missing_exception: routing is required/,
    );
  });
});

describe('Model.exists', () => {
  it('answers true and false from HEAD', async () => {
    routes(
      on('HEAD', '/orm-unit-posts/_doc/yes', [200, {}]),
      on('HEAD', '/orm-unit-posts/_doc/no', [404, {}]),
    );
    await expect(Post.exists('yes')).resolves.toBe(true);
    await expect(Post.exists('no')).resolves.toBe(false);
  });
});

describe('save', () => {
  it('indexes a new document without a seqNo guard and takes id and seqNo from the answer', async () => {
    routes(on('POST', '/orm-unit-posts/_doc', [201, written('gen1', 0, 'created')]));
    const post = Post.create({ title: 'x', publishedAt: new Date(0) });
    await expect(post.save({ refresh: 'wait_for' })).resolves.toBe(post);
    const sent = stub.requests[0]!;
    expect(sent.query.get('if_seq_no')).toBeNull();
    expect(sent.query.get('refresh')).toBe('wait_for');
    expect(json(sent)).toEqual({
      title: 'x',
      likes: 0,
      published_at: '1970-01-01T00:00:00.000Z',
      comments: [],
    });
    expect(post.meta).toMatchObject({ id: 'gen1', seqNo: 0, primaryTerm: 1, version: 1 });
  });

  it('two saves of a new instance at once index it once, the second as a guarded write of it', async () => {
    routes(
      on('POST', '/orm-unit-posts/_doc', [201, written('gen1', 0, 'created')]),
      on('PUT', '/orm-unit-posts/_doc/gen1', [200, written('gen1', 1)]),
    );
    const post = Post.create({ title: 'x', publishedAt: new Date(0) });
    await Promise.all([post.save(), post.save()]);
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /orm-unit-posts/_doc',
      'PUT /orm-unit-posts/_doc/gen1',
    ]);
    expect(stub.requests[1]!.query.get('if_seq_no')).toBe('0');
    expect(post.meta).toMatchObject({ id: 'gen1', seqNo: 1 });
  });

  it('a loaded document is written back through the model index with if_seq_no/if_primary_term, undeclared fields kept', async () => {
    const post = await loaded('p1');
    routes(on('PUT', '/orm-unit-posts/_doc/p1', [200, written('p1', 8)]));
    post.likes += 1;
    await post.save();
    const sent = stub.requests[0]!;
    expect(sent.query.get('if_seq_no')).toBe('7');
    expect(sent.query.get('if_primary_term')).toBe('1');
    expect(json(sent)).toMatchObject({ likes: 4, legacy: { kept: true } });
    expect(post.meta.seqNo).toBe(8);
  });

  it('a stale save rejects with OrmConflictError carrying the id and the current seqNo', async () => {
    const post = await loaded('p1');
    routes(on('PUT', '/orm-unit-posts/_doc/p1', [409, conflict('p1', 7, 9)]));
    const error = await post.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmConflictError);
    expect(error).toMatchObject({
      code: 'ORM_CONFLICT',
      id: 'p1',
      expectedSeqNo: 7,
      currentSeqNo: 9,
    });
    expect((error as Error).message).toMatch(/reload\(\).*retry/);
    expect(post.meta.seqNo).toBe(7);
  });

  it("opType: 'create' on an existing id rejects with ORM_CONFLICT saying it already exists", async () => {
    routes(
      on('PUT', /^\/orm-unit-posts\/_(doc|create)\/taken$/, [
        409,
        {
          error: {
            type: 'version_conflict_engine_exception',
            reason: '[taken]: version conflict, document already exists (current version [1])',
          },
        },
      ]),
    );
    const post = Post.create({ title: 'x', publishedAt: new Date(0) });
    post.meta.id = 'taken';
    const error = await post.save({ opType: 'create' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmConflictError);
    expect((error as Error).message).toMatch(/already exists/);
    const sent = stub.requests[0]!;
    expect(sent.path.endsWith('/_create/taken') || sent.query.get('op_type') === 'create').toBe(
      true,
    );
  });

  it('an invalid document is refused before any request is sent', async () => {
    const post = Post.create({ title: 'x' }); // publishedAt is required
    const error = await post.save().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmValidationError);
    expect((error as OrmValidationError).issues.map((i) => i.path.join('.'))).toContain(
      'publishedAt',
    );
    expect(stub.requests).toHaveLength(0);
  });

  it('validate: false sends an invalid document anyway', async () => {
    routes(on('POST', '/orm-unit-posts/_doc', [201, written('gen2', 0, 'created')]));
    await Post.create({ title: 'x' }).save({ validate: false });
    expect(stub.requests).toHaveLength(1);
  });

  it('routing given to save is sent and remembered for later writes', async () => {
    routes(
      on('POST', '/orm-unit-posts/_doc', [201, written('r1', 0, 'created')]),
      on('DELETE', '/orm-unit-posts/_doc/r1', [200, written('r1', 1, 'deleted')]),
    );
    const post = Post.create({ title: 'x', publishedAt: new Date(0) });
    await post.save({ routing: 'tenant-a' });
    await post.delete();
    expect(stub.requests.map((r) => r.query.get('routing'))).toEqual(['tenant-a', 'tenant-a']);
    expect(post.meta.routing).toBe('tenant-a');
  });
});

describe('update', () => {
  it('sends only the given fields as doc, with the seqNo guard, and applies them', async () => {
    const post = await loaded('p1');
    routes(on('POST', '/orm-unit-posts/_update/p1', [200, written('p1', 8)]));
    await post.update({ likes: 10, publishedAt: new Date(0) }, { refresh: true });
    const sent = stub.requests[0]!;
    expect(json(sent)).toEqual({ doc: { likes: 10, published_at: '1970-01-01T00:00:00.000Z' } });
    expect(sent.query.get('if_seq_no')).toBe('7');
    expect(sent.query.get('refresh')).toBe('true');
    expect(post.likes).toBe(10);
    expect(post.meta.seqNo).toBe(8);
  });

  it('a refused update is taken back from the instance', async () => {
    const post = await loaded('p1');
    routes(on('POST', '/orm-unit-posts/_update/p1', [409, conflict('p1', 7, 8)]));
    await expect(post.update({ likes: 99 })).rejects.toBeInstanceOf(OrmConflictError);
    expect(post.likes).toBe(3);
  });

  it('an update that breaks validation is refused before sending and taken back', async () => {
    const post = await loaded('p1');
    await expect(post.update({ likes: 1.5 })).rejects.toBeInstanceOf(OrmValidationError);
    expect(post.likes).toBe(3);
    expect(stub.requests).toHaveLength(0);
  });

  it('retryOnConflict sends retry_on_conflict and no seqNo guard (Elasticsearch refuses both)', async () => {
    const post = await loaded('p1');
    routes(on('POST', '/orm-unit-posts/_update/p1', [200, written('p1', 8)]));
    await post.update({ likes: 5 }, { retryOnConflict: 3 });
    const sent = stub.requests[0]!;
    expect(sent.query.get('retry_on_conflict')).toBe('3');
    expect(sent.query.get('if_seq_no')).toBeNull();
  });

  it('an update without the seqNo guard leaves an instance that save() refuses until reload()', async () => {
    const post = Post.create({ title: 'local', publishedAt: new Date(0) });
    post.meta.id = 'p1';
    routes(on('POST', '/orm-unit-posts/_update/p1', [200, written('p1', 8)]));
    await post.update({ likes: 5 });
    expect(stub.requests[0]!.query.get('if_seq_no')).toBeNull();
    stub.requests.length = 0;
    await expect(post.save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    expect(stub.requests).toHaveLength(0);
  });

  it('null clears a field (it is sent, not left out)', async () => {
    const post = await loaded('p1');
    routes(on('POST', '/orm-unit-posts/_update/p1', [200, written('p1', 8)]));
    await post.update({ title: null });
    expect(json(stub.requests[0]!)).toEqual({ doc: { title: null } });
  });

  it('a property without a field decorator is applied but not sent (save() leaves it out too)', async () => {
    @Document({ index: 'orm-unit-notes' })
    class Note extends Model {
      @Integer() likes = 0;
      cache = '';
    }
    routes(
      on('GET', '/orm-unit-notes/_doc/n1', [
        200,
        { ...found('n1'), _source: { likes: 1, cache: 'stored' } },
      ]),
      on('POST', '/orm-unit-notes/_update/n1', [200, written('n1', 8)]),
    );
    const note = await Note.get('n1');
    await note.update({ likes: 2, cache: 'local' });
    expect(json(stub.requests[1]!)).toEqual({ doc: { likes: 2 } });
    expect(note.cache).toBe('local');
  });

  it('a document without an id cannot be updated', async () => {
    const post = Post.create({ title: 'x', publishedAt: new Date(0) });
    await expect(post.update({ likes: 1 })).rejects.toMatchObject({ code: 'ORM_NOT_FOUND' });
    expect(stub.requests).toHaveLength(0);
  });
});

describe('delete', () => {
  it('deletes with the seqNo guard and forgets the guard afterwards', async () => {
    const post = await loaded('p1');
    routes(on('DELETE', '/orm-unit-posts/_doc/p1', [200, written('p1', 8, 'deleted')]));
    await post.delete({ refresh: 'wait_for' });
    expect(stub.requests[0]!.query.get('if_seq_no')).toBe('7');
    expect(post.meta.seqNo).toBeUndefined();
    expect(post.meta.id).toBe('p1');
  });

  it('a missing document rejects with ORM_NOT_FOUND', async () => {
    const post = await loaded('p1');
    routes(on('DELETE', '/orm-unit-posts/_doc/p1', [404, { ...written('p1', 8, 'not_found') }]));
    await expect(post.delete()).rejects.toBeInstanceOf(OrmNotFoundError);
  });
});

describe('reload', () => {
  it('replaces fields (undeclared ones too) and meta with the stored document', async () => {
    const post = await loaded('p1');
    post.likes = 100;
    routes(
      on('GET', '/orm-unit-posts/_doc/p1', [
        200,
        found('p1', 12, { ...STORED, likes: 42, legacy: 'new' }),
      ]),
    );
    await expect(post.reload()).resolves.toBe(post);
    expect(post.likes).toBe(42);
    expect(post.meta.seqNo).toBe(12);
    expect(post.toJSON()).toMatchObject({ legacy: 'new' });
  });
});

describe('Model.search', () => {
  const hits = {
    took: 1,
    timed_out: false,
    hits: {
      total: { value: 1, relation: 'eq' },
      max_score: 1.5,
      hits: [
        {
          _index: 'orm-unit-posts-v1',
          _id: 'p1',
          _score: 1.5,
          _seq_no: 7,
          _primary_term: 1,
          _source: STORED,
          highlight: { title: ['<em>Hello</em>'] },
        },
      ],
    },
  };

  it('asks for seq_no_primary_term and yields model instances with meta', async () => {
    routes(on('POST', '/orm-unit-posts/_search', [200, hits]));
    const res = await Post.search()
      .query(Q.match({ title: 'hello' }))
      .execute();
    expect(json(stub.requests[0]!)).toEqual({
      query: { match: { title: 'hello' } },
      seq_no_primary_term: true,
    });
    const hit = res.hits[0]!;
    expect(hit).toBeInstanceOf(Post);
    expect(hit.publishedAt).toBeInstanceOf(Date);
    expect(hit.meta).toMatchObject({
      id: 'p1',
      index: 'orm-unit-posts-v1',
      score: 1.5,
      seqNo: 7,
      primaryTerm: 1,
    });
    expect(hit.meta.highlight).toEqual({ title: ['<em>Hello</em>'] });
  });

  it('in a MultiSearch, its responses hold model instances too', async () => {
    routes(on('POST', '/_msearch', [200, { responses: [{ ...hits, status: 200 }] }]));
    const [res] = await new MultiSearch({ client }).add(Post.search()).execute();
    const hit = (res as Response<Post>).hits[0];
    expect(hit).toBeInstanceOf(Post);
    expect(hit!.meta.id).toBe('p1');
  });

  it('a hit saved back goes through the model index with its seqNo guard', async () => {
    routes(
      on('POST', '/orm-unit-posts/_search', [200, hits]),
      on('PUT', '/orm-unit-posts/_doc/p1', [200, written('p1', 8)]),
    );
    const [hit] = (await Post.search().execute()).hits;
    await hit!.save();
    expect(stub.requests[1]!.path).toBe('/orm-unit-posts/_doc/p1');
    expect(stub.requests[1]!.query.get('if_seq_no')).toBe('7');
  });

  it('a search over other indices saves a hit to the index it came from', async () => {
    routes(
      on('POST', '/archive/_search', [200, hits]),
      on('PUT', '/orm-unit-posts-v1/_doc/p1', [200, written('p1', 8)]),
    );
    const [hit] = (await Post.search({ index: 'archive' }).execute()).hits;
    await hit!.save();
    expect(stub.requests[1]!.path).toBe('/orm-unit-posts-v1/_doc/p1');
  });
});

describe('Model.init', () => {
  it('creates a missing index with the settings, mappings and aliases of the model', async () => {
    routes(
      on('HEAD', '/orm-unit-posts', [404, {}]),
      on('PUT', '/orm-unit-posts', [200, { acknowledged: true }]),
    );
    await expect(Post.init()).resolves.toEqual({ index: 'orm-unit-posts', created: true });
    const body = json(stub.requests[1]!);
    expect(body.mappings.properties.published_at).toEqual({ type: 'date' });
    expect(body.mappings.properties.comments.type).toBe('nested');
  });

  it('puts the mapping on an existing index', async () => {
    routes(
      on('HEAD', '/orm-unit-posts', [200, {}]),
      on('PUT', '/orm-unit-posts/_mapping', [200, { acknowledged: true }]),
    );
    await expect(Post.init()).resolves.toEqual({ index: 'orm-unit-posts', created: false });
    expect(Object.keys(json(stub.requests[1]!).properties)).toContain('title');
  });

  it('an index created concurrently between the check and the create is extended instead', async () => {
    routes(
      on('HEAD', '/orm-unit-posts', [404, {}]),
      on('PUT', '/orm-unit-posts', [
        400,
        {
          error: {
            type: 'resource_already_exists_exception',
            reason: 'index [orm-unit-posts] already exists',
          },
        },
      ]),
      on('PUT', '/orm-unit-posts/_mapping', [200, { acknowledged: true }]),
    );
    await expect(Post.init()).resolves.toEqual({ index: 'orm-unit-posts', created: false });
  });

  it('a conflicting live mapping rejects with ORM_MAPPING_CONFLICT naming the reason and the way out', async () => {
    routes(
      on('HEAD', '/orm-unit-posts', [200, {}]),
      on('PUT', '/orm-unit-posts/_mapping', [
        400,
        {
          error: {
            type: 'illegal_argument_exception',
            reason: 'mapper [likes] cannot be changed from type [keyword] to [integer]',
          },
        },
      ]),
    );
    const error = await Post.init().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_MAPPING_CONFLICT' });
    expect((error as Error).message).toMatch(/mapper \[likes\] cannot be changed.*migrat/);
  });
});

describe('vector fields (Elasticsearch 9.1+ leaves them out of _source unless asked)', () => {
  const passage = { text: 'x', chunks: [{ vector: [1, 2] }] };
  const unknownParam = [
    400,
    {
      error: {
        type: 'illegal_argument_exception',
        reason:
          'request [/orm-unit-passages/_doc/a] contains unrecognized parameter: [_source_exclude_vectors]',
      },
      status: 400,
    },
  ] as const;

  it('reads of a model with vectors (inner ones too) ask for them; others do not', async () => {
    routes(
      on('GET', '/orm-unit-passages/_doc/a', [
        200,
        { ...found('a', 1, passage), _index: 'orm-unit-passages' },
      ]),
      on('GET', '/orm-unit-posts/_doc/p1', [200, found('p1')]),
      on('POST', '/orm-unit-passages/_mget', [200, { docs: [{ ...found('a', 1, passage) }] }]),
      on('POST', '/orm-unit-passages/_search', [200, { hits: { max_score: 1, hits: [] } }]),
    );
    const doc = await Passage.get('a');
    expect(doc.chunks[0]!.vector).toEqual([1, 2]);
    await Post.get('p1');
    await Passage.mget(['a']);
    await Passage.search().execute();
    expect(stub.requests.map((r) => r.query.get('_source_exclude_vectors'))).toEqual([
      'false',
      null,
      'false',
      'false',
    ]);
  });

  it('a server that does not know the parameter is asked again without it, and not asked with it again', async () => {
    routes((request) => {
      if (request.query.has('_source_exclude_vectors')) return unknownParam;
      if (request.path.endsWith('/_search')) return [200, { hits: { max_score: 1, hits: [] } }];
      return [200, found('a', 1, passage)];
    });
    await expect(Passage.get('a')).resolves.toBeInstanceOf(Passage);
    await Passage.get('a');
    await Passage.search().execute();
    expect(stub.requests.map((r) => r.query.has('_source_exclude_vectors'))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('vector models found through a MultiSearch (which does not ask for vectors)', () => {
  const body = {
    hits: {
      max_score: 1,
      hits: [
        { _index: 'orm-unit-passages', _id: 'a', _score: 1, _source: { text: 'x', chunks: [] } },
      ],
    },
  };

  it('their hits are partial, so a save cannot erase the vectors; hits of execute() are whole', async () => {
    routes(
      on('POST', '/_msearch', [200, { responses: [{ ...body, status: 200 }] }]),
      on('POST', '/orm-unit-passages/_search', [200, body]),
      on('PUT', '/orm-unit-passages/_doc/a', [
        200,
        { ...written('a', 1), _index: 'orm-unit-passages' },
      ]),
    );
    const [res] = await new MultiSearch({ client }).add(Passage.search()).execute();
    const viaMsearch = (res as Response<Passage>).hits[0]!;
    await expect(viaMsearch.save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    const [viaSearch] = (await Passage.search().execute()).hits;
    await expect(viaSearch!.save()).resolves.toBe(viaSearch);
  });

  it('a model without vectors is whole through a MultiSearch', async () => {
    routes(
      on('POST', '/_msearch', [
        200,
        {
          responses: [
            {
              hits: {
                max_score: 1,
                hits: [{ _index: 'orm-unit-posts', _id: 'p1', _score: 1, _source: STORED }],
              },
              status: 200,
            },
          ],
        },
      ]),
      on('PUT', '/orm-unit-posts/_doc/p1', [200, written('p1', 1)]),
    );
    const [res] = await new MultiSearch({ client }).add(Post.search()).execute();
    const hit = (res as Response<Post>).hits[0]!;
    await expect(hit.save()).resolves.toBe(hit);
  });
});

describe('a document deleted by someone else', () => {
  const gone = [
    409,
    {
      error: {
        type: 'version_conflict_engine_exception',
        reason:
          '[p1]: version conflict, required seqNo [7], primary term [1]. but no document was found',
      },
      status: 409,
    },
  ] as const;

  it('delete with a seqNo guard is ORM_NOT_FOUND', async () => {
    const post = await loaded('p1');
    routes(on('DELETE', '/orm-unit-posts/_doc/p1', [...gone]));
    await expect(post.delete()).rejects.toMatchObject({ code: 'ORM_NOT_FOUND', id: 'p1' });
  });

  it('save with a seqNo guard is ORM_CONFLICT saying it was deleted', async () => {
    const post = await loaded('p1');
    routes(on('PUT', '/orm-unit-posts/_doc/p1', [...gone]));
    await expect(post.save()).rejects.toThrow(/was deleted since/);
  });
});

describe('documents loaded with source filtering (partial)', () => {
  const partial = { title: 'Hello' };

  it('get sends the filters; save refuses the partial instance before sending anything', async () => {
    routes(on('GET', '/orm-unit-posts/_doc/p1', [200, found('p1', 7, partial)]));
    const post = await Post.get('p1', { source: { includes: ['title'], excludes: ['legacy'] } });
    expect(stub.requests[0]!.query.get('_source_includes')).toBe('title');
    expect(stub.requests[0]!.query.get('_source_excludes')).toBe('legacy');
    stub.requests.length = 0;
    const error = await post.save().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    expect((error as Error).message).toMatch(/update\(\).*reload\(\)/);
    expect(stub.requests).toHaveLength(0);
  });

  it('update of a partial instance validates only the given fields and sends only them', async () => {
    routes(
      on('GET', '/orm-unit-posts/_doc/p1', [200, found('p1', 7, partial)]),
      on('POST', '/orm-unit-posts/_update/p1', [200, written('p1', 8)]),
    );
    const post = await Post.get('p1', { source: { includes: ['title'] } });
    await post.update({ title: 'Renamed' }); // publishedAt (required) was not loaded: not an issue
    expect(json(stub.requests[1]!)).toEqual({ doc: { title: 'Renamed' } });
    await expect(post.update({ likes: 1.5 })).rejects.toBeInstanceOf(OrmValidationError);
  });

  it('reload makes it whole again, and save works', async () => {
    routes(
      on('GET', '/orm-unit-posts/_doc/p1', (r) =>
        r.query.has('_source_includes') ? [200, found('p1', 7, partial)] : [200, found('p1', 7)],
      ),
      on('PUT', '/orm-unit-posts/_doc/p1', [200, written('p1', 8)]),
    );
    const post = await Post.get('p1', { source: { includes: ['title'] } });
    await post.reload();
    await expect(post.save()).resolves.toBe(post);
  });

  it('a hit without _source (stored_fields, or _source disabled) is partial: save sends nothing', async () => {
    const hit = { _index: 'orm-unit-posts', _id: 'p1', _score: 1, _seq_no: 7, _primary_term: 1 };
    routes(on('POST', '/orm-unit-posts/_search', [200, { hits: { max_score: 1, hits: [hit] } }]));
    const [post] = (
      await Post.search()
        .extra({ stored_fields: ['title'] })
        .execute()
    ).hits;
    stub.requests.length = 0;
    await expect((post as Post).save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    expect(stub.requests).toHaveLength(0);
  });

  it('hits of a search with source filtering are partial; unfiltered hits are not', async () => {
    const body = {
      hits: {
        max_score: 1,
        hits: [
          {
            _index: 'orm-unit-posts',
            _id: 'p1',
            _score: 1,
            _seq_no: 7,
            _primary_term: 1,
            _source: partial,
          },
        ],
      },
    };
    routes(
      on('POST', '/orm-unit-posts/_search', [200, body]),
      on('PUT', '/orm-unit-posts/_doc/p1', [200, written('p1', 8)]),
    );
    const [filtered] = (await Post.search().source(['title']).execute()).hits;
    await expect((filtered as Post).save()).rejects.toMatchObject({ code: 'ORM_PARTIAL_DOCUMENT' });
    const [whole] = (await Post.search().execute()).hits;
    await expect(whole!.save({ validate: false })).resolves.toBe(whole);
  });
});
