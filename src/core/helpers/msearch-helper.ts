import { stringifyFinite } from '../serializer/non-finite.js';
import type { QueryValue, TransportLike } from '../transport/types.js';
import { backoffDelay, sleep } from './backoff.js';
import { MsearchItemError, MsearchStoppedError } from './helper-errors.js';
import { type HelperRequestOptions, indexSegment, positiveOption } from './helper-request.js';
import { documentsOf, type HelperSearchResponse } from './search-params.js';

export interface MsearchOptions {
  /** Searches per msearch request. Default 5. */
  readonly operations?: number;
  /** A partial batch is sent after this many ms. Default 500. */
  readonly flushInterval?: number;
  /** msearch requests in flight at once. Default 5. */
  readonly concurrency?: number;
  /** Retries of a search answered 429. Default 3. */
  readonly retries?: number;
  /** Base backoff delay in ms. Default 1000. */
  readonly wait?: number;
  readonly maxWait?: number;
  /** Default index of the searches (`/{index}/_msearch`). */
  readonly index?: string;
  /** Extra query-string parameters of every msearch request. */
  readonly params?: Readonly<Record<string, QueryValue>>;
}

/** The header line of one search (`index`, `routing`, `preference`, ...). */
export interface MsearchHeader {
  readonly index?: string | readonly string[];
  readonly [key: string]: unknown;
}

/** What one `search()` resolves with. */
export interface MsearchResult<TDocument = unknown> {
  readonly body: HelperSearchResponse<TDocument>;
  readonly documents: TDocument[];
  readonly status: number;
}

/** The multi-search batcher: a promise that settles once stopped and drained. */
export interface MsearchHelper extends Promise<void> {
  /** Queues one search; resolves with its own result, or rejects with its own error. */
  search<TDocument = unknown>(
    header: MsearchHeader,
    body: Readonly<Record<string, unknown>>,
  ): Promise<MsearchResult<TDocument>>;
  /** Sends what is queued and stops accepting searches; with an error, queued searches reject with it. */
  stop(error?: Error): void;
}

interface Entry {
  readonly lines: string;
  readonly resolve: (result: MsearchResult<any>) => void;
  readonly reject: (error: unknown) => void;
  attempts: number;
  /** Sent alone: its batch was refused as a whole, so it must not take others down again. */
  alone: boolean;
}

interface MsearchResponseItem extends HelperSearchResponse<unknown> {
  readonly status?: number;
  readonly error?: unknown;
}

/** Groups concurrent single searches into msearch requests. */
class MsearchBatcher {
  readonly #transport: TransportLike;
  readonly #requestOptions: HelperRequestOptions;
  readonly #path: string;
  readonly #operations: number;
  readonly #flushInterval: number;
  readonly #concurrency: number;
  readonly #retries: number;
  readonly #wait: number;
  readonly #maxWait: number;
  readonly #params: Readonly<Record<string, QueryValue>>;
  readonly #queue: Entry[] = [];
  readonly #done: Promise<void>;
  #resolveDone!: () => void;
  #rejectDone!: (error: unknown) => void;
  #active = 0;
  #unsettled = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #stopError: Error | undefined;

  constructor(
    transport: TransportLike,
    options: MsearchOptions,
    requestOptions: HelperRequestOptions,
  ) {
    this.#transport = transport;
    this.#requestOptions = requestOptions;
    this.#path =
      options.index === undefined ? '/_msearch' : `/${indexSegment(options.index)}/_msearch`;
    // Zero operations or concurrency would send empty requests forever, or nothing ever.
    this.#operations = positiveOption(options.operations, 5, 'operations');
    this.#flushInterval = positiveOption(options.flushInterval, 500, 'flushInterval', true);
    this.#concurrency = positiveOption(options.concurrency, 5, 'concurrency');
    this.#retries = options.retries ?? 3;
    this.#wait = options.wait ?? 1000;
    this.#maxWait = options.maxWait ?? 30_000;
    this.#params = options.params ?? {};
    this.#done = new Promise((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
  }

  get done(): Promise<void> {
    return this.#done;
  }

  search<TDocument>(
    header: MsearchHeader,
    body: Readonly<Record<string, unknown>>,
  ): Promise<MsearchResult<TDocument>> {
    if (this.#stopped) {
      return Promise.reject(
        new MsearchStoppedError('this msearch helper was stopped; create a new one'),
      );
    }
    return new Promise((resolve, reject) => {
      const lines = `${stringifyFinite(header, 'an msearch header')}\n${stringifyFinite(body, 'an msearch body')}\n`;
      this.#queue.push({ lines, resolve, reject, attempts: 0, alone: false });
      this.#unsettled++;
      this.#schedule();
    });
  }

  stop(error?: Error): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopError = error;
    if (error !== undefined) {
      for (const entry of this.#queue.splice(0)) this.#settle(() => entry.reject(error));
    }
    this.#drain();
    this.#checkDone();
  }

  #schedule(): void {
    if (this.#queue.length >= this.#operations) {
      this.#drain();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#drain();
      }, this.#flushInterval);
      // Kept referenced: searches wait on this flush, so it must keep the process alive.
    }
  }

  /** Sends as many full (or, when timed out or stopping, partial) batches as slots allow. */
  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0 && this.#active < this.#concurrency) {
      this.#active++;
      const size = this.#queue[0]!.alone ? 1 : this.#operations;
      void this.#send(this.#queue.splice(0, size));
    }
  }

  async #send(entries: Entry[]): Promise<void> {
    try {
      const response = await this.#transport.request<{ responses?: MsearchResponseItem[] }>(
        {
          method: 'POST',
          path: this.#path,
          querystring: this.#params,
          bulkBody: entries.map((entry) => entry.lines).join(''),
        },
        this.#requestOptions,
      );
      const responses = response?.responses ?? [];
      const retry: Entry[] = [];
      for (let i = 0; i < entries.length; i++) this.#answer(entries[i]!, responses[i], retry);
      if (retry.length > 0) void this.#retryLater(retry);
    } catch (error) {
      if (entries.length > 1 && statusOf(error) === 400) {
        // Elasticsearch refuses a whole msearch when one body does not parse: isolate the culprit.
        for (const entry of entries) entry.alone = true;
        this.#queue.unshift(...entries);
      } else {
        for (const entry of entries) this.#settle(() => entry.reject(error));
      }
    } finally {
      this.#active--;
      if (this.#queue.length > 0 && (this.#stopped || this.#queue.length >= this.#operations))
        this.#drain();
      else if (this.#queue.length > 0) this.#schedule();
      this.#checkDone();
    }
  }

  #answer(entry: Entry, item: MsearchResponseItem | undefined, retry: Entry[]): void {
    if (item === undefined) {
      this.#settle(() =>
        entry.reject(new MsearchItemError(0, { error: { type: 'missing_response' } })),
      );
      return;
    }
    const status = item.status ?? 200;
    if (status === 429 && entry.attempts < this.#retries) {
      retry.push(entry);
    } else if (item.error !== undefined) {
      this.#settle(() => entry.reject(new MsearchItemError(status, item)));
    } else {
      // `hits` is absent when a filter_path keeps only aggregations: no documents, not a failure.
      const hits = item.hits?.hits ?? [];
      this.#settle(() => entry.resolve({ body: item, documents: documentsOf(hits), status }));
    }
  }

  async #retryLater(entries: Entry[]): Promise<void> {
    const attempt = Math.max(...entries.map((entry) => entry.attempts));
    for (const entry of entries) entry.attempts++;
    // The entries stay unsettled while they wait outside the queue, so `done` stays pending.
    await sleep(backoffDelay(attempt, this.#wait, this.#maxWait));
    this.#queue.unshift(...entries);
    if (this.#stopped) this.#drain();
    else this.#schedule();
    this.#checkDone();
  }

  #settle(settle: () => void): void {
    this.#unsettled--;
    settle();
  }

  #checkDone(): void {
    if (!this.#stopped || this.#unsettled > 0 || this.#active > 0) return;
    if (this.#stopError === undefined) this.#resolveDone();
    else this.#rejectDone(this.#stopError);
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Creates a multi-search batcher; see `Helpers.msearch`. */
export function createMsearch(
  transport: TransportLike,
  options: MsearchOptions = {},
  requestOptions: HelperRequestOptions = {},
): MsearchHelper {
  const batcher = new MsearchBatcher(transport, options, requestOptions);
  const helper = batcher.done as MsearchHelper;
  // A stop(error) the caller never awaits must not become an unhandled rejection.
  helper.catch(() => undefined);
  Object.defineProperties(helper, {
    search: { value: batcher.search.bind(batcher) },
    stop: { value: batcher.stop.bind(batcher) },
  });
  return helper;
}
