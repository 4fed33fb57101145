import { describe, expect, it } from 'vitest';
import { LocalError } from '../../../src/cli/errors.js';
import { conflict, defaultClusterName } from '../../../src/cli/local/cluster.js';
import { parseLocalArgs, startOptionsFrom } from '../../../src/cli/local/command.js';
import type { ClusterInfo } from '../../../src/cli/local/state.js';
import { run } from '../../../src/cli/main.js';
import { ElastiqError } from '../../../src/core/errors.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('elastiq CLI', () => {
  it('prints its version from package.json', async () => {
    const { io, out } = capture();
    expect(await run(['--version'], io)).toBe(0);
    expect(out[0]).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints usage on stderr and exits 2 (a wrong command line) when no command is given', async () => {
    const { io, err } = capture();
    expect(await run([], io)).toBe(2);
    expect(err.join('')).toContain('elastiq <command>');
  });

  it('rejects an unknown command with exit code 2, as migrate and local do', async () => {
    const { io, err } = capture();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(err.join('')).toContain("Unknown command 'frobnicate'");
    expect(err.join('')).toContain('[ELASTIQ_USAGE]');
  });

  it('shows the local help with every option', async () => {
    const { io, out } = capture();
    expect(await run(['local', '--help'], io)).toBe(0);
    for (const flag of [
      '--version',
      '--nodes',
      '--secure',
      '--port',
      '--engine',
      '--fresh',
      '--setting <k=v>',
    ]) {
      expect(out.join('')).toContain(flag);
    }
  });

  it('reports a bad option value as a usage error (exit 2) with its stable code', async () => {
    const { io, err } = capture();
    expect(await run(['local', 'start', '--nodes', '0'], io)).toBe(2);
    expect(err.join('')).toContain('[ELASTIQ_LOCAL_USAGE]');
    expect(await run(['local', 'start', '--bogus'], io)).toBe(2);
  });

  it('reports a --setting without key=value as a usage error before starting anything', async () => {
    const { io, err } = capture();
    expect(await run(['local', 'start', '--setting', 'thread_pool.write.queue_size'], io)).toBe(2);
    expect(err.join('')).toContain('[ELASTIQ_LOCAL_USAGE]');
    expect(err.join('')).toContain(
      "--setting takes key=value, such as thread_pool.write.queue_size=1, not 'thread_pool.write.queue_size'",
    );
  });
});

describe('local start options', () => {
  it('turns flags into start options', () => {
    const { values } = parseLocalArgs([
      'start',
      '--nodes',
      '3',
      '--port',
      '9400',
      '--secure',
      '--heap',
      '1g',
    ]);
    expect(startOptionsFrom(values)).toEqual({
      engine: 'elasticsearch',
      nodes: 3,
      port: 9400,
      secure: true,
      heap: '1g',
    });
  });

  it('collects repeated --setting flags into the settings of every node', () => {
    const { values } = parseLocalArgs([
      'start',
      '--setting',
      'thread_pool.write.size=1',
      '--setting',
      'thread_pool.write.queue_size=1',
      '--setting',
      'node.attr.note=a=b',
    ]);
    expect(startOptionsFrom(values).settings).toEqual({
      'thread_pool.write.size': '1',
      'thread_pool.write.queue_size': '1',
      'node.attr.note': 'a=b',
    });
    expect(startOptionsFrom(parseLocalArgs(['start']).values)).not.toHaveProperty('settings');
  });

  it('refuses --setting values that are not key=value, and keys elastiq local manages', () => {
    for (const bad of ['queue_size', '=1', 'thread_pool.write.queue_size=', 'a..b=1', 'a b=1']) {
      expect(() => startOptionsFrom(parseLocalArgs(['start', '--setting', bad]).values)).toThrow(
        expect.objectContaining({
          code: 'ELASTIQ_LOCAL_USAGE',
          message: `--setting takes key=value, such as thread_pool.write.queue_size=1, not '${bad}'`,
        }),
      );
    }
    expect(() =>
      startOptionsFrom(parseLocalArgs(['start', '--setting', 'http.port=9999']).values),
    ).toThrow('--setting cannot change http.port: elastiq local sets it (use --port)');
  });

  it('refuses an unknown engine and a malformed heap size', () => {
    expect(() => startOptionsFrom(parseLocalArgs(['start', '--engine', 'solr']).values)).toThrow(
      /engine/,
    );
    expect(() => startOptionsFrom(parseLocalArgs(['start', '--heap', 'lots']).values)).toThrow(
      /heap/,
    );
  });

  it('keeps a cluster whose --setting values are unchanged or not given, and not one with others', () => {
    const existing = {
      name: 'tiny',
      engine: 'elasticsearch',
      version: '9.5.4',
      secure: false,
      port: 9480,
      nodes: [],
      settings: { 'thread_pool.write.size': '1', 'thread_pool.write.queue_size': '1' },
    } as unknown as ClusterInfo;
    expect(conflict(existing, {})).toBeUndefined();
    expect(
      conflict(existing, {
        settings: { 'thread_pool.write.queue_size': '1', 'thread_pool.write.size': '1' },
      }),
    ).toBeUndefined();
    expect(conflict(existing, { settings: { 'thread_pool.write.queue_size': '2' } })).toBe(
      'its settings are thread_pool.write.queue_size=1, thread_pool.write.size=1, ' +
        'not thread_pool.write.queue_size=2',
    );
    const { settings: _none, ...withoutSettings } = existing;
    expect(conflict(withoutSettings, { settings: {} })).toBeUndefined();
  });

  it('names clusters after their mode so each mode keeps its own data', () => {
    expect(defaultClusterName('elasticsearch', 1, false)).toBe('single');
    expect(defaultClusterName('elasticsearch', 3, false)).toBe('nodes3');
    expect(defaultClusterName('elasticsearch', 1, true)).toBe('secure');
    expect(defaultClusterName('opensearch', 1, false)).toBe('opensearch-single');
  });
});

describe('LocalError', () => {
  it('belongs to the elastiq error hierarchy with its stable code', () => {
    const error = new LocalError('ELASTIQ_LOCAL_PORT_IN_USE', 'Port 9200 on 127.0.0.1 is in use');
    expect(error).toBeInstanceOf(ElastiqError);
    expect(error).toBeInstanceOf(LocalError);
    expect(error.name).toBe('LocalError');
    expect(String(error)).toBe(
      'LocalError [ELASTIQ_LOCAL_PORT_IN_USE]: Port 9200 on 127.0.0.1 is in use',
    );
  });
});
