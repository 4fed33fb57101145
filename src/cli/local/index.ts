// What scripts/with-cluster.mjs and test/support/cluster.ts use of `elastiq local`.
export {
  type ClusterStatus,
  clusterStatus,
  DEFAULT_HEAP,
  DEFAULT_PORT,
  defaultClusterName,
  endpointOf,
  type StartOptions,
  startCluster,
  startNode,
  stopClusters,
  stopNode,
  stopNodes,
} from './cluster.js';
export { parseLocalArgs, startOptionsFrom } from './command.js';
export { type Endpoint, getJson } from './health.js';
export { discoverJavaHomes, type JavaHome } from './java.js';
export { localPaths, resolveHome } from './paths.js';
export { createReporter, type Reporter } from './progress.js';
export type { ClusterInfo, NodeInfo } from './state.js';
export { shellExports, targetKind, testEnvironment } from './test-env.js';
