import { VERSION } from './version.js';

const SENSITIVE = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
  'es-secondary-authorization',
]);

/** A copy of `headers` with every credential-bearing value replaced by '[redacted]'. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const key in headers)
    copy[key] = SENSITIVE.has(key.toLowerCase()) ? '[redacted]' : headers[key]!;
  return copy;
}

export interface HeaderSetOptions {
  readonly authorization: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly compression: boolean;
  /** 0 for plain application/json (OpenSearch), otherwise the compatible-with major. */
  readonly compatibleWith: number;
  readonly enableMetaHeader: boolean;
}

/** The three precomputed header objects a request starts from: no body, JSON body, NDJSON body. */
export interface HeaderSets {
  readonly none: Readonly<Record<string, string>>;
  readonly json: Readonly<Record<string, string>>;
  readonly ndjson: Readonly<Record<string, string>>;
}

/** Builds the shared header objects once, so that most requests allocate no header object. */
export function buildHeaderSets(options: HeaderSetOptions): HeaderSets {
  const compat = options.compatibleWith;
  const json =
    compat > 0
      ? `application/vnd.elasticsearch+json; compatible-with=${compat}`
      : 'application/json';
  const ndjson =
    compat > 0
      ? `application/vnd.elasticsearch+x-ndjson; compatible-with=${compat}`
      : 'application/x-ndjson';
  const base: Record<string, string> = {
    'user-agent': `elastiq/${VERSION} (${process.platform} ${process.arch}; Node.js ${process.versions.node})`,
    accept: json,
  };
  if (options.enableMetaHeader) {
    base['x-elastic-client-meta'] =
      `elastiq=${VERSION},js=${process.versions.node},t=${VERSION},un=${undiciVersion()}`;
  }
  if (options.compression) base['accept-encoding'] = 'gzip,deflate';
  if (options.authorization !== undefined) base.authorization = options.authorization;
  // User headers are written last and lower-cased, so they override the defaults.
  for (const key in options.headers) base[key.toLowerCase()] = options.headers[key]!;
  return Object.freeze({
    none: Object.freeze({ ...base }),
    json: Object.freeze({ ...base, 'content-type': json }),
    ndjson: Object.freeze({ ...base, 'content-type': ndjson }),
  });
}

function undiciVersion(): string {
  // process.versions.undici is Node's bundled copy; the client uses the package's, of the same line.
  return process.versions.undici ?? 'unknown';
}
