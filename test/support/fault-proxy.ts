// A fault-injecting HTTP proxy for tests: forwards to an upstream (a stub or a real node) and,
// when told to, answers in ways a healthy node never does. Shared with other test suites.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export type Fault =
  /** Sends the headers and half the body, then resets the socket. */
  | { readonly kind: 'reset-mid-body' }
  /** A gzip body cut short (content-length matches what is sent). */
  | { readonly kind: 'truncated-gzip' }
  /** An error status with a JSON body, as an overloaded node or a load balancer sends. */
  | { readonly kind: 'status'; readonly status: 502 | 503 | 504 | 429 }
  /** A proxy's HTML 502 page. */
  | { readonly kind: 'html-502' }
  /** Waits before sending anything. */
  | { readonly kind: 'slow-headers'; readonly delayMs: number }
  /** Sends the upstream body one byte every `intervalMs`. */
  | { readonly kind: 'slow-body'; readonly intervalMs: number }
  /** A JSON body of `bytes` bytes, streamed without content-length. */
  | { readonly kind: 'oversized'; readonly bytes: number }
  /** A 200 JSON response whose body is not valid JSON. */
  | { readonly kind: 'malformed-json' }
  /** A 200 response whose body is the given bytes, labelled with the given content type. */
  | {
      readonly kind: 'raw';
      readonly body: Buffer;
      readonly contentType: string;
      readonly encoding?: string;
    };

export interface FaultProxy {
  readonly url: string;
  /** Requests seen, with the fault applied to each (undefined when forwarded untouched). */
  readonly log: {
    readonly method: string;
    readonly url: string;
    readonly fault: Fault['kind'] | undefined;
  }[];
  /** Applies `fault` to the next `times` requests (default 1). */
  inject(fault: Fault, times?: number): void;
  /** Forgets pending faults. */
  clear(): void;
  close(): Promise<void>;
}

const PRODUCT = { 'x-elastic-product': 'Elasticsearch' };

/** Starts a proxy on 127.0.0.1 in front of `upstream` (for example a stub's URL). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const queue: Fault[] = [];
  const log: FaultProxy['log'] = [];
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((req, res) => {
    const fault = queue.shift();
    log.push({ method: req.method ?? 'GET', url: req.url ?? '/', fault: fault?.kind });
    if (fault === undefined) return forward(req, res, undefined);
    switch (fault.kind) {
      case 'status':
        return json(res, fault.status, {
          error: { type: 'fault', reason: `injected ${fault.status}` },
          status: fault.status,
        });
      case 'html-502':
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end(
          '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>',
        );
      case 'malformed-json':
        return json(res, 200, '{"took":1,"hits":{"total":');
      case 'truncated-gzip': {
        const full = gzipSync(JSON.stringify({ hits: 'z'.repeat(4096) }));
        const cut = full.subarray(0, Math.floor(full.length / 2));
        res.writeHead(200, {
          ...PRODUCT,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'content-length': cut.length,
        });
        return res.end(cut);
      }
      case 'raw': {
        const headers: Record<string, string | number> = {
          ...PRODUCT,
          'content-type': fault.contentType,
          'content-length': fault.body.length,
        };
        if (fault.encoding !== undefined) headers['content-encoding'] = fault.encoding;
        res.writeHead(200, headers);
        return res.end(fault.body);
      }
      case 'oversized':
        return streamOversized(res, fault.bytes);
      case 'slow-headers':
        setTimeout(() => forward(req, res, undefined), fault.delayMs);
        return;
      case 'reset-mid-body':
      case 'slow-body':
        return forward(req, res, fault);
    }
  });

  function forward(req: IncomingMessage, res: ServerResponse, fault: Fault | undefined): void {
    const upstreamRequest = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: target.host },
        agent,
      },
      (upstreamResponse) => {
        const chunks: Buffer[] = [];
        upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamResponse.on('end', () =>
          deliver(res, upstreamResponse, Buffer.concat(chunks), fault),
        );
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    req.pipe(upstreamRequest);
  }

  function deliver(
    res: ServerResponse,
    upstream: IncomingMessage,
    body: Buffer,
    fault: Fault | undefined,
  ): void {
    const headers = { ...upstream.headers };
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
    res.writeHead(upstream.statusCode ?? 502, headers);
    if (fault?.kind === 'reset-mid-body') {
      res.write(
        body.subarray(0, Math.max(1, Math.floor(body.length / 2))),
        () => res.socket?.resetAndDestroy?.() ?? res.destroy(),
      );
      return;
    }
    if (fault?.kind === 'slow-body') {
      let offset = 0;
      const timer = setInterval(() => {
        if (res.destroyed || offset >= body.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(offset, offset + 1));
        offset++;
      }, fault.intervalMs);
      return;
    }
    res.end(body);
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) queue.push(fault);
    },
    clear() {
      queue.length = 0;
    },
    close() {
      agent.destroy();
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...PRODUCT,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function streamOversized(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { ...PRODUCT, 'content-type': 'application/json' });
  res.write('"');
  const chunk = 'o'.repeat(64 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < bytes && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"');
  };
  res.on('error', () => undefined);
  pump();
}
