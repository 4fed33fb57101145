import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const SCRIPTS = ['scripts/generate-api/index.ts', 'scripts/generate-dsl.ts'];

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const { ELASTIQ_SPEC: _, ...inherited } = process.env;
  return spawnSync(TSX, [script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
}

describe('the generated-code checks of CI', () => {
  it.each(SCRIPTS)('%s --check passes against the project’s own copy of the spec', (script) => {
    const result = run(script, ['--check']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/is up to date/);
    expect(result.status).toBe(0);
  });

  it.each(SCRIPTS)(
    '%s --check fails and names the path when the spec given is absent',
    (script) => {
      const result = run(script, ['--check', '--spec', '/nonexistent/schema.json']);
      expect(result.stderr).toContain('spec not found at /nonexistent/schema.json');
      expect(result.stdout).not.toContain('up to date');
      expect(result.status).toBe(1);
    },
  );

  it.each(SCRIPTS)('%s reads the spec ELASTIQ_SPEC names', (script) => {
    const result = run(script, ['--check'], { ELASTIQ_SPEC: '/nonexistent/from-env.json' });
    expect(result.stderr).toContain('spec not found at /nonexistent/from-env.json');
    expect(result.status).toBe(1);
  });

  it('refuses a file that is not the specification, naming it', () => {
    const result = run(SCRIPTS[1]!, ['--check', '--spec', 'package.json']);
    expect(result.stderr).toContain(
      `${resolve(ROOT, 'package.json')} is not the Elasticsearch specification`,
    );
    expect(result.status).toBe(1);
  });
});
