export type { NodePoolOptions, NodeState, ResurrectEvent, ResurrectStrategy } from './node-pool.js';
export { NodePool } from './node-pool.js';
export type { SniffedNode } from './nodes-info.js';
export { parseNodesInfo, parsePublishAddress } from './nodes-info.js';
export type { NodeSelector, SelectorFunction } from './selectors.js';
export { defaultNodeFilter, randomSelector, roundRobinSelector } from './selectors.js';
