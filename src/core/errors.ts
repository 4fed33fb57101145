// The error hierarchy of elastiq. Leaf module: imports nothing from sibling modules.
//
// Every error carries a stable `code`; `instanceof` works across duplicate copies of the package
// through a brand (a registry symbol) plus the chain of class kinds recorded on each instance.

const BRAND = Symbol.for('elastiq.error');

/** Response headers as the transport reports them. */
export type ErrorResponseHeaders = Record<string, string | string[] | undefined>;

/** What the transport knows about the request that failed (never any credential). */
export interface ErrorRequestMeta {
  readonly requestId: number;
  readonly name: string;
  readonly node: string | undefined;
  readonly attempts: number;
  readonly aborted: boolean;
}

/** The response an error was built from. */
export interface ErrorResponseMeta {
  readonly body: unknown;
  readonly statusCode: number;
  readonly headers: ErrorResponseHeaders;
  readonly meta: ErrorRequestMeta;
}

export interface ElastiqErrorOptions {
  readonly cause?: unknown;
  readonly code?: string;
  /** Errors of the earlier attempts of the same request, oldest first. */
  readonly attemptErrors?: readonly Error[];
  readonly meta?: ErrorRequestMeta | undefined;
}

// Credentials can reach a message through a URL or a header echoed by a proxy: scrub both.
// User-info runs to the LAST "@" of the URL: an unencoded "@" or "/" in a password
// (`user:p@ss@host`, `elastic:a/b@host`) must not leave its end behind. A path or query holding an
// "@" loses its host too, which is the safe side.
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s"'`<>]*@/gi;
const AUTH_VALUE = /\b(Basic|Bearer|ApiKey)\s+[A-Za-z0-9+/=._~-]+/g;
const AUTH_HEADER =
  /(authorization|proxy-authorization|x-api-key)(["']?\s*[:=]\s*["']?)[^"',}\r\n]+/gi;

/**
 * Removes credentials (URL user-info, Authorization values, API keys) from a piece of text.
 *
 * @example
 * redactText('connect to http://elastic:secret@127.0.0.1:9200 failed');
 * // 'connect to http://***@127.0.0.1:9200 failed'
 */
export function redactText(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_USERINFO, '$1***@')
    .replace(AUTH_VALUE, '$1 ***')
    .replace(AUTH_HEADER, '$1$2***');
}

/**
 * The base class of every error elastiq throws.
 *
 * @example
 * try {
 *   await Promise.reject(new ConfigurationError('`node` is required', { option: 'node' }));
 * } catch (err) {
 *   if (err instanceof ElastiqError) console.log(err.code); // 'ELASTIQ_CONFIGURATION'
 * }
 */
export class ElastiqError extends Error {
  static readonly kind: string = 'ElastiqError';
  static readonly defaultCode: string = 'ELASTIQ_ERROR';

  /** Stable, documented identifier of the failure (see docs/errors.md). */
  readonly code: string;
  /** Errors of the earlier attempts of this request, oldest first (retries). */
  readonly attemptErrors: readonly Error[];
  /** The request this error belongs to, when it came from the transport. */
  readonly requestMeta: ErrorRequestMeta | undefined;
  declare readonly [BRAND]: readonly string[];

  constructor(message: string, options: ElastiqErrorOptions = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as typeof ElastiqError;
    this.name = ctor.kind;
    this.code = options.code ?? ctor.defaultCode;
    this.attemptErrors = options.attemptErrors ?? [];
    this.requestMeta = options.meta;
    Object.defineProperty(this, BRAND, { value: kindChain(ctor), enumerable: false });
  }

  // `this` is the class being tested (a subclass too), which is the point of this override.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // biome-ignore lint/complexity/noThisInStatic: must test against the subclass it is called on
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const chain = (value as { [BRAND]?: unknown })[BRAND];
    // biome-ignore lint/complexity/noThisInStatic: must test against the subclass it is called on
    return Array.isArray(chain) && chain.includes(this.kind);
  }

  /** A serializable, credential-free view of the error. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    if (this.requestMeta !== undefined) json.meta = this.requestMeta;
    if (this.attemptErrors.length > 0) {
      json.attemptErrors = this.attemptErrors.map((e) => ({
        name: e.name,
        message: redactText(e.message),
      }));
    }
    return json;
  }

  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

function kindChain(ctor: typeof ElastiqError): readonly string[] {
  const kinds: string[] = [];
  let current: unknown = ctor;
  while (typeof current === 'function' && 'kind' in current) {
    kinds.push((current as typeof ElastiqError).kind);
    current = Object.getPrototypeOf(current);
  }
  return Object.freeze(kinds);
}

/**
 * Elasticsearch answered with an error status (or one the request did not ignore).
 *
 * @example
 * try {
 *   await client.indices.get({ index: 'no-such-index' });
 * } catch (err) {
 *   if (err instanceof ResponseError && err.statusCode === 404) console.log(err.errorType); // 'index_not_found_exception'
 * }
 */
export class ResponseError extends ElastiqError {
  static override readonly kind: string = 'ResponseError';
  static override readonly defaultCode: string = 'ELASTIQ_RESPONSE';

  readonly response: ErrorResponseMeta;

  /** `hint` (what the status means here and what to do) is appended to the message. */
  constructor(response: ErrorResponseMeta, options: ElastiqErrorOptions & { hint?: string } = {}) {
    const message = responseMessage(response.statusCode, response.body);
    super(options.hint === undefined ? message : `${message}: ${options.hint}`, {
      ...options,
      meta: response.meta,
    });
    this.response = response;
  }

  get statusCode(): number {
    return this.response.statusCode;
  }

  get body(): unknown {
    return this.response.body;
  }

  get headers(): ErrorResponseHeaders {
    return this.response.headers;
  }

  /** The `error.type` Elasticsearch reported, if any (for example `index_not_found_exception`). */
  get errorType(): string | undefined {
    const error = errorObject(this.response.body);
    return typeof error?.type === 'string' ? error.type : undefined;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), statusCode: this.statusCode, body: this.body };
  }
}

interface EsErrorCause {
  type?: unknown;
  reason?: unknown;
  caused_by?: unknown;
  root_cause?: unknown;
}

function errorObject(body: unknown): EsErrorCause | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as EsErrorCause) : undefined;
}

function describeCause(cause: EsErrorCause): string {
  const type = typeof cause.type === 'string' ? cause.type : 'error';
  return typeof cause.reason === 'string' ? `${type}: ${cause.reason}` : type;
}

function responseMessage(statusCode: number, body: unknown): string {
  const error = errorObject(body);
  if (error === undefined) {
    const errorField =
      typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    if (typeof errorField === 'string') return `${statusCode} ${errorField}`;
    if (typeof body === 'string' && body.length > 0) return `${statusCode} ${summarizeText(body)}`;
    return `Response error ${statusCode}`;
  }
  let message = `${statusCode} ${describeCause(error)}`;
  const seen = new Set<string>([describeCause(error)]);
  let caused = error.caused_by as EsErrorCause | undefined;
  for (let depth = 0; typeof caused === 'object' && caused !== null && depth < 5; depth++) {
    const text = describeCause(caused);
    if (!seen.has(text)) message += `; caused by ${text}`;
    seen.add(text);
    caused = caused.caused_by as EsErrorCause | undefined;
  }
  if (Array.isArray(error.root_cause)) {
    for (const root of error.root_cause.slice(0, 3)) {
      if (typeof root !== 'object' || root === null) continue;
      const text = describeCause(root as EsErrorCause);
      if (!seen.has(text)) message += `; root cause ${text}`;
      seen.add(text);
    }
  }
  return message;
}

// A proxy's HTML error page makes a poor message: keep its title or its first words.
function summarizeText(text: string): string {
  const title = /<title>([^<]{1,200})<\/title>/i.exec(text);
  const plain = (title?.[1] ?? text)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}...` : plain;
}

/**
 * The request could not reach a node, or the connection broke before the response ended.
 *
 * @example
 * try {
 *   await client.cluster.health();
 * } catch (err) {
 *   if (err instanceof ConnectionError) console.error(`no node reachable: ${err.message}`);
 * }
 */
export class ConnectionError extends ElastiqError {
  static override readonly kind: string = 'ConnectionError';
  static override readonly defaultCode: string = 'ELASTIQ_CONNECTION';
}

/**
 * The request took longer than `requestTimeout`.
 *
 * @example
 * try {
 *   await client.search({ index: 'posts', query: { match_all: {} } }, { requestTimeout: '2s', maxRetries: 0 });
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.error(err.code); // 'ELASTIQ_TIMEOUT'
 * }
 */
export class TimeoutError extends ElastiqError {
  static override readonly kind: string = 'TimeoutError';
  static override readonly defaultCode: string = 'ELASTIQ_TIMEOUT';
}

/**
 * No node could be selected (all filtered out, or the pool is empty or closed).
 *
 * @example
 * try {
 *   await client.cluster.health();
 * } catch (err) {
 *   if (err instanceof NoLivingConnectionsError) console.error('every node is dead or filtered out');
 * }
 */
export class NoLivingConnectionsError extends ElastiqError {
  static override readonly kind: string = 'NoLivingConnectionsError';
  static override readonly defaultCode: string = 'ELASTIQ_NO_LIVING_CONNECTIONS';
}

/**
 * A request body could not be turned into JSON (circular structure, NaN or Infinity, an Invalid
 * Date, ...), or its stream failed while sent. `path` names the value to blame, when there is one.
 *
 * @example
 * const loop: Record<string, unknown> = {};
 * loop.self = loop;
 * await client.index({ index: 'posts', document: loop }).catch((err: unknown) => {
 *   if (err instanceof SerializationError) console.error(err.message); // circular structure
 * });
 */
export class SerializationError extends ElastiqError {
  static override readonly kind: string = 'SerializationError';
  static override readonly defaultCode: string = 'ELASTIQ_SERIALIZATION';

  /** Where the value that has no JSON form is (`query.range.n.gte`, `[3].price`), if one is to blame. */
  readonly path: string | undefined;

  constructor(
    message: string,
    options: ElastiqErrorOptions & { readonly path?: string | undefined } = {},
  ) {
    super(message, options);
    this.path = options.path;
  }
}

/**
 * A response body announced as JSON could not be parsed, or was rejected as unsafe.
 *
 * @example
 * try {
 *   await client.cluster.health();
 * } catch (err) {
 *   if (err instanceof DeserializationError) console.error(err.excerpt); // the start of the bad body
 * }
 */
export class DeserializationError extends ElastiqError {
  static override readonly kind: string = 'DeserializationError';
  static override readonly defaultCode: string = 'ELASTIQ_DESERIALIZATION';

  /** The start of the text that failed to parse (at most 200 characters). */
  readonly excerpt: string;

  constructor(message: string, text: string, options: ElastiqErrorOptions = {}) {
    super(message, options);
    this.excerpt = redactText(text.length > 200 ? `${text.slice(0, 200)}...` : text);
  }
}

/**
 * Invalid client or request options. `option` names the offending option.
 *
 * @example
 * try {
 *   await client.search({ index: 'posts' }, { requestTimeout: 'soon' });
 * } catch (err) {
 *   if (err instanceof ConfigurationError) console.error(err.option, err.message); // 'requestTimeout', ...
 * }
 */
export class ConfigurationError extends ElastiqError {
  static override readonly kind: string = 'ConfigurationError';
  static override readonly defaultCode: string = 'ELASTIQ_CONFIGURATION';

  readonly option: string | undefined;

  constructor(message: string, options: ElastiqErrorOptions & { option?: string } = {}) {
    super(message, options);
    this.option = options.option;
  }
}

/**
 * The request was aborted: by its `signal`, by `close()`, or because the response was too large.
 *
 * @example
 * try {
 *   await client.search({ index: 'posts' }, { signal: AbortSignal.timeout(100) });
 * } catch (err) {
 *   if (err instanceof RequestAbortedError) console.error('gave up after 100 ms');
 * }
 */
export class RequestAbortedError extends ElastiqError {
  static override readonly kind: string = 'RequestAbortedError';
  static override readonly defaultCode: string = 'ELASTIQ_REQUEST_ABORTED';
}

/**
 * The server is not Elasticsearch (no `x-elastic-product: Elasticsearch` header on a 2xx).
 *
 * @example
 * try {
 *   await client.cluster.health();
 * } catch (err) {
 *   // An OpenSearch node? Create the client with `compatibility: 'opensearch'`.
 *   if (err instanceof ProductNotSupportedError) console.error(err.message);
 * }
 */
export class ProductNotSupportedError extends ElastiqError {
  static override readonly kind: string = 'ProductNotSupportedError';
  static override readonly defaultCode: string = 'ELASTIQ_PRODUCT_NOT_SUPPORTED';
}

/**
 * Stable codes of every error elastiq throws (see docs/errors.md).
 *
 * @example
 * try {
 *   await client.cluster.health();
 * } catch (err) {
 *   if (err instanceof ElastiqError && err.code === ErrorCodes.timeout) console.error('slow cluster');
 * }
 */
export const ErrorCodes = Object.freeze({
  error: 'ELASTIQ_ERROR',
  response: 'ELASTIQ_RESPONSE',
  connection: 'ELASTIQ_CONNECTION',
  tlsFingerprint: 'ELASTIQ_TLS_FINGERPRINT',
  timeout: 'ELASTIQ_TIMEOUT',
  noLivingConnections: 'ELASTIQ_NO_LIVING_CONNECTIONS',
  serialization: 'ELASTIQ_SERIALIZATION',
  deserialization: 'ELASTIQ_DESERIALIZATION',
  decompression: 'ELASTIQ_DECOMPRESSION',
  unexpectedContentType: 'ELASTIQ_UNEXPECTED_CONTENT_TYPE',
  prototypePoisoning: 'ELASTIQ_PROTOTYPE_POISONING',
  configuration: 'ELASTIQ_CONFIGURATION',
  requestAborted: 'ELASTIQ_REQUEST_ABORTED',
  responseTooLarge: 'ELASTIQ_RESPONSE_TOO_LARGE',
  closed: 'ELASTIQ_CLIENT_CLOSED',
  productNotSupported: 'ELASTIQ_PRODUCT_NOT_SUPPORTED',
} as const);

/**
 * Attaches the request's context to an error the transport rethrows (internal to elastiq).
 * Errors are created deep in a connection, before the request's meta and earlier attempts are known.
 */
export function attachRequestContext<E extends ElastiqError>(
  error: E,
  meta: ErrorRequestMeta,
  attemptErrors: readonly Error[] | undefined,
): E {
  const writable = error as {
    requestMeta: ErrorRequestMeta | undefined;
    attemptErrors: readonly Error[];
  };
  writable.requestMeta = meta;
  if (attemptErrors !== undefined && attemptErrors.length > 0)
    writable.attemptErrors = attemptErrors;
  return error;
}
