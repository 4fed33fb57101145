import type { NodeRoles } from '../connection/types.js';
import { DeserializationError } from '../errors.js';

/** A node found by sniffing. */
export interface SniffedNode {
  readonly id: string;
  readonly name: string | undefined;
  readonly url: URL;
  readonly roles: NodeRoles;
}

/**
 * Reads the nodes of a `GET /_nodes/_all/http` response. Nodes without an HTTP publish address
 * are left out. Throws `DeserializationError` when the body does not have the expected shape.
 *
 * @example
 * parseNodesInfo({ nodes: { a: { http: { publish_address: '127.0.0.1:9200' }, roles: ['data'] } } }, 'http:');
 */
export function parseNodesInfo(body: unknown, protocol: string): SniffedNode[] {
  const nodes = isRecord(body) ? body.nodes : undefined;
  if (!isRecord(nodes)) throw malformed('it has no "nodes" object');
  const found: SniffedNode[] = [];
  for (const id of Object.keys(nodes)) {
    const node = nodes[id];
    if (!isRecord(node)) throw malformed(`node "${id}" is not an object`);
    const http = node.http;
    if (!isRecord(http) || typeof http.publish_address !== 'string') continue;
    found.push({
      id,
      name: typeof node.name === 'string' ? node.name : undefined,
      url: parsePublishAddress(http.publish_address, protocol),
      roles: parseRoles(node.roles),
    });
  }
  return found;
}

/**
 * Turns a publish address (`ip:port`, `host/ip:port`, `[v6]:port`, `host/[v6]:port`) into a URL.
 * When a host name is given it is preferred, so TLS host-name checks keep working.
 */
export function parsePublishAddress(address: string, protocol: string): URL {
  const slash = address.indexOf('/');
  const hostPart = slash > 0 ? address.slice(0, slash) : undefined;
  const addressPart = slash >= 0 ? address.slice(slash + 1) : address;
  const colon = addressPart.lastIndexOf(':');
  const port = colon === -1 ? '' : addressPart.slice(colon + 1);
  if (colon === -1 || !/^\d{1,5}$/.test(port) || Number(port) > 65535) {
    throw malformed(`publish_address "${address}" has no valid port`);
  }
  let host = hostPart ?? addressPart.slice(0, colon);
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  if (host.length === 0) throw malformed(`publish_address "${address}" has no host`);
  try {
    return new URL(`${protocol}//${host}:${port}`);
  } catch (err) {
    throw malformed(`publish_address "${address}" is not a valid address`, err);
  }
}

function parseRoles(roles: unknown): NodeRoles {
  // Older nodes list no roles: treat them as able to do everything.
  if (!Array.isArray(roles)) return { master: true, data: true, ingest: true, ml: true };
  const list = roles.filter((role): role is string => typeof role === 'string');
  return {
    master: list.includes('master'),
    data: list.some((role) => role === 'data' || role.startsWith('data_')),
    ingest: list.includes('ingest'),
    ml: list.includes('ml'),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(detail: string, cause?: unknown): DeserializationError {
  return new DeserializationError(
    `Unexpected nodes info response: ${detail}`,
    '',
    cause === undefined ? {} : { cause },
  );
}
