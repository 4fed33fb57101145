import { describe, expect, test } from 'vitest';
import { Document } from '../../../src/orm/decorators/document.js';
import { ScaledFloat } from '../../../src/orm/decorators/field-types.js';
import { Model } from '../../../src/orm/document/model.js';
import { OrmError } from '../../../src/orm/errors.js';
import { buildMappings } from '../../../src/orm/mapping/build-mappings.js';
import { getModelMetadata } from '../../../src/orm/metadata/registry.js';

function definitionError(define: () => unknown): OrmError {
  try {
    define();
  } catch (error) {
    if (error instanceof OrmError) return error;
    throw error;
  }
  throw new Error('the class definition did not throw');
}

describe('@ScaledFloat needs scaling_factor (Elasticsearch refuses the mapping without it)', () => {
  test('without options it is ORM_INVALID_MODEL at definition, naming the class and property', () => {
    const error = definitionError(() => {
      @Document({ index: 'orm-unit-scaled' })
      class Product extends Model {
        // @ts-expect-error scaling_factor is required
        @ScaledFloat() price = 0;
      }
      return Product;
    });
    expect(error.code).toBe('ORM_INVALID_MODEL');
    expect(error.message).toMatch(/Product\.price/);
    expect(error.message).toMatch(/scaling_factor/);
  });

  test('with options but no scaling_factor, too', () => {
    const error = definitionError(() => {
      class Product extends Model {
        // @ts-expect-error scaling_factor is required
        @ScaledFloat({ name: 'price_eur' }) price = 0;
      }
      return Product;
    });
    expect(error.code).toBe('ORM_INVALID_MODEL');
    expect(error.message).toMatch(/Product\.price.*scaling_factor/);
  });

  test('a scaling_factor that is not a positive finite number is refused', () => {
    for (const factor of [0, -10, Number.NaN, Number.POSITIVE_INFINITY, '100']) {
      const error = definitionError(() => {
        class Product extends Model {
          @ScaledFloat({ scaling_factor: factor as number }) price = 0;
        }
        return Product;
      });
      expect(error.code).toBe('ORM_INVALID_MODEL');
      expect(error.message).toMatch(/positive number/);
    }
  });

  test('with scaling_factor it is mapped as before', () => {
    @Document({ index: 'orm-unit-scaled' })
    class Product extends Model {
      @ScaledFloat({ scaling_factor: 100 }) price = 0;
      @ScaledFloat({ scaling_factor: 10, multi: true }) prices: number[] = [];
    }
    expect(getModelMetadata(Product).fields.get('price')?.mapping).toEqual({
      scaling_factor: 100,
    });
    expect(buildMappings(getModelMetadata(Product)).properties).toMatchObject({
      price: { type: 'scaled_float', scaling_factor: 100 },
      prices: { type: 'scaled_float', scaling_factor: 10 },
    });
  });
});
