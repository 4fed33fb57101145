import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { HttpConnection } from '../../../src/core/connection/http-connection.js';
import { ConnectionError, ErrorCodes } from '../../../src/core/errors.js';
import {
  type Stub,
  sendJson,
  startStub,
  type TestCertificates,
  testCertificates,
} from '../../support/stub-server.js';

let certs: TestCertificates;
let stub: Stub | undefined;
const clients: Client[] = [];
const servers: (http.Server | net.Server | tls.Server)[] = [];

beforeAll(() => {
  certs = testCertificates();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
  for (const server of servers.splice(0)) {
    server.close();
    (server as http.Server).closeAllConnections?.();
  }
});

function client(options: ConstructorParameters<typeof Client>[0]): Client {
  const c = new Client({ maxRetries: 0, ...options });
  clients.push(c);
  return c;
}

const WRONG_FINGERPRINT = 'AA'.repeat(32);

describe.each([
  ['undici', undefined],
  ['http', HttpConnection],
] as const)('TLS (%s connection)', (_name, Connection) => {
  const extra = Connection === undefined ? {} : { Connection };

  it('verifies certificates by default and trusts a given CA', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { secure: true }), { tls: certs });
    const untrusting = client({ node: stub.url, ...extra });
    const error = await untrusting.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    const trusting = client({ node: stub.url, tls: { ca: certs.caCert }, ...extra });
    await expect(trusting.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      secure: true,
    });
  });

  it('presents a client certificate (tls.cert and tls.key) to a server that requires one', async () => {
    const tls = { ...certs, ca: certs.caCert, requestCert: true, rejectUnauthorized: true };
    stub = await startStub((req, res) => sendJson(res, 200, { mutual: true, path: req.path }), {
      tls,
    });
    const withCert = client({
      node: stub.url,
      tls: { ca: certs.caCert, cert: certs.cert, key: certs.key },
      ...extra,
    });
    await expect(withCert.transport.request({ method: 'GET', path: '/m' })).resolves.toEqual({
      mutual: true,
      path: '/m',
    });
    const without = client({ node: stub.url, tls: { ca: certs.caCert }, ...extra });
    await expect(without.transport.request({ method: 'GET', path: '/m' })).rejects.toThrow(
      ConnectionError,
    );
    expect(stub.requests).toHaveLength(1);
  });

  it('accepts a server whose chain holds the pinned CA fingerprint', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { pinned: true }), { tls: certs });
    const c = client({
      node: stub.url,
      caFingerprint: certs.caFingerprint.replace(/:/g, '').toLowerCase(),
      ...extra,
    });
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      pinned: true,
    });
  });

  it('sends not one byte of the request (credentials included) before the pin is checked', async () => {
    let received = 0;
    const server = tls.createServer({ key: certs.key, cert: certs.cert }, (socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      socket.on('error', () => undefined);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const c = client({
      node: url,
      caFingerprint: WRONG_FINGERPRINT,
      auth: { username: 'u', password: 'secret' },
      ...extra,
    });
    for (let i = 0; i < 20; i++) {
      await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toThrow(
        ConnectionError,
      );
    }
    expect(received).toBe(0);
  });

  it('fails closed on a wrong fingerprint: no request reaches the server', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, {}), { tls: certs });
    const c = client({
      node: stub.url,
      caFingerprint: WRONG_FINGERPRINT,
      auth: { username: 'u', password: 'secret' },
      ...extra,
    });
    const error = (await c.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(
      error.code === ErrorCodes.tlsFingerprint ||
        (error.cause as { code?: string })?.code === ErrorCodes.tlsFingerprint,
    ).toBe(true);
    expect(stub.requests).toHaveLength(0);
  });
});

// A minimal forward proxy: absolute-form requests for http targets, CONNECT tunnels for the rest.
async function startProxy(): Promise<{
  url: string;
  seen: { method: string; url: string; auth: string | undefined }[];
}> {
  const seen: { method: string; url: string; auth: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers['proxy-authorization'] });
    const target = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode!, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  server.on('connect', (req, socket) => {
    seen.push({ method: 'CONNECT', url: req.url!, auth: req.headers['proxy-authorization'] });
    const [host, port] = req.url!.split(':');
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('HTTP proxy', () => {
  it('sends http requests through the proxy with proxy credentials (http connection)', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { via: 'proxy' }));
    const proxy = await startProxy();
    const c = client({
      node: stub.url,
      Connection: HttpConnection,
      proxy: proxy.url.replace('http://', 'http://pu:pp@'),
    });
    await expect(c.transport.request({ method: 'GET', path: '/_search?q=1' })).resolves.toEqual({
      via: 'proxy',
    });
    expect(proxy.seen[0]).toEqual({
      method: 'GET',
      url: `${stub.url}/_search?q=1`,
      auth: `Basic ${Buffer.from('pu:pp').toString('base64')}`,
    });
    expect(stub.requests[0]!.headers['proxy-authorization']).toBeUndefined();
  });

  it('tunnels https requests through CONNECT (http connection) and keeps TLS verification', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { tunnel: true }), { tls: certs });
    const proxy = await startProxy();
    const c = client({
      node: stub.url,
      Connection: HttpConnection,
      proxy: proxy.url,
      tls: { ca: certs.caCert },
    });
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      tunnel: true,
    });
    expect(proxy.seen[0]).toMatchObject({ method: 'CONNECT', url: `127.0.0.1:${stub.port}` });
  });

  it('pins the fingerprint through a CONNECT tunnel and fails closed on a wrong one (http connection)', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { pinnedTunnel: true }), {
      tls: certs,
    });
    const proxy = await startProxy();
    const good = client({
      node: stub.url,
      Connection: HttpConnection,
      proxy: proxy.url,
      caFingerprint: certs.caFingerprint,
    });
    await expect(good.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      pinnedTunnel: true,
    });
    const bad = client({
      node: stub.url,
      Connection: HttpConnection,
      proxy: proxy.url,
      caFingerprint: WRONG_FINGERPRINT,
    });
    await expect(bad.transport.request({ method: 'GET', path: '/' })).rejects.toThrow(
      ConnectionError,
    );
    expect(stub.requests).toHaveLength(1);
  });

  it('names an IPv6 node as [address]:port in the CONNECT request (http connection)', async () => {
    const proxy = await startProxy();
    const c = client({
      node: 'https://[::1]:9',
      Connection: HttpConnection,
      proxy: proxy.url,
      maxRetries: 0,
    });
    await expect(c.transport.request({ method: 'GET', path: '/' })).rejects.toThrow();
    expect(proxy.seen[0]).toMatchObject({ method: 'CONNECT', url: '[::1]:9' });
  });

  it('goes through the proxy with the undici connection too', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { undici: true }));
    const proxy = await startProxy();
    const c = client({ node: stub.url, proxy: proxy.url });
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      undici: true,
    });
    expect(proxy.seen).toHaveLength(1);
  });
});
