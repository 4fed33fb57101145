/**
 * A bounded single-consumer queue between producers (bulk batches, PIT slices) and an async
 * iterator. `push` resolves only once there is room, which is how backpressure reaches producers.
 */
export class AsyncChannel<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  #waitingConsumer: (() => void) | undefined;
  #waitingProducers: (() => void)[] = [];
  #closed = false;
  #error: unknown;
  #failed = false;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an item; resolves `false` when the channel was closed (the consumer went away). */
  async push(item: T): Promise<boolean> {
    while (!this.#closed && this.#items.length >= this.#capacity) {
      await new Promise<void>((resolve) => this.#waitingProducers.push(resolve));
    }
    if (this.#closed) return false;
    this.#items.push(item);
    this.#wakeConsumer();
    return true;
  }

  /** No more items will come; a given error is thrown to the consumer after the queued items. */
  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) {
      this.#failed = true;
      this.#error = error;
    }
    this.#wakeConsumer();
    this.#wakeProducers();
  }

  /** Drops queued items and releases every waiting producer (consumer stopped early). */
  cancel(): void {
    this.#items.length = 0;
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    while (true) {
      if (this.#items.length > 0) {
        const item = this.#items.shift() as T;
        this.#wakeProducers();
        yield item;
        continue;
      }
      if (this.#closed) {
        if (this.#failed) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#waitingConsumer = resolve;
      });
    }
  }

  #wakeConsumer(): void {
    const wake = this.#waitingConsumer;
    this.#waitingConsumer = undefined;
    wake?.();
  }

  #wakeProducers(): void {
    const waiting = this.#waitingProducers;
    this.#waitingProducers = [];
    for (const wake of waiting) wake();
  }
}
