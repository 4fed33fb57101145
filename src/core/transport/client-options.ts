import type {
  Connection,
  ConnectionClass,
  ConnectionOptions,
  NodeRoles,
  TlsOptions,
} from '../connection/types.js';
import { ConfigurationError } from '../errors.js';
import type { NodePoolOptions, ResurrectStrategy } from '../pool/node-pool.js';
import type { NodeSelector } from '../pool/selectors.js';
import type { JsonSerializerOptions, Serializer } from '../serializer/json-serializer.js';
import { cloudIdToUrl } from './cloud-id.js';
import { MAX_TIMER_MS, toMilliseconds, toTimerMilliseconds } from './duration.js';

/** A node: its URL, or its URL with headers sent to it only and its roles. */
export type NodeInput =
  | string
  | URL
  | {
      readonly url: string | URL;
      readonly headers?: Readonly<Record<string, string>> | undefined;
      readonly roles?: Partial<NodeRoles> | undefined;
      readonly id?: string | undefined;
    };

/** Credentials: basic, API key (encoded string or id + key), or a bearer token. */
export type AuthOptions =
  | { readonly username: string; readonly password: string }
  | { readonly apiKey: string | { readonly id: string; readonly api_key: string } }
  | { readonly bearer: string };

/** What a node pool must offer to the transport, for `Client({ NodePool })`. */
export interface NodePoolLike {
  readonly connections: Connection[];
  select(): Connection | undefined;
  markDead(connection: Connection): void;
  markAlive(connection: Connection): void;
  update(nodes: readonly ConnectionOptions[]): void;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** One node or several (string, URL or `{ url, headers, roles }`). */
  readonly node?: NodeInput | readonly NodeInput[] | undefined;
  /** Same as `node`. */
  readonly nodes?: NodeInput | readonly NodeInput[] | undefined;
  /** Elastic Cloud deployment. */
  readonly cloud?: { readonly id: string } | undefined;
  readonly auth?: AuthOptions | undefined;
  readonly tls?: TlsOptions | undefined;
  /** Pins the SHA-256 fingerprint of a certificate in the server chain (https nodes only). */
  readonly caFingerprint?: string | undefined;
  /** HTTP proxy for every node. */
  readonly proxy?: string | URL | undefined;
  /** gzip request bodies and accept gzip/deflate responses. Default false. */
  readonly compression?: boolean | undefined;
  /** Per attempt, ms or '30s'. Default 30 000 ms. */
  readonly requestTimeout?: number | string | undefined;
  /** Timeout of a resurrection ping. Default 3 000 ms. */
  readonly pingTimeout?: number | string | undefined;
  /** Retries after the first attempt. Default 3. */
  readonly maxRetries?: number | undefined;
  /** Retry timed-out requests too (they may have been applied). Default false. */
  readonly retryOnTimeout?: boolean | undefined;
  /** Backoff for 429 answers: `base * 2^n` ms with jitter, capped at `max`. Default 100 / 10 000. */
  readonly retryBackoff?:
    | { readonly base?: number | undefined; readonly max?: number | undefined }
    | undefined;
  readonly sniffOnStart?: boolean | undefined;
  /** Sniff every so often (ms or '5m'); false to never. */
  readonly sniffInterval?: number | string | false | undefined;
  readonly sniffOnConnectionFault?: boolean | undefined;
  /** Default '/_nodes/_all/http'. */
  readonly sniffEndpoint?: string | undefined;
  /** How dead nodes come back: 'ping' (default), 'optimistic' or 'none'. */
  readonly resurrectStrategy?: ResurrectStrategy | undefined;
  /** Dead-node penalty after the first failure, ms. Default 60 000. */
  readonly deadTimeout?: number | string | undefined;
  /** Largest dead-node penalty, ms. Default 30 minutes. */
  readonly maxDeadTimeout?: number | string | undefined;
  readonly nodeSelector?: NodeSelector | undefined;
  readonly nodeFilter?: ((connection: Connection) => boolean) | undefined;
  readonly Connection?: ConnectionClass | undefined;
  readonly Serializer?: (new (options: JsonSerializerOptions) => Serializer) | undefined;
  readonly NodePool?: (new (options: NodePoolOptions) => NodePoolLike) | undefined;
  /** Sockets per node. Default 256. */
  readonly connections?: number | undefined;
  readonly keepAliveTimeout?: number | undefined;
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Prepended to every per-request `opaqueId` (X-Opaque-Id). */
  readonly opaqueIdPrefix?: string | undefined;
  /** Names the client in diagnostics and `meta`. Default 'elastiq'. */
  readonly name?: string | undefined;
  readonly maxResponseSize?: number | undefined;
  readonly maxCompressedResponseSize?: number | undefined;
  /** 'elasticsearch' (default) or 'opensearch' (no product check, plain JSON media types). */
  readonly compatibility?: 'elasticsearch' | 'opensearch' | undefined;
  /** Major version in `compatible-with=` of the media types: 8 or 9. Default 9. */
  readonly compatibleWith?: 8 | 9 | undefined;
  /** Parse integers beyond 2^53 as bigint. Default false. */
  readonly losslessIntegers?: boolean | undefined;
  readonly prototypePoisoning?: JsonSerializerOptions['prototypePoisoning'];
  /** Send the `x-elastic-client-meta` header. Default true. */
  readonly enableMetaHeader?: boolean | undefined;
}

/** Options resolved and checked once, at construction. */
export interface ResolvedOptions {
  readonly nodes: ConnectionOptions[];
  readonly authorization: string | undefined;
  readonly requestTimeout: number;
  readonly pingTimeout: number;
  readonly maxRetries: number;
  readonly retryOnTimeout: boolean;
  readonly backoffBase: number;
  readonly backoffMax: number;
  readonly sniffInterval: number;
  readonly deadTimeout: number;
  readonly maxDeadTimeout: number;
  readonly maxResponseSize: number;
  readonly maxCompressedResponseSize: number;
  readonly compatibleWith: 8 | 9;
}

const DEFAULT_MAX_RESPONSE = 536_870_888; // buffer.constants.MAX_STRING_LENGTH on 64-bit V8
const DEFAULT_MAX_COMPRESSED = 2 ** 32;

/** Checks every option and resolves nodes, auth and durations. Throws `ConfigurationError`. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('Client options must be an object', { option: 'options' });
  }
  checkEnum(options.compatibility, ['elasticsearch', 'opensearch'], 'compatibility');
  checkEnum(options.compatibleWith, [8, 9], 'compatibleWith');
  checkEnum(options.resurrectStrategy, ['ping', 'optimistic', 'none'], 'resurrectStrategy');
  checkEnum(options.prototypePoisoning, ['remove', 'error', 'ignore'], 'prototypePoisoning');
  if (typeof options.nodeSelector !== 'function') {
    checkEnum(options.nodeSelector, ['round-robin', 'random'], 'nodeSelector');
  }
  checkFunction(options.nodeFilter, 'nodeFilter');
  if (options.proxy !== undefined) checkProxy(options.proxy);
  checkHeaders(options.headers, 'headers');
  if (options.connections !== undefined) positiveInteger(options.connections, 'connections');
  if (options.keepAliveTimeout !== undefined)
    positiveInteger(options.keepAliveTimeout, 'keepAliveTimeout');
  const nodes = resolveNodes(options);
  const sniffInterval = options.sniffInterval;
  return {
    nodes,
    authorization: authorizationHeader(options.auth),
    requestTimeout: toTimerMilliseconds(options.requestTimeout ?? 30_000, 'requestTimeout'),
    pingTimeout: toTimerMilliseconds(options.pingTimeout ?? 3_000, 'pingTimeout'),
    maxRetries: nonNegativeInteger(options.maxRetries ?? 3, 'maxRetries'),
    retryOnTimeout: options.retryOnTimeout ?? false,
    backoffBase: nonNegativeInteger(options.retryBackoff?.base ?? 100, 'retryBackoff.base'),
    backoffMax: timerDelay(options.retryBackoff?.max ?? 10_000, 'retryBackoff.max'),
    sniffInterval:
      sniffInterval === undefined || sniffInterval === false
        ? 0
        : toTimerMilliseconds(sniffInterval, 'sniffInterval'),
    deadTimeout: toMilliseconds(options.deadTimeout ?? 60_000, 'deadTimeout'),
    maxDeadTimeout: toMilliseconds(options.maxDeadTimeout ?? 30 * 60_000, 'maxDeadTimeout'),
    maxResponseSize: positiveInteger(
      options.maxResponseSize ?? DEFAULT_MAX_RESPONSE,
      'maxResponseSize',
    ),
    maxCompressedResponseSize: positiveInteger(
      options.maxCompressedResponseSize ?? DEFAULT_MAX_COMPRESSED,
      'maxCompressedResponseSize',
    ),
    compatibleWith: options.compatibleWith ?? 9,
  };
}

function checkEnum(value: unknown, allowed: readonly unknown[], option: string): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new ConfigurationError(
      `\`${option}\` must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value)})`,
      { option },
    );
  }
}

// The URL parser's error keeps the whole input (and so a proxy password): it is not chained, and
// only the scheme and host of the input are shown.
function checkProxy(proxy: unknown): void {
  let url: URL | undefined;
  try {
    url = new URL(String(proxy));
  } catch {
    url = undefined;
  }
  if (url === undefined) {
    throw new ConfigurationError(
      `\`proxy\` must be an http or https URL: it is not a valid URL (${shownOrigin(String(proxy))}). ${ENCODE_ADVICE}`,
      { option: 'proxy' },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`\`proxy\` must be an http or https URL (got ${url.protocol})`, {
      option: 'proxy',
    });
  }
}

const ENCODE_ADVICE =
  'Percent-encode reserved characters (such as / @ : # ?) in a user name or password with encodeURIComponent';

// Scheme and host of a URL that does not parse, or a placeholder when even they cannot be read
// safely: the rest may hold a password (before an "@" the parser did not take as the separator).
function shownOrigin(text: string): string {
  const hidden = 'scheme and host unreadable, the rest is not shown as it may hold credentials';
  const match = /^\s*([a-z][a-z0-9+.-]*:)\/\/(.*)$/is.exec(text);
  if (match === null) return hidden;
  const rest = match[2]!;
  const at = rest.lastIndexOf('@');
  // Without an "@", what looks like a host may be "user:password" missing its host: not shown.
  if (at === -1) return hidden;
  const host = /^[^/?#\\]*/.exec(rest.slice(at + 1))![0];
  const valid = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host);
  return valid ? `${match[1]!.toLowerCase()}//${host}, credentials and path not shown` : hidden;
}

function checkFunction(value: unknown, option: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`\`${option}\` must be a function (got ${typeof value})`, {
      option,
    });
  }
}

// A string would be spread into headers like "0: x"; a non-string value sent as "[object Object]".
function checkHeaders(value: unknown, option: string): void {
  if (value === undefined) return;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((header) => typeof header === 'string');
  if (!valid) {
    throw new ConfigurationError(`\`${option}\` must be an object of string header values`, {
      option,
    });
  }
}

function nonNegativeInteger(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new ConfigurationError(
    `\`${option}\` must be a non-negative integer (got ${String(value)})`,
    { option },
  );
}

function timerDelay(value: unknown, option: string): number {
  const ms = nonNegativeInteger(value, option);
  if (ms <= MAX_TIMER_MS) return ms;
  throw new ConfigurationError(`\`${option}\` must be at most ${MAX_TIMER_MS} ms (got ${ms})`, {
    option,
  });
}

function positiveInteger(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new ConfigurationError(`\`${option}\` must be a positive integer (got ${String(value)})`, {
    option,
  });
}

function resolveNodes(options: ClientOptions): ConnectionOptions[] {
  const given = options.nodes ?? options.node;
  const inputs: NodeInput[] =
    given === undefined
      ? []
      : Array.isArray(given)
        ? [...(given as NodeInput[])]
        : [given as NodeInput];
  if (options.cloud !== undefined) {
    if (typeof options.cloud?.id !== 'string') {
      throw new ConfigurationError('`cloud.id` must be a string', { option: 'cloud.id' });
    }
    inputs.push(cloudIdToUrl(options.cloud.id));
  }
  if (inputs.length === 0) {
    throw new ConfigurationError('Give at least one node: `node`, `nodes` or `cloud.id`', {
      option: 'node',
    });
  }
  const listed = inputs.length > 1 || Array.isArray(given);
  const nodes = inputs.map((input, index) =>
    resolveNode(input, options, listed ? ` at index ${index}` : ''),
  );
  for (const node of nodes) {
    if (options.caFingerprint !== undefined && node.url.protocol !== 'https:') {
      throw new ConfigurationError('`caFingerprint` can only be used with https nodes', {
        option: 'caFingerprint',
      });
    }
  }
  return nodes;
}

function resolveNode(input: NodeInput, options: ClientOptions, where: string): ConnectionOptions {
  const spec = typeof input === 'string' || input instanceof URL ? { url: input } : input;
  if (typeof spec !== 'object' || spec === null || spec.url === undefined) {
    throw new ConfigurationError('A node must be a URL string, a URL or { url }', {
      option: 'node',
    });
  }
  let url: URL;
  try {
    url = new URL(String(spec.url));
  } catch {
    // Not chained, and the input not echoed: the parser's error keeps the whole input, and a
    // password holding "/" or "@" is where the parser does not expect it (so not redactable).
    throw new ConfigurationError(
      `The node URL${where} is not a valid URL (${shownOrigin(String(spec.url))}). ${ENCODE_ADVICE}, or give the credentials in \`auth\``,
      { option: 'node' },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`A node URL must be http or https (got ${url.protocol})`, {
      option: 'node',
    });
  }
  const nodeHeaders = (spec as { headers?: Record<string, string> }).headers;
  checkHeaders(nodeHeaders, 'node.headers');
  // Lower-cased like the client's headers, so that a client-wide value replaces it instead of
  // going out as a second header of the same name.
  const headers: Record<string, string> = {};
  for (const key in nodeHeaders) headers[key.toLowerCase()] = nodeHeaders[key]!;
  // Credentials in the URL become this node's Authorization header and leave the URL.
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  const roles = (spec as { roles?: Partial<NodeRoles> }).roles;
  return {
    url,
    id: (spec as { id?: string }).id ?? url.href,
    headers,
    roles:
      roles === undefined
        ? undefined
        : {
            master: roles.master ?? true,
            data: roles.data ?? true,
            ingest: roles.ingest ?? true,
            ml: roles.ml ?? false,
          },
    tls: options.tls,
    caFingerprint: options.caFingerprint,
    proxy: options.proxy,
    connections: options.connections,
    keepAliveTimeout: options.keepAliveTimeout,
  };
}

/** The Authorization header value for the `auth` option. */
export function authorizationHeader(auth: AuthOptions | undefined): string | undefined {
  if (auth === undefined) return undefined;
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigurationError(
      '`auth` must be { username, password }, { apiKey } or { bearer }',
      { option: 'auth' },
    );
  }
  if ('apiKey' in auth) {
    const key = auth.apiKey;
    if (typeof key === 'string' && key.length > 0) return `ApiKey ${key}`;
    if (
      typeof key === 'object' &&
      key !== null &&
      typeof key.id === 'string' &&
      typeof key.api_key === 'string'
    ) {
      return `ApiKey ${Buffer.from(`${key.id}:${key.api_key}`).toString('base64')}`;
    }
    throw new ConfigurationError('`auth.apiKey` must be a string or { id, api_key }', {
      option: 'auth.apiKey',
    });
  }
  if ('bearer' in auth) {
    if (typeof auth.bearer === 'string' && auth.bearer.length > 0) return `Bearer ${auth.bearer}`;
    throw new ConfigurationError('`auth.bearer` must be a non-empty string', {
      option: 'auth.bearer',
    });
  }
  if (
    'username' in auth &&
    typeof auth.username === 'string' &&
    typeof auth.password === 'string'
  ) {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  throw new ConfigurationError('`auth` must be { username, password }, { apiKey } or { bearer }', {
    option: 'auth',
  });
}
