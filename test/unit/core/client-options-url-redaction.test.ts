import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ConfigurationError } from '../../../src/core/errors.js';

const NODE = 'http://127.0.0.1:9200';

/** The ConfigurationError `fn` throws (any other outcome fails the test). */
function configError(fn: () => unknown): ConfigurationError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ConfigurationError);
  return thrown as ConfigurationError;
}

/** Everything an error can show: message, stack, cause chain, inspection and JSON. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(current.message, String(current.stack));
    current = current.cause;
  }
  parts.push(inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error));
  return parts.join('\n');
}

describe('node and proxy URLs that cannot be parsed never show their credentials', () => {
  const cases = [
    { url: 'http://elastic:URL/PASS789@127.0.0.1:9820', secrets: ['PASS789', 'URL/'] },
    { url: 'http://user:p@ss@127.0.0.1:99999', secrets: ['p@ss', 'ss@'] },
  ];

  it.each(cases)('node $url', ({ url, secrets }) => {
    const error = configError(() => new Client({ node: url }));
    expect(error.option).toBe('node');
    const shown = everything(error);
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(error.message).toContain('encodeURIComponent');
  });

  it('shows the scheme and host when they can be read, and nothing of the URL otherwise', () => {
    const readable = configError(
      () => new Client({ node: 'http://elastic:URL/PASS789@127.0.0.1:9820' }),
    );
    expect(readable.message).toContain('http://127.0.0.1:9820');
    const unreadable = configError(
      () => new Client({ nodes: [NODE, NODE, 'http://elastic:PASS789/x'] }),
    );
    expect(unreadable.message).toContain('index 2');
    expect(everything(unreadable)).not.toContain('PASS789');
    expect(everything(unreadable)).not.toContain('elastic');
  });

  it.each(cases)('proxy $url', ({ url, secrets }) => {
    const error = configError(() => new Client({ node: NODE, proxy: url }));
    expect(error.option).toBe('proxy');
    const shown = everything(error);
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });

  it('elastiq migrate status --url keeps the password out of stderr', () => {
    const root = resolve(import.meta.dirname, '../../..');
    const result = spawnSync(
      resolve(root, 'node_modules/.bin/tsx'),
      [
        'src/cli/index.ts',
        'migrate',
        'status',
        '--url',
        'http://elastic:URL/PASS789@127.0.0.1:9820',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    // Refused as a usage error or as a client ConfigurationError, either way without the password.
    expect(result.stderr).toMatch(/^elastiq migrate: .*\[ELASTIQ_[A-Z_]+\]$/m);
    expect(result.stderr).not.toContain('PASS789');
    expect(result.stdout).not.toContain('PASS789');
    expect(result.status).not.toBe(0);
  });
});
