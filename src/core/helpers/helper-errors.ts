import { ElastiqError, type ElastiqErrorOptions } from '../errors.js';
import type { BulkAction, BulkHelperStats } from './bulk-types.js';

/** A document the bulk helper read but that Elasticsearch never acknowledged. */
export interface UnacknowledgedDocument<TDocument = unknown> {
  readonly document: TDocument;
  readonly action: BulkAction;
}

/**
 * The bulk helper stopped because a whole request failed (after the transport's own retries) or
 * because the datasource or `onDocument` threw. Nothing is lost silently: every document that was
 * read and not acknowledged is in `unacknowledged`, and `stats` counts what was.
 *
 * @example
 * try {
 *   await client.helpers.bulk({ datasource: docs, onDocument: () => ({ index: { _index: 'logs' } }) });
 * } catch (err) {
 *   if (err instanceof BulkHelperError) console.error(err.unacknowledged.map((u) => u.document));
 * }
 */
export class BulkHelperError<TDocument = unknown> extends ElastiqError {
  static override readonly kind: string = 'BulkHelperError';
  static override readonly defaultCode: string = 'ELASTIQ_BULK_FAILED';

  readonly stats: BulkHelperStats;
  readonly unacknowledged: readonly UnacknowledgedDocument<TDocument>[];

  constructor(
    message: string,
    stats: BulkHelperStats,
    unacknowledged: readonly UnacknowledgedDocument<TDocument>[],
    options: ElastiqErrorOptions = {},
  ) {
    super(message, options);
    this.stats = stats;
    this.unacknowledged = unacknowledged;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), stats: this.stats, unacknowledged: this.unacknowledged.length };
  }
}

/**
 * A request kept answering a retryable status (429 by default) after every retry.
 *
 * @example
 * try {
 *   await client.helpers.reindex({ source: { index: 'posts-v1' }, dest: { index: 'posts-v2' } });
 * } catch (err) {
 *   if (err instanceof HelperRetriesExhaustedError) console.error(err.statusCode); // 429
 * }
 */
export class HelperRetriesExhaustedError extends ElastiqError {
  static override readonly kind: string = 'HelperRetriesExhaustedError';
  static override readonly defaultCode: string = 'ELASTIQ_HELPER_RETRIES_EXHAUSTED';

  readonly statusCode: number;
  readonly body: unknown;

  constructor(statusCode: number, body: unknown, attempts: number) {
    super(
      `Elasticsearch answered ${statusCode} to ${attempts} attempts; raise \`retries\`/\`wait\` or reduce the load`,
    );
    this.statusCode = statusCode;
    this.body = body;
  }
}

/** The shard counts and failures a search answer reports under `_shards`. */
export interface ShardFailureSummary {
  readonly total?: number;
  readonly successful?: number;
  readonly failed: number;
  readonly failures?: readonly unknown[];
}

/**
 * A scroll page came back with failed shards: their documents are missing from it, so the read
 * stops instead of ending short without a word.
 *
 * @example
 * try {
 *   for await (const doc of client.helpers.scrollDocuments({ index: 'logs' })) console.log(doc);
 * } catch (err) {
 *   if (err instanceof HelperShardFailureError) console.error(err.failures);
 * }
 */
export class HelperShardFailureError extends ElastiqError {
  static override readonly kind: string = 'HelperShardFailureError';
  static override readonly defaultCode: string = 'ELASTIQ_HELPER_SHARD_FAILURE';

  readonly shards: ShardFailureSummary;
  /** Elasticsearch's `_shards.failures` entries (index, shard, node, reason). */
  readonly failures: readonly unknown[];

  constructor(shards: ShardFailureSummary) {
    const total = shards.total === undefined ? '' : ` of ${shards.total}`;
    super(
      `${shards.failed}${total} shards failed during the scroll, so their documents are missing: ${describeShardFailure(shards.failures?.[0])}; read again (with a longer \`scroll\` if contexts expired)`,
    );
    this.shards = shards;
    this.failures = shards.failures ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), failed: this.shards.failed, failures: this.failures };
  }
}

/**
 * One search of a multi-search batch failed; the others are unaffected.
 *
 * @example
 * const m = client.helpers.msearch();
 * try {
 *   await m.search({ index: 'no-such-index' }, { query: { match_all: {} } });
 * } catch (err) {
 *   if (err instanceof MsearchItemError) console.error(err.statusCode, err.body); // 404, { error: ... }
 * }
 * m.stop();
 */
export class MsearchItemError extends ElastiqError {
  static override readonly kind: string = 'MsearchItemError';
  static override readonly defaultCode: string = 'ELASTIQ_MSEARCH_ITEM';

  readonly statusCode: number;
  readonly body: unknown;

  constructor(statusCode: number, body: unknown) {
    super(`msearch item failed with ${statusCode}: ${describeItemError(body)}`);
    this.statusCode = statusCode;
    this.body = body;
  }
}

/**
 * `search()` was called on a multi-search helper that was already stopped.
 *
 * @example
 * const m = client.helpers.msearch();
 * m.stop();
 * await m.search({ index: 'posts' }, {}).catch((err: unknown) => {
 *   if (err instanceof MsearchStoppedError) console.error(err.code); // 'ELASTIQ_MSEARCH_STOPPED'
 * });
 */
export class MsearchStoppedError extends ElastiqError {
  static override readonly kind: string = 'MsearchStoppedError';
  static override readonly defaultCode: string = 'ELASTIQ_MSEARCH_STOPPED';
}

function describeItemError(body: unknown): string {
  const error = (body as { error?: { type?: unknown; reason?: unknown } } | null)?.error;
  if (typeof error !== 'object' || error === null) return 'unknown error';
  const type = typeof error.type === 'string' ? error.type : 'error';
  return typeof error.reason === 'string' ? `${type}: ${error.reason}` : type;
}

function describeShardFailure(failure: unknown): string {
  const reason = (failure as { reason?: { type?: unknown; reason?: unknown } } | null)?.reason;
  if (typeof reason !== 'object' || reason === null) return 'no reason given';
  const type = typeof reason.type === 'string' ? reason.type : 'error';
  return typeof reason.reason === 'string' ? `${type}: ${reason.reason}` : type;
}
