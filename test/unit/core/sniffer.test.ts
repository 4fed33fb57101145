import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import type { SniffDiagnostic } from '../../../src/core/diagnostics.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

const stubs: Stub[] = [];
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

function nodesInfo(entries: { port: number; roles: string[] }[]) {
  return {
    nodes: Object.fromEntries(
      entries.map(({ port, roles }, i) => [
        `node-${i}`,
        { name: `n${i}`, roles, http: { publish_address: `127.0.0.1:${port}` } },
      ]),
    ),
  };
}

// Three stubs: each answers its own port on '/', and the nodes-info listing all three.
async function cluster(roles: string[][] = [['master', 'data'], ['data'], ['data']]) {
  const nodes = await Promise.all(roles.map(() => startStub()));
  stubs.push(...nodes);
  const info = nodesInfo(nodes.map((s, i) => ({ port: s.port, roles: roles[i]! })));
  for (const node of nodes) {
    node.handle((req, res) => {
      if (req.path === '/_nodes/_all/http') setTimeout(() => sendJson(res, 200, info), 20);
      else sendJson(res, 200, { port: node.port });
    });
  }
  return nodes;
}

function client(options: ConstructorParameters<typeof Client>[0]): Client {
  const c = new Client(options);
  clients.push(c);
  return c;
}

const ports = (c: Client) =>
  c.transport.pool.connections.map((connection) => Number(connection.url.port)).sort();

describe('sniffing', () => {
  it('finds every node on start, and sniffed nodes inherit the seed headers', async () => {
    const nodes = await cluster();
    const sniffs: SniffDiagnostic[] = [];
    const c = client({
      node: { url: nodes[0]!.url, headers: { 'x-seed': 'yes' } },
      sniffOnStart: true,
    });
    c.on('sniff', (event) => sniffs.push(event));
    await c.transport.sniffer!.sniff('manual');
    expect(ports(c)).toEqual(nodes.map((n) => n.port).sort());
    const answers = new Set<unknown>();
    for (let i = 0; i < 6; i++)
      answers.add(
        ((await c.transport.request({ method: 'GET', path: '/' })) as { port: number }).port,
      );
    expect(answers.size).toBe(3);
    for (const node of nodes) {
      const plain = node.requests.filter((r) => r.path === '/');
      expect(plain.every((r) => r.headers['x-seed'] === 'yes')).toBe(true);
    }
    // The manual sniff joined the one started by sniffOnStart.
    expect(sniffs.at(-1)).toMatchObject({ reason: 'start', error: undefined });
    expect(sniffs.at(-1)!.nodes).toHaveLength(3);
  });

  it('runs one sniff at a time', async () => {
    const nodes = await cluster();
    const c = client({ node: nodes[0]!.url, sniffOnConnectionFault: true });
    await Promise.all([
      c.transport.sniffer!.sniff('manual'),
      c.transport.sniffer!.sniff('manual'),
      c.transport.sniffer!.sniff('manual'),
    ]);
    const sniffRequests = nodes
      .flatMap((n) => n.requests)
      .filter((r) => r.path === '/_nodes/_all/http');
    expect(sniffRequests).toHaveLength(1);
  });

  it('drops master-only nodes from request routing by default', async () => {
    const nodes = await cluster([['master'], ['data', 'master'], ['data']]);
    const c = client({ node: nodes[1]!.url, sniffOnStart: true });
    await c.transport.sniffer!.sniff('manual');
    for (let i = 0; i < 6; i++) await c.transport.request({ method: 'GET', path: '/' });
    expect(nodes[0]!.requests.filter((r) => r.path === '/')).toHaveLength(0);
    expect(nodes[1]!.requests.filter((r) => r.path === '/').length).toBeGreaterThan(0);
    expect(nodes[2]!.requests.filter((r) => r.path === '/').length).toBeGreaterThan(0);
  });

  it('sniffs on connection fault and keeps serving requests', async () => {
    const nodes = await cluster();
    const sniffs: SniffDiagnostic[] = [];
    const gone = await startStub();
    const goneUrl = gone.url;
    await gone.close();
    const c = client({ nodes: [goneUrl, nodes[0]!.url], sniffOnConnectionFault: true });
    c.on('sniff', (event) => sniffs.push(event));
    const results = await Promise.all(
      Array.from({ length: 4 }, () => c.transport.request({ method: 'GET', path: '/' })),
    );
    expect(results).toHaveLength(4);
    await expect
      .poll(() => sniffs.map((s) => s.reason), { timeout: 10_000 })
      .toContain('connection-fault');
    expect(ports(c)).toEqual(nodes.map((n) => n.port).sort());
  });

  it('keeps the pool and in-flight requests intact when a sniff fails', async () => {
    const node = await startStub((req, res) => {
      if (req.path === '/_nodes/_all/http') sendJson(res, 200, '<html>not json</html>');
      else setTimeout(() => sendJson(res, 200, { ok: true }), 30);
    });
    stubs.push(node);
    const c = client({ node: node.url, sniffOnConnectionFault: true });
    const inFlight = c.transport.request({ method: 'GET', path: '/' });
    await expect(c.transport.sniffer!.sniff('manual')).rejects.toThrow();
    await expect(inFlight).resolves.toEqual({ ok: true });
    expect(ports(c)).toEqual([node.port]);
  });

  for (const [label, Connection] of [
    ['undici', undefined],
    ['http', HttpConnection],
  ] as const) {
    it(`lets a request in flight to a node the sniff dropped finish (${label} connection)`, async () => {
      const seed = await startStub((_req, res) => {
        setTimeout(() => sendJson(res, 200, { from: 'seed' }), 150);
      });
      const other = await startStub((_req, res) => sendJson(res, 200, { from: 'other' }));
      stubs.push(seed, other);
      const c = client({ node: seed.url, Connection, maxRetries: 0 });
      const inFlight = c.transport.request({ method: 'GET', path: '/slow' });
      await expect.poll(() => seed.requests.length, { timeout: 10_000 }).toBe(1);
      // What a sniff does when the cluster no longer lists the seed.
      c.transport.pool.update([{ url: new URL(other.url) }]);
      await expect(inFlight).resolves.toEqual({ from: 'seed' });
      expect(ports(c)).toEqual([other.port]);
    });
  }

  it('sniffs on an interval', async () => {
    const nodes = await cluster();
    const c = client({ node: nodes[0]!.url, sniffInterval: 50 });
    await expect.poll(() => ports(c), { timeout: 5000 }).toEqual(nodes.map((n) => n.port).sort());
    const sniffRequests = nodes
      .flatMap((n) => n.requests)
      .filter((r) => r.path === '/_nodes/_all/http');
    expect(sniffRequests.length).toBeGreaterThanOrEqual(1);
  });
});
