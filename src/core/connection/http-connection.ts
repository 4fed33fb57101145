import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { inspect } from 'node:util';
import { ConnectionError, ErrorCodes, RequestAbortedError, TimeoutError } from '../errors.js';
import { onAbort } from './abort-signal.js';
import { BodyCollector } from './body-collector.js';
import { normalizeFingerprint, verifyPinnedChain } from './tls-pinning.js';
import type {
  Connection,
  ConnectionOptions,
  ConnectionRequest,
  ConnectionResponse,
  ConnectionResponseHeaders,
  NodeRoles,
} from './types.js';
import { bodyStreamError, streamedBody, toConnectionError } from './undici-connection.js';

/**
 * A connection on Node's `http`/`https` modules, for setups that need an HTTP proxy
 * (`proxy: 'http://user:pass@proxy:3128'`; https nodes are reached through a CONNECT tunnel).
 *
 * @example
 * const connection = new HttpConnection({
 *   url: new URL('http://127.0.0.1:9200'),
 *   proxy: 'http://127.0.0.1:3128',
 * });
 * await connection.close();
 */
export class HttpConnection implements Connection {
  readonly url: URL;
  readonly id: string;
  readonly roles: NodeRoles | undefined;
  readonly options: ConnectionOptions;
  readonly #agent: http.Agent;
  readonly #proxy: URL | undefined;
  readonly #proxyAuth: string | undefined;
  #inFlight = 0;
  #closing: Promise<void> | undefined;
  #onIdle: (() => void) | undefined;

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.url = options.url;
    this.id = options.id ?? options.url.href;
    this.roles = options.roles;
    this.#proxy = options.proxy === undefined ? undefined : new URL(String(options.proxy));
    this.#proxyAuth = this.#proxy === undefined ? undefined : proxyAuthorization(this.#proxy);
    this.#agent = createAgent(options, this.#proxy, this.#proxyAuth);
  }

  request(request: ConnectionRequest): Promise<ConnectionResponse> {
    if (this.#closing !== undefined) {
      return Promise.reject(
        new ConnectionError('The connection is closed', { code: ErrorCodes.closed }),
      );
    }
    this.#inFlight++;
    return new Promise<ConnectionResponse>((resolve, reject) => {
      const exchange = new Exchange(request, this.url, resolve, reject);
      if (exchange.settled) return;
      try {
        exchange.start(this.#requestOptions(request));
      } catch (err) {
        // node:http throws at once on a bad header or path: end the exchange's timer and listener.
        exchange.fail(toConnectionError(err as Error));
      }
    }).finally(() => {
      if (--this.#inFlight === 0) this.#onIdle?.();
    });
  }

  #requestOptions(request: ConnectionRequest): http.RequestOptions {
    const headers: Record<string, string> = { ...this.options.headers, ...request.headers };
    const viaPlainProxy = this.#proxy !== undefined && this.url.protocol === 'http:';
    const prefix = this.url.pathname.length > 1 ? this.url.pathname.replace(/\/$/, '') : '';
    const path = prefix + request.path;
    if (viaPlainProxy && this.#proxyAuth !== undefined)
      headers['proxy-authorization'] = this.#proxyAuth;
    return {
      protocol: viaPlainProxy ? this.#proxy!.protocol : this.url.protocol,
      hostname: unbracket(viaPlainProxy ? this.#proxy!.hostname : this.url.hostname),
      port: viaPlainProxy ? this.#proxy!.port : this.url.port,
      // Through a plain proxy the request line carries the absolute URL.
      path: viaPlainProxy ? `${this.url.origin}${path}` : path,
      method: request.method,
      headers,
      agent: this.#agent,
    };
  }

  /** Refuses new requests, lets those in flight end (as undici's Pool does), then ends every socket. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#onIdle = () => {
        this.#agent.destroy();
        resolve();
      };
      if (this.#inFlight === 0) this.#onIdle();
    });
    return this.#closing;
  }

  toJSON(): Record<string, unknown> {
    return { id: this.id, url: this.url.href };
  }

  // `options` holds node headers (maybe an Authorization): never print them.
  [inspect.custom](): string {
    return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
  }
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  proxy.username = '';
  proxy.password = '';
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function createAgent(
  options: ConnectionOptions,
  proxy: URL | undefined,
  proxyAuth: string | undefined,
): http.Agent {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.connections ?? 256,
    keepAliveMsecs: 1000,
  };
  if (options.url.protocol === 'http:') return new http.Agent(agentOptions);
  const tls = options.tls ?? {};
  const pinned =
    options.caFingerprint === undefined ? undefined : normalizeFingerprint(options.caFingerprint);
  const tlsOptions: https.AgentOptions = {
    ...agentOptions,
    rejectUnauthorized:
      pinned !== undefined && tls.ca === undefined ? false : (tls.rejectUnauthorized ?? true),
  };
  if (tls.ca !== undefined) tlsOptions.ca = tls.ca as string[];
  if (tls.cert !== undefined) tlsOptions.cert = tls.cert;
  if (tls.key !== undefined) tlsOptions.key = tls.key;
  if (tls.passphrase !== undefined) tlsOptions.passphrase = tls.passphrase;
  if (tls.servername !== undefined) tlsOptions.servername = tls.servername;
  return new PinningAgent(tlsOptions, pinned, proxy, proxyAuth);
}

type SocketCallback = (err: Error | null, socket: Duplex) => void;

// An https agent that can tunnel through a CONNECT proxy and check a pinned fingerprint.
class PinningAgent extends https.Agent {
  constructor(
    private readonly tlsOptions: https.AgentOptions,
    private readonly pinned: string | undefined,
    private readonly proxy: URL | undefined,
    private readonly proxyAuth: string | undefined,
  ) {
    super(tlsOptions);
  }

  override createConnection(
    options: Record<string, any>,
    callback: SocketCallback,
  ): Duplex | undefined {
    if (this.proxy === undefined && this.pinned === undefined) {
      return super.createConnection(options as never, callback as never) ?? undefined;
    }
    const host = String(options.host ?? options.hostname);
    const secure = (socket?: Duplex) =>
      tlsConnect({
        ...this.tlsOptions,
        ...options,
        ...(socket === undefined ? {} : { socket }),
        // SNI takes host names only.
        servername: options.servername || (isIP(host) === 0 ? host : undefined),
      });
    if (this.proxy === undefined) this.handOver(secure(), host, callback);
    else
      this.tunnel(
        options,
        host,
        (socket) => this.handOver(secure(socket), host, callback),
        callback,
      );
    return undefined;
  }

  // The agent gets the socket only once the pin holds: no request byte can leave before.
  private handOver(socket: TLSSocket, host: string, callback: SocketCallback): void {
    if (this.pinned === undefined) {
      callback(null, socket);
      return;
    }
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      if (err !== null) socket.destroy();
      callback(err, socket);
    };
    socket.on('error', (err) => finish(err));
    socket.once('secureConnect', () =>
      finish(verifyPinnedChain(socket, this.pinned!, host) ?? null),
    );
  }

  private tunnel(
    options: Record<string, any>,
    host: string,
    onTunnel: (socket: Duplex) => void,
    callback: SocketCallback,
  ): void {
    const proxy = this.proxy!;
    // An IPv6 address must be bracketed in an authority, or its colons read as the port's.
    const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${options.port}`;
    const headers: Record<string, string> = { host: authority };
    if (this.proxyAuth !== undefined) headers['proxy-authorization'] = this.proxyAuth;
    const connectRequest = (proxy.protocol === 'https:' ? https : http).request({
      hostname: unbracket(proxy.hostname),
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers,
    });
    connectRequest.once('connect', (response: IncomingMessage, socket) => {
      if (response.statusCode === 200) {
        onTunnel(socket);
        return;
      }
      socket.destroy();
      callback(
        new ConnectionError(`The proxy refused the tunnel (status ${response.statusCode})`),
        socket,
      );
    });
    connectRequest.on('error', (err) => callback(err, undefined as never));
    connectRequest.end();
  }
}

type Resolve = (response: ConnectionResponse) => void;
type Reject = (error: Error) => void;

// One request/response exchange over node:http, with the same limits and errors as undici's.
class Exchange {
  settled = false;
  #request: ClientRequest | undefined;
  #timer: NodeJS.Timeout | undefined;
  #offAbort: (() => void) | undefined;

  constructor(
    private readonly init: ConnectionRequest,
    private readonly url: URL,
    private readonly resolve: Resolve,
    private readonly reject: Reject,
  ) {
    const signal = init.signal;
    if (signal?.aborted) {
      this.fail(new RequestAbortedError('The request was aborted', { cause: signal.reason }));
      return;
    }
    if (signal !== undefined) {
      this.#offAbort = onAbort(signal, () =>
        this.fail(new RequestAbortedError('The request was aborted', { cause: signal.reason })),
      );
    }
    if (init.timeout > 0) {
      this.#timer = setTimeout(
        () => this.fail(new TimeoutError(`Request timed out after ${init.timeout} ms`)),
        init.timeout,
      );
    }
  }

  start(options: http.RequestOptions): void {
    const module = options.protocol === 'https:' ? https : http;
    const request = module.request(options);
    this.#request = request;
    request.once('response', (response) => this.onResponse(response));
    // 'on', not 'once': a socket can fail twice (a TLS 1.3 alert after the request was written).
    request.on('error', (err) => this.fail(toConnectionError(err, this.url)));
    const body = this.init.body;
    if (body === null) request.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) request.end(body);
    else this.pipeBody(streamedBody(body)!, request);
  }

  // A streamed body may be any async iterable (as undici accepts); a broken one ends the request
  // at once (pipe() does not forward the error, and an unheard 'error' would crash the process).
  private pipeBody(source: Readable, request: ClientRequest): void {
    source.once('error', (err) => this.fail(bodyStreamError(err)));
    source.pipe(request);
  }

  private onResponse(response: IncomingMessage): void {
    const headers = response.headers as ConnectionResponseHeaders;
    const collector = new BodyCollector(
      headers,
      this.init.maxResponseSize,
      this.init.maxCompressedResponseSize,
      this.init.maxCompressionRatio,
    );
    const tooLarge = collector.checkDeclaredLength(this.init.method);
    if (tooLarge !== undefined) {
      this.fail(tooLarge);
      return;
    }
    response.on('data', (chunk: Buffer) => {
      const error = collector.push(chunk);
      if (error !== undefined) this.fail(error);
    });
    response.on('error', (err) => this.fail(toConnectionError(err)));
    response.once('aborted', () =>
      this.fail(new ConnectionError('The response was cut off before its end')),
    );
    response.once('end', () => {
      if (!response.complete)
        return this.fail(new ConnectionError('The response was cut off before its end'));
      if (this.settled) return;
      this.cleanup();
      Promise.resolve()
        .then(() => collector.finish())
        .then(
          (body) => this.resolve({ statusCode: response.statusCode ?? 0, headers, body }),
          this.reject,
        );
    });
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.cleanup();
    this.reject(err);
    this.#request?.destroy(err);
  }

  private cleanup(): void {
    this.settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#offAbort?.();
  }
}
