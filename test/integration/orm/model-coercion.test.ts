import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  BooleanField,
  Byte,
  Double,
  Float,
  HalfFloat,
  Integer,
  Long,
  Short,
} from '../../../src/orm/decorators/field-types.js';
import { Nested } from '../../../src/orm/decorators/inner-fields.js';
import { setDefaultClient } from '../../../src/orm/document/connections.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { Model } from '../../../src/orm/document/model.js';
import { fromSource } from '../../../src/orm/document/source.js';
import { OrmError } from '../../../src/orm/errors.js';
import { singleNode } from '../../support/cluster.js';

// Documents Elasticsearch accepted with its default coercion (numeric and boolean strings) load
// with the declared types and can be saved back; update({}) sends nothing. Real node, unique
// index per run, deleted afterwards.
const RUN = `${process.pid}-${Date.now()}`;
const INDEX = `orm-coercion-${RUN}`;

class Review extends InnerDoc {
  @Integer() stars = 0;
  @BooleanField() verified = false;
}

@Document({ index: INDEX, settings: { number_of_shards: 1, number_of_replicas: 0 } })
class Item extends Model {
  @Integer() n = 0;
  @Short() short = 0;
  @Byte() byte = 0;
  @Long() long: number | bigint = 0;
  @Float() float = 0;
  @Double() double = 0;
  @HalfFloat() half = 0;
  @BooleanField() flag = false;
  @BooleanField() empty = true;
  @Integer({ multi: true }) counts: number[] = [];
  @BooleanField({ multi: true }) flags: boolean[] = [];
  @Nested(() => Review, { multi: true }) reviews: Review[] = [];
}

const client = new Client({ node: singleNode.url, losslessIntegers: true });

const STORED = {
  n: '42.7',
  short: '-7',
  byte: ' 5 ',
  long: '9007199254740993',
  float: '1.5',
  double: '1.5e2',
  half: '0.25',
  flag: 'false',
  empty: '',
  counts: ['1', 2, '3.9'],
  flags: ['true', 'false'],
  reviews: [{ stars: '4', verified: 'true' }],
};

beforeAll(async () => {
  setDefaultClient(client);
  await Item.init();
});

afterAll(async () => {
  setDefaultClient(undefined);
  await client.indices.delete({ index: [INDEX, `${INDEX}-loose`], ignore_unavailable: true });
  await client.close();
});

describe('documents Elasticsearch coerced on indexing', () => {
  it('are accepted by the node as stored (strings), and load with the declared types', async () => {
    await client.index({ index: INDEX, id: 'raw', document: STORED, refresh: true });
    const item = await Item.get('raw');
    expect(item).toMatchObject({
      n: 42,
      short: -7,
      byte: 5,
      long: 9007199254740993n,
      float: 1.5,
      double: 150,
      half: 0.25,
      flag: false,
      empty: false,
      counts: [1, 2, 3],
      flags: [true, false],
    });
    expect(item.reviews[0]).toMatchObject({ stars: 4, verified: true });
  });

  it('load values equal to what the node indexed (docvalue_fields)', async () => {
    const res = (await client.search({
      index: INDEX,
      query: { ids: { values: ['raw'] } },
      docvalue_fields: ['n', 'long', 'double', 'flag', 'empty', 'counts'],
    })) as { hits: { hits: { fields: Record<string, unknown[]> }[] } };
    const indexed = res.hits.hits[0]!.fields;
    const item = await Item.get('raw');
    expect(indexed.n).toEqual([item.n]);
    expect(indexed.long).toEqual([item.long]);
    expect(indexed.double).toEqual([item.double]);
    expect(indexed.flag).toEqual([item.flag]);
    expect(indexed.empty).toEqual([item.empty]);
    expect(indexed.counts).toEqual([...item.counts].sort());
  });

  it('can be validated and saved back, and the node stores numbers and booleans', async () => {
    const item = await Item.get('raw');
    await item.save({ refresh: true });
    const res = (await client.get({ index: INDEX, id: 'raw' })) as {
      _source: Record<string, unknown>;
    };
    expect(res._source).toMatchObject({
      n: 42,
      long: 9007199254740993n,
      flag: false,
      empty: false,
      counts: [1, 2, 3],
      reviews: [{ stars: 4, verified: true }],
    });
  });

  it('a value the node refused cannot be stored, and one hydration cannot read names the field', async () => {
    await expect(
      client.index({ index: INDEX, id: 'bad', document: { flag: 'yes' } }),
    ).rejects.toThrow(/only \[true\] or \[false\]/);
    // Stored through a field without the mapping's type (a mapping change, another model):
    // Item reads it as ORM_INVALID_SOURCE, not as NaN or a truthy string.
    await client.index({
      index: `${INDEX}-loose`,
      id: 'bad',
      document: { n: 'abc' },
      refresh: true,
    });
    const res = (await client.get({ index: `${INDEX}-loose`, id: 'bad' })) as {
      _source: unknown;
    };
    expect(() => fromSource(Item, res._source)).toThrow(
      expect.objectContaining({
        code: 'ORM_INVALID_SOURCE',
        message: expect.stringMatching(/\bn is the string "abc", which is not a number/),
      }),
    );
  });
});

describe('update() with no field', () => {
  it('is refused before any request, and the stored document is unchanged', async () => {
    const item = await Item.get('raw');
    const before = item.meta.seqNo;
    const requests: string[] = [];
    const off = client.on('request', (event) => {
      requests.push(`${event.method} ${event.path}`);
    });
    const error = await item.update({}).catch((e: unknown) => e);
    off();
    expect(error).toBeInstanceOf(OrmError);
    expect((error as OrmError).code).toBe('ORM_EMPTY_UPDATE');
    expect(requests).toEqual([]);
    const again = await Item.get('raw');
    expect(again.meta.seqNo).toBe(before);
  });
});
