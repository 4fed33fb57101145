import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCluster } from '../../../src/cli/local/cluster.js';
import { silentReporter } from '../../../src/cli/local/progress.js';

const VERSION = '9.9.9';

beforeAll(() => {
  vi.stubEnv('ELASTIQ_USER', 'nobody');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

/** An ELASTIQ_HOME with a cached zip, its fake distribution (whose launcher fails) and a fake JDK. */
async function fakeHome(): Promise<{ home: string; javaHome: string }> {
  const home = await mkdtemp(join(tmpdir(), 'elastiq-port-'));
  await chmod(home, 0o755);
  await mkdir(join(home, 'downloads'), { recursive: true });
  await writeFile(join(home, 'downloads', `elasticsearch-${VERSION}.zip`), '');
  const distribution = join(home, 'distributions', `elasticsearch-${VERSION}`);
  await mkdir(join(distribution, 'bin'), { recursive: true });
  await mkdir(join(distribution, 'config'), { recursive: true });
  await writeFile(join(distribution, 'bin', 'elasticsearch'), '#!/bin/sh\nexit 1\n', {
    mode: 0o755,
  });
  const javaHome = join(home, 'jdk');
  await mkdir(join(javaHome, 'bin'), { recursive: true });
  await writeFile(join(javaHome, 'bin', 'java'), '', { mode: 0o755 });
  await writeFile(join(javaHome, 'release'), 'JAVA_VERSION="25"\n');
  return { home, javaHome };
}

/** Listens on 127.0.0.1 at a port the system picks in the range the tests use, and returns it. */
async function occupy(): Promise<{ server: Server; port: number }> {
  for (;;) {
    // Below Linux's ephemeral range, where the tests' own client sockets do not land.
    const port = 22_000 + Math.floor(Math.random() * 800);
    const server = createServer();
    const ok = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => done(true));
    });
    if (ok) return { server, port };
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe('starting a local cluster on a port that is taken', () => {
  it('registers no cluster, and names the port and --port', async () => {
    const { home, javaHome } = await fakeHome();
    const { server, port } = await occupy();
    cleanup.push(async () => {
      await new Promise((done) => server.close(done));
      await rm(home, { recursive: true, force: true });
    });
    const error = await startCluster({
      name: 'taken',
      port,
      version: VERSION,
      home,
      javaHome,
      reporter: silentReporter,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ELASTIQ_LOCAL_PORT_IN_USE' });
    expect(existsSync(join(home, 'clusters', 'taken', 'cluster.json'))).toBe(false);
    expect(existsSync(join(home, 'clusters', 'taken'))).toBe(false);
    expect((error as Error).message).toContain(`Port ${port} on 127.0.0.1 is in use`);
    expect((error as Error).message).toMatch(/--port \d+/);
  });

  it('says which local cluster is configured on that port', async () => {
    const { home, javaHome } = await fakeHome();
    const { server, port } = await occupy();
    cleanup.push(async () => {
      await new Promise((done) => server.close(done));
      await rm(home, { recursive: true, force: true });
    });
    const dir = join(home, 'clusters', 'first');
    await mkdir(dir, { recursive: true });
    const node = { index: 0, name: 'first-0', httpPort: port, transportPort: port + 100 };
    await writeFile(
      join(dir, 'cluster.json'),
      JSON.stringify({ name: 'first', engine: 'elasticsearch', port, dir, nodes: [node] }),
    );
    const error = await startCluster({
      name: 'second',
      port,
      version: VERSION,
      home,
      javaHome,
      reporter: silentReporter,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ELASTIQ_LOCAL_PORT_IN_USE' });
    expect((error as Error).message).toContain(
      `Port ${port} on 127.0.0.1 is in use: node first-0 of the local cluster 'first' is configured on it`,
    );
    expect(existsSync(join(home, 'clusters', 'second'))).toBe(false);
  });
});
