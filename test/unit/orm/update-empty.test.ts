import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Document } from '../../../src/orm/decorators/document.js';
import { Integer, Text } from '../../../src/orm/decorators/field-types.js';
import { setDefaultClient } from '../../../src/orm/document/connections.js';
import { Model } from '../../../src/orm/document/model.js';
import { OrmError } from '../../../src/orm/errors.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

@Document({ index: 'orm-unit-empty-update' })
class Post extends Model {
  @Text() title!: string;
  @Integer() likes = 0;
  cache?: string;
}

let stub: Stub;
let client: Client;

beforeEach(async () => {
  stub = await startStub((request, response) => {
    if (request.method === 'GET') {
      return sendJson(response, 200, {
        _index: 'orm-unit-empty-update',
        _id: 'p1',
        _version: 1,
        _seq_no: 7,
        _primary_term: 1,
        found: true,
        _source: { title: 'Hello', likes: 3 },
      });
    }
    sendJson(response, 200, {
      _index: 'orm-unit-empty-update',
      _id: 'p1',
      _version: 2,
      _seq_no: 8,
      _primary_term: 1,
      result: 'noop',
      _shards: { total: 1, successful: 1, failed: 0 },
    });
  });
  client = new Client({ node: stub.url, maxRetries: 0 });
  setDefaultClient(client);
});

afterEach(async () => {
  setDefaultClient(undefined);
  await client.close();
  await stub.close();
});

async function loaded(): Promise<Post> {
  const post = await Post.get('p1');
  stub.requests.length = 0;
  return post;
}

describe('update() with no field to change', () => {
  it('update({}) is refused with ORM_EMPTY_UPDATE before any request', async () => {
    const post = await loaded();
    const error = await post.update({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrmError);
    expect((error as OrmError).code).toBe('ORM_EMPTY_UPDATE');
    expect((error as OrmError).message).toMatch(/Post/);
    expect((error as OrmError).message).toMatch(/at least one field/);
    expect(stub.requests).toHaveLength(0);
    expect(post.meta.seqNo).toBe(7);
  });

  it('only properties without a field decorator (not stored) are refused too, and not applied', async () => {
    const post = await loaded();
    const error = await post.update({ cache: 'x' }).catch((e: unknown) => e);
    expect((error as OrmError).code).toBe('ORM_EMPTY_UPDATE');
    expect((error as OrmError).message).toMatch(/cache/);
    expect(post.cache).toBeUndefined();
    expect(stub.requests).toHaveLength(0);
  });

  it('a partial that is not an object is refused the same way', async () => {
    const post = await loaded();
    const error = await post.update(null as never).catch((e: unknown) => e);
    expect((error as OrmError).code).toBe('ORM_EMPTY_UPDATE');
    expect(stub.requests).toHaveLength(0);
  });

  it('a field given with other properties is still sent', async () => {
    const post = await loaded();
    await post.update({ likes: 4, cache: 'x' });
    expect(stub.requests).toHaveLength(1);
    expect(JSON.parse(stub.requests[0]!.body.toString('utf8'))).toEqual({ doc: { likes: 4 } });
  });
});
