import { describe, expect, it } from 'vitest';
import {
  contains,
  isTruthy,
  lengthOf,
  matches,
  parsePath,
  Stash,
  valueAt,
  verboseRegex,
} from '../../../yaml/assertions.js';
import { StepFailure, StepRunner } from '../../../yaml/steps.js';

describe('YAML runner assertions', () => {
  it('splits paths on dots, keeps escaped dots and drops a leading $body', () => {
    expect(parsePath('hits.hits.0._source')).toEqual(['hits', 'hits', '0', '_source']);
    expect(parsePath('indices.my\\.index.total')).toEqual(['indices', 'my.index', 'total']);
    expect(parsePath('$body.0.name')).toEqual(['0', 'name']);
    expect(parsePath('')).toEqual([]);
  });

  it('reads values by path, indexing arrays and resolving stashed segments', () => {
    const stash = new Stash();
    stash.set('master', 'node-1');
    const body = { nodes: { 'node-1': { modules: [{ name: 'x' }] } } };
    expect(valueAt(body, 'nodes.$master.modules.0.name', stash)).toBe('x');
    expect(valueAt(body, 'nodes.missing.modules', stash)).toBeUndefined();
    expect(valueAt(body, '$body', stash)).toBe(body);
  });

  it('replaces whole-value and embedded stash references, in keys too', () => {
    const stash = new Stash();
    stash.set('id', 42);
    stash.set('name', 'abc');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the YAML format's own ${name} syntax
    expect(stash.resolve({ id: '$id', path: 'x/${name}/y', $name: 1 })).toEqual({
      id: 42,
      path: 'x/abc/y',
      abc: 1,
    });
    expect(stash.resolve('$unknown')).toBe('$unknown');
  });

  it('compiles verbose regexes: whitespace and comments ignored, escaped spaces kept', () => {
    expect(verboseRegex('/ ^ foo \\s+ bar # a comment\n $/').test('foo   bar')).toBe(true);
    expect(verboseRegex('/^a\\ b$/').test('a b')).toBe(true);
    expect(verboseRegex('/[ ]x/').test(' x')).toBe(true);
  });

  it('matches deeply, numbers by value, a number against its text, regexes against strings', () => {
    expect(matches({ a: [1, { b: 'x' }] }, { a: [1.0, { b: 'x' }] })).toBe(true);
    expect(matches({ a: 1, extra: 2 }, { a: 1 })).toBe(false);
    expect(matches('3', 3)).toBe(true);
    expect(matches('green', '/^(green|yellow)$/')).toBe(true);
    expect(matches(undefined, '/.*/')).toBe(false);
    expect(matches([1, 2], [1])).toBe(false);
  });

  it('finds contained values in arrays, objects by their given keys', () => {
    expect(contains([{ name: 'a', v: 1 }, { name: 'b' }], { name: 'a' })).toBe(true);
    expect(contains(['x', 'y'], 'y')).toBe(true);
    expect(contains([{ name: 'a' }], { name: 'c' })).toBe(false);
  });

  it('treats null, false, empty, "false" and 0 as false, and measures lengths', () => {
    expect([undefined, null, false, '', 'false', 0].map(isTruthy)).toEqual(Array(6).fill(false));
    expect([true, 'x', 1, {}, []].map(isTruthy)).toEqual(Array(5).fill(true));
    expect([lengthOf([1, 2]), lengthOf({ a: 1 }), lengthOf('abc'), lengthOf(3)]).toEqual([
      2,
      1,
      3,
      undefined,
    ]);
  });
});

describe('YAML runner numeric comparisons', () => {
  const runner = (last: unknown) => {
    const r = new StepRunner({}, new Stash(), 1000);
    r.last = last;
    return r;
  };

  it('fail when the field is missing, null, a boolean or not a number, instead of reading 0', async () => {
    for (const last of [{}, { count: null }, { count: false }, { count: '' }, { count: 'n/a' }]) {
      await expect(runner(last).run({ gte: { count: 0 } })).rejects.toBeInstanceOf(StepFailure);
      await expect(runner(last).run({ lt: { count: 10 } })).rejects.toBeInstanceOf(StepFailure);
    }
  });

  it('compare numbers, numeric text and stashed values by value', async () => {
    const r = runner({ count: 3, size: '10', big: 12n });
    r.stash.set('limit', 3);
    await r.run({ gte: { count: '$limit' } });
    await r.run({ gt: { size: 9 } });
    await r.run({ lte: { big: 12 } });
    await expect(r.run({ gt: { count: '$limit' } })).rejects.toBeInstanceOf(StepFailure);
  });
});
