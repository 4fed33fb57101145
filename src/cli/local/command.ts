import { parseArgs } from 'node:util';
import { LocalError } from '../errors.js';
import {
  clusterStatus,
  DEFAULT_HEAP,
  DEFAULT_PORT,
  DEFAULT_TIMEOUT_MS,
  nodeLog,
  removeCluster,
  type StartOptions,
  startCluster,
  stopClusters,
} from './cluster.js';
import type { EngineName } from './engines.js';
import { parseSettings } from './node-config.js';
import { resolveHome } from './paths.js';
import { createReporter } from './progress.js';
import type { ClusterInfo } from './state.js';
import { shellExports, testEnvironment } from './test-env.js';

/** Where the command writes: injectable so tests read what a user would see. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const LOCAL_USAGE = `Usage: elastiq local <start|stop|status|logs|env|remove> [options]

A local Elasticsearch for development, downloaded from Maven Central and run on 127.0.0.1.

Commands:
  start     download (once), configure and start a cluster; waits until it is healthy
  stop      stop a cluster (every local cluster when --name is not given)
  status    show local clusters, their nodes, PIDs and health
  logs      print the end of a node's log
  env       print the variables the integration tests read, for the running clusters
            (eval "$(elastiq local env)" then run vitest without restarting nodes)
  remove    stop a cluster and delete its data (needs --name)

Options:
  --version <v>      Elasticsearch version: x.y.z, a line such as 8 or 8.19, or latest (default:
                     the newest 9.x that Maven Central serves)
  --nodes <n>        number of nodes (default 1; 3 gives a real cluster for failover tests)
  --secure           security on: TLS on HTTP with a locally made CA, a password for 'elastic'
  --port <p>         first HTTP port (default ${DEFAULT_PORT}); node i uses port+i, transport port+100+i
  --name <name>      cluster name (default from the mode: single, nodes<n>, secure,
                     secure-nodes<n>, opensearch-single)
  --engine <e>       elasticsearch (default) or opensearch
  --heap <size>      heap per node (default ${DEFAULT_HEAP})
  --timeout <s>      seconds the start may take, launching and health wait (default ${DEFAULT_TIMEOUT_MS / 1000})
  --java-home <dir>  the JDK to use (default: ES_JAVA_HOME, else the best JDK found)
  --setting <k=v>    an extra elasticsearch.yml / opensearch.yml setting of every node, such as
                     --setting thread_pool.write.queue_size=1; repeat it for more. Different
                     settings than the existing cluster's recreate it (its data is deleted)
  --fresh            delete the cluster's data first
  --node <i>         node index for logs (default 0)
  --lines <n>        lines for logs (default 50)
  --json             machine-readable output (start, status)
  --quiet            no progress output

Exit codes: 0 success, 1 failure (the error's code is printed), 2 a wrong command line.

Files live in $ELASTIQ_HOME (default: /var/cache/elastiq for root, else ~/.cache/elastiq).
`;

const OPTIONS = {
  version: { type: 'string' },
  nodes: { type: 'string' },
  secure: { type: 'boolean' },
  port: { type: 'string' },
  name: { type: 'string' },
  engine: { type: 'string' },
  heap: { type: 'string' },
  timeout: { type: 'string' },
  'java-home': { type: 'string' },
  setting: { type: 'string', multiple: true },
  fresh: { type: 'boolean' },
  node: { type: 'string' },
  lines: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseLocalArgs>['values'];

export function parseLocalArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new LocalError('ELASTIQ_LOCAL_USAGE', `${(cause as Error).message}\n\n${LOCAL_USAGE}`, {
      cause,
    });
  }
}

function integer(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      `--${flag} must be an integer from ${min} to ${max}, not '${value}'`,
    );
  }
  return n;
}

/** Turns parsed flags into start options, rejecting values that make no sense. */
export function startOptionsFrom(values: Values): StartOptions {
  const engine = values.engine ?? 'elasticsearch';
  if (engine !== 'elasticsearch' && engine !== 'opensearch') {
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      `--engine must be elasticsearch or opensearch, not '${engine}'`,
    );
  }
  if (values.heap !== undefined && !/^\d+[mg]$/.test(values.heap)) {
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      `--heap takes a size such as 512m or 1g, not '${values.heap}'`,
    );
  }
  const nodes = integer(values.nodes, 'nodes', 1, 9);
  const port = integer(values.port, 'port', 1024, 65_000);
  const timeout = integer(values.timeout, 'timeout', 1, 3600);
  const settings = values.setting === undefined ? undefined : parseSettings(values.setting);
  return {
    engine: engine as EngineName,
    ...(values.version !== undefined ? { version: values.version } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
    ...(values.secure ? { secure: true } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.heap !== undefined ? { heap: values.heap } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(values['java-home'] !== undefined ? { javaHome: values['java-home'] } : {}),
    ...(values.fresh ? { fresh: true } : {}),
    ...(settings !== undefined ? { settings } : {}),
  };
}

/** What a user needs to connect: URLs and, for a secure cluster, the credentials and CA. */
export function describeCluster(cluster: ClusterInfo): string {
  const lines = [`${cluster.engine} ${cluster.version} '${cluster.name}'`];
  for (const node of cluster.nodes) lines.push(`  ${node.name}  ${node.url}`);
  if (cluster.secure) {
    lines.push(`  user ${cluster.username}  password ${cluster.password}`);
    lines.push(`  CA certificate ${cluster.ca}`);
  }
  for (const [key, value] of Object.entries(cluster.settings ?? {}))
    lines.push(`  setting ${key}=${value}`);
  lines.push(`  logs ${cluster.nodes[0]?.logsDir ?? ''}`);
  lines.push(`Stop it with: elastiq local stop --name ${cluster.name}`);
  return lines.join('\n');
}

async function start(values: Values, io: Output): Promise<number> {
  const reporter = createReporter(process.stderr, values.quiet ?? false);
  const cluster = await startCluster({ ...startOptionsFrom(values), reporter });
  io.out(values.json ? JSON.stringify(cluster, null, 2) : describeCluster(cluster));
  return 0;
}

async function status(values: Values, io: Output): Promise<number> {
  const all = await clusterStatus(values.name);
  if (values.json) {
    io.out(JSON.stringify(all, null, 2));
    return 0;
  }
  if (all.length === 0) io.out('No local clusters. Start one with: elastiq local start');
  for (const { cluster, nodes, health } of all) {
    io.out(`${cluster.name}: ${cluster.engine} ${cluster.version}, ${health}`);
    for (const node of nodes) {
      io.out(
        `  ${node.name}  ${node.url}  ${node.pid !== undefined ? `pid ${node.pid}` : 'stopped'}`,
      );
    }
  }
  return 0;
}

async function stop(values: Values, io: Output): Promise<number> {
  const stopped = await stopClusters(values.name);
  io.out(stopped.length ? `Stopped ${stopped.join(', ')}` : 'No node was running');
  return 0;
}

async function logs(values: Values, io: Output): Promise<number> {
  const name = values.name ?? 'single';
  const index = integer(values.node, 'node', 0, 8) ?? 0;
  io.out(await nodeLog(name, index, integer(values.lines, 'lines', 1, 100_000) ?? 50));
  return 0;
}

async function env(values: Values, io: Output): Promise<number> {
  const all = await clusterStatus(values.name);
  const running = all.filter((s) => s.nodes.some((n) => n.pid !== undefined)).map((s) => s.cluster);
  if (running.length === 0) {
    io.err('No local cluster is running. Start one with: elastiq local start');
    return 1;
  }
  io.out(shellExports(testEnvironment(running, resolveHome())));
  return 0;
}

async function remove(values: Values, io: Output): Promise<number> {
  if (!values.name)
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      'local remove needs --name (see elastiq local status)',
    );
  await removeCluster(values.name);
  io.out(`Removed cluster '${values.name}' and its data`);
  return 0;
}

/** Runs `elastiq local <subcommand>`; returns the exit code. */
export async function runLocal(argv: readonly string[], io: Output): Promise<number> {
  const { values, positionals } = parseLocalArgs(argv);
  const sub = positionals[0];
  if (sub === undefined && !values.help) {
    // No subcommand is a wrong command line (exit code 2), like an unknown one.
    io.err(LOCAL_USAGE);
    return 2;
  }
  if (values.help || sub === 'help') {
    io.out(LOCAL_USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    throw new LocalError(
      'ELASTIQ_LOCAL_USAGE',
      `Unexpected argument '${positionals[1]}'\n\n${LOCAL_USAGE}`,
    );
  }
  if (sub === 'start') return start(values, io);
  if (sub === 'stop') return stop(values, io);
  if (sub === 'status') return status(values, io);
  if (sub === 'logs') return logs(values, io);
  if (sub === 'remove') return remove(values, io);
  if (sub === 'env') return env(values, io);
  throw new LocalError('ELASTIQ_LOCAL_USAGE', `Unknown command 'local ${sub}'\n\n${LOCAL_USAGE}`);
}
