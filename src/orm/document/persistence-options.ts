/** The options of the document calls of `Model` (reads, writes, init). */
import type { Refresh } from '../../core/api/generated/types.js';
import type { Client } from '../../core/client.js';

/** Options every call takes: the client to use instead of the default one. */
export interface CallOptions {
  /** Overrides the client set with `setDefaultClient` for this call. */
  readonly client?: Client | undefined;
}

/** Options of `Model.get()`. */
export interface GetOptions extends CallOptions {
  readonly routing?: string | undefined;
  /** `false` reads the last refreshed state instead of the latest write (default `true`). */
  readonly realtime?: boolean | undefined;
  /** Read from this index or alias instead of the model's (later writes go there too). */
  readonly index?: string | undefined;
  /** A missing document rejects with ORM_NOT_FOUND (`'throw'`, default) or resolves to `null`. */
  readonly missing?: 'throw' | 'null' | undefined;
  /**
   * Load only some `_source` fields. The instance is then partial: `save()` refuses it
   * (ORM_PARTIAL_DOCUMENT) since it would drop the rest; `update()` works.
   */
  readonly source?: SourceFilter | undefined;
}

/** Source filtering of a read: paths to include and/or exclude (wildcards allowed). */
export interface SourceFilter {
  readonly includes?: readonly string[] | undefined;
  readonly excludes?: readonly string[] | undefined;
}

/** Options of `Model.mget()`. */
export interface MgetOptions extends CallOptions {
  readonly routing?: string | undefined;
  readonly realtime?: boolean | undefined;
  readonly index?: string | undefined;
  /** A missing id gives `null` in its place (default), is left out, or rejects the call. */
  readonly missing?: 'null' | 'skip' | 'throw' | undefined;
}

/** Options of `Model.exists()`. */
export interface ExistsOptions extends CallOptions {
  readonly routing?: string | undefined;
  readonly realtime?: boolean | undefined;
  readonly index?: string | undefined;
}

/** Options of `doc.save()`. */
export interface SaveOptions extends CallOptions {
  readonly refresh?: Refresh | undefined;
  readonly routing?: string | undefined;
  /** `false` skips validation (default `true`: an invalid document is never sent). */
  readonly validate?: boolean | undefined;
  /** `'create'` only creates: an existing id rejects with ORM_CONFLICT. */
  readonly opType?: 'index' | 'create' | undefined;
}

/** Options of `doc.update()`. */
export interface UpdateOptions extends CallOptions {
  readonly refresh?: Refresh | undefined;
  /**
   * Let Elasticsearch retry this many times on a concurrent change. It then writes the given
   * fields over whatever is current, so no seqNo check is sent (Elasticsearch refuses both).
   */
  readonly retryOnConflict?: number | undefined;
  readonly validate?: boolean | undefined;
}

/** Options of `doc.delete()` (`reload()` takes `CallOptions`). */
export interface DeleteOptions extends CallOptions {
  readonly refresh?: Refresh | undefined;
}
