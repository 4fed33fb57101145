// The real node the helper integration tests run against, and small index utilities.
import { Client } from '../../../../src/core/client.js';
import type { TransportLike } from '../../../../src/core/transport/types.js';
import { singleNode } from '../../../support/cluster.js';

export const NODE_URL = singleNode.url;

export interface NodeHandle {
  readonly client: Client;
  readonly transport: TransportLike;
  readonly helpers: Client['helpers'];
  close(): Promise<void>;
}

/** A real Client on the node(s), with its helpers. */
export function connect(
  nodes: string | readonly string[] = NODE_URL,
  options: { maxRetries?: number } = {},
): NodeHandle {
  const client = new Client({
    nodes: typeof nodes === 'string' ? [nodes] : [...nodes],
    ...options,
  });
  return {
    client,
    transport: client.transport,
    helpers: client.helpers,
    close: () => client.close(),
  };
}

export async function createIndex(
  transport: TransportLike,
  index: string,
  body: Record<string, unknown> = {},
): Promise<void> {
  await transport.request({ method: 'DELETE', path: `/${index}` }, { ignore: [404] });
  await transport.request({
    method: 'PUT',
    path: `/${index}`,
    body: {
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
      ...body,
    },
  });
}

export async function deleteIndex(transport: TransportLike, index: string): Promise<void> {
  await transport.request({ method: 'DELETE', path: `/${index}` }, { ignore: [404] });
}

export async function countOf(transport: TransportLike, index: string): Promise<number> {
  await transport.request({ method: 'POST', path: `/${index}/_refresh` });
  const body = await transport.request<{ count: number }>({
    method: 'GET',
    path: `/${index}/_count`,
  });
  return body.count;
}

/** Search contexts (scrolls and PITs) the node holds open for this index. */
export async function openContexts(transport: TransportLike, index: string): Promise<number> {
  const body = await transport.request<{
    _all: { total: { search: { open_contexts: number } } };
  }>({ method: 'GET', path: `/${index}/_stats/search` });
  return body._all.total.search.open_contexts;
}

/** Resident set size in MiB. */
export function rssMiB(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}

/**
 * What the process still references, in MiB: the JS heap in use plus ArrayBuffer (Buffer) memory.
 * Read right after a full GC it is exact, unlike RSS, which moves by tens of MiB with the
 * allocator's and V8's page keeping and differs from machine to machine.
 */
export function heldMiB(): number {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / (1024 * 1024);
}
