import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, lstat, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LocalError } from '../errors.js';

/** The account a node runs as when `elastiq` itself runs as root (the servers refuse root). */
export interface ServiceUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export const DEFAULT_SERVICE_USER = 'elastiq';

/** How accounts are looked up and made: the system's `id` and `useradd`, or a test's fake. */
export interface AccountTools {
  /** The user's uid and primary gid, or undefined when there is no such user. */
  ids(name: string): { uid: number; gid: number } | undefined;
  /** Creates `name` as a system account with no login shell (throws with useradd's message). */
  createSystemUser(name: string, home: string): void;
}

function idOf(name: string, flag: '-u' | '-g'): number | undefined {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
  } catch {
    return undefined;
  }
}

export const systemAccounts: AccountTools = {
  ids(name) {
    const uid = idOf(name, '-u');
    const gid = idOf(name, '-g');
    return uid === undefined || gid === undefined ? undefined : { uid, gid };
  },
  createSystemUser(name, home) {
    const shell = existsSync('/usr/sbin/nologin') ? '/usr/sbin/nologin' : '/bin/false';
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--home-dir', home, '--shell', shell, name],
      { stdio: 'pipe' },
    );
  },
};

/**
 * The unprivileged user (`ELASTIQ_USER`, default `elastiq`). Only the default dedicated user is
 * created (a system account with no login shell) when missing: a name given in `ELASTIQ_USER` must
 * exist, so a typo fails instead of adding an account. Only called when running as root.
 */
export function ensureServiceUser(
  home: string,
  name = process.env.ELASTIQ_USER || DEFAULT_SERVICE_USER,
  accounts: AccountTools = systemAccounts,
): ServiceUser {
  if (accounts.ids(name) === undefined) {
    if (name !== DEFAULT_SERVICE_USER) {
      throw new LocalError(
        'ELASTIQ_LOCAL_USER_FAILED',
        `Running as root: ELASTIQ_USER names '${name}', which does not exist. Set it to an ` +
          `existing unprivileged user, or unset it to let elastiq create its own user '${DEFAULT_SERVICE_USER}'.`,
      );
    }
    try {
      accounts.createSystemUser(name, home);
    } catch (cause) {
      throw new LocalError(
        'ELASTIQ_LOCAL_USER_FAILED',
        `Running as root: could not create the user '${name}' that runs the node (useradd: ` +
          `${(cause as Error).message.trim()}). Create it, or set ELASTIQ_USER to an existing one.`,
        { cause },
      );
    }
  }
  const ids = accounts.ids(name);
  if (ids === undefined || ids.uid === 0) {
    throw new LocalError('ELASTIQ_LOCAL_USER_FAILED', `User '${name}' is missing or is root`);
  }
  return { name, uid: ids.uid, gid: ids.gid, home };
}

/** Gives `dir` and everything in it to the service user. */
export async function chownTree(dir: string, user: ServiceUser): Promise<void> {
  await chown(dir, user.uid, user.gid);
  const info = await lstat(dir);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(dir)) await chownTree(join(dir, entry), user);
}

/**
 * Fails early, with the fix, when a folder on the way to `dir` is closed to other users (a home
 * folder of mode 700, say): the node's user could not read its own files.
 */
export async function assertTraversable(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) {
      throw new LocalError(
        'ELASTIQ_LOCAL_USER_FAILED',
        `${current} is closed to other users, so the node's unprivileged user cannot reach ${dir}. ` +
          'Set ELASTIQ_HOME to a folder outside it (the default for root is /var/cache/elastiq).',
      );
    }
    if (dirname(current) === current) return;
  }
}
