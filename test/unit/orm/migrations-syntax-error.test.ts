import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');

// Line 7 has the error; `;` is at column 13.
const BROKEN = `export async function up(ctx) {
  const a = 1;
  const b = 2;
  const c = 3;
  const d = 4;
  const e = 5;
  const f = ;
}
`;

let work: string;

/** Loads `file` as the CLI does (through tsx, from the sources) and returns the error. */
async function loadError(file: string): Promise<{ code?: string; message: string }> {
  const script = `import { listMigrationFiles, loadMigration } from ${JSON.stringify(join(ROOT, 'src/orm/migrations/migration-files.ts'))};
const [file] = (await listMigrationFiles(process.argv[2])).filter((f) => f.path.endsWith(process.argv[3]));
try {
  await loadMigration(file);
  console.log(JSON.stringify({ message: 'loaded' }));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message }));
}
`;
  await writeFile(join(work, 'load.mts'), script);
  const { stdout } = await run(
    join(ROOT, 'node_modules/.bin/tsx'),
    [join(work, 'load.mts'), work, file],
    { cwd: work },
  );
  return JSON.parse(stdout) as { code?: string; message: string };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'orm-mig-syntax-'));
  await writeFile(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
  await writeFile(join(work, '20260101000000_broken.mjs'), BROKEN);
  await writeFile(join(work, '20260102000000_broken.js'), BROKEN);
  await writeFile(
    join(work, '20260103000000_broken.ts'),
    BROKEN.replace('(ctx)', '(ctx: unknown)'),
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a migration file with a syntax error', () => {
  it.each(['20260101000000_broken.mjs', '20260102000000_broken.js', '20260103000000_broken.ts'])(
    '%s is reported with file:line:column, the message and the line',
    async (name) => {
      const error = await loadError(name);
      expect(error.code).toBe('ORM_MIGRATION_INVALID');
      expect(error.message).toContain(`Cannot load ${join(work, name)}:7:13: syntax error:`);
      expect(error.message).toMatch(/Unexpected( token)? "?'?;/);
      expect(error.message).toContain('    7 |   const f = ;\n      |             ^');
    },
    30_000,
  );
});
