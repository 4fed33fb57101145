// The built package as users get it: ESM import and CommonJS require (Node's require(esm)) of each
// entry point, and the `elastiq` bin.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

beforeAll(() => {
  execFileSync(
    process.execPath,
    [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
    },
  );
}, 120_000);

describe('built package', () => {
  test('import() of each entry point gives its named exports', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `const core = await import('elastiq'); const dsl = await import('elastiq/dsl'); const orm = await import('elastiq/orm');
       console.log(typeof core.Client, typeof core.ResponseError, typeof dsl.Search, typeof dsl.Q, typeof orm.Model, typeof orm.Document);`,
    ]);
    expect(out.trim()).toBe('function function function function function function');
  });

  test('require() of each entry point works for CommonJS callers', () => {
    const out = node([
      '-e',
      `const core = require('elastiq'); const dsl = require('elastiq/dsl'); const orm = require('elastiq/orm');
       const c = new core.Client({ node: 'http://127.0.0.1:9' });
       console.log(typeof c.search, typeof c.indices.create, typeof dsl.Search, typeof orm.Text);`,
    ]);
    expect(out.trim()).toBe('function function function function');
  });

  test('the elastiq bin starts and prints its help', () => {
    const out = node(['bin/elastiq.js', 'local', '--help']);
    expect(out).toContain('Usage: elastiq local');
  });
});
