import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blankMigration,
  generatedMigration,
  literal,
  type PlannedOperation,
} from '../../../src/orm/migrations/migration-templates.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-tpl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Imports generated JavaScript and runs up/down against a ctx that records each call. */
async function runGenerated(text: string, fn: 'up' | 'down'): Promise<unknown[][]> {
  const path = join(dir, `m${Math.random().toString(36).slice(2)}.mjs`);
  await writeFile(path, text);
  const module = (await import(pathToFileURL(path).href)) as Record<
    string,
    (ctx: unknown) => Promise<void>
  >;
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  const ctx = {
    createIndex: record('createIndex'),
    putMapping: record('putMapping'),
    migrateIndex: record('migrateIndex'),
    deleteIndex: record('deleteIndex'),
    log: record('log'),
  };
  await module[fn]!(ctx);
  return calls;
}

const mappings = {
  properties: {
    title: { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } },
    "it's": { type: 'keyword' },
  },
};

const ops: PlannedOperation[] = [
  {
    model: 'Post',
    index: 'posts',
    action: 'createIndex',
    changes: [],
    body: { settings: { number_of_shards: 1 }, mappings, aliases: {} },
  },
  {
    model: 'Tag',
    index: 'tags',
    action: 'putMapping',
    changes: [
      { path: 'label', kind: 'added', additive: true, description: 'label: new keyword field' },
    ],
    body: { mappings: { properties: { label: { type: 'keyword' } } } },
  },
  {
    model: 'User',
    index: 'users',
    action: 'migrateIndex',
    changes: [
      { path: 'name', kind: 'changed', additive: false, description: 'name: type keyword → text' },
    ],
    body: { mappings: { properties: { name: { type: 'text' } } } },
    previous: {
      settings: { number_of_shards: '1' },
      mappings: { properties: { name: { type: 'keyword' } } },
    },
  },
  { model: 'Same', index: 'same', action: 'none', changes: [], body: {} },
];

describe('generated migrations', () => {
  it('run the planned operations with the exact bodies, in model order', async () => {
    const calls = await runGenerated(generatedMigration('mjs', ops, 'src/models.ts'), 'up');
    expect(calls).toEqual([
      ['createIndex', { name: 'posts', body: { settings: { number_of_shards: 1 }, mappings } }],
      [
        'putMapping',
        { name: 'tags', body: { mappings: { properties: { label: { type: 'keyword' } } } } },
      ],
      [
        'migrateIndex',
        { name: 'users', body: { mappings: { properties: { name: { type: 'text' } } } } },
      ],
    ]);
  });

  it('down undoes them newest first: restore the previous mapping, keep added fields, drop the new index', async () => {
    const calls = await runGenerated(generatedMigration('js', ops, 'src/models.ts'), 'down');
    expect(calls).toEqual([
      ['migrateIndex', { name: 'users', body: ops[2]!.previous }],
      ['deleteIndex', 'posts'],
    ]);
  });

  it('explain every change in a comment and say where the models came from', () => {
    const text = generatedMigration('ts', ops, 'src/models.ts');
    expect(text).toContain('from src/models.ts');
    expect(text).toContain('// Tag → tags: only additions, which put_mapping applies in place');
    expect(text).toContain('//   + label: new keyword field');
    expect(text).toContain('//   ! name: type keyword → text');
    expect(text).toContain("import type { MigrationContext } from 'elastiq/orm';");
    expect(text).toContain('export async function up(ctx: MigrationContext): Promise<void> {');
    expect(text).not.toContain('Same');
  });

  it('a blank migration has an up and a down that run', async () => {
    const calls = await runGenerated(blankMigration('mjs'), 'up');
    expect(calls).toEqual([['log', 'nothing to do yet']]);
  });
});

describe('literal', () => {
  it('prints short objects on one line with bare keys and single quotes', () => {
    expect(literal({ type: 'keyword', ignore_above: 256 }, '')).toBe(
      "{ type: 'keyword', ignore_above: 256 }",
    );
  });

  it('quotes keys that are not identifiers and escapes strings that need it', () => {
    expect(literal({ "it's": 'a\nb', 'a-b': "o'k" }, '')).toBe(`{ "it's": "a\\nb", 'a-b': "o'k" }`);
  });

  it('breaks long objects over indented lines that evaluate to the same value', () => {
    const value = { a: 'x'.repeat(60), b: { c: ['y'.repeat(40), 2], d: true } };
    const text = literal(value, '');
    expect(text.split('\n').length).toBeGreaterThan(1);
    expect(new Function(`return (${text});`)()).toEqual(value);
  });
});
