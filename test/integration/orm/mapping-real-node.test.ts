import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ResponseError } from '../../../src/core/errors.js';
import { Document } from '../../../src/orm/decorators/document.js';
import { Field } from '../../../src/orm/decorators/field.js';
import {
  Binary,
  BooleanField,
  Byte,
  Completion,
  DateField,
  DenseVector,
  Double,
  Flattened,
  Float,
  GeoPoint,
  HalfFloat,
  Integer,
  Ip,
  Keyword,
  Long,
  Short,
  SparseVector,
  Text,
} from '../../../src/orm/decorators/field-types.js';
import { Nested, ObjectField } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { fromSource, toSource } from '../../../src/orm/document/source.js';
import { validateDocument } from '../../../src/orm/document/validation.js';
import { buildIndexBody, buildMappings } from '../../../src/orm/mapping/build-mappings.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';
import type { ModelConstructor } from '../../../src/orm/metadata/types.js';
import { singleNode } from '../../support/cluster.js';

const RUN = `${process.pid}-${Date.now()}`;
const INDEX = `orm-mapping-${RUN}`;
const client = new Client({ node: singleNode.url });
const created: string[] = [];

class Address extends InnerDoc {
  @Keyword() city!: string;
  @GeoPoint() location?: { lat: number; lon: number };
}

class Review extends InnerDoc {
  @Keyword() author!: string;
  @Byte() stars = 0;
  @DateField({ name: 'reviewed_at' }) reviewedAt!: Date;
  @ObjectField(() => Review, { enabled: false }) replyTo?: Review;
}

@Document({
  index: INDEX,
  settings: { number_of_shards: 1, number_of_replicas: 0 },
  mappings: { dynamic: 'strict', _source: { excludes: ['secret'] } },
})
class Product {
  @Text({
    analyzer: 'standard',
    copy_to: 'everything',
    fields: { raw: { type: 'keyword', ignore_above: 256 } },
  })
  name!: string;
  @Text() everything?: string;
  @Keyword({ multi: true, normalizer: 'lowercase' }) tags: string[] = [];
  @Integer() stock = 0;
  @Long() sold = 0;
  @Short() shelf = 0;
  @Float({ coerce: false }) weight = 0;
  @Double() price = 0;
  @HalfFloat() rating = 0;
  @DateField({ format: 'strict_date_optional_time||epoch_millis' }) listedAt!: Date;
  @BooleanField() active = true;
  @Binary({ name: 'thumbnail_b64' }) thumbnail?: string;
  @Ip() origin?: string;
  @DenseVector({
    dims: 3,
    index: true,
    similarity: 'cosine',
    index_options: { type: 'int8_hnsw', m: 16, ef_construction: 100 },
  })
  embedding: number[] = [];
  @SparseVector() tokens?: Record<string, number>;
  @Completion({
    analyzer: 'simple',
    max_input_length: 50,
    preserve_position_increments: true,
    preserve_separators: true,
  })
  suggest?: string;
  @Flattened() labels?: Record<string, string>;
  @ObjectField(() => Address, { dynamic: false }) address?: Address;
  @Nested(() => Review, { multi: true }) reviews: Review[] = [];
  @Field('object', { enabled: false }) raw?: Record<string, unknown>;
  @Keyword() secret?: string;
}

/** The mapping the node reports for an index. */
async function liveMapping(index: string): Promise<unknown> {
  const response = (await client.indices.getMapping({ index })) as Record<
    string,
    { mappings: unknown }
  >;
  return response[index]?.mappings;
}

async function createFor(target: ModelConstructor, index: string): Promise<void> {
  created.push(index);
  await client.indices.create({ index, ...buildIndexBody(getModelMetadata(target)) });
}

beforeAll(async () => {
  await createFor(Product, INDEX);
});

afterAll(async () => {
  for (const index of created) {
    await client.indices.delete({ index }, { ignore: [404] });
  }
});

describe('generated mappings on the real node', () => {
  it('the node accepts buildIndexBody and reads back exactly the generated mappings', async () => {
    expect(await liveMapping(INDEX)).toEqual(buildMappings(getModelMetadata(Product)));
  });

  it('the index settings come from @Document', async () => {
    const settings = (await client.indices.getSettings({ index: INDEX })) as Record<
      string,
      { settings: { index: { number_of_shards: string; number_of_replicas: string } } }
    >;
    expect(settings[INDEX]?.settings.index.number_of_shards).toBe('1');
    expect(settings[INDEX]?.settings.index.number_of_replicas).toBe('0');
  });

  it('a dehydrated document is accepted by the strict mapping and hydrates back equal', async () => {
    const product = fromSource(Product, {});
    product.name = 'Lamp';
    product.tags = ['Home', 'light'];
    product.stock = 4;
    product.sold = 2 ** 40;
    product.weight = 1.25;
    product.price = 19.99;
    product.listedAt = new Date('2024-05-01T10:00:00.000Z');
    product.thumbnail = 'aGVsbG8=';
    product.origin = '10.0.0.1';
    product.embedding = [0.5, 0.25, -1]; // exact in float32, the precision the node keeps
    product.tokens = { lamp: 1.5 };
    product.suggest = 'lamp';
    product.labels = { color: 'red' };
    const address = fromSource(Address, { city: 'Utrecht', location: { lat: 52.09, lon: 5.12 } });
    product.address = address;
    product.reviews = [
      fromSource(Review, {
        author: 'ann',
        stars: 5,
        reviewed_at: '2024-05-02T00:00:00.000Z',
        replyTo: { author: 'bob', free: 'form' },
      }),
    ];
    product.raw = { anything: [1, 'two'] };
    validateDocument(product, getModelMetadata(Product));
    const source = toSource(product, getModelMetadata(Product));
    await client.index({ index: INDEX, id: 'lamp', document: source, refresh: 'wait_for' });
    // Elasticsearch 9 leaves vectors out of _source unless asked for them (next test).
    const got = (await client.get({
      index: INDEX,
      id: 'lamp',
      _source_exclude_vectors: false,
    })) as {
      _source: unknown;
    };
    const again = fromSource(Product, got._source);
    expect(again).toEqual(product);
    expect(again.reviews[0]).toBeInstanceOf(Review);
    expect(again.listedAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
  });

  it('Dates of fields with custom formats are written in a form the node accepts', async () => {
    class Agenda {
      @DateField({ format: 'yyyy-MM-dd' }) day!: Date;
      @DateField({ format: 'yyyy-MM-dd HH:mm:ss||epoch_millis' }) at!: Date;
      @DateField({ format: 'date_time_no_millis' }) stamp!: Date;
      @DateField({ format: 'dd/MM/yyyy' }) due!: Date;
    }
    const index = `${INDEX}-formats`;
    await createFor(Agenda, index);
    const agenda = new Agenda();
    agenda.day = new Date('2024-05-01T00:00:00.000Z');
    agenda.at = new Date('2024-05-01T10:20:30.000Z');
    agenda.stamp = new Date('2024-05-01T10:20:30.000Z');
    agenda.due = new Date('2024-05-03T00:00:00.000Z');
    const source = toSource(agenda, getModelMetadata(Agenda));
    await client.index({ index, id: 'a', document: source, refresh: 'wait_for' });
    const got = (await client.get({ index, id: 'a' })) as { _source: unknown };
    expect(fromSource(Agenda, got._source)).toEqual(agenda);
    // The node reads the stored values as the same instants the model holds.
    const found = (await client.search({
      index,
      docvalue_fields: ['day', 'at', 'stamp', 'due'].map((f) => ({
        field: f,
        format: 'epoch_millis',
      })),
    })) as { hits: { hits: { fields: Record<string, string[]> }[] } };
    const fields = found.hits.hits[0]!.fields;
    for (const key of ['day', 'at', 'stamp', 'due'] as const) {
      expect(Number(fields[key]![0])).toBe(agenda[key].getTime());
    }
  });

  it('by default the node leaves dense and sparse vectors out of a read _source', async () => {
    const got = (await client.get({ index: INDEX, id: 'lamp' })) as {
      _source: Record<string, unknown>;
    };
    expect(got._source.name).toBe('Lamp');
    expect(got._source).not.toHaveProperty('embedding');
    expect(got._source).not.toHaveProperty('tokens');
  });

  it('the strict mapping refuses a field the model does not declare', async () => {
    const error = await client
      .index({ index: INDEX, id: 'x', document: { undeclared: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).errorType).toBe('strict_dynamic_mapping_exception');
  });
});

describe('field types that live in optional modules', () => {
  // Each type with the module that provides it; the test node may lack them (docs/testing.md).
  const cases = [
    { type: 'scaled_float', module: 'mapper-extras', options: { scaling_factor: 100 } },
    { type: 'unsigned_long', module: 'unsigned-long', options: {} },
    { type: 'geo_shape', module: 'spatial', options: {} },
    { type: 'wildcard', module: 'wildcard', options: {} },
  ] as const;

  let modules: Set<string>;
  beforeAll(async () => {
    const info = (await client.nodes.info({ metric: 'plugins' })) as {
      nodes: Record<string, { modules: { name: string }[] }>;
    };
    modules = new Set(Object.values(info.nodes).flatMap((n) => n.modules.map((m) => m.name)));
  });

  for (const { type, module, options } of cases) {
    it(`${type}: mapped as generated where ${module} is installed, else refused naming the type`, async () => {
      class Holder {
        @Field(type, options) value?: unknown;
      }
      const index = `orm-mapping-${type.replace('_', '-')}-${RUN}`;
      const installed = [...modules].some((m) => m === module || m === `x-pack-${module}`);
      if (installed) {
        await createFor(Holder, index);
        expect(await liveMapping(index)).toEqual(buildMappings(getModelMetadata(Holder)));
        return;
      }
      const error = await createFor(Holder, index).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect((error as ResponseError).statusCode).toBe(400);
      expect((error as ResponseError).errorType).toBe('mapper_parsing_exception');
      expect((error as Error).message).toContain(
        `The mapper type [${type}] declared on field [value] does not exist`,
      );
    });
  }
});
