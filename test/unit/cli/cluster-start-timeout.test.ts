import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCluster } from '../../../src/cli/local/cluster.js';
import { isAlive, readPid } from '../../../src/cli/local/processes.js';
import type { Reporter } from '../../../src/cli/local/progress.js';

const VERSION = '9.9.9';

beforeAll(() => {
  vi.stubEnv('ELASTIQ_USER', 'nobody');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

// Like Elasticsearch's launcher with -d: it starts the server (which writes its PID file) and
// returns only once the server says it is up, which this one never does.
const SLOW_LAUNCHER = `#!/bin/sh
bash -c 'echo $$ > "$0"; exec -a org.elasticsearch.FakeServer sleep 300' "$3" >/dev/null 2>&1 &
echo "launcher: waiting for the server to start"
exec sleep 300
`;

async function fakeHome(): Promise<{ home: string; javaHome: string }> {
  const home = await mkdtemp(join(tmpdir(), 'elastiq-deadline-'));
  await chmod(home, 0o755);
  await mkdir(join(home, 'downloads'), { recursive: true });
  await writeFile(join(home, 'downloads', `elasticsearch-${VERSION}.zip`), '');
  const distribution = join(home, 'distributions', `elasticsearch-${VERSION}`);
  await mkdir(join(distribution, 'bin'), { recursive: true });
  await mkdir(join(distribution, 'config'), { recursive: true });
  await writeFile(join(distribution, 'bin', 'elasticsearch'), SLOW_LAUNCHER, { mode: 0o755 });
  const javaHome = join(home, 'jdk');
  await mkdir(join(javaHome, 'bin'), { recursive: true });
  await writeFile(join(javaHome, 'bin', 'java'), '', { mode: 0o755 });
  await writeFile(join(javaHome, 'release'), 'JAVA_VERSION="25"\n');
  return { home, javaHome };
}

describe('local start --timeout', () => {
  it('bounds the whole start, the launcher included: it fails with the log tail and leaves no server', async () => {
    const { home, javaHome } = await fakeHome();
    const pidFile = join(home, 'clusters', 'slow', 'slow-0', 'node.pid');
    const lines: string[] = [];
    const reporter: Reporter = {
      info: (m) => lines.push(m),
      progress: () => {},
      progressDone: () => {},
    };
    try {
      const error = await startCluster({
        name: 'slow',
        port: 23_800 + Math.floor(Math.random() * 100),
        version: VERSION,
        home,
        javaHome,
        timeoutMs: 2000,
        reporter,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ELASTIQ_LOCAL_START_FAILED' });
      expect((error as Error).message).toContain('not healthy after 2 s');
      expect((error as Error).message).toContain('launcher: waiting for the server to start');
      expect(lines.some((l) => l.includes('waiting up to 2 s'))).toBe(true);
      expect(lines.some((l) => /is (green|yellow)/.test(l))).toBe(false);
      const pid = readPid(pidFile);
      expect(pid === undefined || !isAlive(pid)).toBe(true);
    } finally {
      const pid = readPid(pidFile);
      if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 60_000); // Far below the launcher's 300 s: without the bound the start waits for it.
});
