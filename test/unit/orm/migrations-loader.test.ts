import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
// The loader and what it imports, compiled to plain JS as `npm run build` would.
const SOURCES = [
  'src/core/errors.ts',
  'src/orm/errors.ts',
  'src/orm/migrations/migration-files.ts',
];

let work: string;

/** A compiled copy of the loader in `dir`, run by plain `node` (no TypeScript loader at all). */
async function compiledLoader(dir: string): Promise<void> {
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const source of SOURCES) {
    const text = await readFile(join(ROOT, source), 'utf8');
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const out = join(dir, source.replace(/\.ts$/, '.js'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  await writeFile(
    join(dir, 'load.mjs'),
    `import { importModule } from './src/orm/migrations/migration-files.js';
try {
  const mod = await importModule(process.argv[2]);
  console.log(JSON.stringify({ result: await mod.up() }));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }));
}
`,
  );
}

async function load(dir: string, file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(dir, 'load.mjs'), file], { cwd: dir });
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'orm-mig-loader-'));
  await writeFile(
    join(work, '20260101000000_typed.ts'),
    'const answer: number = 42;\nexport async function up(): Promise<number> { return answer; }\n',
  );
  await mkdir(join(work, 'esm'));
  await writeFile(join(work, 'esm', 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(
    join(work, 'esm', '20260101000000_typed.ts'),
    'const answer: number = 42;\nexport async function up(): Promise<number> { return answer; }\n',
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('loading .ts migrations from compiled JavaScript', () => {
  it('registers tsx when it is installed and imports the TypeScript file', async () => {
    const dir = join(work, 'with-tsx');
    await mkdir(dir);
    await compiledLoader(dir);
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // outside any package (loaded as CommonJS), and inside a "type": "module" one (as ESM)
    expect(await load(dir, join(work, '20260101000000_typed.ts'))).toEqual({ result: 42 });
    expect(await load(dir, join(work, 'esm', '20260101000000_typed.ts'))).toEqual({ result: 42 });
  });

  it('fails with ORM_MIGRATION_INVALID saying to install tsx or write .js/.mjs when tsx is missing', async () => {
    const dir = join(work, 'without-tsx');
    await mkdir(dir);
    await compiledLoader(dir);
    const outcome = await load(dir, join(work, '20260101000000_typed.ts'));
    expect(outcome.code).toBe('ORM_MIGRATION_INVALID');
    expect(outcome.message).toContain('TypeScript files need tsx, which is not installed');
    expect(outcome.message).toContain('npm install --save-dev tsx');
    expect(outcome.message).toContain('write the file as .js or .mjs');
  });
});
