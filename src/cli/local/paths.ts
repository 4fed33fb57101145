import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where `elastiq local` keeps downloads, unpacked distributions and cluster state. */
export interface LocalPaths {
  readonly home: string;
  readonly downloads: string;
  readonly distributions: string;
  readonly clusters: string;
  readonly versionCache: string;
}

/** What decides the home folder; injectable so the rule can be tested without being root. */
export interface HomeContext {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly isRoot: boolean;
  readonly userHome: string;
}

export function currentHomeContext(): HomeContext {
  return {
    env: process.env,
    platform: process.platform,
    isRoot: process.getuid?.() === 0,
    userHome: homedir(),
  };
}

/**
 * The folder `elastiq local` works in: `ELASTIQ_HOME` if set; `/var/cache/elastiq` for root
 * (root's home is mode 700, so the unprivileged user that runs the node could not read it);
 * otherwise the user's cache folder.
 */
export function resolveHome(context: HomeContext = currentHomeContext()): string {
  const explicit = context.env.ELASTIQ_HOME;
  if (explicit) return explicit;
  if (context.isRoot) return '/var/cache/elastiq';
  if (context.platform === 'darwin') return join(context.userHome, 'Library', 'Caches', 'elastiq');
  const xdg = context.env.XDG_CACHE_HOME;
  return join(xdg || join(context.userHome, '.cache'), 'elastiq');
}

export function localPaths(home: string = resolveHome()): LocalPaths {
  return {
    home,
    downloads: join(home, 'downloads'),
    distributions: join(home, 'distributions'),
    clusters: join(home, 'clusters'),
    versionCache: join(home, 'versions.json'),
  };
}
