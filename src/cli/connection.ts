// How a command of the CLI reaches a cluster (`elastiq migrate`, `elastiq info`): one
// implementation of --url, --ca, --api-key, --compatibility and the ELASTICSEARCH_* variables,
// each command raising its own usage error (exit code 2).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ElastiqError } from '../core/errors.js';
import type { AuthOptions, ClientOptions } from '../core/transport/client-options.js';

/** The flags every cluster command takes, for `parseArgs`. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  ca: { type: 'string' },
  'api-key': { type: 'string' },
  compatibility: { type: 'string' },
} as const;

/** Those flags as parsed. */
export interface ConnectionFlags {
  readonly url?: string | undefined;
  readonly ca?: string | undefined;
  readonly 'api-key'?: string | undefined;
  readonly compatibility?: string | undefined;
}

/** Makes the command's own usage error (exit code 2) from a message. */
export type UsageErrorFactory = (message: string) => ElastiqError;

/** `value` as an http(s) URL; a usage error otherwise, which never echoes it. */
export function httpUrl(value: string, source: string, usage: UsageErrorFactory): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // Never echoed: a URL that does not parse may hold a password anywhere (http://user:pass).
    const what = url === undefined ? 'does not parse as a URL' : `has the scheme ${url.protocol}`;
    throw usage(
      `${source} must be an http:// or https:// URL such as http://127.0.0.1:9200; it ${what} (not shown: it may hold a credential)`,
    );
  }
  return url;
}

/** The server product of --compatibility (default elasticsearch). */
export function compatibilityOf(
  values: ConnectionFlags,
  usage: UsageErrorFactory,
): 'elasticsearch' | 'opensearch' {
  const product = values.compatibility ?? 'elasticsearch';
  if (product !== 'elasticsearch' && product !== 'opensearch') {
    throw usage(`--compatibility must be elasticsearch or opensearch, not '${product}'`);
  }
  return product;
}

export const DEFAULT_URL = 'http://127.0.0.1:9200';

/** The cluster URL: --url, else ELASTICSEARCH_URL, else the default local node. */
export function clusterUrl(values: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): string {
  return values.url ?? (env.ELASTICSEARCH_URL || DEFAULT_URL);
}

/** How a command reaches its cluster, and where each part comes from. */
export interface ClusterConnection {
  /** The client's options: node, auth, CA. */
  readonly options: ClientOptions;
  /** The `Cluster: ...` line: scheme://host:port, where it came from; never a credential. */
  readonly description: string;
  /** What the user should know before anything is sent (credentials on the command line). */
  readonly warnings: readonly string[];
}

const ENV_BASIC = 'ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD';
const VISIBLE = 'is visible to other users (ps) and kept in shell history';

/**
 * The cluster and credentials: --url, else ELASTICSEARCH_URL, else the local default; basic
 * authentication from the URL or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD, or an API key
 * from --api-key or ELASTICSEARCH_API_KEY (one of them); a CA from --ca or ELASTICSEARCH_CA.
 * A credential on the command line is taken with a warning; anything incomplete or unreadable
 * is a usage error.
 */
export function clusterConnection(
  values: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  usage: UsageErrorFactory,
): ClusterConnection {
  const source =
    values.url !== undefined ? '--url' : env.ELASTICSEARCH_URL ? 'ELASTICSEARCH_URL' : undefined;
  const url = httpUrl(clusterUrl(values, env), source ?? 'the default URL', usage);
  const warnings: string[] = [];
  const credentials = credentialsOf(url, source, values, env, warnings, usage);
  const ca = caOf(values, env, usage);
  if (ca !== undefined && url.protocol !== 'https:') {
    warnings.push(`warning: the CA of ${ca.from} is not used: ${url.protocol}// is not TLS`);
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const path = url.pathname === '/' ? '' : url.pathname;
  const parts = [
    `Cluster: ${url.protocol}//${url.hostname}:${port}${path} ${source === undefined ? '(default)' : `(from ${source})`}`,
    ...(credentials === undefined ? [] : [`${credentials.shown} (from ${credentials.from})`]),
    ...(ca === undefined ? [] : [`CA ${ca.file} (from ${ca.from})`]),
  ];
  return {
    options: {
      node: url.href,
      ...(values.compatibility === undefined
        ? {}
        : { compatibility: compatibilityOf(values, usage) }),
      ...(credentials === undefined ? {} : { auth: credentials.auth }),
      ...(ca === undefined ? {} : { tls: { ca: ca.pem } }),
    },
    description: parts.join(', '),
    warnings,
  };
}

interface Credentials {
  readonly from: string;
  readonly auth: AuthOptions;
  /** What the Cluster line says of them: the user, or that it is an API key. */
  readonly shown: string;
}

/**
 * At most one source of credentials: the URL's user and password (taken out of `url`, which is
 * then shown and sent without them), ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD, or an API
 * key. One on the command line adds a warning.
 */
function credentialsOf(
  url: URL,
  source: string | undefined,
  values: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  warnings: string[],
  usage: UsageErrorFactory,
): Credentials | undefined {
  const found: Credentials[] = [];
  if (url.username !== '' || url.password !== '') {
    const username = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    found.push({
      from: `the URL of ${source}`,
      auth: { username, password },
      shown: `user ${username}`,
    });
    if (source === '--url' && password !== '') {
      warnings.push(
        `warning: the password in --url ${VISIBLE}; set ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD (or ELASTICSEARCH_API_KEY) instead`,
      );
    }
    url.username = '';
    url.password = '';
  }
  const username = env.ELASTICSEARCH_USERNAME || undefined;
  const password = env.ELASTICSEARCH_PASSWORD || undefined;
  if (username === undefined && password !== undefined) {
    throw usage(
      'ELASTICSEARCH_PASSWORD is set but ELASTICSEARCH_USERNAME is not; set both, or neither',
    );
  }
  if (username !== undefined && password === undefined) {
    throw usage(
      'ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is not; set both, or neither',
    );
  }
  if (username !== undefined && password !== undefined) {
    found.push({ from: ENV_BASIC, auth: { username, password }, shown: `user ${username}` });
  }
  const flagKey = values['api-key'];
  const apiKey = flagKey ?? (env.ELASTICSEARCH_API_KEY || undefined);
  if (apiKey !== undefined) {
    const from = flagKey !== undefined ? '--api-key' : 'ELASTICSEARCH_API_KEY';
    found.push({ from, auth: { apiKey }, shown: 'API key' });
    if (flagKey !== undefined) {
      warnings.push(
        `warning: the key given to --api-key ${VISIBLE}; set ELASTICSEARCH_API_KEY instead`,
      );
    }
  }
  if (found.length > 1) {
    throw usage(
      `Credentials from both ${found.map((f) => f.from).join(' and ')}; give one (unset the other)`,
    );
  }
  return found[0];
}

function caOf(
  values: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  usage: UsageErrorFactory,
): { file: string; from: string; pem: string } | undefined {
  const from =
    values.ca !== undefined ? '--ca' : env.ELASTICSEARCH_CA ? 'ELASTICSEARCH_CA' : undefined;
  if (from === undefined) return undefined;
  const file = resolve((values.ca ?? env.ELASTICSEARCH_CA) as string);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw usage(`${from}: no file at ${file} (the PEM CA certificate that signed the cluster's)`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw usage(`${from}: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return { file, from, pem };
}
