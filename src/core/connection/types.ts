// What the transport needs from a connection to one node. Leaf module: imports no siblings.

import type { Readable } from 'node:stream';

export type ConnectionResponseHeaders = Record<string, string | string[] | undefined>;

/** Roles a node advertises (from sniffing, or given with the node). */
export interface NodeRoles {
  readonly master: boolean;
  readonly data: boolean;
  readonly ingest: boolean;
  readonly ml: boolean;
}

/** TLS settings for https nodes. Verification is on unless `rejectUnauthorized: false`. */
export interface TlsOptions {
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
  readonly passphrase?: string | undefined;
  readonly rejectUnauthorized?: boolean | undefined;
  readonly servername?: string | undefined;
}

export interface ConnectionOptions {
  /** Node URL, credentials already removed (they travel as an Authorization header). */
  readonly url: URL;
  readonly id?: string | undefined;
  /** Headers sent to this node only. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly roles?: NodeRoles | undefined;
  readonly tls?: TlsOptions | undefined;
  /** SHA-256 fingerprint (hex, colons optional) of a certificate in the server's chain. */
  readonly caFingerprint?: string | undefined;
  /** HTTP proxy URL (the Node http connection; the undici one uses undici's ProxyAgent). */
  readonly proxy?: string | URL | undefined;
  /** Maximum sockets kept open to this node. */
  readonly connections?: number | undefined;
  readonly keepAliveTimeout?: number | undefined;
}

/** One attempt of one request against one node. */
export interface ConnectionRequest {
  readonly method: string;
  /** Path with query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | Readable | null;
  /** Milliseconds for the whole attempt; 0 means none. */
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  /** Largest decoded body accepted, in bytes. */
  readonly maxResponseSize: number;
  /** Largest compressed body accepted, in bytes. */
  readonly maxCompressedResponseSize: number;
  /**
   * Largest inflated/compressed ratio of a compressed body once it passes 64 MiB inflated;
   * 0 or undefined: no ratio check (only `maxResponseSize`).
   */
  readonly maxCompressionRatio?: number | undefined;
}

export interface ConnectionResponse {
  readonly statusCode: number;
  readonly headers: ConnectionResponseHeaders;
  /** Decoded (and decompressed) body: text for textual media types, bytes otherwise. */
  readonly body: string | Buffer;
}

/** A connection to one node. Implementations reject only with elastiq errors. */
export interface Connection {
  readonly url: URL;
  readonly id: string;
  readonly roles: NodeRoles | undefined;
  readonly options: ConnectionOptions;
  request(request: ConnectionRequest): Promise<ConnectionResponse>;
  close(): Promise<void>;
}

/** A class to build connections with, pluggable through `Client({ Connection })`. */
export type ConnectionClass = new (options: ConnectionOptions) => Connection;
