import { describe, expect, test } from 'vitest';
import { Search } from '../../../src/dsl/index.js';

const window = (s: Search) => {
  const { from, size } = s.toJSON();
  return { from, size };
};

describe('slice', () => {
  test('slice(start, end) sets from = start and size = end - start', () => {
    expect(window(new Search().slice(10, 20))).toEqual({ from: 10, size: 10 });
  });

  test('slice(start) without an end sets only from', () => {
    expect(window(new Search().slice(5))).toEqual({ from: 5, size: undefined });
  });

  test('slice(undefined, end) sets only size', () => {
    expect(window(new Search().slice(undefined, 3))).toEqual({ from: undefined, size: 3 });
  });

  test('a slice of a slice is relative to the outer slice', () => {
    expect(window(new Search().slice(10, 20).slice(2, 5))).toEqual({ from: 12, size: 3 });
  });

  test('an inner slice never reaches past the end of the outer one', () => {
    expect(window(new Search().slice(10, 20).slice(5, 50))).toEqual({ from: 15, size: 5 });
    expect(window(new Search().slice(10, 20).slice(15, 30))).toEqual({ from: 25, size: 0 });
  });

  test('slicing composes with from/size set directly', () => {
    expect(window(new Search().from(100).size(10).slice(1, 4))).toEqual({ from: 101, size: 3 });
    expect(window(new Search().size(10).slice(2))).toEqual({ from: 2, size: 8 });
  });

  test('negative bounds fail with DSL_INVALID_SLICE', () => {
    expect(() => new Search().slice(-1, 2)).toThrow(
      expect.objectContaining({ code: 'DSL_INVALID_SLICE' }),
    );
    expect(() => new Search().slice(0, -2)).toThrow(
      expect.objectContaining({ code: 'DSL_INVALID_SLICE' }),
    );
  });
});
