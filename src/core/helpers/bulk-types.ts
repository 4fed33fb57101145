import type { QueryValue, TransportRequestOptions } from '../transport/types.js';

/** Metadata of one bulk operation (`_index`, `_id`, `routing`, `if_seq_no`, ...). */
export interface BulkOperationMeta {
  readonly _index?: string;
  readonly _id?: string;
  readonly routing?: string;
  readonly pipeline?: string;
  readonly if_seq_no?: number;
  readonly if_primary_term?: number;
  readonly version?: number;
  readonly version_type?: string;
  readonly require_alias?: boolean;
  readonly retry_on_conflict?: number;
  readonly dynamic_templates?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** The body of an update operation besides `doc` (merged over `{ doc: document }`). */
export interface BulkUpdateBody {
  readonly doc_as_upsert?: boolean;
  readonly upsert?: unknown;
  readonly script?: unknown;
  readonly scripted_upsert?: boolean;
  readonly detect_noop?: boolean;
  readonly _source?: unknown;
  readonly doc?: unknown;
  readonly [key: string]: unknown;
}

/**
 * What `onDocument` returns for one document:
 * - `{ index: meta }` / `{ create: meta }`: the document is the source; `[{ index: meta }, source]`
 *   sends `source` instead (a transformed copy).
 * - `[{ update: meta }, body]`: sends `{ doc: document, ...body }`; `{ update: meta }` alone sends `{ doc: document }`.
 * - `{ delete: meta }`: no body line.
 */
export type BulkAction =
  | { readonly index: BulkOperationMeta }
  | { readonly create: BulkOperationMeta }
  | { readonly update: BulkOperationMeta }
  | { readonly delete: BulkOperationMeta }
  | readonly [{ readonly index: BulkOperationMeta }, unknown]
  | readonly [{ readonly create: BulkOperationMeta }, unknown]
  | readonly [{ readonly update: BulkOperationMeta }, BulkUpdateBody];

export type BulkHelperOperation = 'index' | 'create' | 'update' | 'delete';

/** One item of a bulk response, as Elasticsearch reports it (for example `items[i].index`). */
export interface BulkHelperItem {
  readonly status: number;
  readonly _index?: string;
  readonly _id?: string | null;
  readonly result?: string;
  readonly error?: {
    readonly type?: string;
    readonly reason?: string;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** Counters of a bulk run. `total = successful + failed` once the run completes without error. */
export interface BulkHelperStats {
  /** Documents read from the datasource. */
  total: number;
  /** Documents acknowledged by Elasticsearch (includes `noop` updates and deletes of missing documents). */
  successful: number;
  /** Documents given to `onDrop`. */
  failed: number;
  /** Item retries sent (a document retried twice counts twice). */
  retried: number;
  /** Updates that changed nothing (`result: 'noop'`), also counted in `successful`. */
  noop: number;
  /** Bytes of NDJSON sent, retries included. */
  bytes: number;
  /** Bulk requests sent, retries included. */
  requests: number;
  /** Milliseconds from start to completion. */
  time: number;
  aborted: boolean;
}

/** Given to `onDrop`: the exact document and action that Elasticsearch refused. */
export interface BulkDroppedDocument<TDocument = unknown> {
  readonly status: number;
  readonly error: BulkHelperItem['error'] | null;
  readonly operation: BulkHelperOperation;
  readonly action: BulkAction;
  readonly document: TDocument;
  /** Whether the document was retried before being dropped. */
  readonly retried: boolean;
}

/** Given to `onSuccess` (and yielded by `streamingBulk` for acknowledged documents). */
export interface BulkAcknowledgedDocument<TDocument = unknown> {
  readonly status: number;
  readonly operation: BulkHelperOperation;
  readonly action: BulkAction;
  readonly document: TDocument;
  /** The response item (`_id`, `_seq_no`, `result`, ...). */
  readonly result: BulkHelperItem;
  readonly retried: boolean;
}

/** One final outcome, as `streamingBulk` yields it. */
export type BulkItemOutcome<TDocument = unknown> =
  | ({ readonly ok: true } & BulkAcknowledgedDocument<TDocument>)
  | ({ readonly ok: false } & BulkDroppedDocument<TDocument>);

/** Anything the helper can read documents from; Node Readables in object mode are async iterables. */
export type BulkDatasource<TDocument> =
  | readonly TDocument[]
  | Iterable<TDocument>
  | AsyncIterable<TDocument>
  | AsyncIterator<TDocument>;

export interface BulkOptions<TDocument = unknown> {
  readonly datasource: BulkDatasource<TDocument>;
  /** Returns the action for a document. */
  readonly onDocument: (document: TDocument) => BulkAction;
  /** Default index: the request goes to `/{index}/_bulk`. */
  readonly index?: string;
  /** Extra query-string parameters of every bulk request (`pipeline`, `refresh`, `routing`, ...). */
  readonly params?: Readonly<Record<string, QueryValue>>;
  /** A batch is sent once it holds this many bytes of NDJSON. Default 5 MB. */
  readonly flushBytes?: number;
  /** A partial batch is sent after this many ms without filling up. Default 30 000. */
  readonly flushInterval?: number;
  /** Bulk requests in flight at once. Default 5. */
  readonly concurrency?: number;
  /** Retries of an item answered with a status in `retryOnStatus`. Default 3. */
  readonly retries?: number;
  /** Base delay of the item-retry backoff, in ms (doubled each retry, jittered). Default 1000. */
  readonly wait?: number;
  /** Upper bound of one backoff delay, in ms. Default 30 000. */
  readonly maxWait?: number;
  /** Item statuses that are retried. Default `[429]`. */
  readonly retryOnStatus?: readonly number[];
  readonly onDrop?: (dropped: BulkDroppedDocument<TDocument>) => void;
  readonly onSuccess?: (acknowledged: BulkAcknowledgedDocument<TDocument>) => void;
  /** Called after each batch settles, with the running stats. */
  readonly onFlush?: (stats: Readonly<BulkHelperStats>) => void;
  /** Refresh after completion: `true` refreshes `index` (or all), a string names the indices. */
  readonly refreshOnCompletion?: boolean | string;
  /** Aborting stops reading; batches in flight still settle. Same as `abort()`. */
  readonly signal?: AbortSignal;
}

/** The running bulk: a promise of the final stats, with `abort()` and live `stats`. */
export interface BulkHelper<TDocument = unknown> extends Promise<BulkHelperStats> {
  /** Stops reading the datasource; batches already read are still sent and reported. */
  abort(): BulkHelper<TDocument>;
  readonly stats: Readonly<BulkHelperStats>;
}

export type BulkRequestOptions = Omit<TransportRequestOptions, 'meta' | 'asBoolean' | 'signal'>;
