import { describe, expect, it } from 'vitest';
import { localPaths, resolveHome } from '../../../src/cli/local/paths.js';
import { createReporter, formatProgress } from '../../../src/cli/local/progress.js';

const context = { env: {}, platform: 'linux' as const, isRoot: false, userHome: '/home/ann' };

describe('where elastiq local keeps its files', () => {
  it('uses ELASTIQ_HOME when set', () => {
    expect(resolveHome({ ...context, env: { ELASTIQ_HOME: '/srv/e' } })).toBe('/srv/e');
  });

  it('keeps root out of its own home, which the node user could not read', () => {
    expect(resolveHome({ ...context, isRoot: true, userHome: '/root' })).toBe('/var/cache/elastiq');
  });

  it("uses the user's cache folder otherwise", () => {
    expect(resolveHome(context)).toBe('/home/ann/.cache/elastiq');
    expect(resolveHome({ ...context, env: { XDG_CACHE_HOME: '/c' } })).toBe('/c/elastiq');
    expect(resolveHome({ ...context, platform: 'darwin' })).toBe(
      '/home/ann/Library/Caches/elastiq',
    );
    expect(localPaths('/h').downloads).toBe('/h/downloads');
  });
});

describe('download progress', () => {
  it('shows percent, megabytes and rate', () => {
    expect(formatProgress('es.zip', 52_428_800, 104_857_600, 1000)).toBe(
      'es.zip  50% 50.0/100.0 MB 50.0 MB/s',
    );
  });

  it('prints one line per 10% when the output is not a terminal', () => {
    const lines: string[] = [];
    const reporter = createReporter({ write: (t: string) => lines.push(t), isTTY: false });
    for (let received = 0; received <= 1000; received += 10) reporter.progress('f', received, 1000);
    reporter.progressDone();
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toContain('100%');
  });

  it('keeps the lines of two downloads running side by side apart', () => {
    const lines: string[] = [];
    const reporter = createReporter({ write: (t: string) => lines.push(t), isTTY: false });
    for (let received = 0; received <= 1000; received += 10) {
      reporter.progress('a.zip', received, 1000);
      reporter.progress('b.zip', received, 1000);
    }
    reporter.progressDone('a.zip');
    reporter.progressDone('b.zip');
    expect(lines.filter((l) => l.startsWith('a.zip'))).toHaveLength(11);
    expect(lines.filter((l) => l.startsWith('b.zip'))).toHaveLength(11);
  });
});
