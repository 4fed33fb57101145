import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const runYaml = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'test/yaml/run.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    // No node is contacted before the paths are read; this address would refuse anyway.
    env: { ...process.env, ELASTICSEARCH_URL: 'http://127.0.0.1:1' },
    timeout: 30_000,
  });

describe('YAML runner test paths', () => {
  it('names a missing test path in one line and exits with code 2', () => {
    const result = runYaml('/nonexistent/yaml-tests');
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      'test path not found: /nonexistent/yaml-tests (give a directory or file of YAML REST tests)',
    );
    expect(result.stdout).toBe('');
  });
});
