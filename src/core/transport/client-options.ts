import * as z from 'zod';
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
import type { TransportRequestOptions, WarningMeta } from './types.js';

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

/**
 * Options of `new Client()`. Each is checked at run time by its schema in `OPTION_SCHEMAS` (below):
 * a new option needs a line there too, or the build fails.
 */
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
  /** Per attempt, ms or '30s'; `Infinity` for no timeout (0 is refused). Default 30 000 ms. */
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
  /**
   * Largest inflated/compressed size ratio of a compressed answer once it passes 64 MiB
   * inflated (a decompression bomb stops there); false turns the check off. Default 100.
   */
  readonly maxCompressionRatio?: number | false | undefined;
  /** 'elasticsearch' (default) or 'opensearch' (no product check, plain JSON media types). */
  readonly compatibility?: 'elasticsearch' | 'opensearch' | undefined;
  /** Major version in `compatible-with=` of the media types: 8 or 9. Default 9. */
  readonly compatibleWith?: 8 | 9 | undefined;
  /** Parse integers beyond 2^53 as bigint. Default false. */
  readonly losslessIntegers?: boolean | undefined;
  readonly prototypePoisoning?: JsonSerializerOptions['prototypePoisoning'];
  /** Send the `x-elastic-client-meta` header. Default true. */
  readonly enableMetaHeader?: boolean | undefined;
  /**
   * What to do with the `Warning` headers of a response (Elasticsearch's deprecation warnings).
   * Default: each distinct message once per client through `process.emitWarning` (type
   * `ElasticsearchDeprecationWarning`); false: nothing; a function receives the messages and
   * the request they answered. Results with `meta: true` carry them as `warnings` either way.
   */
  readonly onWarning?: false | WarningHandler | undefined;
}

/** Receives the decoded messages of a response's `Warning` headers. */
export type WarningHandler = (warnings: readonly string[], meta: WarningMeta) => void;

/** Options resolved and checked once, at construction. */
export interface ResolvedOptions {
  readonly nodes: ConnectionOptions[];
  readonly authorization: string | undefined;
  /** Milliseconds; 0 when the user chose `Infinity` (no timer is set). */
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

// What each option accepts. Every schema names what it expects through `.describe()`: that text
// ends up in the ConfigurationError. The mapped type keeps this table and `ClientOptions` in step:
// an option missing here, or a schema accepting more than its option's type, fails to compile.
const isFunction = (value: unknown): boolean => typeof value === 'function';
const bool = () => z.boolean().describe('a boolean (true or false)');
const text = () => z.string().describe('a string');
const duration = () =>
  z.union([z.number(), z.string()]).describe("a duration: milliseconds or a string such as '30s'");
const nonNegativeInt = () => z.number().int().min(0).describe('a non-negative integer');
const positiveInt = () => z.number().int().min(1).describe('a positive integer');
const headerValues = () =>
  z.record(z.string(), z.string()).describe('an object of string header values');
const classOf = <T>() => z.custom<T>(isFunction).describe('a class (a constructor function)');
const buffer = z.custom<Buffer>((value) => Buffer.isBuffer(value));
const pem = () => z.union([z.string(), buffer]).describe('a string or a Buffer');
const url = z.union([z.string(), z.instanceof(URL)]);

const nodeInput = z
  .union([
    url,
    z.strictObject({
      url: url.describe('a URL string or a URL'),
      headers: headerValues().optional(),
      roles: z
        .strictObject({
          master: bool().exactOptional(),
          data: bool().exactOptional(),
          ingest: bool().exactOptional(),
          ml: bool().exactOptional(),
        })
        .describe('{ master, data, ingest, ml } of booleans')
        .optional(),
      id: text().optional(),
    }),
  ])
  .describe('a URL string, a URL or { url, headers, roles, id }');
const nodes = () =>
  z
    .union([nodeInput, z.array(nodeInput)])
    .describe('a URL string, a URL, { url, headers, roles, id } or a list of them');

type OptionSchemas = { readonly [K in keyof ClientOptions]-?: z.ZodType<ClientOptions[K]> };

const OPTION_SCHEMAS = {
  node: nodes(),
  nodes: nodes(),
  cloud: z.strictObject({ id: text() }).describe('{ id } (an Elastic Cloud id)'),
  auth: z
    .union([
      z.strictObject({ username: text(), password: text() }),
      z.strictObject({
        apiKey: z
          .union([z.string(), z.strictObject({ id: text(), api_key: text() })])
          .describe('an encoded API key string or { id, api_key }'),
      }),
      z.strictObject({ bearer: text() }),
    ])
    .describe('{ username, password }, { apiKey } or { bearer }'),
  tls: z
    .strictObject({
      ca: z
        .union([z.string(), buffer, z.array(z.union([z.string(), buffer]))])
        .describe('a string, a Buffer or a list of them')
        .optional(),
      cert: pem().optional(),
      key: pem().optional(),
      passphrase: text().optional(),
      rejectUnauthorized: bool().optional(),
      servername: text().optional(),
    })
    .describe('{ ca, cert, key, passphrase, rejectUnauthorized, servername }'),
  caFingerprint: z.string().describe('a SHA-256 fingerprint string (hex digits, colons optional)'),
  proxy: url.describe('an http or https proxy URL (a string or a URL)'),
  compression: bool(),
  requestTimeout: z
    .union([
      z.number(),
      z.string(),
      z.custom<number>((value) => value === Number.POSITIVE_INFINITY),
    ])
    .describe("a duration: milliseconds or a string such as '30s', or Infinity for no timeout"),
  pingTimeout: duration(),
  maxRetries: nonNegativeInt(),
  retryOnTimeout: bool(),
  retryBackoff: z
    .strictObject({ base: nonNegativeInt().optional(), max: nonNegativeInt().optional() })
    .describe('{ base, max } in milliseconds'),
  sniffOnStart: bool(),
  sniffInterval: z
    .union([z.number(), z.string(), z.literal(false)])
    .describe("a duration (milliseconds or a string such as '5m'), or false"),
  sniffOnConnectionFault: bool(),
  sniffEndpoint: text(),
  resurrectStrategy: z
    .enum(['ping', 'optimistic', 'none'])
    .describe("'ping', 'optimistic' or 'none'"),
  deadTimeout: duration(),
  maxDeadTimeout: duration(),
  nodeSelector: z
    .union([z.enum(['round-robin', 'random']), z.custom<Exclude<NodeSelector, string>>(isFunction)])
    .describe("'round-robin', 'random' or a function (connections) => connection"),
  nodeFilter: z
    .custom<(connection: Connection) => boolean>(isFunction)
    .describe('a function (connection) => boolean'),
  Connection: classOf<ConnectionClass>(),
  Serializer: classOf<new (options: JsonSerializerOptions) => Serializer>(),
  NodePool: classOf<new (options: NodePoolOptions) => NodePoolLike>(),
  connections: positiveInt(),
  keepAliveTimeout: positiveInt(),
  headers: headerValues(),
  opaqueIdPrefix: text(),
  name: text(),
  maxResponseSize: positiveInt(),
  maxCompressedResponseSize: positiveInt(),
  maxCompressionRatio: z
    .union([z.number().min(1), z.literal(false)])
    .describe('a number >= 1, or false to turn the check off'),
  compatibility: z
    .enum(['elasticsearch', 'opensearch'])
    .describe("'elasticsearch' or 'opensearch'"),
  compatibleWith: z.union([z.literal(8), z.literal(9)]).describe('8 or 9'),
  losslessIntegers: bool(),
  prototypePoisoning: z
    .enum(['remove', 'error', 'ignore'])
    .describe("'remove', 'error' or 'ignore'"),
  enableMetaHeader: bool(),
  onWarning: z
    .union([z.literal(false), z.custom<WarningHandler>(isFunction)])
    .describe('false or a function (warnings, meta) => void'),
} satisfies OptionSchemas;

const OPTION_NAMES = Object.keys(OPTION_SCHEMAS);

// Their values are never shown in an error, only their kind: they hold credentials.
const SECRET_OPTIONS: ReadonlySet<string> = new Set([
  'node',
  'nodes',
  'cloud',
  'auth',
  'tls',
  'proxy',
  'headers',
]);

/**
 * Checks the type and shape of every option, and refuses unknown ones (naming the nearest known
 * option). Throws `ConfigurationError`; what depends on several options is checked when resolved.
 */
export function validateOptions(options: ClientOptions): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError('Client options must be an object', { option: 'options' });
  }
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(OPTION_SCHEMAS, key)) {
      throw new ConfigurationError(
        `Unknown client option \`${key}\`${suggestion(key, OPTION_NAMES)}`,
        { option: key },
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const schema: z.ZodType = OPTION_SCHEMAS[key as keyof typeof OPTION_SCHEMAS];
    const result = schema.safeParse(value);
    if (!result.success) throw optionError(key, schema, value, result.error.issues);
  }
}

/** Checks every option and resolves nodes, auth and durations. Throws `ConfigurationError`. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  validateOptions(options);
  if (options.proxy !== undefined) checkProxy(options.proxy);
  const nodes = resolveNodes(options);
  const sniffInterval = options.sniffInterval;
  return {
    nodes,
    authorization: authorizationHeader(options.auth),
    requestTimeout:
      options.requestTimeout === undefined ? 30_000 : requestTimeoutMs(options.requestTimeout),
    pingTimeout: positiveTimer(options.pingTimeout ?? 3_000, 'pingTimeout'),
    maxRetries: options.maxRetries ?? 3,
    retryOnTimeout: options.retryOnTimeout ?? false,
    backoffBase: options.retryBackoff?.base ?? 100,
    backoffMax: timerDelay(options.retryBackoff?.max ?? 10_000, 'retryBackoff.max'),
    sniffInterval:
      sniffInterval === undefined || sniffInterval === false
        ? 0
        : toTimerMilliseconds(sniffInterval, 'sniffInterval'),
    deadTimeout: toMilliseconds(options.deadTimeout ?? 60_000, 'deadTimeout'),
    maxDeadTimeout: toMilliseconds(options.maxDeadTimeout ?? 30 * 60_000, 'maxDeadTimeout'),
    maxResponseSize: options.maxResponseSize ?? DEFAULT_MAX_RESPONSE,
    maxCompressedResponseSize: options.maxCompressedResponseSize ?? DEFAULT_MAX_COMPRESSED,
    compatibleWith: options.compatibleWith ?? 9,
  };
}

/**
 * Milliseconds of a `requestTimeout` (client-wide or per request); 0 stands for `Infinity`, no
 * timeout. A 0 given by the caller is refused: with @elastic/elasticsearch it turns the timeout off
 * on the client but times out at once on a request, and here a forgotten or empty setting would
 * otherwise leave a request pending forever without a word.
 */
export function requestTimeoutMs(value: number | string, option = 'requestTimeout'): number {
  if (value === Number.POSITIVE_INFINITY) return 0;
  const ms = toTimerMilliseconds(value, option);
  if (ms > 0) return ms;
  throw new ConfigurationError(
    `\`${option}\` must be positive (got ${JSON.stringify(value)}): give a duration such as '30s', or Infinity to wait for the answer without a limit`,
    { option },
  );
}

function positiveTimer(value: number | string, option: string): number {
  const ms = toTimerMilliseconds(value, option);
  if (ms > 0) return ms;
  throw new ConfigurationError(
    `\`${option}\` must be positive (got ${JSON.stringify(value)}): a ping without a timeout could wait forever`,
    { option },
  );
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

// The ConfigurationError for a value its option's schema refused.
function optionError(
  key: string,
  schema: z.ZodType,
  value: unknown,
  issues: readonly Issue[],
): ConfigurationError {
  const picked = pickIssue(issues, [], value);
  const { issue, path } = picked;
  const secret = SECRET_OPTIONS.has(key);
  const at = locate(schema, path);
  const option = [key, ...at.names].join('.');
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? '';
    const known = objectKeys(at.schema);
    if (known.includes(unknown)) {
      // A key of another form of the same option (`auth` with both a password and a bearer).
      return new ConfigurationError(
        `\`${option}\` must be ${at.description ?? 'one of its forms'} (got \`${unknown}\` together with keys of another form)`,
        { option },
      );
    }
    return new ConfigurationError(
      `Unknown option \`${option}.${unknown}\`${suggestion(unknown, objectKeys(at.schema))}`,
      { option: `${option}.${unknown}` },
    );
  }
  const expects =
    at.description ?? (issue.code === 'invalid_type' ? article(issue.expected) : 'valid');
  // Below a record or list entry, the value at fault and where it is (`headers` with a number).
  const deeper = path.slice(at.valuePath.length);
  const got =
    deeper.length === 0
      ? describeValue(valueAt(value, at.valuePath), secret)
      : `${describeValue(valueAt(value, path), secret)} at \`${deeper.map(String).join('.')}\``;
  return new ConfigurationError(`\`${option}\` must be ${expects} (got ${got})`, {
    option,
  });
}

interface Picked {
  readonly issue: Issue;
  readonly path: Path;
  readonly score: number;
}

// The most telling of the issues. Of a union's, those of the branch that came closest: a
// `{ url, headers: [] }` node is an object node with bad headers, not "neither a string nor a URL".
function pickIssue(issues: readonly Issue[], prefix: Path, root: unknown): Picked {
  let best: Picked | undefined;
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const candidate =
      issue.code === 'invalid_union'
        ? pickBranch(issue, path, root)
        : { issue, path, score: issueScore(issue.code, path, root) };
    if (best === undefined || candidate.score > best.score) best = candidate;
  }
  return best!;
}

// Of the branches that accepted the value's type, the one with the fewest issues, then the most
// telling issue; when every branch refused the type, the union itself (its description says it).
function pickBranch(issue: Issue & { code: 'invalid_union' }, path: Path, root: unknown): Picked {
  const own: Picked = { issue, path, score: issueScore('invalid_type', path, root) };
  let chosen: Picked | undefined;
  let fewest = Number.POSITIVE_INFINITY;
  for (const branch of issue.errors) {
    const inner = pickIssue(branch, path, root);
    if (inner.score <= own.score) continue;
    if (branch.length < fewest || (branch.length === fewest && inner.score > chosen!.score)) {
      chosen = inner;
      fewest = branch.length;
    }
  }
  return chosen ?? own;
}

// Deeper is better; at the same depth a wrong type is the least telling. A missing key counts as
// a problem of its parent object.
function issueScore(code: Issue['code'], path: Path, root: unknown): number {
  if (code !== 'invalid_type') return path.length * 2 + 1;
  if (path.length > 0 && valueAt(root, path) === undefined) return (path.length - 1) * 2 + 0.5;
  return path.length * 2;
}

interface Located {
  /** Property names below the option, array indices and record keys left out. */
  readonly names: readonly string[];
  /** Path to the value those names designate. */
  readonly valuePath: Path;
  readonly description: string | undefined;
  readonly schema: z.ZodType;
}

// Follows a path through the schema, to name the option and say what it expects.
function locate(schema: z.ZodType, path: Path): Located {
  const names: string[] = [];
  let valuePath: Path = [];
  let description = schema.description;
  let current = schema;
  for (let i = 0; i < path.length; i++) {
    const next = step(current, path[i]!);
    if (next === undefined || next.kind === 'entry') break;
    current = next.schema;
    if (next.kind === 'property') {
      names.push(String(path[i]));
      valuePath = path.slice(0, i + 1);
      description = next.schema.description ?? innerDescription(next.schema);
    }
  }
  return { names, valuePath, description, schema: current };
}

type Step = { kind: 'property' | 'index' | 'entry'; schema: z.ZodType } | undefined;

function step(schema: z.ZodType, segment: PropertyKey): Step {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return step(def.innerType as z.ZodType, segment);
    case 'union':
      for (const option of def.options as z.ZodType[]) {
        const found = step(option, segment);
        if (found !== undefined) return found;
      }
      return undefined;
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return typeof segment === 'string' && Object.hasOwn(shape, segment)
        ? { kind: 'property', schema: shape[segment]! }
        : undefined;
    }
    case 'array':
      return typeof segment === 'number'
        ? { kind: 'index', schema: def.element as z.ZodType }
        : undefined;
    case 'record':
      return { kind: 'entry', schema: def.valueType as z.ZodType };
    default:
      return undefined;
  }
}

function innerDescription(schema: z.ZodType): string | undefined {
  const def = schema._zod.def as unknown as { type: string; innerType?: z.ZodType };
  return def.type === 'optional' && def.innerType !== undefined
    ? (def.innerType.description ?? innerDescription(def.innerType))
    : undefined;
}

// The keys of the objects a schema accepts, for "did you mean".
function objectKeys(schema: z.ZodType): string[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'optional' || def.type === 'nullable')
    return objectKeys(def.innerType as z.ZodType);
  if (def.type === 'union') return (def.options as z.ZodType[]).flatMap(objectKeys);
  if (def.type === 'array') return objectKeys(def.element as z.ZodType);
  if (def.type === 'object') return Object.keys(def.shape as object);
  return [];
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function article(kind: string): string {
  return /^[aeiou]/i.test(kind) ? `an ${kind}` : `a ${kind}`;
}

// What a value is, for an error message: the value itself when short and harmless, its kind only
// for the options that may hold credentials.
function describeValue(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      if (secret) return 'a string';
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return secret ? article(typeof value) : String(value);
    case 'function':
      return 'a function';
    case 'object':
      return value instanceof URL ? 'a URL' : 'an object';
    default:
      return article(typeof value);
  }
}

/** ": did you mean `x`?" for the known name nearest to an unknown one, or nothing when none is near. */
export function suggestion(name: string, known: readonly string[]): string {
  const wanted = name.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    // A name that starts the other (`maximum` for `max`, `maxRetry` for `maxRetries`) is near too.
    const prefix =
      Math.min(wanted.length, lower.length) >= 3 &&
      (wanted.startsWith(lower) || lower.startsWith(wanted));
    const distance = editDistance(wanted, lower);
    const score = prefix ? Math.min(distance, 1.5) : distance;
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  const near = bestScore <= Math.max(2, Math.floor(name.length / 2.5));
  return best !== undefined && near ? `: did you mean \`${best}\`?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

// Per-request options: checked by hand, as they are on the request path (a schema parse per
// request costs more than the rest of the option handling).
type RequestCheck = readonly [test: (value: unknown) => boolean, expects: string];

const isBoolean = (value: unknown) => typeof value === 'boolean';
const isNonNegativeInt = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;
const isPositiveInt = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
const isPlainObject = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const BOOLEAN: RequestCheck = [isBoolean, 'a boolean (true or false)'];

const REQUEST_CHECKS = {
  signal: [(value) => value instanceof AbortSignal, 'an AbortSignal'],
  requestTimeout: [
    (value) => typeof value === 'number' || typeof value === 'string',
    "a duration: milliseconds or a string such as '30s', or Infinity for no timeout",
  ],
  maxRetries: [isNonNegativeInt, 'a non-negative integer'],
  retryOnTimeout: BOOLEAN,
  ignore: [
    (value) => Array.isArray(value) && value.every((code) => Number.isInteger(code)),
    'a list of HTTP status codes (integers)',
  ],
  headers: [
    (value) =>
      isPlainObject(value) &&
      Object.values(value as object).every((header) => typeof header === 'string'),
    'an object of string header values',
  ],
  querystring: [isPlainObject, 'an object of query-string parameters'],
  meta: BOOLEAN,
  compression: BOOLEAN,
  opaqueId: [(value) => typeof value === 'string', 'a string'],
  maxResponseSize: [isPositiveInt, 'a positive integer'],
  maxCompressedResponseSize: [isPositiveInt, 'a positive integer'],
  asBoolean: BOOLEAN,
} satisfies { readonly [K in keyof TransportRequestOptions]-?: RequestCheck };

const REQUEST_OPTION_NAMES = Object.keys(REQUEST_CHECKS);

/**
 * Checks the per-request options (the second argument of every API method): known keys only,
 * each of the right type, and a positive `requestTimeout`. Throws `ConfigurationError`.
 * Internal: meant to be called by the transport when it prepares a request.
 */
export function checkRequestOptions(options: TransportRequestOptions): void {
  for (const key in options) {
    const check = (REQUEST_CHECKS as Record<string, RequestCheck>)[key];
    if (check === undefined) {
      throw new ConfigurationError(
        `Unknown request option \`${key}\`${suggestion(key, REQUEST_OPTION_NAMES)}`,
        { option: key },
      );
    }
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (!check[0](value)) {
      const shown = describeValue(value, key === 'headers' || key === 'querystring');
      throw new ConfigurationError(`\`${key}\` must be ${check[1]} (got ${shown})`, {
        option: key,
      });
    }
    if (key === 'requestTimeout') requestTimeoutMs(value as number | string);
  }
}

function timerDelay(value: number, option: string): number {
  if (value <= MAX_TIMER_MS) return value;
  throw new ConfigurationError(`\`${option}\` must be at most ${MAX_TIMER_MS} ms (got ${value})`, {
    option,
  });
}

// The URL parser's error keeps the whole input (and so a proxy password): it is not chained, and
// only the scheme and host of the input are shown.
function checkProxy(proxy: string | URL): void {
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
