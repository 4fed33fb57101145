import type { Connection } from '../connection/types.js';

/** Picks one connection among the living, eligible ones (never called with an empty list). */
export type SelectorFunction = (connections: readonly Connection[]) => Connection;

/** 'round-robin' (default), 'random', or your own function. */
export type NodeSelector = 'round-robin' | 'random' | SelectorFunction;

/** Cycles through the connections in order. */
export function roundRobinSelector(): SelectorFunction {
  let next = 0;
  return (connections) => {
    if (next >= connections.length) next = 0;
    return connections[next++]!;
  };
}

/** Picks a connection uniformly at random. */
export function randomSelector(connections: readonly Connection[]): Connection {
  return connections[Math.floor(Math.random() * connections.length)]!;
}

export function resolveSelector(selector: NodeSelector | undefined): SelectorFunction {
  if (selector === undefined || selector === 'round-robin') return roundRobinSelector();
  if (selector === 'random') return randomSelector;
  return selector;
}

/** The default node filter: a node known to be master-only gets no requests. */
export function defaultNodeFilter(connection: Connection): boolean {
  const roles = connection.roles;
  if (roles === undefined) return true;
  return !(roles.master && !roles.data && !roles.ingest && !roles.ml);
}
