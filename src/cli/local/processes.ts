import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalError } from '../errors.js';
import type { ServiceUser } from './service-user.js';

export function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * A process that has exited but was not reaped (its parent, often PID 1 of a container without an
 * init, never waits for it) still answers signal 0: it is dead all the same.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name, which is in parentheses and may itself hold ') '.
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return false; // no /proc (macOS), or gone since the signal
  }
}

/**
 * Whether `pid` is alive and is the server (its command line carries `marker`), so a PID file
 * left behind never makes us signal a process that merely reused the number.
 */
export function isServerProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    // No /proc (macOS): trust the PID file.
    return true;
  }
}

/** The running server's PID from its PID file, or undefined (and the stale file removed). */
export async function runningPid(pidFile: string, marker: string): Promise<number | undefined> {
  const pid = readPid(pidFile);
  if (pid === undefined) return undefined;
  if (isServerProcess(pid, marker)) return pid;
  await rm(pidFile, { force: true });
  return undefined;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function terminate(pid: number, graceMs = 30_000): Promise<'stopped' | 'killed'> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  signal('SIGKILL');
  // SIGKILL cannot be ignored; a process still there after this long is stuck in the kernel.
  const killDeadline = Date.now() + KILL_WAIT_MS;
  while (isAlive(pid)) {
    if (Date.now() > killDeadline) {
      throw new LocalError(
        'ELASTIQ_LOCAL_STOP_FAILED',
        `Process ${pid} is still running ${KILL_WAIT_MS / 1000} s after SIGKILL (stuck in uninterruptible I/O?): check it with ps, and stop it by hand once it can be.`,
      );
    }
    await sleep(100);
  }
  return 'killed';
}

const KILL_WAIT_MS = 30_000;

export interface LaunchOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
  readonly user: ServiceUser | undefined;
  readonly input?: string;
  /**
   * Ends the command when aborted (SIGTERM, then SIGKILL after {@link ABORT_GRACE_MS}): the
   * launcher of a node whose start ran out of time. The promise still resolves once it has exited.
   */
  readonly signal?: AbortSignal;
}

const ABORT_GRACE_MS = 10_000;

/**
 * Runs a command (as the service user when given) with its output appended to `logFile`, and
 * resolves with its exit code. Used for the daemonizing launcher and the keystore tool.
 */
export function runLogged(options: LaunchOptions): Promise<number> {
  const fd = openSync(options.logFile, 'a', 0o644);
  return new Promise<number>((resolve) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', fd, fd],
      ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
    });
    if (options.input !== undefined) {
      // A tool that exits without reading (a broken JDK, say) makes the write fail with EPIPE:
      // its exit code and log say why, an unhandled stream error would crash the CLI instead.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    }
    let escalate: NodeJS.Timeout | undefined;
    const abort = () => {
      // The whole tree: Elasticsearch's launcher runs a CLI JVM that runs the server, and
      // neither would end with the launcher alone.
      const tree = child.pid === undefined ? [] : [child.pid, ...descendants(child.pid)];
      signalAll(tree, 'SIGTERM');
      escalate = setTimeout(() => signalAll(tree.filter(isAlive), 'SIGKILL'), ABORT_GRACE_MS);
    };
    const done = (code: number) => {
      clearTimeout(escalate);
      options.signal?.removeEventListener('abort', abort);
      resolve(code);
    };
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', () => done(-1));
    child.on('close', (code) => done(code ?? -1));
  }).finally(() => closeSync(fd));
}

/** The processes `pid` started, and theirs, from `ps` (none when it cannot tell). */
export function descendants(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', stdio: 'pipe' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined || Number.isNaN(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return found;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** The last `lines` lines of a text file, or an empty string when it cannot be read. */
export async function tail(file: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
