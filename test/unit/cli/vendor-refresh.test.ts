// npm run vendor:refresh refuses bad input before it writes anything to vendor/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const SPEC = resolve(ROOT, 'vendor/spec/schema.json.gz');
const work = mkdtempSync(join(tmpdir(), 'elastiq-vendor-refresh-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const refresh = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/vendor-refresh.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });

describe('npm run vendor:refresh', () => {
  it('asks for --spec or --tests when given neither', () => {
    const result = refresh();
    expect(result.stderr).toContain('nothing to refresh: give --spec, --tests or both');
    expect(result.status).toBe(2);
  });

  it('names a flag given without a path, and an unknown argument', () => {
    expect(refresh('--spec').stderr).toContain('--spec needs a path');
    expect(refresh('--tests', '--spec', 'x').stderr).toContain('--tests needs a path');
    expect(refresh('--test', 'x').stderr).toContain('unknown argument --test');
  });

  it('refuses a spec that is not the specification and leaves the copy as it was', () => {
    const before = readFileSync(SPEC);
    const notSpec = join(work, 'schema.json');
    writeFileSync(notSpec, JSON.stringify({ endpoints: [] }));
    const result = refresh('--spec', notSpec);
    expect(result.stderr).toContain(`${notSpec} is not the Elasticsearch specification`);
    expect(result.status).toBe(2);
    expect(readFileSync(SPEC).equals(before)).toBe(true);
  });

  it('refuses a missing spec and a tests folder without YAML files', () => {
    expect(refresh('--spec', join(work, 'absent.json')).stderr).toContain(
      `spec not found at ${join(work, 'absent.json')}`,
    );
    const empty = join(work, 'tests');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'no tests here');
    const result = refresh('--tests', empty);
    expect(result.stderr).toContain(`--tests ${empty} holds no .yml or .yaml test file`);
    expect(result.status).toBe(2);
    expect(refresh('--tests', join(work, 'absent')).stderr).toContain('is not a folder');
  });
});
