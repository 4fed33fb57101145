/**
 * Where the integration tests find their clusters. `scripts/with-cluster.mjs` (run by `npm test`)
 * starts them and exports the variables below; each can also point at a cluster of your own.
 *
 * | variable | meaning |
 * |---|---|
 * | `ELASTICSEARCH_URL` | the single node every integration test uses (default http://127.0.0.1:9200) |
 * | `ELASTICSEARCH_CLUSTER_URLS` | comma-separated URLs of the nodes of a 3-node cluster |
 * | `ELASTIQ_LOCAL_CLUSTER` | name of that cluster under `elastiq local`, so tests can stop/start its nodes |
 * | `ELASTIQ_HOME` | the `elastiq local` folder that holds that cluster |
 * | `ELASTICSEARCH_SECURE_URL` | an https URL of a node with security on |
 * | `ELASTICSEARCH_SECURE_USERNAME` / `_PASSWORD` | its superuser (`elastic`) and password |
 * | `ELASTICSEARCH_SECURE_CA` | path of the PEM CA certificate that signed that node's certificate |
 * | `OPENSEARCH_URL` | an OpenSearch 2.19 node with all its modules (painless, reindex, analysis-common, ...) |
 * | `ELASTICSEARCH_8_URL` | an Elasticsearch 8.x node (8.19.21 on Java 17), for compatibility with the previous major |
 *
 * A test that needs a mode which is not there must be skipped with the reason exported here,
 * never pass vacuously:
 *
 * @example
 * ```ts
 * import { describe } from 'vitest';
 * import { threeNodes, threeNodesMissing } from '../support/cluster.js';
 *
 * describe.skipIf(threeNodesMissing)(`sniffing ${threeNodesMissing ?? ''}`, () => {
 *   // threeNodes!.urls ...
 * });
 * ```
 */
import { readFileSync } from 'node:fs';
import { startNode, stopNode } from '../../src/cli/local/index.js';

/** How to reach a cluster: its node URLs and, for a secure one, credentials and CA. */
export interface ClusterTarget {
  /** The first node's URL. */
  readonly url: string;
  readonly urls: readonly string[];
  readonly username?: string;
  readonly password?: string;
  /** Path of the PEM CA certificate, and its text. */
  readonly caFile?: string;
  readonly ca?: string;
}

const env = process.env;

function splitUrls(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((u) => u.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

const singleUrl = (env.ELASTICSEARCH_URL || 'http://127.0.0.1:9200').replace(/\/+$/, '');

/** The single node (security off) that integration tests use by default. */
export const singleNode: ClusterTarget = { url: singleUrl, urls: [singleUrl] };

const clusterUrls = splitUrls(env.ELASTICSEARCH_CLUSTER_URLS);

/** The 3-node cluster, or undefined when `ELASTICSEARCH_CLUSTER_URLS` is not set. */
export const threeNodes: ClusterTarget | undefined =
  clusterUrls.length > 0 ? { url: clusterUrls[0]!, urls: clusterUrls } : undefined;

/** Why 3-node tests cannot run here, or undefined when they can. */
export const threeNodesMissing: string | undefined = threeNodes
  ? undefined
  : '(skipped: needs ELASTICSEARCH_CLUSTER_URLS, a 3-node cluster; npm test starts one)';

const localCluster = env.ELASTIQ_LOCAL_CLUSTER;

/** Why tests that stop and restart nodes cannot run here, or undefined when they can. */
export const nodeControlMissing: string | undefined =
  threeNodes && localCluster
    ? undefined
    : '(skipped: needs ELASTIQ_LOCAL_CLUSTER, a 3-node cluster run by elastiq local; npm test starts one)';

function localClusterName(): string {
  if (!localCluster) throw new Error(`Cannot stop or start nodes ${nodeControlMissing}`);
  return localCluster;
}

/**
 * Stops node `index` (0-2) of the 3-node cluster; its JVM is gone when this resolves. The other
 * nodes keep running. Call {@link startClusterNode} afterwards (in `finally` or `afterAll`).
 */
export async function stopClusterNode(index: number): Promise<void> {
  await stopNode(localClusterName(), index, env.ELASTIQ_HOME);
}

/** Starts node `index` again and resolves once the cluster has all its nodes back. */
export async function startClusterNode(index: number): Promise<void> {
  await startNode(localClusterName(), index, {
    ...(env.ELASTIQ_HOME ? { home: env.ELASTIQ_HOME } : {}),
  });
}

function secureTarget(): ClusterTarget | undefined {
  const url = env.ELASTICSEARCH_SECURE_URL?.replace(/\/+$/, '');
  const password = env.ELASTICSEARCH_SECURE_PASSWORD;
  if (!url || !password) return undefined;
  const caFile = env.ELASTICSEARCH_SECURE_CA;
  return {
    url,
    urls: [url],
    username: env.ELASTICSEARCH_SECURE_USERNAME || 'elastic',
    password,
    ...(caFile ? { caFile, ca: readFileSync(caFile, 'utf8') } : {}),
  };
}

/** The node with security on (TLS on HTTP, basic auth), or undefined when not configured. */
export const secureNode: ClusterTarget | undefined = secureTarget();

/** Why secure-node tests cannot run here, or undefined when they can. */
export const secureNodeMissing: string | undefined = secureNode
  ? undefined
  : '(skipped: needs ELASTICSEARCH_SECURE_URL and ELASTICSEARCH_SECURE_PASSWORD; npm test starts a secure node)';

const openSearchUrl = env.OPENSEARCH_URL?.replace(/\/+$/, '');

/**
 * The second engine: an OpenSearch node that has the modules the Elasticsearch integ-test-zip
 * lacks (scripts, reindex, update/delete-by-query, analysis-common, pipeline aggregations). It
 * sends no `x-elastic-product` header: a client talks to it in its `opensearch` compatibility mode.
 */
export const openSearchNode: ClusterTarget | undefined = openSearchUrl
  ? { url: openSearchUrl, urls: [openSearchUrl] }
  : undefined;

/** Why OpenSearch tests cannot run here, or undefined when they can. */
export const openSearchMissing: string | undefined = openSearchNode
  ? undefined
  : '(skipped: needs OPENSEARCH_URL; npm test starts an OpenSearch node)';

const es8Url = env.ELASTICSEARCH_8_URL?.replace(/\/+$/, '');

/**
 * The previous major: an Elasticsearch 8.x node (security off). It refuses the
 * `compatible-with=9` media types the client starts with, so the client must fall back to 8.
 */
export const es8Node: ClusterTarget | undefined = es8Url
  ? { url: es8Url, urls: [es8Url] }
  : undefined;

/** Why Elasticsearch 8.x tests cannot run here, or undefined when they can. */
export const es8NodeMissing: string | undefined = es8Node
  ? undefined
  : '(skipped: needs ELASTICSEARCH_8_URL, an Elasticsearch 8.x node; npm test starts one)';

/** The `Authorization` header for a target's credentials, if it has any. */
export function basicAuthHeader(target: ClusterTarget): Record<string, string> {
  if (target.username === undefined || target.password === undefined) return {};
  const token = Buffer.from(`${target.username}:${target.password}`).toString('base64');
  return { authorization: `Basic ${token}` };
}
