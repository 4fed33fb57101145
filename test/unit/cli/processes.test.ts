import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isAlive,
  readPid,
  runLogged,
  runningPid,
  tail,
  terminate,
} from '../../../src/cli/local/processes.js';

async function pidFile(content: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'elastiq-pid-')), 'node.pid');
  await writeFile(file, content);
  return file;
}

describe('PID files', () => {
  it('reads a PID and ignores garbage', async () => {
    expect(readPid(await pidFile('1234\n'))).toBe(1234);
    expect(readPid(await pidFile('not a pid'))).toBeUndefined();
    expect(readPid('/nonexistent/node.pid')).toBeUndefined();
  });

  it('never takes a live process without the server marker for the node, and drops the stale file', async () => {
    const file = await pidFile(String(process.pid));
    expect(await runningPid(file, 'org.elasticsearch.bootstrap.Elasticsearch')).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('recognises a live process whose command line carries the marker', async () => {
    const child = spawn(process.execPath, [
      '-e',
      'setTimeout(() => {}, 30000)',
      'elastiq-marker-test',
    ]);
    try {
      const file = await pidFile(String(child.pid));
      expect(await runningPid(file, 'elastiq-marker-test')).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops a process with SIGTERM, and with SIGKILL when it ignores SIGTERM', async () => {
    const polite = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    expect(await terminate(polite.pid!, 5000)).toBe('stopped');
    const stubborn = spawn(process.execPath, [
      '-e',
      "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready')",
    ]);
    // Signalled before its handler is in place, it would die of SIGTERM: wait until it says so.
    await new Promise((ready) => stubborn.stdout.once('data', ready));
    expect(await terminate(stubborn.pid!, 300)).toBe('killed');
    expect(isAlive(stubborn.pid!)).toBe(false);
  });

  it('counts an exited process that nobody reaped (a zombie) as dead, so stop cannot hang on it', async () => {
    // The shell starts a short sleep, then becomes a long sleep that never waits for it: once the
    // short one exits it stays a zombie, as a node does under a container PID 1 that reaps nothing.
    const parent = spawn('bash', ['-c', 'sleep 0.2 & echo $!; exec sleep 30']);
    try {
      const pid = Number(
        await new Promise<string>((got) =>
          parent.stdout.once('data', (d: Buffer) => got(String(d))),
        ),
      );
      expect(isAlive(pid)).toBe(true);
      await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
      expect(existsSync(`/proc/${pid}`)).toBe(true); // still in the process table: a zombie
      expect(await terminate(pid, 1000)).toBe('stopped');
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('tails the last lines of a log', async () => {
    const file = await pidFile('a\nb\nc\nd\n');
    expect(await tail(file, 2)).toBe('c\nd');
    expect(await tail('/nonexistent.log')).toBe('');
  });

  it('reports the exit code of a tool that exits without reading its input, instead of crashing', async () => {
    const log = join(await mkdtemp(join(tmpdir(), 'elastiq-run-')), 'tool.log');
    // More than a pipe holds: writing it to a process that is gone fails with EPIPE.
    const code = await runLogged({
      command: 'sh',
      args: ['-c', 'echo cannot start >&2; exit 3'],
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      logFile: log,
      user: undefined,
      input: 'x'.repeat(1 << 20),
    });
    expect(code).toBe(3);
    expect(await tail(log)).toBe('cannot start');
  });
});
