import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCluster } from '../../../src/cli/local/cluster.js';
import type { Reporter } from '../../../src/cli/local/progress.js';

const VERSION = '9.9.9';

beforeAll(() => {
  vi.stubEnv('ELASTIQ_USER', 'nobody');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

async function occupy(): Promise<{ server: Server; port: number }> {
  for (;;) {
    const port = 24_000 + Math.floor(Math.random() * 800);
    const server = createServer();
    const ok = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => done(true));
    });
    if (ok) return { server, port };
  }
}

describe('local start on a taken port', () => {
  it('fails before it says it is starting (no "waiting up to" line first)', async () => {
    const home = await mkdtemp(join(tmpdir(), 'elastiq-port-order-'));
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
    const { server, port } = await occupy();
    const lines: string[] = [];
    const reporter: Reporter = {
      info: (m) => lines.push(m),
      progress: () => {},
      progressDone: () => {},
    };
    try {
      await expect(
        startCluster({ name: 'order', port, version: VERSION, home, javaHome, reporter }),
      ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_PORT_IN_USE' });
      expect(lines.filter((l) => l.startsWith('Starting') || l.includes('waiting up to'))).toEqual(
        [],
      );
    } finally {
      await new Promise((done) => server.close(done));
      await rm(home, { recursive: true, force: true });
    }
  });
});
