import type { Engine } from './engines.js';

/** What one node's configuration file is made from. */
export interface NodeSettings {
  readonly engine: Engine;
  readonly clusterName: string;
  readonly nodeName: string;
  readonly httpPort: number;
  readonly transportPort: number;
  readonly dataDir: string;
  readonly logsDir: string;
  /** Every node of the cluster, for discovery; one entry means `discovery.type: single-node`. */
  readonly peers: readonly { readonly name: string; readonly transportPort: number }[];
  readonly secure: boolean;
}

type SettingValue = string | number | boolean | readonly string[];

/** One YAML line; values are JSON-quoted, which YAML reads as the same strings. */
function line(key: string, value: SettingValue): string {
  return `${key}: ${typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value)}`;
}

function discoverySettings(s: NodeSettings): [string, SettingValue][] {
  if (s.peers.length === 1) return [['discovery.type', 'single-node']];
  return [
    ['discovery.seed_hosts', s.peers.map((p) => `127.0.0.1:${p.transportPort}`)],
    ['cluster.initial_master_nodes', s.peers.map((p) => p.name)],
  ];
}

/** TLS on HTTP and transport with the locally made certificate (the paths are under config/). */
function securitySettings(s: NodeSettings): [string, SettingValue][] {
  const prefix = s.engine.name === 'opensearch' ? 'plugins.security' : 'xpack.security';
  if (!s.secure) return s.engine.name === 'opensearch' ? [] : [[`${prefix}.enabled`, false]];
  const tls = (layer: 'http' | 'transport'): [string, SettingValue][] => [
    [`${prefix}.${layer}.ssl.enabled`, true],
    [`${prefix}.${layer}.ssl.key`, 'certs/node.key'],
    [`${prefix}.${layer}.ssl.certificate`, 'certs/node.crt'],
    [`${prefix}.${layer}.ssl.certificate_authorities`, ['certs/ca.crt']],
  ];
  return [
    [`${prefix}.enabled`, true],
    ...tls('http'),
    ...tls('transport'),
    [`${prefix}.transport.ssl.verification_mode`, 'certificate'],
  ];
}

/**
 * The node's configuration file: loopback only, its own ports and folders, no disk watermarks
 * (development disks are often nearly full) and wildcard deletes allowed for test clean-up. Only
 * settings of the server itself: a setting of a module the distribution lacks stops start-up.
 */
export function renderNodeConfig(s: NodeSettings): string {
  const settings: [string, SettingValue][] = [
    ['cluster.name', s.clusterName],
    ['node.name', s.nodeName],
    ['network.host', '127.0.0.1'],
    ['http.port', s.httpPort],
    ['transport.port', s.transportPort],
    ['path.data', s.dataDir],
    ['path.logs', s.logsDir],
    ...discoverySettings(s),
    ...securitySettings(s),
    ['cluster.routing.allocation.disk.threshold_enabled', false],
    ['action.destructive_requires_name', false],
  ];
  return `# Written by elastiq local; edits are lost when the cluster is recreated.\n${settings
    .map(([k, v]) => line(k, v))
    .join('\n')}\n`;
}

/** A fixed heap: without one the JVM takes a quarter of the machine's memory per node. */
export function renderHeapOptions(heap: string, extra: readonly string[] = []): string {
  return ['# Written by elastiq local', `-Xms${heap}`, `-Xmx${heap}`, ...extra, ''].join('\n');
}
