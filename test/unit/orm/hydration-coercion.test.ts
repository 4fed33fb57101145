import { describe, expect, test } from 'vitest';
import { Document } from '../../../src/orm/decorators/document.js';
import {
  BooleanField,
  Byte,
  Double,
  Float,
  HalfFloat,
  Integer,
  Long,
  ScaledFloat,
  Short,
  UnsignedLong,
} from '../../../src/orm/decorators/field-types.js';
import { Nested } from '../../../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../../../src/orm/document/inner-doc.js';
import { fromSource, toSource } from '../../../src/orm/document/source.js';
import { validateDocument } from '../../../src/orm/document/validation.js';
import { OrmError } from '../../../src/orm/errors.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';

class Review extends InnerDoc {
  @Integer() stars = 0;
  @BooleanField() verified = false;
}

@Document({ index: 'orm-unit-coercion' })
class Item {
  @Integer() n?: number;
  @Short() short?: number;
  @Byte() byte?: number;
  @Long() long?: number | bigint;
  @UnsignedLong() ulong?: number | bigint;
  @Float() float?: number;
  @Double() double?: number;
  @HalfFloat() half?: number;
  @ScaledFloat({ scaling_factor: 100 }) price?: number;
  @BooleanField() flag?: boolean;
  @Integer({ multi: true }) counts: number[] = [];
  @BooleanField({ multi: true }) flags: boolean[] = [];
  @Integer({ coerce: false }) strict?: number;
  @Integer({ ignore_malformed: true }) lenient?: number;
  @Nested(() => Review, { multi: true }) reviews: Review[] = [];
}

const load = (source: Record<string, unknown>) => fromSource(Item, source);

function hydrationError(source: Record<string, unknown>): OrmError {
  try {
    load(source);
  } catch (error) {
    if (error instanceof OrmError) return error;
    throw error;
  }
  throw new Error('fromSource did not throw');
}

describe('numbers are read as Elasticsearch coerces them', () => {
  test('a numeric string of an integer field becomes a number', () => {
    expect(load({ n: '42' }).n).toBe(42);
    expect(load({ short: '-7', byte: '+5' })).toMatchObject({ short: -7, byte: 5 });
  });

  test('integer types truncate a fraction toward zero, as Elasticsearch indexes it', () => {
    expect(load({ n: '42.7' }).n).toBe(42);
    expect(load({ n: '-42.9' }).n).toBe(-42);
    expect(load({ n: 42.7 }).n).toBe(42);
    expect(load({ n: ' 42 ' }).n).toBe(42);
    expect(load({ n: '1e3' }).n).toBe(1000);
    expect(load({ n: '.5' }).n).toBe(0);
  });

  test('an empty string is no value (Elasticsearch indexes it as null)', () => {
    expect(load({ n: '' }).n).toBeNull();
    expect(load({ double: '' }).double).toBeNull();
  });

  test('float types keep the fraction', () => {
    expect(load({ float: '42.5', double: '1.5e2', half: '0.25', price: '9.99' })).toMatchObject({
      float: 42.5,
      double: 150,
      half: 0.25,
      price: 9.99,
    });
  });

  test('a long beyond 2^53 becomes an exact bigint; within it, a number', () => {
    expect(load({ long: '9007199254740993' }).long).toBe(9007199254740993n);
    expect(load({ long: '9223372036854775807' }).long).toBe(9223372036854775807n);
    expect(load({ long: '9007199254740993.7' }).long).toBe(9007199254740993n);
    expect(load({ long: '-9007199254740993' }).long).toBe(-9007199254740993n);
    expect(load({ long: '1e18' }).long).toBe(1000000000000000000n);
    expect(load({ long: '12' }).long).toBe(12);
    expect(load({ long: 12.5 }).long).toBe(12);
    expect(load({ ulong: '18446744073709551615' }).ulong).toBe(18446744073709551615n);
    // A bigint from a lossless parse is kept as it is.
    expect(load({ long: 9007199254740993n }).long).toBe(9007199254740993n);
  });

  test('a document Elasticsearch stored with numeric strings can be validated and saved back', () => {
    const item = load({ n: '42', long: '9007199254740993', double: '1.5', flag: 'false' });
    expect(() => validateDocument(item, getModelMetadata(Item))).not.toThrow();
    expect(toSource(item, getModelMetadata(Item))).toMatchObject({
      n: 42,
      long: 9007199254740993n,
      double: 1.5,
      flag: false,
    });
  });

  test('an unreadable value is ORM_INVALID_SOURCE naming the field, not NaN', () => {
    const error = hydrationError({ n: 'abc' });
    expect(error.code).toBe('ORM_INVALID_SOURCE');
    expect(error.message).toMatch(/\bn is the string "abc", which is not a number/);
    expect(error.message).toMatch(/integer/);
    expect(hydrationError({ double: 'NaN' }).message).toMatch(/double is the string "NaN"/);
    expect(hydrationError({ float: 'Infinity' }).message).toMatch(/float is the string/);
    expect(hydrationError({ long: '0x10' }).message).toMatch(/long is the string "0x10"/);
    expect(hydrationError({ n: true }).message).toMatch(/n is a boolean/);
    expect(hydrationError({ n: { value: 1 } }).message).toMatch(/n is an object/);
  });

  test('coerce: false keeps a stored string as it is (validation then reports it)', () => {
    const item = load({ strict: '42' });
    expect(item.strict).toBe('42');
    expect(load({ strict: 4.5 }).strict).toBe(4.5);
  });

  test('ignore_malformed: true keeps an unreadable value as stored (Elasticsearch kept it too)', () => {
    expect(load({ lenient: 'abc' }).lenient).toBe('abc');
    expect(load({ lenient: '7' }).lenient).toBe(7);
  });

  test('numbers that already are numbers are kept as they are', () => {
    const item = load({ n: 3, double: 1.25, long: 9, flag: true });
    expect(item).toMatchObject({ n: 3, double: 1.25, long: 9, flag: true });
  });
});

describe('booleans are read as Elasticsearch reads them', () => {
  test('"true", "false" and "" (false) become booleans', () => {
    expect(load({ flag: 'false' }).flag).toBe(false);
    expect(load({ flag: 'true' }).flag).toBe(true);
    expect(load({ flag: '' }).flag).toBe(false);
    expect(load({ flag: false }).flag).toBe(false);
  });

  test('anything else is ORM_INVALID_SOURCE naming the field', () => {
    for (const value of ['TRUE', 'yes', '0', 'off', 0, 1]) {
      const error = hydrationError({ flag: value });
      expect(error.code).toBe('ORM_INVALID_SOURCE');
      expect(error.message).toMatch(/\bflag is .*, which is not a boolean/);
      expect(error.message).toMatch(/true, false, "true", "false" or ""/);
    }
  });
});

describe('multi fields, arrays and inner documents convert each item', () => {
  test('a multi field converts every item and keeps null items', () => {
    const item = load({ counts: ['1', 2, '3.9', null], flags: ['true', 'false', '', true] });
    expect(item.counts).toEqual([1, 2, 3, null]);
    expect(item.flags).toEqual([true, false, false, true]);
  });

  test('a single value of a multi field becomes a converted one-element array', () => {
    expect(load({ counts: '7' }).counts).toEqual([7]);
    expect(load({ flags: 'false' }).flags).toEqual([false]);
  });

  test('an unreadable item names its index', () => {
    expect(hydrationError({ counts: ['1', 'x'] }).message).toMatch(/counts\[1\] is the string "x"/);
  });

  test('an array in a field declared single converts each item too', () => {
    expect(load({ n: ['1', '2'] }).n).toEqual([1, 2]);
  });

  test('fields of inner documents are converted, with their path in errors', () => {
    const item = load({ reviews: [{ stars: '5', verified: 'true' }] });
    expect(item.reviews[0]).toMatchObject({ stars: 5, verified: true });
    expect(hydrationError({ reviews: [{ stars: 'five' }] }).message).toMatch(
      /reviews\[0\]\.stars is the string "five"/,
    );
  });
});
