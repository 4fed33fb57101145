import type { ClusterInfo } from './state.js';

/** What kind of test target a cluster is, by its mode. */
export type TargetKind = 'single' | 'nodes' | 'secure' | 'opensearch' | 'es8';

export function targetKind(cluster: ClusterInfo): TargetKind {
  if (cluster.engine === 'opensearch') return 'opensearch';
  if (cluster.secure) return 'secure';
  if (cluster.nodes.length > 1) return 'nodes';
  // An 8.x node is the compatibility target, never the single node the suite runs on.
  return cluster.version.startsWith('8.') ? 'es8' : 'single';
}

// The names `elastiq local start` and scripts/with-cluster.mjs give each kind: such a cluster is
// the target of its kind before any other (a `helpers-tinyqueue` node is not the suite's node).
const PREFERRED_NAMES: Readonly<Record<TargetKind, readonly string[]>> = {
  single: ['single', 'test-single'],
  nodes: ['nodes3', 'test-nodes3'],
  secure: ['secure', 'test-secure'],
  opensearch: ['opensearch-single', 'test-opensearch'],
  es8: ['test-es8'],
};

function preference(cluster: ClusterInfo): number {
  const rank = PREFERRED_NAMES[targetKind(cluster)].indexOf(cluster.name);
  return rank < 0 ? Number.POSITIVE_INFINITY : rank;
}

/**
 * The variables integration tests read (test/support/cluster.ts, docs/testing.md) for the given
 * clusters. Of each kind, the cluster with that kind's usual name wins (`single`, then
 * `test-single`; `nodes3`, `test-nodes3`; `secure`, `test-secure`; `opensearch-single`,
 * `test-opensearch`; `test-es8`), else the first one given.
 */
export function testEnvironment(
  clusters: readonly ClusterInfo[],
  home: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  const seen = new Set<TargetKind>();
  // A stable sort: clusters without a usual name keep their order.
  const ordered = [...clusters].sort((a, b) => preference(a) - preference(b));
  for (const cluster of ordered) {
    const kind = targetKind(cluster);
    if (seen.has(kind)) continue;
    seen.add(kind);
    const urls = cluster.nodes.map((n) => n.url);
    if (kind === 'single') env.ELASTICSEARCH_URL = urls[0]!;
    if (kind === 'opensearch') env.OPENSEARCH_URL = urls[0]!;
    if (kind === 'es8') env.ELASTICSEARCH_8_URL = urls[0]!;
    if (kind === 'nodes') {
      env.ELASTICSEARCH_CLUSTER_URLS = urls.join(',');
      env.ELASTIQ_LOCAL_CLUSTER = cluster.name;
      env.ELASTIQ_HOME = home;
    }
    if (kind === 'secure') {
      env.ELASTICSEARCH_SECURE_URL = urls[0]!;
      env.ELASTICSEARCH_SECURE_USERNAME = cluster.username ?? 'elastic';
      env.ELASTICSEARCH_SECURE_PASSWORD = cluster.password ?? '';
      env.ELASTICSEARCH_SECURE_CA = cluster.ca ?? '';
    }
  }
  return env;
}

/** `export NAME='value'` lines for a POSIX shell. */
export function shellExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replaceAll("'", "'\\''")}'`)
    .join('\n');
}
