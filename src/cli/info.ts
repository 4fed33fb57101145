import { parseArgs } from 'node:util';
import { Client } from '../core/client.js';
import { ElastiqError } from '../core/errors.js';
import { CONNECTION_OPTIONS, clusterConnection } from './connection.js';
import { CliUsageError } from './errors.js';
import type { Output } from './local/command.js';

export const INFO_USAGE = `Usage: elastiq info [options]

Prints the cluster's name, version, health and nodes: a first check that the URL, credentials
and CA are right. It asks _cluster/health, _nodes/http and _cluster/state/master_node, which
every Elasticsearch (and OpenSearch) node answers.

Options:
  --url <url>            the cluster (default: ELASTICSEARCH_URL, else http://127.0.0.1:9200)
  --ca <file>            PEM CA certificate that signed an https cluster's (default: ELASTICSEARCH_CA)
  --api-key <key>        an API key; visible to ps and shell history: prefer ELASTICSEARCH_API_KEY
  --compatibility <elasticsearch|opensearch>
                         the server's product (default elasticsearch)
  --json                 machine-readable output
  --quiet                no Cluster line on stderr

Environment:
  ELASTICSEARCH_URL                             the cluster, unless --url is given
  ELASTICSEARCH_USERNAME, ELASTICSEARCH_PASSWORD basic authentication
  ELASTICSEARCH_API_KEY                         an API key (base64 id:key)
  ELASTICSEARCH_CA                              path of a PEM CA certificate, unless --ca is given

Exit codes: 0 the cluster answered, 1 it did not (the error's code is printed), 2 a wrong
command line.
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One node as `elastiq info` shows it. */
export interface InfoNode {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly roles: readonly string[];
  /** host:port of its HTTP interface, when it has one. */
  readonly http: string | undefined;
  readonly master: boolean;
}

/** What `elastiq info --json` prints. */
export interface ClusterInfoReport {
  readonly cluster_name: string;
  /** The nodes' version, or their versions joined with ', ' in a mixed cluster. */
  readonly version: string;
  readonly status: string;
  readonly number_of_nodes: number;
  readonly active_shards: number;
  readonly unassigned_shards: number;
  readonly nodes: readonly InfoNode[];
}

function usageError(message: string): CliUsageError {
  return new CliUsageError(message);
}

function parseInfoArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new CliUsageError(`${(cause as Error).message}\n\n${INFO_USAGE}`, { cause });
  }
}

/** Asks the cluster about itself. */
export async function clusterReport(client: Client): Promise<ClusterInfoReport> {
  const [health, nodes, state] = await Promise.all([
    client.cluster.health(),
    client.nodes.info({ node_id: '_all', metric: 'http' }),
    client.cluster.state({ metric: 'master_node' }) as Promise<{ master_node?: string }>,
  ]);
  const list = Object.entries(nodes.nodes)
    .map(([id, node]) => ({
      id,
      name: node.name,
      version: node.version,
      roles: [...(node.roles ?? [])],
      http: node.http?.publish_address,
      master: id === state.master_node,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const versions = [...new Set(list.map((n) => n.version))].sort();
  return {
    cluster_name: health.cluster_name,
    version: versions.join(', '),
    status: health.status,
    number_of_nodes: health.number_of_nodes,
    active_shards: health.active_shards,
    unassigned_shards: health.unassigned_shards,
    nodes: list,
  };
}

/** The report as text: the cluster line, then one line per node (`*` marks the elected master). */
export function formatReport(report: ClusterInfoReport): string {
  const mixed = report.version.includes(',') ? ' (mixed versions)' : '';
  const lines = [
    `${report.cluster_name}: version ${report.version}${mixed}, health ${report.status}, ` +
      `${report.number_of_nodes} node${report.number_of_nodes === 1 ? '' : 's'}, ` +
      `${report.active_shards} active shard${report.active_shards === 1 ? '' : 's'}` +
      (report.unassigned_shards > 0 ? `, ${report.unassigned_shards} unassigned` : ''),
  ];
  for (const node of report.nodes) {
    const roles = node.roles.length > 0 ? node.roles.join(',') : 'coordinating only';
    lines.push(
      `${node.master ? '*' : ' '} ${node.name}  ${node.http ?? '(no HTTP)'}  ${node.version}  ${roles}`,
    );
  }
  return lines.join('\n');
}

/**
 * Runs `elastiq info` and returns the exit code: 0 the cluster answered, 1 it did not (the
 * error's message and code are printed), 2 a wrong command line.
 *
 * @example
 * ```ts
 * const io = { out: (text: string) => console.log(text), err: (text: string) => console.error(text) };
 * process.exitCode = await runInfo(['--url', 'http://127.0.0.1:9200', '--json'], io);
 * ```
 */
export async function runInfo(
  argv: readonly string[],
  io: Output,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const { values, positionals } = parseInfoArgs(argv);
    if (values.help || positionals[0] === 'help') {
      io.out(INFO_USAGE);
      return 0;
    }
    if (positionals.length > 0) {
      throw new CliUsageError(`Unexpected argument '${positionals[0]}'\n\n${INFO_USAGE}`);
    }
    for (const [flag, value] of Object.entries(values)) {
      if (value === '') throw new CliUsageError(`--${flag} needs a value`);
    }
    const connection = clusterConnection(values, env, usageError);
    for (const warning of connection.warnings) io.err(warning);
    if (values.quiet !== true) io.err(connection.description);
    const client = new Client(connection.options);
    try {
      const report = await clusterReport(client);
      io.out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
      return 0;
    } finally {
      await client.close();
    }
  } catch (error) {
    if (!(error instanceof ElastiqError)) throw error;
    const hint =
      error.code === 'ELASTIQ_PRODUCT_NOT_SUPPORTED'
        ? ' For OpenSearch: --compatibility opensearch.'
        : '';
    io.err(`elastiq info: ${error.message}${hint} [${error.code}]`);
    return error instanceof CliUsageError ? 2 : 1;
  }
}
