// A loopback HTTP(S) server for tests: records every request and answers through a handler.
// Shared with other test suites: keep its interface small and stable.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StubRequest {
  readonly method: string;
  /** Path with query string. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export type StubHandler = (request: StubRequest, response: ServerResponse) => void | Promise<void>;

export interface Stub {
  readonly url: string;
  readonly port: number;
  readonly requests: StubRequest[];
  /** Sockets currently open to the stub. */
  readonly openSockets: number;
  handle(handler: StubHandler): void;
  close(): Promise<void>;
}

export interface StubOptions {
  /** Serve https: a key and certificate, plus any https server option (ca, requestCert, ...). */
  readonly tls?:
    | (https.ServerOptions & { readonly key: string; readonly cert: string })
    | undefined;
  readonly port?: number | undefined;
}

/** Answers with JSON and the product header, as Elasticsearch does. */
export function sendJson(
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'x-elastic-product': 'Elasticsearch',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Starts a stub on 127.0.0.1 (a random port unless given). Default handler: `{}` with 200. */
export async function startStub(handler?: StubHandler, options: StubOptions = {}): Promise<Stub> {
  let current: StubHandler = handler ?? ((_request, response) => sendJson(response, 200, {}));
  const requests: StubRequest[] = [];
  const sockets = new Set<Socket>();
  const listener = (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = incoming.url ?? '/';
      const parsed = new URL(url, 'http://stub');
      const request: StubRequest = {
        method: incoming.method ?? 'GET',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      // A handler that throws synchronously is caught too.
      new Promise<void>((resolve) => resolve(current(request, response))).catch((err: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { error: String(err) });
        else response.destroy();
      });
    });
  };
  const server =
    options.tls === undefined
      ? http.createServer(listener)
      : https.createServer(options.tls, listener);
  server.keepAliveTimeout = 60_000;
  server.on(options.tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    requests,
    get openSockets() {
      return sockets.size;
    },
    handle(next) {
      current = next;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestCertificates {
  readonly caCert: string;
  readonly key: string;
  readonly cert: string;
  /** SHA-256 fingerprint of the CA certificate, as openssl prints it (AA:BB:...). */
  readonly caFingerprint: string;
}

let certificates: TestCertificates | undefined;

/** A throw-away CA and a server certificate for 127.0.0.1/localhost, made with openssl once per process. */
export function testCertificates(): TestCertificates {
  if (certificates !== undefined) return certificates;
  const dir = mkdtempSync(join(tmpdir(), 'elastiq-certs-'));
  const file = (name: string) => join(dir, name);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=elastiq test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
  );
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    file('node.key'),
    '-out',
    file('node.csr'),
  );
  writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(
    'x509',
    '-req',
    '-in',
    file('node.csr'),
    '-CA',
    file('ca.crt'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('ext.cnf'),
    '-out',
    file('node.crt'),
  );
  const fingerprint = run(
    'x509',
    '-in',
    file('ca.crt'),
    '-noout',
    '-fingerprint',
    '-sha256',
  ).toString();
  const caCert = readFileSync(file('ca.crt'), 'utf8');
  certificates = {
    caCert,
    key: readFileSync(file('node.key'), 'utf8'),
    // The chain (leaf + CA) lets a client pin the CA without trusting it.
    cert: readFileSync(file('node.crt'), 'utf8') + caCert,
    caFingerprint: fingerprint.split('=')[1]!.trim(),
  };
  return certificates;
}
