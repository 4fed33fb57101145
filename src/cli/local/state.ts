import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineName } from './engines.js';

/** One node of a local cluster, as recorded in the cluster's state file. */
export interface NodeInfo {
  readonly index: number;
  readonly name: string;
  readonly url: string;
  readonly httpPort: number;
  readonly transportPort: number;
  readonly dir: string;
  readonly configDir: string;
  readonly pidFile: string;
  readonly logsDir: string;
  /** The server's own log (`<cluster.name>.log`). */
  readonly serverLog: string;
  /** Output of the launcher that daemonizes the server: start-up errors land here. */
  readonly launcherLog: string;
}

/** A local cluster: what was asked for, where it lives, how to reach it. */
export interface ClusterInfo {
  readonly name: string;
  readonly clusterName: string;
  readonly engine: EngineName;
  readonly version: string;
  readonly secure: boolean;
  readonly heap: string;
  /** Extra JVM flags, one per line of the node's jvm.options.d file. */
  readonly jvmOptions?: readonly string[];
  /** Extra settings of each node's elasticsearch.yml / opensearch.yml (`--setting key=value`). */
  readonly settings?: Readonly<Record<string, string>>;
  readonly port: number;
  readonly dir: string;
  readonly distribution: string;
  readonly javaHome: string;
  readonly nodes: readonly NodeInfo[];
  /** Set for a `--secure` cluster: the superuser, its password and the CA that signed the nodes. */
  readonly username?: string;
  readonly password?: string;
  readonly ca?: string;
}

export const STATE_FILE = 'cluster.json';

export async function readState(clusterDir: string): Promise<ClusterInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(clusterDir, STATE_FILE), 'utf8')) as ClusterInfo;
  } catch {
    return undefined;
  }
}

/** Written readable by its owner only: it holds the `elastic` password of a secure cluster. */
export async function writeState(info: ClusterInfo): Promise<void> {
  await writeFile(join(info.dir, STATE_FILE), `${JSON.stringify(info, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** Every cluster recorded under `clustersDir`, by name. */
export async function listStates(clustersDir: string): Promise<ClusterInfo[]> {
  const names = await readdir(clustersDir).catch(() => [] as string[]);
  const states = await Promise.all(names.sort().map((n) => readState(join(clustersDir, n))));
  return states.filter((s): s is ClusterInfo => s !== undefined);
}
