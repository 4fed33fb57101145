import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { inspect } from 'node:util';
import { buildConnector, type Dispatcher, Pool, ProxyAgent, util } from 'undici';
import {
  ConfigurationError,
  ConnectionError,
  ErrorCodes,
  RequestAbortedError,
  SerializationError,
  TimeoutError,
} from '../errors.js';
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

const DEFAULT_CONNECTIONS = 256;
const DEFAULT_KEEP_ALIVE_TIMEOUT = 60_000;

/**
 * The default connection: an undici `Pool` of keep-alive sockets to one node, driven through
 * `dispatch` with a lean handler (no stream objects on the hot path).
 *
 * @example
 * const connection = new UndiciConnection({ url: new URL('http://127.0.0.1:9200') });
 * await connection.close();
 */
export class UndiciConnection implements Connection {
  readonly url: URL;
  readonly id: string;
  readonly roles: NodeRoles | undefined;
  readonly options: ConnectionOptions;
  readonly #dispatcher: Dispatcher;
  readonly #origin: string;
  readonly #nodeHeaders: Readonly<Record<string, string>> | undefined;
  // A node behind a path (http://proxy/es/) gets that path before every request path.
  readonly #prefix: string;

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.url = options.url;
    this.id = options.id ?? options.url.href;
    this.roles = options.roles;
    this.#origin = options.url.origin;
    this.#prefix = options.url.pathname.length > 1 ? options.url.pathname.replace(/\/$/, '') : '';
    const nodeHeaders =
      options.headers !== undefined && Object.keys(options.headers).length > 0
        ? options.headers
        : undefined;
    // ProxyAgent writes into the headers object, and the transport's shared ones are frozen: copy.
    this.#nodeHeaders = nodeHeaders ?? (options.proxy === undefined ? undefined : {});
    this.#dispatcher = createDispatcher(options);
  }

  request(request: ConnectionRequest): Promise<ConnectionResponse> {
    return new Promise((resolve, reject) => {
      const handler = new ResponseHandler(request, this.url, resolve, reject);
      if (handler.settled) return;
      const body = streamedBody(request.body);
      if (body !== undefined) body.once('error', (err) => handler.fail(bodyStreamError(err)));
      const headers =
        this.#nodeHeaders === undefined
          ? request.headers
          : { ...this.#nodeHeaders, ...request.headers };
      this.#dispatcher.dispatch(
        {
          origin: this.#origin,
          path: this.#prefix.length === 0 ? request.path : this.#prefix + request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers,
          body: body ?? (request.body as string | Uint8Array | null),
        },
        handler,
      );
    });
  }

  close(): Promise<void> {
    return this.#dispatcher.close();
  }

  toJSON(): Record<string, unknown> {
    return { id: this.id, url: this.url.href };
  }

  // `options` holds node headers (maybe an Authorization): never print them.
  [inspect.custom](): string {
    return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
  }
}

function createDispatcher(options: ConnectionOptions): Dispatcher {
  // undici's ProxyAgent makes the tunnel's TLS socket itself: a pin could not be checked there.
  if (options.proxy !== undefined && options.caFingerprint !== undefined) {
    throw new ConfigurationError(
      '`caFingerprint` with `proxy` needs `Connection: HttpConnection` (the default connection cannot pin through a proxy)',
      { option: 'caFingerprint' },
    );
  }
  const common = {
    connections: options.connections ?? DEFAULT_CONNECTIONS,
    keepAliveTimeout: options.keepAliveTimeout ?? DEFAULT_KEEP_ALIVE_TIMEOUT,
    pipelining: 1,
    // The transport owns timeouts; undici's own would fire with its own error types.
    headersTimeout: 0,
    bodyTimeout: 0,
  };
  const connect = createConnector(options);
  if (options.proxy !== undefined) {
    return new ProxyAgent({
      ...common,
      uri: String(options.proxy),
      requestTls: tlsConnectOptions(options),
    });
  }
  return new Pool(options.url.origin, { ...common, connect });
}

function tlsConnectOptions(options: ConnectionOptions): Record<string, unknown> {
  const tls = options.tls ?? {};
  const pinOnly = options.caFingerprint !== undefined && tls.ca === undefined;
  const connect: Record<string, unknown> = {
    // A pinned fingerprint replaces chain verification when no CA is given (checked after connect).
    rejectUnauthorized: pinOnly ? false : (tls.rejectUnauthorized ?? true),
  };
  if (tls.ca !== undefined) connect.ca = tls.ca;
  if (tls.cert !== undefined) connect.cert = tls.cert;
  if (tls.key !== undefined) connect.key = tls.key;
  if (tls.passphrase !== undefined) connect.passphrase = tls.passphrase;
  if (tls.servername !== undefined) connect.servername = tls.servername;
  return connect;
}

function createConnector(
  options: ConnectionOptions,
): buildConnector.connector | Record<string, unknown> {
  const tls = tlsConnectOptions(options);
  if (options.caFingerprint === undefined) return tls;
  const pinned = normalizeFingerprint(options.caFingerprint);
  const base = buildConnector(tls as buildConnector.BuildOptions);
  return (connectOptions, callback) => {
    base(connectOptions, (err, socket) => {
      if (err !== null) return callback(err, null);
      const pinError = verifyPinnedChain(socket as TLSSocket, pinned, connectOptions.hostname);
      if (pinError === undefined) return callback(null, socket);
      socket.destroy();
      return callback(pinError, null);
    });
  };
}

type Resolve = (response: ConnectionResponse) => void;
type Reject = (error: Error) => void;

// One in-flight request: the legacy dispatch handler API, which undici calls without adapters.
class ResponseHandler implements Dispatcher.DispatchHandler {
  settled = false;
  #abort: ((err?: Error) => void) | undefined;
  #pending: Error | undefined;
  #statusCode = 0;
  #headers: ConnectionResponseHeaders | undefined;
  #collector: BodyCollector | undefined;
  #timer: NodeJS.Timeout | undefined;
  #offAbort: (() => void) | undefined;

  constructor(
    private readonly request: ConnectionRequest,
    private readonly url: URL,
    private readonly resolve: Resolve,
    private readonly reject: Reject,
  ) {
    const signal = request.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.fail(abortedError(signal));
        return;
      }
      this.#offAbort = onAbort(signal, () => this.fail(abortedError(signal)));
    }
    if (request.timeout > 0) {
      this.#timer = setTimeout(
        () => this.fail(new TimeoutError(`Request timed out after ${request.timeout} ms`)),
        request.timeout,
      );
    }
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.#pending !== undefined) abort(this.#pending);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true;
    this.#statusCode = statusCode;
    const headers = util.parseHeaders(rawHeaders) as ConnectionResponseHeaders;
    this.#headers = headers;
    const request = this.request;
    const collector = new BodyCollector(
      headers,
      request.maxResponseSize,
      request.maxCompressedResponseSize,
      request.maxCompressionRatio,
    );
    this.#collector = collector;
    const tooLarge = collector.checkDeclaredLength(request.method);
    if (tooLarge !== undefined) this.fail(tooLarge);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const tooLarge = this.#collector!.push(chunk);
    if (tooLarge === undefined) return true;
    this.fail(tooLarge);
    return false;
  }

  onComplete(): void {
    if (this.settled) return;
    this.cleanup();
    const collector = this.#collector;
    const statusCode = this.#statusCode;
    const headers = this.#headers!;
    let body: string | Buffer | Promise<string | Buffer>;
    try {
      body = collector === undefined ? '' : collector.finish();
    } catch (err) {
      this.reject(err as Error);
      return;
    }
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      this.resolve({ statusCode, headers, body });
    } else {
      body.then((decoded) => this.resolve({ statusCode, headers, body: decoded }), this.reject);
    }
  }

  onError(err: Error): void {
    if (this.settled) return;
    this.cleanup();
    this.reject(toConnectionError(err, this.url));
  }

  /** Ends the request with `err`, whatever stage it is at. */
  fail(err: Error): void {
    if (this.settled) return;
    this.cleanup();
    this.reject(err);
    if (this.#abort !== undefined) this.#abort(err);
    else this.#pending = err;
  }

  private cleanup(): void {
    this.settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#offAbort?.();
  }
}

function abortedError(signal: AbortSignal): RequestAbortedError {
  const reason = signal.reason as unknown;
  const detail =
    reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : '';
  return new RequestAbortedError(`The request was aborted${detail}`, { cause: reason });
}

/** A streamed request body as a Readable (an async iterable is wrapped), else undefined. */
export function streamedBody(body: ConnectionRequest['body']): Readable | undefined {
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) return undefined;
  return typeof body.pipe === 'function'
    ? body
    : Readable.from(body as unknown as AsyncIterable<unknown>);
}

/**
 * The caller's body stream failed: the node is not at fault, so this is not a ConnectionError
 * (which would mark the node dead and sniff).
 */
export function bodyStreamError(err: Error): SerializationError {
  return new SerializationError(`The request body stream failed: ${err.message}`, { cause: err });
}

// undici's and node:http's codes for a request they cannot write as given.
const INVALID_REQUEST_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
]);

/**
 * Maps undici and socket errors to elastiq's typed errors. `url` is the node's: a plain-HTTP
 * request that a node closes before answering a byte gets a hint that the port may want TLS.
 */
export function toConnectionError(err: Error, url?: URL): Error {
  if (
    err instanceof ConnectionError ||
    err instanceof TimeoutError ||
    err instanceof RequestAbortedError
  )
    return err;
  const code = (err as { code?: string }).code;
  // A request the HTTP layer refuses to write (bad header, path) says nothing about the node:
  // as a ConnectionError it marked every node dead in turn.
  if (code !== undefined && INVALID_REQUEST_CODES.has(code)) {
    return new ConfigurationError(`Invalid request: ${err.message}`, {
      cause: err,
      ...(/header/i.test(err.message) ? { option: 'headers' } : {}),
    });
  }
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new TimeoutError(`Request timed out: ${err.message}`, { cause: err });
  }
  if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
    return new ConnectionError(`The connection was closed: ${err.message}`, {
      cause: err,
      code: ErrorCodes.closed,
    });
  }
  const hint = url !== undefined && closedUnanswered(err, code) ? tlsHint(url) : '';
  return new ConnectionError(`${err.message}${code !== undefined ? ` (${code})` : ''}${hint}`, {
    cause: err,
  });
}

// The socket closed before a byte of answer: undici's "other side closed" on a socket that read
// nothing, or node:http's "socket hang up".
function closedUnanswered(err: Error, code: string | undefined): boolean {
  if (code === 'UND_ERR_SOCKET')
    return (err as { socket?: { bytesRead?: number } }).socket?.bytesRead === 0;
  return code === 'ECONNRESET' && err.message === 'socket hang up';
}

// A TLS port closes a plain-HTTP connection without answering (Elasticsearch logs "received
// plaintext http traffic on an https channel"): say so, since the socket error alone does not.
function tlsHint(url: URL): string {
  if (url.protocol !== 'http:') return '';
  return (
    `: the node closed the connection without answering, which is what a TLS (https) port does ` +
    `to plain HTTP; if the node expects TLS, use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`
  );
}
