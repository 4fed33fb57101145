import { ConfigurationError } from '../errors.js';
import type {
  HttpMethod,
  QueryValue,
  TransportLike,
  TransportRequestOptions,
  TransportRequestParams,
} from '../transport/types.js';

/**
 * One endpoint as the generator writes it: four compact strings, compiled on first use so that
 * loading the client costs nothing for the hundreds of endpoints a program never calls.
 *
 * - `urls`: URL variants separated by `|`, most path parts first, each `METHODS /path/{part}`
 *   (`GET,POST /{index}/_search|GET,POST /_search`).
 * - `body`: where body arguments go: `''` no body; `a,b,c` the body's own fields (flattened at the
 *   top level of the arguments); `=name` a single-value body under that argument; `~name` an
 *   NDJSON body (bulk, msearch, ...) under that argument.
 * - `required`: comma-separated required arguments; a `.` prefix marks a body field, satisfied
 *   too by a raw `body`.
 */
export interface EndpointSpec {
  readonly name: string;
  readonly urls: string;
  readonly body: string;
  readonly required: string;
  /** Filled on first call. */
  compiled?: CompiledEndpoint;
}

interface UrlVariant {
  readonly methods: readonly HttpMethod[];
  readonly parts: readonly string[];
  /** Literal pieces around the parts: `parts.length + 1` strings. */
  readonly literals: readonly string[];
  readonly chooseByBody: boolean;
  readonly partSet: ReadonlySet<string>;
}

interface CompiledEndpoint {
  readonly name: string;
  readonly variants: readonly UrlVariant[];
  readonly pathParts: ReadonlySet<string>;
  readonly bodyFields: ReadonlySet<string> | undefined;
  readonly valueKey: string | undefined;
  readonly ndjson: boolean;
  readonly required: readonly string[];
  readonly requiredBody: ReadonlySet<string>;
  readonly head: boolean;
}

type Params = Record<string, unknown>;

/** Declares an endpoint (used by the generated table). */
export function defineEndpoint(
  name: string,
  urls: string,
  body: string,
  required: string,
): EndpointSpec {
  return { name, urls, body, required };
}

function compileVariant(text: string): UrlVariant {
  const space = text.indexOf(' ');
  const methods = text.slice(0, space).split(',') as HttpMethod[];
  const pieces = text.slice(space + 1).split(/\{([^}]+)\}/);
  const parts = pieces.filter((_, i) => i % 2 === 1);
  const literals = pieces.filter((_, i) => i % 2 === 0);
  const chooseByBody = methods.includes('GET') && methods.includes('POST');
  return { methods, parts, literals, chooseByBody, partSet: new Set(parts) };
}

function compile(spec: EndpointSpec): CompiledEndpoint {
  const variants = spec.urls.split('|').map(compileVariant);
  const pathParts = new Set(variants.flatMap((v) => v.parts));
  const marker = spec.body.charAt(0);
  const single = marker === '=' || marker === '~';
  const required: string[] = [];
  const requiredBody = new Set<string>();
  for (const entry of spec.required ? spec.required.split(',') : []) {
    const isBody = entry.startsWith('.');
    const key = isBody ? entry.slice(1) : entry;
    required.push(key);
    if (isBody) requiredBody.add(key);
  }
  const compiled: CompiledEndpoint = {
    name: spec.name,
    variants,
    pathParts,
    bodyFields: !single && spec.body ? new Set(spec.body.split(',')) : undefined,
    valueKey: single ? spec.body.slice(1) : undefined,
    ndjson: marker === '~',
    required,
    requiredBody,
    head: variants.every((v) => v.methods.length === 1 && v.methods[0] === 'HEAD'),
  };
  spec.compiled = compiled;
  return compiled;
}

function encodePart(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => encodeURIComponent(String(v))).join(',');
  return encodeURIComponent(String(value));
}

function checkRequired(endpoint: CompiledEndpoint, params: Params): void {
  const rawBody = params.body != null;
  for (const key of endpoint.required) {
    if (params[key] != null) continue;
    if (rawBody && (endpoint.requiredBody.has(key) || key === endpoint.valueKey)) continue;
    throw new ConfigurationError(
      `${endpoint.name}: missing required argument '${key}'. Pass it in the first argument.`,
      { option: key },
    );
  }
}

// The variant whose path parts are all given, most specific first (the table is sorted so).
function pickVariant(endpoint: CompiledEndpoint, params: Params): UrlVariant {
  const { variants } = endpoint;
  for (let i = 0; i < variants.length; i++) {
    const variant = variants[i]!;
    let complete = true;
    for (const part of variant.parts) {
      if (params[part] == null) {
        complete = false;
        break;
      }
    }
    if (complete) return variant;
  }
  const needed = variants[variants.length - 1]!.parts.filter((p) => params[p] == null);
  throw new ConfigurationError(
    `${endpoint.name}: missing path argument${needed.length > 1 ? 's' : ''} '${needed.join("', '")}'.`,
    { option: needed[0] },
  );
}

function buildPath(endpoint: CompiledEndpoint, variant: UrlVariant, params: Params): string {
  const { literals, parts } = variant;
  let path = literals[0]!;
  for (let i = 0; i < parts.length; i++) {
    const encoded = encodePart(params[parts[i]!]);
    // An empty part leaves '//': the server reads '//_search' or '//_delete_by_query' as every index.
    if (encoded.length === 0) throw emptyPart(endpoint, parts[i]!);
    path += encoded + literals[i + 1]!;
  }
  return path;
}

function emptyPart(endpoint: CompiledEndpoint, part: string): ConfigurationError {
  return new ConfigurationError(
    `${endpoint.name}: path argument '${part}' is empty ('' or []). Give at least one name; for every index say so with '_all' or '*'.`,
    { option: part },
  );
}

// `sort: 'views:desc'` is the query-string syntax; the body's sort takes objects or field names.
function isQueryStringSort(key: string, value: unknown): boolean {
  if (key !== 'sort') return false;
  if (typeof value === 'string') return value.includes(':');
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'string' && v.includes(':'))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Flattened body fields merge over a raw object body; any other raw body cannot take them.
function mergeBody(endpoint: CompiledEndpoint, raw: unknown, fields: Params | undefined): unknown {
  if (fields === undefined) return raw;
  if (raw == null) return fields;
  if (isPlainObject(raw)) return { ...raw, ...fields };
  throw new ConfigurationError(
    `${endpoint.name}: a raw 'body' that is not an object cannot be combined with body fields (${Object.keys(fields).join(', ')}).`,
    { option: 'body' },
  );
}

/**
 * Routes the arguments of one API call to path, query string and body as the specification
 * says, then sends it. Unknown arguments go to the query string, like the official clients.
 * Argument errors reject the returned promise (never a synchronous throw) and nothing is sent.
 */
export function callEndpoint(
  transport: TransportLike,
  spec: EndpointSpec,
  params: object | undefined,
  options: TransportRequestOptions | undefined,
): Promise<unknown> {
  try {
    return send(transport, spec, params, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

function send(
  transport: TransportLike,
  spec: EndpointSpec,
  params: object | undefined,
  options: TransportRequestOptions | undefined,
): Promise<unknown> {
  const endpoint = spec.compiled ?? compile(spec);
  const args = (params ?? {}) as Params;
  checkRequired(endpoint, args);
  const variant = pickVariant(endpoint, args);
  const { bodyFields, pathParts, valueKey } = endpoint;
  let querystring: Record<string, QueryValue> | undefined;
  let fields: Params | undefined;
  let value: unknown;
  // A name that is a path part of the chosen URL goes to the path only (never also in the body,
  // like `ml.putJob`'s job_id); a path part of another URL may still be a body field (`scroll_id`).
  const { partSet } = variant;
  for (const key in args) {
    const arg = args[key];
    if (arg === undefined || key === 'body' || partSet.has(key)) continue;
    if (key === valueKey) {
      value = arg;
    } else if (isQueryStringSort(key, arg)) {
      querystring ??= {};
      querystring[key] = arg as QueryValue;
    } else if (bodyFields?.has(key)) {
      fields ??= {};
      fields[key] = arg;
    } else if (!pathParts.has(key)) {
      querystring ??= {};
      querystring[key] = arg as QueryValue;
    }
  }
  const raw = value ?? args.body;
  const body = mergeBody(endpoint, raw, fields);
  const method = variant.chooseByBody ? (body != null ? 'POST' : 'GET') : variant.methods[0]!;
  const path = buildPath(endpoint, variant, args);
  const request: TransportRequestParams = endpoint.ndjson
    ? { method, path, querystring, bulkBody: body as TransportRequestParams['bulkBody'] }
    : { method, path, querystring, body };
  const opts = endpoint.head ? { ...options, asBoolean: true } : options;
  return transport.request(request, opts);
}
