import { onAbort } from '../connection/abort-signal.js';
import { indexingPressureOverLimit } from '../transport/retry.js';
import type { QueryValue, TransportLike } from '../transport/types.js';
import { backoffDelay, sleep } from './backoff.js';
import { BulkBatch, operationOfAction } from './bulk-batch.js';
import type {
  BulkHelperItem,
  BulkHelperStats,
  BulkItemOutcome,
  BulkOptions,
  BulkRequestOptions,
} from './bulk-types.js';
import { BulkHelperError, type UnacknowledgedDocument } from './helper-errors.js';
import { indexSegment, positiveOption } from './helper-request.js';

const DEFAULT_FLUSH_BYTES = 5 * 1024 * 1024;
const DEFAULT_FLUSH_INTERVAL = 30_000;
// Without onSuccess only the status (and error) of each item matters: a far smaller response to parse.
const FILTER_STATUS = 'errors,items.*.status,items.*.error';
const FILTER_STATUS_RESULT = 'errors,items.*.status,items.*.error,items.*.result';

interface BulkResponse {
  readonly errors?: boolean;
  readonly items?: readonly Record<string, BulkHelperItem>[];
}

/** Internal: receives final outcomes per batch; awaited, so a slow consumer slows the reader. */
export type OutcomeSink<TDocument> = (
  outcomes: BulkItemOutcome<TDocument>[],
) => Promise<void> | void;

/**
 * The bulk loop: reads documents only when a batch slot is free (at most `concurrency` batches in
 * flight plus the one being filled), retries refused items with backoff, and accounts for every
 * document read: acknowledged, dropped (onDrop), or unacknowledged in the final error.
 */
export class BulkEngine<TDocument> {
  readonly stats: BulkHelperStats = {
    total: 0,
    successful: 0,
    failed: 0,
    retried: 0,
    noop: 0,
    bytes: 0,
    requests: 0,
    time: 0,
    aborted: false,
  };
  readonly #transport: TransportLike;
  readonly #options: BulkOptions<TDocument>;
  readonly #requestOptions: BulkRequestOptions;
  readonly #sink: OutcomeSink<TDocument> | undefined;
  readonly #path: string;
  readonly #flushBytes: number;
  readonly #flushInterval: number;
  readonly #concurrency: number;
  readonly #retries: number;
  readonly #wait: number;
  readonly #maxWait: number;
  readonly #retryOnStatus: ReadonlySet<number>;
  readonly #query: Readonly<Record<string, QueryValue>>;
  readonly #queryWithResult: Readonly<Record<string, QueryValue>>;
  readonly #inflight = new Set<Promise<void>>();
  readonly #slotWaiters: (() => void)[] = [];
  readonly #unacknowledged: UnacknowledgedDocument<TDocument>[] = [];
  // Buffers of settled batches: steady memory instead of fresh pages (and GC work) per batch.
  readonly #spareBuffers: Buffer[] = [];
  #active = 0;
  #batch: BulkBatch<TDocument> | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The slot of the latest batch sent: resolved once no batch waits for a slot. */
  #lastAcquire: Promise<void> = Promise.resolve();
  #failure: { error: unknown; message: string } | undefined;

  constructor(
    transport: TransportLike,
    options: BulkOptions<TDocument>,
    requestOptions: BulkRequestOptions = {},
    sink?: OutcomeSink<TDocument>,
  ) {
    this.#transport = transport;
    this.#options = options;
    this.#requestOptions = requestOptions;
    this.#sink = sink;
    this.#path = options.index === undefined ? '/_bulk' : `/${indexSegment(options.index)}/_bulk`;
    this.#flushBytes = positiveOption(options.flushBytes, DEFAULT_FLUSH_BYTES, 'flushBytes');
    this.#flushInterval = positiveOption(
      options.flushInterval,
      DEFAULT_FLUSH_INTERVAL,
      'flushInterval',
    );
    this.#concurrency = positiveOption(options.concurrency, 5, 'concurrency');
    this.#retries = options.retries ?? 3;
    this.#wait = options.wait ?? 1000;
    this.#maxWait = options.maxWait ?? 30_000;
    this.#retryOnStatus = new Set(options.retryOnStatus ?? [429]);
    const fullItems = options.onSuccess !== undefined || sink !== undefined;
    const params = options.params ?? {};
    this.#query = fullItems ? params : { ...params, filter_path: FILTER_STATUS };
    this.#queryWithResult = fullItems ? params : { ...params, filter_path: FILTER_STATUS_RESULT };
    if (options.signal?.aborted === true) this.abort();
  }

  readonly #onAbort = (): void => this.abort();

  /** Stops reading the datasource; what was read is still sent. */
  abort(): void {
    this.stats.aborted = true;
  }

  async run(): Promise<BulkHelperStats> {
    const started = performance.now();
    const signal = this.#options.signal;
    const offAbort = signal === undefined ? undefined : onAbort(signal, this.#onAbort);
    try {
      await this.#readAll();
    } catch (error) {
      this.#fail(error, 'reading the datasource or onDocument failed');
    } finally {
      offAbort?.();
    }
    await this.#flush();
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
    this.stats.time = Math.round(performance.now() - started);
    if (this.#failure !== undefined) {
      throw new BulkHelperError(
        `bulk stopped: ${this.#failure.message}; ${this.#unacknowledged.length} documents read were not acknowledged (see \`unacknowledged\`)`,
        { ...this.stats },
        this.#unacknowledged,
        { cause: this.#failure.error },
      );
    }
    await this.#refresh();
    return this.stats;
  }

  get #stopped(): boolean {
    return this.stats.aborted || this.#failure !== undefined;
  }

  async #readAll(): Promise<void> {
    const source = this.#options.datasource;
    if (isSyncIterable(source)) {
      for (const document of source) {
        if (this.#stopped) return;
        if (this.#mustWait()) await this.#lastAcquire;
        if (this.#add(document)) await this.#flush();
      }
      return;
    }
    const iterator = asyncIteratorOf(source);
    let finished = false;
    try {
      while (!this.#stopped) {
        const next = await iterator.next();
        if (next.done === true) {
          finished = true;
          return;
        }
        if (this.#mustWait()) await this.#lastAcquire;
        if (this.#add(next.value)) await this.#flush();
      }
    } finally {
      // Stopped early: let the source release what it holds (streams are destroyed).
      if (!finished) await iterator.return?.();
    }
  }

  /**
   * Whether a new batch must wait: a batch the timer sent is still waiting for a slot. Without
   * this, a source that never fills a batch would queue timer-sent batches without bound.
   */
  #mustWait(): boolean {
    return this.#batch === undefined && this.#slotWaiters.length > 0;
  }

  /** Adds one document to the current batch; true when the batch is full. */
  #add(document: TDocument): boolean {
    const action = this.#options.onDocument(document);
    let batch = this.#batch;
    if (batch === undefined) {
      batch = new BulkBatch<TDocument>(this.#flushBytes, this.#spareBuffers.pop());
      this.#batch = batch;
      // Kept referenced: the batch's documents are sent by it, so it keeps the process alive.
      this.#timer = setTimeout(() => void this.#flush(), this.#flushInterval);
    }
    batch.add(document, action);
    this.stats.total++;
    return batch.bytes >= this.#flushBytes;
  }

  /** Sends the current batch once a slot is free; resolves when it is in flight (not done). */
  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    const batch = this.#batch;
    this.#batch = undefined;
    if (batch === undefined || batch.count === 0) return;
    const acquired = this.#acquire();
    this.#lastAcquire = acquired;
    // Tracked from the moment it leaves the reader, so run() never finishes before it settles.
    const task: Promise<void> = acquired
      .then(() => this.#sendOrKeep(batch))
      .finally(() => this.#inflight.delete(task));
    this.#inflight.add(task);
    await acquired;
  }

  async #sendOrKeep(batch: BulkBatch<TDocument>): Promise<void> {
    try {
      if (this.#failure === undefined) await this.#send(batch);
      else this.#keepUnacknowledged(batch);
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#concurrency) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#slotWaiters.push(resolve));
  }

  #release(): void {
    const next = this.#slotWaiters.shift();
    if (next === undefined) this.#active--;
    else next();
  }

  /** One batch, with its item retries. Never rejects: failures are recorded. */
  async #send(batch: BulkBatch<TDocument>): Promise<void> {
    let positions: number[] | undefined; // undefined: every operation of the batch
    let body = batch.body();
    const outcomes: BulkItemOutcome<TDocument>[] | undefined = this.#sink ? [] : undefined;
    const querystring = batch.hasUpdates ? this.#queryWithResult : this.#query;
    try {
      for (let attempt = 0; ; attempt++) {
        const response = await this.#transport.request<BulkResponse>(
          { method: 'POST', path: this.#path, querystring, bulkBody: body },
          this.#requestOptions,
        );
        this.stats.requests++;
        this.stats.bytes += body.length;
        const retry = this.#settle(response, batch, positions, attempt, outcomes);
        // Every item answered: the server read the whole body, so nothing reads these bytes any
        // more (retries serialize again). A failed request's buffer is left to the GC.
        if (attempt === 0) this.#recycle(batch.buffer);
        if (retry.length === 0) break;
        this.stats.retried += retry.length;
        await sleep(backoffDelay(attempt, this.#wait, this.#maxWait));
        positions = retry;
        body = batch.bodyOf(retry);
      }
    } catch (error) {
      this.#fail(error, `a bulk request failed (${describe(error)})`);
      this.#keepUnacknowledged(batch, positions);
    }
    this.#callback(() => this.#options.onFlush?.(this.stats), 'onFlush');
    if (outcomes !== undefined && outcomes.length > 0) await this.#sink?.(outcomes);
  }

  #recycle(buffer: Buffer): void {
    if (this.#spareBuffers.length <= this.#concurrency) this.#spareBuffers.push(buffer);
  }

  /** Accounts for each item of a response; returns the positions to retry. */
  #settle(
    response: BulkResponse,
    batch: BulkBatch<TDocument>,
    positions: readonly number[] | undefined,
    attempt: number,
    outcomes: BulkItemOutcome<TDocument>[] | undefined,
  ): number[] {
    const count = positions?.length ?? batch.count;
    const items = response?.items;
    if (!Array.isArray(items) || items.length !== count) {
      throw new Error(
        `the bulk response has ${Array.isArray(items) ? items.length : 'no'} items for ${count} operations`,
      );
    }
    const simple = outcomes === undefined && this.#options.onSuccess === undefined;
    if (response.errors === false && simple && !batch.hasUpdates) {
      this.stats.successful += count;
      return [];
    }
    const retry: number[] = [];
    for (let i = 0; i < count; i++) {
      const position = positions === undefined ? i : positions[i]!;
      const result = firstValue(items[i]!);
      if (result.error === undefined || result.error === null) {
        this.#acknowledge(batch, position, result, attempt, outcomes);
      } else if (
        this.#retryOnStatus.has(result.status) &&
        attempt < this.#retries &&
        !permanentRejection(result)
      ) {
        retry.push(position);
      } else {
        this.#drop(batch, position, result, attempt, outcomes);
      }
    }
    return retry;
  }

  #acknowledge(
    batch: BulkBatch<TDocument>,
    position: number,
    result: BulkHelperItem,
    attempt: number,
    outcomes: BulkItemOutcome<TDocument>[] | undefined,
  ): void {
    this.stats.successful++;
    if (result.result === 'noop') this.stats.noop++;
    if (this.#options.onSuccess === undefined && outcomes === undefined) return;
    const action = batch.actions[position]!;
    const acknowledged = {
      status: result.status,
      operation: operationOfAction(action),
      action,
      document: batch.documents[position] as TDocument,
      result,
      retried: attempt > 0,
    };
    this.#callback(() => this.#options.onSuccess?.(acknowledged), 'onSuccess');
    outcomes?.push({ ok: true, ...acknowledged });
  }

  #drop(
    batch: BulkBatch<TDocument>,
    position: number,
    result: BulkHelperItem,
    attempt: number,
    outcomes: BulkItemOutcome<TDocument>[] | undefined,
  ): void {
    this.stats.failed++;
    const action = batch.actions[position]!;
    const dropped = {
      status: result.status,
      error: result.error ?? null,
      operation: operationOfAction(action),
      action,
      document: batch.documents[position] as TDocument,
      retried: attempt > 0,
    };
    this.#callback(() => this.#options.onDrop?.(dropped), 'onDrop');
    outcomes?.push({ ok: false, ...dropped });
  }

  // A throwing callback must not make acknowledged items look unacknowledged: stop, report at the end.
  #callback(run: () => void, name: string): void {
    try {
      run();
    } catch (error) {
      this.#fail(error, `${name} threw (${describe(error)})`);
    }
  }

  #fail(error: unknown, message: string): void {
    this.#failure ??= { error, message };
  }

  #keepUnacknowledged(batch: BulkBatch<TDocument>, positions?: readonly number[]): void {
    const count = positions?.length ?? batch.count;
    for (let i = 0; i < count; i++) {
      const position = positions === undefined ? i : positions[i]!;
      this.#unacknowledged.push({
        document: batch.documents[position] as TDocument,
        action: batch.actions[position]!,
      });
    }
  }

  async #refresh(): Promise<void> {
    const refresh = this.#options.refreshOnCompletion;
    if (refresh === undefined || refresh === false) return;
    const target = typeof refresh === 'string' ? refresh : this.#options.index;
    const path = target === undefined ? '/_refresh' : `/${indexSegment(target)}/_refresh`;
    await this.#transport.request({ method: 'POST', path }, this.#requestOptions);
  }
}

function firstValue(entry: Record<string, BulkHelperItem>): BulkHelperItem {
  for (const key in entry) return entry[key]!;
  throw new Error('a bulk response item has no operation');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isSyncIterable<T>(source: unknown): source is Iterable<T> {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as Iterable<T>)[Symbol.iterator] === 'function' &&
    typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] !== 'function'
  );
}

function asyncIteratorOf<T>(source: AsyncIterable<T> | AsyncIterator<T>): AsyncIterator<T> {
  const iterable = source as AsyncIterable<T>;
  if (typeof iterable[Symbol.asyncIterator] === 'function') return iterable[Symbol.asyncIterator]();
  if (typeof (source as AsyncIterator<T>).next === 'function') return source as AsyncIterator<T>;
  throw new TypeError(
    'bulk `datasource` must be an array, an iterable, an async iterable or a Readable',
  );
}

/**
 * A 429 that no retry can cure: indexing pressure refusing an operation larger than its limit
 * (the document alone is over `indexing_pressure.memory.limit`); it goes to onDrop at once.
 */
function permanentRejection(result: BulkHelperItem): boolean {
  return (
    result.status === 429 && indexingPressureOverLimit(JSON.stringify(result.error)) !== undefined
  );
}
