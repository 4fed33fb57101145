import { LocalError } from '../errors.js';
import type { Engine } from './engines.js';

/** Extra `elasticsearch.yml` / `opensearch.yml` settings, from `--setting key=value`. */
export type ExtraSettings = Readonly<Record<string, string>>;

/**
 * Settings that place the node (names, ports, folders, discovery): elastiq writes them from its
 * own options and state, so `--setting` may not change them.
 */
export const MANAGED_SETTINGS: ReadonlyMap<string, string> = new Map([
  ['cluster.name', '--name'],
  ['node.name', '--name'],
  ['network.host', 'nothing: nodes listen on 127.0.0.1 only'],
  ['http.port', '--port'],
  ['transport.port', '--port'],
  ['path.data', '$ELASTIQ_HOME'],
  ['path.logs', '$ELASTIQ_HOME'],
  ['discovery.type', '--nodes'],
  ['discovery.seed_hosts', '--nodes'],
  ['cluster.initial_master_nodes', '--nodes'],
]);

const SETTING_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

/**
 * Reads `--setting key=value` arguments: a dotted key, `=`, a non-empty value (which may hold
 * further `=`). A key given twice keeps its last value.
 *
 * @example
 * parseSettings(['thread_pool.write.queue_size=1']); // { 'thread_pool.write.queue_size': '1' }
 */
export function parseSettings(args: readonly string[]): ExtraSettings {
  const settings: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    const key = at < 0 ? '' : arg.slice(0, at).trim();
    const value = at < 0 ? '' : arg.slice(at + 1).trim();
    if (!SETTING_KEY.test(key) || value === '') {
      throw new LocalError(
        'ELASTIQ_LOCAL_USAGE',
        `--setting takes key=value, such as thread_pool.write.queue_size=1, not '${arg}'`,
      );
    }
    const managed = MANAGED_SETTINGS.get(key);
    if (managed !== undefined) {
      throw new LocalError(
        'ELASTIQ_LOCAL_USAGE',
        `--setting cannot change ${key}: elastiq local sets it (use ${managed})`,
      );
    }
    settings[key] = value;
  }
  return settings;
}

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
  /** From `--setting`: added, or replacing a default of the same key. */
  readonly extra?: ExtraSettings;
}

export type SettingValue = string | number | boolean | readonly string[];

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
  return `# Written by elastiq local; edits are lost when the cluster is recreated.\n${settingLines(
    withExtra(settings, s.extra),
  )}`;
}

/** The YAML lines of `settings`, one per setting, each ending in a newline. */
export function settingLines(settings: readonly [string, SettingValue][]): string {
  return settings.map(([k, v]) => `${line(k, v)}\n`).join('');
}

/** The defaults with `extra` applied: a key of both takes the extra value (YAML keys are unique). */
export function withExtra(
  defaults: readonly [string, SettingValue][],
  extra: ExtraSettings = {},
): [string, SettingValue][] {
  const kept = defaults.filter(([key]) => !Object.hasOwn(extra, key));
  return [...kept, ...Object.entries(extra)];
}

/** A fixed heap: without one the JVM takes a quarter of the machine's memory per node. */
export function renderHeapOptions(heap: string, extra: readonly string[] = []): string {
  return ['# Written by elastiq local', `-Xms${heap}`, `-Xmx${heap}`, ...extra, ''].join('\n');
}
