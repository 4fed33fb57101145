// The contract between the generated API methods, the helpers and the transport.
// Leaf module: imports nothing from sibling modules.

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Query-string values: arrays are comma-joined, booleans written as true/false, undefined dropped. */
export type QueryValue =
  | string
  | number
  | boolean
  | bigint
  | Date
  | readonly (string | number)[]
  | undefined
  | null;

/** One logical request, as the API layer describes it. */
export interface TransportRequestParams {
  readonly method: HttpMethod;
  /** Already-encoded path, starting with '/'. */
  readonly path: string;
  readonly querystring?: Readonly<Record<string, QueryValue>> | undefined;
  /** A JSON-serializable value, or a string/Buffer sent as-is. */
  readonly body?: unknown;
  /** NDJSON body (bulk, msearch, ...): an array of objects/strings, or a pre-serialized string/Buffer. */
  readonly bulkBody?: readonly unknown[] | string | Uint8Array | undefined;
}

/** Per-request options, accepted by every API method as its second argument. */
export interface TransportRequestOptions {
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds, or a duration string such as '30s'. */
  readonly requestTimeout?: number | string | undefined;
  readonly maxRetries?: number | undefined;
  readonly retryOnTimeout?: boolean | undefined;
  /** Status codes that resolve instead of throwing a ResponseError. */
  readonly ignore?: readonly number[] | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Extra query-string parameters merged over the request's own. */
  readonly querystring?: Readonly<Record<string, QueryValue>> | undefined;
  /** Resolve with `{ body, statusCode, headers, warnings, meta }` instead of the body. */
  readonly meta?: boolean | undefined;
  readonly compression?: boolean | undefined;
  readonly opaqueId?: string | undefined;
  readonly maxResponseSize?: number | undefined;
  readonly maxCompressedResponseSize?: number | undefined;
  /** Internal: set by the API layer for HEAD endpoints so 2xx/404 become true/false. */
  readonly asBoolean?: boolean | undefined;
}

export interface TransportRequestOptionsWithMeta extends TransportRequestOptions {
  readonly meta: true;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface RequestMeta {
  readonly requestId: number;
  readonly name: string;
  readonly node: string | undefined;
  readonly attempts: number;
  readonly aborted: boolean;
}

/** The request a `Warning` header answered: what `onWarning` receives after the messages. */
export interface WarningMeta extends RequestMeta {
  readonly method: string;
  readonly path: string;
  readonly statusCode: number;
}

export interface TransportResult<TBody = unknown> {
  readonly body: TBody;
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  /**
   * The messages of the response's `Warning` headers (deprecations, mostly), decoded; null when
   * there were none.
   */
  readonly warnings: string[] | null;
  readonly meta: RequestMeta;
}

/** What the API layer and the helpers need from a transport. */
export interface TransportLike {
  request<TBody = unknown>(
    params: TransportRequestParams,
    options: TransportRequestOptionsWithMeta,
  ): Promise<TransportResult<TBody>>;
  request<TBody = unknown>(
    params: TransportRequestParams,
    options?: TransportRequestOptions,
  ): Promise<TBody>;
}
