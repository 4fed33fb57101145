import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { acquireLock } from '../../../scripts/with-cluster.mjs';

type Acquire = (file: string, log: (m: string) => void, retryMs?: number) => Promise<() => void>;
const lock = acquireLock as Acquire;

const SCRIPT = pathToFileURL(resolve(import.meta.dirname, '../../../scripts/with-cluster.mjs'));

// A contender: takes the lock ROUNDS times, notes entering and leaving it in a shared journal,
// and checks the lock file names it while it holds it.
const CONTENDER = `
import { appendFileSync, readFileSync } from 'node:fs';
const { acquireLock } = await import(process.env.SCRIPT);
const [file, journal] = process.argv.slice(2);
for (let i = 0; i < 40; i++) {
  const release = await acquireLock(file, () => {}, 1);
  appendFileSync(journal, 'enter ' + process.pid + '\\n');
  const seen = readFileSync(file, 'utf8');
  if (seen !== String(process.pid)) appendFileSync(journal, 'wrong ' + seen + '\\n');
  const until = Date.now() + 2;
  while (Date.now() < until);
  appendFileSync(journal, 'leave ' + process.pid + '\\n');
  release();
}
`;

function runContender(dir: string, file: string, journal: string): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(dir, 'contender.mjs'), file, journal], {
      env: { ...process.env, SCRIPT: SCRIPT.href },
      stdio: 'inherit',
    });
    child.on('exit', (code) => done(code));
  });
}

describe('scripts/with-cluster.mjs lock', () => {
  it('never lets two runs hold the lock at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elastiq-lock-'));
    writeFileSync(join(dir, 'contender.mjs'), CONTENDER);
    const file = join(dir, 'home', 'with-cluster.lock');
    const journal = join(dir, 'journal');
    const codes = await Promise.all([1, 2, 3, 4].map(() => runContender(dir, file, journal)));
    expect(codes).toEqual([0, 0, 0, 0]);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4 * 40 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, leave] = [lines[i]!, lines[i + 1]!];
      expect(enter).toMatch(/^enter \d+$/);
      expect(leave).toBe(enter.replace('enter', 'leave'));
    }
    expect(existsSync(file)).toBe(false);
  }, 60_000);

  it('takes over the lock of a run that died, and an empty one left by a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elastiq-lock-'));
    const file = join(dir, 'with-cluster.lock');
    writeFileSync(file, '2147483646');
    const release = await lock(file, () => {}, 1);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, '');
    (await lock(file, () => {}, 1))();
    expect(existsSync(file)).toBe(false);
  });

  it('waits while a live run holds the lock and takes it once released', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elastiq-lock-'));
    const file = join(dir, 'with-cluster.lock');
    const logs: string[] = [];
    const first = await lock(file, (m) => logs.push(m), 5);
    let second: (() => void) | undefined;
    const waiting = lock(file, (m) => logs.push(m), 5).then((r) => {
      second = r;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(second).toBeUndefined();
    first();
    await waiting;
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    second!();
    expect(existsSync(file)).toBe(false);
  });
});
