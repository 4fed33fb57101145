import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conflict, startCluster } from '../../../src/cli/local/cluster.js';
import { isAlive, readPid } from '../../../src/cli/local/processes.js';
import { silentReporter } from '../../../src/cli/local/progress.js';
import type { ClusterInfo } from '../../../src/cli/local/state.js';

const VERSION = '9.9.9';
// Ports are drawn below Linux's ephemeral range (32768-60999), where the many client sockets of a
// concurrent test run could hold one and turn the expected failure into PORT_IN_USE.

// As root the nodes run as an unprivileged user: an existing one, so no test creates accounts.
beforeAll(() => {
  vi.stubEnv('ELASTIQ_USER', 'nobody');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

// Node 0's launcher fails at once; node 1's starts a "server" (a process whose command line
// carries the org.elasticsearch marker) a moment later, which writes its own PID file as the
// real server does, and returns once it is there.
const LAUNCHER = `#!/bin/sh
case "$ES_PATH_CONF" in
  *-0/config) echo "node 0 cannot start" >&2; exit 1 ;;
esac
sleep 1
bash -c 'echo $$ > "$0"; exec -a org.elasticsearch.FakeServer sleep 60' "$3" >/dev/null 2>&1 &
while [ ! -s "$3" ]; do sleep 0.05; done
`;

/** An ELASTIQ_HOME holding a cached zip, its unpacked fake distribution and a fake JDK. */
async function fakeHome(launcher = LAUNCHER): Promise<{ home: string; javaHome: string }> {
  const home = await mkdtemp(join(tmpdir(), 'elastiq-start-'));
  // Open to the unprivileged node user when the tests run as root.
  await chmod(home, 0o755);
  await mkdir(join(home, 'downloads'), { recursive: true });
  await writeFile(join(home, 'downloads', `elasticsearch-${VERSION}.zip`), '');
  const distribution = join(home, 'distributions', `elasticsearch-${VERSION}`);
  await mkdir(join(distribution, 'bin'), { recursive: true });
  await mkdir(join(distribution, 'config'), { recursive: true });
  await writeFile(join(distribution, 'bin', 'elasticsearch'), launcher, { mode: 0o755 });
  const javaHome = join(home, 'jdk');
  await mkdir(join(javaHome, 'bin'), { recursive: true });
  await writeFile(join(javaHome, 'bin', 'java'), '', { mode: 0o755 });
  await writeFile(join(javaHome, 'release'), 'JAVA_VERSION="25"\n');
  return { home, javaHome };
}

describe('starting a local cluster', () => {
  it('leaves no node running when another node of the same start fails to launch', async () => {
    const { home, javaHome } = await fakeHome();
    const port = 21_000 + Math.floor(Math.random() * 800);
    const pidFile = join(home, 'clusters', 'leak', 'leak-1', 'node.pid');
    try {
      await expect(
        startCluster({
          name: 'leak',
          nodes: 2,
          port,
          version: VERSION,
          home,
          javaHome,
          timeoutMs: 10_000,
          reporter: silentReporter,
        }),
      ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_START_FAILED' });
      // Time for a launcher still running after the failure to write its PID file.
      await sleep(1500);
      const pid = readPid(pidFile);
      expect(pid === undefined || !isAlive(pid)).toBe(true);
    } finally {
      const pid = readPid(pidFile);
      if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

describe('cluster names', () => {
  it.each(['../outside', 'a/b', '..', '', '-x'])(
    'refuses %j before anything is created, so stop and status always find the cluster',
    async (name) => {
      const { home, javaHome } = await fakeHome();
      await expect(
        startCluster({ name, version: VERSION, home, javaHome, reporter: silentReporter }),
      ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_USAGE' });
      expect(existsSync(join(home, 'clusters'))).toBe(false);
    },
  );
});

describe('a stopped cluster started again', () => {
  it('runs with the heap asked for, not the one it was created with', async () => {
    // Every launch fails: the cluster is created, then left stopped.
    const { home, javaHome } = await fakeHome('#!/bin/sh\nexit 1\n');
    const options = {
      name: 'heap',
      port: 21_800 + Math.floor(Math.random() * 100),
      version: VERSION,
      home,
      javaHome,
      reporter: silentReporter,
    };
    await expect(startCluster(options)).rejects.toMatchObject({
      code: 'ELASTIQ_LOCAL_START_FAILED',
    });
    await expect(startCluster({ ...options, heap: '1g' })).rejects.toMatchObject({
      code: 'ELASTIQ_LOCAL_START_FAILED',
    });
    const node = join(home, 'clusters', 'heap', 'heap-0');
    const jvm = await readFile(
      join(node, 'config', 'jvm.options.d', 'elastiq-heap.options'),
      'utf8',
    );
    expect(jvm).toContain('-Xmx1g');
    const state = JSON.parse(
      await readFile(join(home, 'clusters', 'heap', 'cluster.json'), 'utf8'),
    );
    expect(state.heap).toBe('1g');
  });
});

describe('a running cluster started again', () => {
  it('is refused another heap instead of keeping its own silently', () => {
    const running = { engine: 'elasticsearch', heap: '512m', nodes: [] } as unknown as ClusterInfo;
    expect(conflict(running, { heap: '1g' })).toBe('heap is 512m, not 1g');
    expect(conflict(running, { heap: '512m' })).toBeUndefined();
  });
});

describe('a cluster whose creation was interrupted', () => {
  it('is made afresh, without the files the interrupted run left', async () => {
    const { home, javaHome } = await fakeHome('#!/bin/sh\nexit 1\n');
    // What Ctrl-C during the first start leaves: node files, and no cluster.json yet.
    const leftover = join(home, 'clusters', 'half', 'half-0', 'config', 'elasticsearch.keystore');
    await mkdir(join(leftover, '..'), { recursive: true });
    await writeFile(leftover, 'keystore holding the password of the interrupted run');
    await expect(
      startCluster({
        name: 'half',
        port: 21_900 + Math.floor(Math.random() * 90),
        version: VERSION,
        home,
        javaHome,
        reporter: silentReporter,
      }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_START_FAILED' });
    expect(existsSync(join(home, 'clusters', 'half', 'cluster.json'))).toBe(true);
    expect(existsSync(leftover)).toBe(false);
  });
});
