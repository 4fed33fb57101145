import { describe, expect, it } from 'vitest';
import { INFO_USAGE, runInfo } from '../../../src/cli/info.js';
import { LOCAL_USAGE } from '../../../src/cli/local/command.js';
import { run, USAGE } from '../../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('exit codes of the elastiq CLI: 0 success, 1 failure, 2 a wrong command line', () => {
  it('exits 2 for local without a subcommand, as for an unknown one', async () => {
    const none = capture();
    expect(await run(['local'], none.io)).toBe(2);
    expect(none.err.join('')).toContain('Usage: elastiq local');
    const unknown = capture();
    expect(await run(['local', 'strat'], unknown.io)).toBe(2);
    expect(unknown.err.join('')).toContain('[ELASTIQ_LOCAL_USAGE]');
  });

  it('exits 0 for help, of every command', async () => {
    for (const argv of [['--help'], ['help'], ['local', '--help'], ['info', '--help']]) {
      expect(await run(argv, capture().io)).toBe(0);
    }
  });

  it('exits 2 for a wrong info command line, before any request', async () => {
    const cases = [
      ['--bogus'],
      ['extra'],
      ['--compatibility', 'solr'],
      ['--url', 'ftp://example.com'],
      ['--url', ''],
    ];
    for (const argv of cases) {
      const { io, err } = capture();
      expect(await runInfo(argv, io, {})).toBe(2);
      expect(err.join('')).toContain('[ELASTIQ_USAGE]');
    }
    const half = capture();
    expect(await runInfo([], half.io, { ELASTICSEARCH_PASSWORD: 'x' })).toBe(2);
    expect(half.err.join('')).toContain('ELASTICSEARCH_USERNAME is not');
  });

  it('exits 1 when the cluster does not answer, with the error code', async () => {
    const { io, err } = capture();
    // Port 9 (discard) on loopback: nothing listens there.
    expect(await runInfo(['--url', 'http://127.0.0.1:9', '--quiet'], io, {})).toBe(1);
    expect(err.join('')).toMatch(/^elastiq info: .+ \[ELASTIQ_[A-Z_]+\]$/s);
  });
});

describe('the usage texts', () => {
  it('lists every command, and every local subcommand', () => {
    expect(USAGE).toMatch(/^ {2}info /m);
    expect(USAGE).toMatch(/^ {2}local /m);
    expect(USAGE).toMatch(/^ {2}migrate /m);
    expect(USAGE).toContain('start, stop, status, logs, env, remove');
    expect(USAGE).toContain('2 a wrong command line');
  });

  it("gives local's --name default for every mode", () => {
    const name = LOCAL_USAGE.slice(LOCAL_USAGE.indexOf('--name'), LOCAL_USAGE.indexOf('--engine'));
    for (const mode of ['single', 'nodes<n>', 'secure', 'secure-nodes<n>', 'opensearch-single']) {
      expect(name).toContain(mode);
    }
  });

  it("documents info's connection options and variables", () => {
    for (const part of [
      '--url',
      '--ca',
      '--api-key',
      '--compatibility',
      '--json',
      'ELASTICSEARCH_API_KEY',
    ]) {
      expect(INFO_USAGE).toContain(part);
    }
  });
});
