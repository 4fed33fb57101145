import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Connection, ConnectionResponse } from '../connection/types.js';
import { UndiciConnection } from '../connection/undici-connection.js';
import { Diagnostics } from '../diagnostics.js';
import {
  attachRequestContext,
  ConnectionError,
  DeserializationError,
  ElastiqError,
  ErrorCodes,
  type ErrorRequestMeta,
  NoLivingConnectionsError,
  ProductNotSupportedError,
  RequestAbortedError,
  ResponseError,
} from '../errors.js';
import { NodePool } from '../pool/node-pool.js';
import { JsonSerializer, type Serializer } from '../serializer/json-serializer.js';
import {
  type ClientOptions,
  checkRequestOptions,
  type NodePoolLike,
  type ResolvedOptions,
  requestTimeoutMs,
  resolveOptions,
} from './client-options.js';
import { refusesCompatibleWith9 } from './compat.js';
import { buildHeaderSets, type HeaderSets, redactHeaders } from './headers.js';
import {
  type BodyKind,
  EMPTY_OPTIONS,
  encodeBody,
  isStream,
  PreparedRequest,
} from './prepared-request.js';
import {
  backoffDelay,
  indexingPressureOverLimit,
  RetryVerdict,
  retryAfterMs,
  sleep,
  verdictForError,
  verdictForStatus,
} from './retry.js';
import { Sniffer } from './sniffer.js';
import type {
  RequestMeta,
  ResponseHeaders,
  TransportLike,
  TransportRequestOptions,
  TransportRequestOptionsWithMeta,
  TransportRequestParams,
  TransportResult,
  WarningMeta,
} from './types.js';
import { parseWarnings } from './warnings.js';

const gzipAsync = promisify(gzip);

// Elasticsearch's gzip (level 3) rarely passes 50:1 even on repetitive JSON; a bomb is ~1000:1.
const DEFAULT_MAX_COMPRESSION_RATIO = 100;

/** Options a child client may change; it shares its parent's pool, sniffer and listeners. */
export type ChildOptions = Pick<
  ClientOptions,
  | 'headers'
  | 'auth'
  | 'requestTimeout'
  | 'maxRetries'
  | 'retryOnTimeout'
  | 'retryBackoff'
  | 'opaqueIdPrefix'
  | 'name'
  | 'compression'
  | 'maxResponseSize'
  | 'maxCompressedResponseSize'
  | 'maxCompressionRatio'
  | 'enableMetaHeader'
>;

// What a parent and its children share: one pool, one sniffer, one set of listeners.
interface SharedState {
  readonly pool: NodePoolLike;
  readonly diagnostics: Diagnostics;
  readonly serializer: Serializer;
  sniffer: Sniffer | undefined;
  nextRequestId: number;
  closed: boolean;
  /** `compatible-with=` major of the media types (0: plain JSON); 9 drops to 8 for 8.x nodes. */
  compatibleWith: number;
  /** False when the user chose `compatibleWith` or the opensearch mode. */
  compatNegotiable: boolean;
  /** A bodiless 400 (HEAD) made us probe the node's compatibility once already. */
  compatProbed: boolean;
  /** Warning messages already passed to process.emitWarning (the default `onWarning`). */
  readonly emittedWarnings: Set<string>;
}

/**
 * One request lifecycle: pick a node, serialize, send, read (with size limits), decompress,
 * deserialize, check the product, retry, and emit diagnostics. Each step is its own method.
 *
 * @example
 * const transport = new Transport({ node: 'http://127.0.0.1:9200' });
 * const health = await transport.request({ method: 'GET', path: '/_cluster/health' });
 * await transport.close();
 */
export class Transport implements TransportLike {
  readonly name: string;
  readonly #options: ClientOptions;
  readonly #resolved: ResolvedOptions;
  readonly #shared: SharedState;
  #headers: HeaderSets;
  // The compatible-with major #headers were built for.
  #headersCompat: number;
  readonly #compression: boolean;
  readonly #productCheck: boolean;
  readonly #opaqueIdPrefix: string;
  // 0: no ratio check.
  readonly #maxCompressionRatio: number;

  constructor(options: ClientOptions, shared?: SharedState) {
    this.#resolved = resolveOptions(options);
    this.#options = options;
    this.name = options.name ?? 'elastiq';
    this.#compression = options.compression ?? false;
    const opensearch = options.compatibility === 'opensearch';
    this.#productCheck = !opensearch;
    this.#opaqueIdPrefix = options.opaqueIdPrefix ?? '';
    const ratio = options.maxCompressionRatio;
    this.#maxCompressionRatio = ratio === false ? 0 : (ratio ?? DEFAULT_MAX_COMPRESSION_RATIO);
    this.#headersCompat = opensearch ? 0 : this.#resolved.compatibleWith;
    this.#headers = this.#buildHeaders(this.#headersCompat);
    this.#shared = shared ?? this.#createShared();
    // After #shared exists: the sniff's own request goes through this transport.
    if (shared === undefined && options.sniffOnStart) this.#shared.sniffer?.trigger('start');
  }

  #buildHeaders(compatibleWith: number): HeaderSets {
    return buildHeaderSets({
      authorization: this.#resolved.authorization,
      headers: this.#options.headers,
      compression: this.#compression,
      compatibleWith,
      enableMetaHeader: this.#options.enableMetaHeader ?? true,
    });
  }

  // The header sets for the compatibility the shared state speaks now (rebuilt after a change).
  #headerSets(): HeaderSets {
    const compat = this.#shared.compatibleWith;
    if (compat !== this.#headersCompat) {
      this.#headers = this.#buildHeaders(compat);
      this.#headersCompat = compat;
    }
    return this.#headers;
  }

  #createShared(): SharedState {
    const options = this.#options;
    const resolved = this.#resolved;
    const diagnostics = new Diagnostics();
    const PoolClass = options.NodePool ?? NodePool;
    const pool = new PoolClass({
      Connection: options.Connection ?? UndiciConnection,
      deadTimeout: resolved.deadTimeout,
      maxDeadTimeout: resolved.maxDeadTimeout,
      resurrectStrategy: options.resurrectStrategy,
      nodeSelector: options.nodeSelector,
      nodeFilter: options.nodeFilter,
      ping: (connection) => this.#ping(connection),
      onResurrect: (event) => {
        if (!diagnostics.active('resurrect')) return;
        const node = event.connection.url.href;
        diagnostics.emit('resurrect', {
          name: this.name,
          node,
          strategy: event.strategy,
          alive: event.alive,
        });
      },
    });
    pool.update(resolved.nodes);
    const SerializerClass = options.Serializer ?? JsonSerializer;
    const serializer = new SerializerClass({
      losslessIntegers: options.losslessIntegers,
      prototypePoisoning: options.prototypePoisoning,
    });
    const shared: SharedState = {
      pool,
      diagnostics,
      serializer,
      sniffer: undefined,
      nextRequestId: 0,
      closed: false,
      compatibleWith: this.#headersCompat,
      compatNegotiable:
        options.compatibility !== 'opensearch' && options.compatibleWith === undefined,
      compatProbed: false,
      emittedWarnings: new Set(),
    };
    const sniffs =
      options.sniffOnStart || resolved.sniffInterval > 0 || options.sniffOnConnectionFault;
    if (sniffs) shared.sniffer = this.#createSniffer(pool, diagnostics, resolved);
    return shared;
  }

  #createSniffer(pool: NodePoolLike, diagnostics: Diagnostics, resolved: ResolvedOptions): Sniffer {
    const endpoint = this.#options.sniffEndpoint ?? '/_nodes/_all/http';
    const sniffer = new Sniffer({
      name: this.name,
      pool,
      diagnostics,
      seed: resolved.nodes[0]!,
      fetchNodesInfo: () =>
        this.#perform(
          { method: 'GET', path: endpoint.startsWith('/') ? endpoint : `/${endpoint}` },
          EMPTY_OPTIONS,
          false,
        ),
    });
    sniffer.start(resolved.sniffInterval);
    return sniffer;
  }

  /** A transport sharing this one's pool, sniffer and listeners, with some options changed. */
  child(options: ChildOptions): Transport {
    return new Transport({ ...this.#options, ...options }, this.#shared);
  }

  get pool(): NodePoolLike {
    return this.#shared.pool;
  }

  get diagnostics(): Diagnostics {
    return this.#shared.diagnostics;
  }

  get serializer(): Serializer {
    return this.#shared.serializer;
  }

  get sniffer(): Sniffer | undefined {
    return this.#shared.sniffer;
  }

  get closed(): boolean {
    return this.#shared.closed;
  }

  request<TBody = unknown>(
    params: TransportRequestParams,
    options: TransportRequestOptionsWithMeta,
  ): Promise<TransportResult<TBody>>;
  request<TBody = unknown>(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
  ): Promise<TBody>;
  request(params: TransportRequestParams, options?: TransportRequestOptions): Promise<unknown> {
    return this.#perform(params, options ?? EMPTY_OPTIONS, true);
  }

  /** Stops sniffing and closes every connection; later requests fail with ELASTIQ_CLIENT_CLOSED. */
  async close(): Promise<void> {
    const shared = this.#shared;
    if (shared.closed) return;
    shared.closed = true;
    shared.sniffer?.stop();
    await shared.pool.close();
  }

  async #perform(
    params: TransportRequestParams,
    options: TransportRequestOptions,
    sniffOnFault: boolean,
  ): Promise<unknown> {
    const shared = this.#shared;
    const requestId = ++shared.nextRequestId;
    if (shared.closed) throw this.#closedError(requestId, 0, undefined);
    const diagnostics = shared.diagnostics;
    const started = diagnostics.active('response') ? performance.now() : 0;
    let prepared: PreparedRequest;
    try {
      prepared = await this.#prepare(params, options);
    } catch (err) {
      throw this.#finalError(err, requestId, undefined, 0, undefined);
    }
    try {
      const result = await this.#attempts(prepared, params, options, requestId, sniffOnFault);
      if (started !== 0) this.#emitResponse(prepared, requestId, started, undefined);
      return result;
    } catch (err) {
      if (started !== 0) this.#emitResponse(prepared, requestId, started, err as ElastiqError);
      throw err;
    }
  }

  // Step: serialize the body and query string, choose headers, resolve per-request limits.
  async #prepare(
    params: TransportRequestParams,
    options: TransportRequestOptions,
  ): Promise<PreparedRequest> {
    // Checked like the client's options (a typo, a string where a boolean goes); the shared empty
    // options object of most calls skips the check.
    if (options !== EMPTY_OPTIONS) checkRequestOptions(options);
    const serializer = this.#shared.serializer;
    const encoded = encodeBody(params, serializer);
    let body = encoded.body;
    const kind = encoded.kind;
    const compress =
      (options.compression ?? this.#compression) && body !== null && kind !== 'stream';
    if (compress) body = await gzipAsync(body as string | Uint8Array);
    const qs =
      params.querystring === undefined && options.querystring === undefined
        ? ''
        : serializer.qserialize(params.querystring, options.querystring);
    const resolved = this.#resolved;
    const timeout =
      options.requestTimeout === undefined
        ? resolved.requestTimeout
        : requestTimeoutMs(options.requestTimeout);
    const prepared = new PreparedRequest(
      params.method,
      qs.length === 0 ? params.path : params.path + qs,
      this.#requestHeaders(kind, compress, options),
      body,
      timeout,
      options.signal,
      options.maxResponseSize ?? resolved.maxResponseSize,
      options.maxCompressedResponseSize ?? resolved.maxCompressedResponseSize,
      this.#maxCompressionRatio,
    );
    prepared.kind = kind;
    prepared.compress = compress;
    prepared.options = options;
    return prepared;
  }

  // Most requests reuse a frozen shared header object; per-request headers or ids make a copy.
  #requestHeaders(
    kind: BodyKind,
    compress: boolean,
    options: TransportRequestOptions,
  ): Readonly<Record<string, string>> {
    const sets = this.#headerSets();
    const base = kind === 'none' ? sets.none : kind === 'ndjson' ? sets.ndjson : sets.json;
    const opaqueId = options.opaqueId;
    if (options.headers === undefined && opaqueId === undefined && !compress) return base;
    const headers: Record<string, string> = { ...base };
    if (compress) headers['content-encoding'] = 'gzip';
    if (opaqueId !== undefined) headers['x-opaque-id'] = this.#opaqueIdPrefix + opaqueId;
    for (const key in options.headers) headers[key.toLowerCase()] = options.headers[key]!;
    return headers;
  }

  // Step: send, and on failure decide (retry.ts) whether to move on, wait, or give up.
  async #attempts(
    prepared: PreparedRequest,
    params: TransportRequestParams,
    options: TransportRequestOptions,
    requestId: number,
    sniffOnFault: boolean,
  ): Promise<unknown> {
    const pool = this.#shared.pool;
    const maxRetries =
      prepared.body !== null && isStream(prepared.body)
        ? 0
        : (options.maxRetries ?? this.#resolved.maxRetries);
    const retryOnTimeout = options.retryOnTimeout ?? this.#resolved.retryOnTimeout;
    let errors: Error[] | undefined;
    let backoffs = 0;
    for (let attempt = 1; ; attempt++) {
      const connection = pool.select();
      if (connection === undefined) {
        // close() empties the pool: a request between attempts must say so, not "no node".
        if (this.#shared.closed) throw this.#closedError(requestId, attempt - 1, errors);
        throw this.#noLivingConnections(requestId, attempt - 1, errors);
      }
      prepared.attempts = attempt;
      prepared.connection = connection;
      if (this.#shared.diagnostics.active('request'))
        this.#emitRequest(prepared, requestId, connection, attempt);
      let response: ConnectionResponse;
      try {
        response = await connection.request(prepared);
      } catch (caught) {
        // A node refusing a body over http.max_content_length may close the socket while the
        // body is still being written (EPIPE) instead of letting the 413 be read: not retried.
        const err = bodyRefusedWhileSent(caught, prepared) ?? caught;
        const verdict = err === caught ? verdictForError(err, retryOnTimeout) : RetryVerdict.Stop;
        if (verdict === RetryVerdict.NodeFault) this.#nodeFault(connection, sniffOnFault);
        if (verdict === RetryVerdict.Stop || attempt > maxRetries || options.signal?.aborted) {
          throw this.#finalError(err, requestId, connection, attempt, errors);
        }
        errors = appendError(errors, err as Error);
        this.#emitRetry(requestId, connection, attempt, err as Error, 0);
        continue;
      }
      const statusCode = response.statusCode;
      prepared.statusCode = statusCode;
      if (
        statusCode === 400 &&
        this.#shared.compatNegotiable &&
        this.#shared.compatibleWith === 9
      ) {
        if (await this.#downgradeCompat(connection, response, prepared)) continue;
      }
      // A node that answered with a fault it keeps after the last retry is not marked alive.
      let faulted = false;
      if (statusCode >= 429 && !options.ignore?.includes(statusCode)) {
        const verdict = verdictForStatus(statusCode, response.body);
        if (verdict === RetryVerdict.NodeFault) this.#nodeFault(connection, sniffOnFault);
        if (verdict !== RetryVerdict.Stop && attempt <= maxRetries) {
          const failure = this.#responseError(response, requestId, connection, attempt, undefined);
          errors = appendError(errors, failure);
          const delay = verdict === RetryVerdict.Backoff ? this.#backoff(response, backoffs++) : 0;
          this.#emitRetry(requestId, connection, attempt, failure, delay);
          if (delay > 0)
            await sleep(delay, options.signal).catch((err: unknown) => {
              throw this.#finalError(err, requestId, connection, attempt, errors);
            });
          continue;
        }
        faulted = verdict === RetryVerdict.NodeFault;
      }
      if (!faulted) pool.markAlive(connection);
      return this.#result(
        response,
        prepared,
        params,
        options,
        requestId,
        connection,
        attempt,
        errors,
      );
    }
  }

  // Step: an 8.x node refuses compatible-with=9; speak 8 from now on and send the request again.
  async #downgradeCompat(
    connection: Connection,
    response: ConnectionResponse,
    prepared: PreparedRequest,
  ): Promise<boolean> {
    const shared = this.#shared;
    let refused = refusesCompatibleWith9(response.statusCode, response.body);
    if (!refused && prepared.method === 'HEAD' && !shared.compatProbed) {
      // A HEAD answer has no body to read the reason from: ask once with a GET.
      shared.compatProbed = true;
      const probe = await connection
        .request(this.#probeRequest('GET', '/_cluster/health'))
        .catch(() => undefined);
      refused = probe !== undefined && refusesCompatibleWith9(probe.statusCode, probe.body);
    }
    if (!refused) return false;
    shared.compatibleWith = 8;
    // A streamed body is spent: sending it again would send nothing. Later requests speak 8.
    if (prepared.kind === 'stream') return false;
    prepared.headers = this.#requestHeaders(prepared.kind, prepared.compress, prepared.options);
    return true;
  }

  #nodeFault(connection: Connection, sniffOnFault: boolean): void {
    this.#shared.pool.markDead(connection);
    if (sniffOnFault && this.#options.sniffOnConnectionFault)
      this.#shared.sniffer?.trigger('connection-fault');
  }

  #backoff(response: ConnectionResponse, retry: number): number {
    const resolved = this.#resolved;
    const hinted = retryAfterMs(response.headers['retry-after']);
    const delay = backoffDelay(retry, resolved.backoffBase, resolved.backoffMax);
    return hinted === undefined ? delay : Math.min(Math.max(hinted, delay), resolved.backoffMax);
  }

  // Step: turn the response into the caller's value, or into a typed error.
  #result(
    response: ConnectionResponse,
    prepared: PreparedRequest,
    params: TransportRequestParams,
    options: TransportRequestOptions,
    requestId: number,
    connection: Connection,
    attempts: number,
    errors: Error[] | undefined,
  ): unknown {
    const statusCode = response.statusCode;
    const success = statusCode >= 200 && statusCode < 300;
    if (success && this.#productCheck)
      this.#checkProduct(response, requestId, connection, attempts, errors);
    // Parsed only when the header is there: most responses carry none.
    const warnings =
      response.headers.warning === undefined
        ? null
        : this.#warnings(response, prepared, requestId, connection, attempts);
    if (options.asBoolean === true && (success || statusCode === 404)) {
      return this.#wrap(success, response, options, requestId, connection, attempts, warnings);
    }
    let body: unknown = response.body;
    if (typeof body === 'string' && body.length > 0 && params.method !== 'HEAD') {
      const contentType = headerValue(response.headers['content-type']);
      if (isJson(contentType)) {
        try {
          body = this.#shared.serializer.deserialize(body);
        } catch (err) {
          // An error page that claims to be JSON is still an error response: keep its text.
          if (success || !(err instanceof ElastiqError))
            throw this.#finalError(err, requestId, connection, attempts, errors);
        }
      } else if (success) {
        try {
          body = this.#textBody(body, contentType, statusCode);
        } catch (err) {
          throw this.#finalError(err, requestId, connection, attempts, errors);
        }
      }
    }
    if (!success && statusCode >= 300 && !options.ignore?.includes(statusCode)) {
      const hint = responseHint(statusCode, response.body, prepared);
      throw this.#responseError(
        { ...response, body },
        requestId,
        connection,
        attempts,
        errors,
        hint,
      );
    }
    return this.#wrap(body, response, options, requestId, connection, attempts, warnings);
  }

  // Step: the `Warning` headers of a response reach the caller (event, `onWarning`).
  #warnings(
    response: ConnectionResponse,
    prepared: PreparedRequest,
    requestId: number,
    connection: Connection,
    attempts: number,
  ): string[] | null {
    const warnings = parseWarnings(response.headers.warning);
    if (warnings === null) return null;
    const diagnostics = this.#shared.diagnostics;
    if (diagnostics.active('warning')) {
      diagnostics.emit('warning', {
        requestId,
        name: this.name,
        method: prepared.method,
        path: prepared.path,
        node: connection.url.href,
        statusCode: response.statusCode,
        warnings,
      });
    }
    const onWarning = this.#options.onWarning;
    if (onWarning === false) return warnings;
    const meta = {
      ...this.#meta(requestId, connection, attempts),
      method: prepared.method,
      path: prepared.path,
      statusCode: response.statusCode,
    };
    if (onWarning === undefined) {
      emitProcessWarnings(warnings, meta, this.#shared.emittedWarnings);
      return warnings;
    }
    try {
      onWarning(warnings, meta);
    } catch (err) {
      // The response stays the caller's; the handler's failure is reported, not swallowed.
      const message = err instanceof Error ? err.message : String(err);
      process.emitWarning(`The onWarning client option threw: ${message}`, {
        type: 'ElastiqWarningHandlerError',
      });
    }
    return warnings;
  }

  // A 2xx text answer that is not labelled JSON. Elasticsearch's own text formats (the cat APIs
  // and hot threads as text/plain, csv, tsv, yaml, ndjson, event streams) come back as text; a
  // JSON object or array that a proxy labelled text/plain (or not at all) is parsed; anything
  // else, such as a proxy's HTML page, fails here instead of reaching the caller as a string.
  #textBody(text: string, contentType: string | undefined, statusCode: number): unknown {
    const plain = contentType === undefined || /^\s*text\/plain\b/i.test(contentType);
    if (plain && /^\s*[{[]/.test(text)) {
      try {
        return this.#shared.serializer.deserialize(text);
      } catch (err) {
        // Prototype poisoning refused by `prototypePoisoning: 'error'` stays that error.
        if (!(err instanceof ElastiqError) || err.code !== ErrorCodes.deserialization) throw err;
      }
    }
    if (contentType !== undefined && ELASTICSEARCH_TEXT.test(contentType)) return text;
    const label = contentType === undefined ? 'no content-type' : `content-type "${contentType}"`;
    throw unexpectedContentType(text, label, statusCode);
  }

  #wrap(
    body: unknown,
    response: ConnectionResponse,
    options: TransportRequestOptions,
    requestId: number,
    connection: Connection,
    attempts: number,
    warnings: string[] | null,
  ): unknown {
    if (options.meta !== true) return body;
    return {
      body,
      statusCode: response.statusCode,
      headers: response.headers as ResponseHeaders,
      warnings,
      meta: this.#meta(requestId, connection, attempts),
    } satisfies TransportResult;
  }

  #checkProduct(
    response: ConnectionResponse,
    requestId: number,
    connection: Connection,
    attempts: number,
    errors: Error[] | undefined,
  ): void {
    const product = response.headers['x-elastic-product'];
    if (product === 'Elasticsearch') return;
    const meta = this.#meta(requestId, connection, attempts);
    const error = new ProductNotSupportedError(
      'The server did not identify itself as Elasticsearch (no "x-elastic-product: Elasticsearch" header). ' +
        "For OpenSearch, use `compatibility: 'opensearch'`.",
      { meta },
    );
    throw attachRequestContext(error, meta, errors);
  }

  #responseError(
    response: {
      readonly statusCode: number;
      readonly headers: ConnectionResponse['headers'];
      readonly body: unknown;
    },
    requestId: number,
    connection: Connection,
    attempts: number,
    errors: Error[] | undefined,
    hint?: string,
  ): ResponseError {
    const meta = this.#meta(requestId, connection, attempts);
    const headers = response.headers as ResponseHeaders;
    const error = new ResponseError(
      { body: response.body, statusCode: response.statusCode, headers, meta },
      hint === undefined ? {} : { hint },
    );
    return attachRequestContext(error, meta, errors);
  }

  #finalError(
    err: unknown,
    requestId: number,
    connection: Connection | undefined,
    attempts: number,
    errors: Error[] | undefined,
  ): Error {
    const meta = this.#meta(requestId, connection, attempts, err instanceof RequestAbortedError);
    if (err instanceof ElastiqError) return attachRequestContext(err, meta, errors);
    const wrapped = new ConnectionError((err as Error)?.message ?? String(err), {
      cause: err,
      meta,
    });
    return attachRequestContext(wrapped, meta, errors);
  }

  #closedError(requestId: number, attempts: number, errors: Error[] | undefined): ConnectionError {
    const meta = this.#meta(requestId, undefined, attempts);
    const error = new ConnectionError('The client is closed', { code: ErrorCodes.closed, meta });
    return attachRequestContext(error, meta, errors);
  }

  #noLivingConnections(
    requestId: number,
    attempts: number,
    errors: Error[] | undefined,
  ): NoLivingConnectionsError {
    const meta = this.#meta(requestId, undefined, attempts);
    const error = new NoLivingConnectionsError(
      'No node is available: the pool is empty or every node is excluded by nodeFilter',
      { meta },
    );
    return attachRequestContext(error, meta, errors);
  }

  #meta(
    requestId: number,
    connection: Connection | undefined,
    attempts: number,
    aborted = false,
  ): RequestMeta & ErrorRequestMeta {
    return { requestId, name: this.name, node: connection?.url.href, attempts, aborted };
  }

  // A resurrection ping: any HTTP answer at all means the node is up (some nodes answer 405 to HEAD /).
  async #ping(connection: Connection): Promise<void> {
    await connection.request(this.#probeRequest('HEAD', '/'));
  }

  // A bodiless request outside the retry loop (pings, compatibility probes).
  #probeRequest(method: string, path: string): PreparedRequest {
    const resolved = this.#resolved;
    return new PreparedRequest(
      method,
      path,
      this.#headerSets().none,
      null,
      resolved.pingTimeout,
      undefined,
      resolved.maxResponseSize,
      resolved.maxCompressedResponseSize,
      this.#maxCompressionRatio,
    );
  }

  #emitRequest(
    prepared: PreparedRequest,
    requestId: number,
    connection: Connection,
    attempt: number,
  ): void {
    this.#shared.diagnostics.emit('request', {
      requestId,
      name: this.name,
      method: prepared.method,
      path: prepared.path,
      node: connection.url.href,
      attempt,
      headers: redactHeaders(prepared.headers),
    });
  }

  #emitRetry(
    requestId: number,
    connection: Connection,
    attempt: number,
    error: Error,
    delayMs: number,
  ): void {
    const diagnostics = this.#shared.diagnostics;
    if (!diagnostics.active('retry')) return;
    diagnostics.emit('retry', {
      requestId,
      name: this.name,
      node: connection.url.href,
      attempt,
      reason: error.message,
      delayMs,
    });
  }

  #emitResponse(
    prepared: PreparedRequest,
    requestId: number,
    started: number,
    error: ElastiqError | undefined,
  ): void {
    this.#shared.diagnostics.emit('response', {
      requestId,
      name: this.name,
      method: prepared.method,
      path: prepared.path,
      node: prepared.connection?.url.href,
      attempts: prepared.attempts,
      statusCode: prepared.statusCode,
      durationMs: performance.now() - started,
      error:
        error === undefined
          ? undefined
          : { name: error.name, code: error.code, message: error.message },
    });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      nodes: this.#shared.pool.connections.map((connection) => connection.url.href),
    };
  }
}

// Distinct messages remembered per client; past this many the memory starts over, so a client
// that meets endless distinct warnings (query positions in the text) stays bounded.
const MAX_EMITTED_WARNINGS = 1000;

// The default `onWarning`: each distinct message once per client, as Node reports its own
// deprecations.
function emitProcessWarnings(
  warnings: readonly string[],
  meta: WarningMeta,
  emitted: Set<string>,
): void {
  for (const message of warnings) {
    if (emitted.has(message)) continue;
    if (emitted.size >= MAX_EMITTED_WARNINGS) emitted.clear();
    emitted.add(message);
    process.emitWarning(message, {
      type: 'ElasticsearchDeprecationWarning',
      detail: `Answered ${meta.method} ${meta.path} on ${meta.node ?? 'the node'} (client ${meta.name}). Set the client option onWarning to handle these, or to false to silence them.`,
    });
  }
}

function isJson(contentType: string | undefined): boolean {
  return (
    typeof contentType === 'string' &&
    contentType.includes('json') &&
    !contentType.includes('ndjson')
  );
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

// Text media types Elasticsearch answers with on purpose (format=text/csv/tsv/yaml, hot threads,
// streamed inference): they reach the caller as text.
const ELASTICSEARCH_TEXT =
  /^\s*(text\/(plain|csv|tab-separated-values|event-stream)|application\/([\w.+-]*\+)?(x-)?(yaml|ndjson))\b/i;

function unexpectedContentType(
  text: string,
  label: string,
  statusCode: number,
): DeserializationError {
  const title = /<title>([^<]{1,200})<\/title>/i.exec(text)?.[1];
  const words = (title ?? text)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const summary = words.length > 100 ? `${words.slice(0, 100)}...` : words;
  return new DeserializationError(
    `The node answered ${statusCode} with ${label} where JSON was expected: "${summary}". ` +
      'This is not an Elasticsearch answer (a proxy or load balancer page?): check the node URL and what answers there',
    text,
    { code: ErrorCodes.unexpectedContentType },
  );
}

// Elasticsearch's default http.max_content_length (100mb).
const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

function bodyBytes(body: PreparedRequest['body']): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body);
  return body instanceof Uint8Array ? body.byteLength : undefined;
}

// The socket broke while a body over Elasticsearch's default http.max_content_length was being
// written: the node refused it (its 413 is lost with the socket), and would again.
function bodyRefusedWhileSent(
  err: unknown,
  prepared: PreparedRequest,
): ConnectionError | undefined {
  if (!(err instanceof ConnectionError) || err.code !== ErrorCodes.connection) return undefined;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  if (code !== 'EPIPE' && code !== 'ECONNRESET') return undefined;
  const size = bodyBytes(prepared.body);
  if (size === undefined || size <= DEFAULT_MAX_CONTENT_LENGTH) return undefined;
  return new ConnectionError(
    `${err.message}: the node closed the connection while the request body (${size} bytes) was ` +
      'being sent, as it does with a body over its `http.max_content_length` (100mb by default); ' +
      'send smaller requests (with the bulk helper: lower `flushBytes`). Not retried: the same body would be refused again',
    { cause: err.cause },
  );
}

// What a status means for this request and what to do, when the node's answer does not say.
function responseHint(
  statusCode: number,
  rawBody: unknown,
  prepared: PreparedRequest,
): string | undefined {
  if (statusCode === 413) {
    const body = prepared.body;
    const size =
      body === null
        ? 'the request body'
        : typeof body === 'string'
          ? `the request body (${Buffer.byteLength(body)} bytes${prepared.compress ? ', gzip-compressed' : ''})`
          : body instanceof Uint8Array
            ? `the request body (${body.byteLength} bytes${prepared.compress ? ', gzip-compressed' : ''})`
            : 'the streamed request body';
    return (
      `${size} exceeds the node's \`http.max_content_length\` (100mb by default), or the body size ` +
      'limit of a proxy in front of it; send smaller requests (with the bulk helper: lower ' +
      '`flushBytes`). Not retried: the same body would be refused again'
    );
  }
  if (statusCode === 429) {
    const over = indexingPressureOverLimit(rawBody);
    if (over === undefined) return undefined;
    const limit =
      over.setting === 'indexing_pressure.memory.limit'
        ? '`indexing_pressure.memory.limit`, 10% of the heap by default'
        : `\`${over.setting}\`, which follows \`indexing_pressure.memory.limit\` (10% of the heap) by default`;
    return (
      `this operation alone (${over.operationBytes} bytes) is over the node's indexing pressure ` +
      `limit (${over.limitBytes} bytes; ${limit}), so it is refused however idle the node is. ` +
      'Not retried: send smaller documents or bulk requests (with the bulk helper: lower ' +
      '`flushBytes`), or give the nodes more heap'
    );
  }
  return undefined;
}

function appendError(errors: Error[] | undefined, error: Error): Error[] {
  if (errors === undefined) return [error];
  errors.push(error);
  return errors;
}
