import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  DateField,
  Flattened,
  Float,
  Integer,
  Keyword,
} from '../../../src/orm/decorators/field-types.js';
import { Nested } from '../../../src/orm/decorators/inner-fields.js';
import { setDefaultClient } from '../../../src/orm/document/connections.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { Model } from '../../../src/orm/document/model.js';
import { toSource } from '../../../src/orm/document/source.js';
import { OrmValidationError } from '../../../src/orm/document/validation.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';
import { type Stub, startStub } from '../../support/stub-server.js';

class Reading extends InnerDoc {
  @Float() value!: number;
}

@Document({ index: 'orm-unit-measures' })
class Measure extends Model {
  @Keyword() name!: string;
  @Float() score!: number;
  @Integer({ multi: true }) counts: number[] = [];
  @DateField() at!: Date | number;
  @Flattened() attrs: Record<string, unknown> = {};
  @Nested(() => Reading, { multi: true }) readings: Reading[] = [];
}

function refused(run: () => unknown): OrmValidationError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(OrmValidationError);
    return err as OrmValidationError;
  }
  throw new Error('expected an OrmValidationError, nothing was thrown');
}

const source = (fields: Partial<Measure>) =>
  toSource(Measure.create({ name: 'm', ...fields }), getModelMetadata(Measure));

describe('toSource refuses values JSON.stringify would store as null', () => {
  it('a NaN number field names the field and says what to do', () => {
    const err = refused(() => source({ score: Number.NaN }));
    expect(err.code).toBe('ORM_VALIDATION');
    expect(err.issues[0]!.path).toEqual(['score']);
    expect(err.message).toContain('score: NaN has no JSON form');
    expect(err.message).toContain('set a finite number, or null to clear the field');
    // validate: false does not skip this check: the message does not offer it.
    expect(err.message).not.toContain('validate: false');
  });

  it('Infinity in a multi field, deep in a flattened object, in a nested document', () => {
    expect(refused(() => source({ counts: [1, Infinity] })).issues[0]!.path).toEqual(['counts', 1]);
    expect(refused(() => source({ attrs: { a: { b: [0, -Infinity] } } })).issues[0]!.path).toEqual([
      'attrs',
      'a',
      'b',
      1,
    ]);
    const reading = new Reading();
    reading.value = Number.NaN;
    expect(refused(() => source({ readings: [reading] })).issues[0]!.path).toEqual([
      'readings',
      0,
      'value',
    ]);
  });

  it('a date field: NaN epoch millis and an Invalid Date', () => {
    expect(refused(() => source({ at: Number.NaN })).issues[0]!.path).toEqual(['at']);
    const invalid = refused(() => source({ at: new Date('nope') }));
    expect(invalid.issues[0]!.path).toEqual(['at']);
    expect(invalid.message).toContain('an Invalid Date has no JSON form');
  });

  it('null still clears a field, finite values are written as they are', () => {
    expect(source({ score: null as unknown as number, counts: [1, 2], attrs: { a: 1.5 } })).toEqual(
      {
        name: 'm',
        score: null,
        counts: [1, 2],
        attrs: { a: 1.5 },
        readings: [],
      },
    );
  });
});

describe('save() of a model holding NaN sends nothing', () => {
  let stub: Stub;
  let client: Client;

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

  it('with validate: false too (validation is not what catches it)', async () => {
    const doc = Measure.create({ name: 'm', score: Number('abc') });
    const err = await doc.save({ validate: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrmValidationError);
    expect((err as OrmValidationError).issues[0]!.path).toEqual(['score']);
    const flattened = Measure.create({ name: 'm', attrs: { ratio: 0 / 0 } });
    const again = await flattened.save().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(OrmValidationError);
    expect((again as OrmValidationError).issues[0]!.path).toEqual(['attrs', 'ratio']);
    expect(stub.requests).toHaveLength(0);
  });
});
