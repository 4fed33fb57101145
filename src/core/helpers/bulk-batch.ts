import type { BulkAction, BulkOperationType } from './bulk-types.js';

/** One document of a batch: where its NDJSON lines sit in the batch buffer, and its retry count. */
export interface BatchItem<TDocument> {
  readonly document: TDocument;
  readonly action: BulkAction;
  readonly operation: BulkOperationType;
  readonly start: number;
  readonly end: number;
  attempts: number;
}

const NEWLINE = 0x0a;
// Room past flushBytes for the document that crosses it; a bigger one makes the buffer grow.
const SLACK = 64 * 1024;

/**
 * Builds the NDJSON of one bulk request directly into a Buffer: every line is encoded once, byte
 * counts are exact (flushBytes is honoured precisely), and a retry re-sends byte ranges without
 * serializing again.
 */
export class BulkBatch<TDocument> {
  readonly items: BatchItem<TDocument>[] = [];
  #buffer: Buffer;
  #length = 0;
  #hasUpdates = false;

  /** `reuse`: the buffer of an earlier batch that Elasticsearch fully read (no new pages touched). */
  constructor(flushBytes: number, reuse?: Buffer) {
    // allocUnsafe maps pages lazily: a large capacity costs RSS only for the bytes written.
    this.#buffer = reuse ?? Buffer.allocUnsafe(flushBytes + SLACK);
  }

  /** The underlying buffer, for reuse by a later batch once this one is settled. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  get bytes(): number {
    return this.#length;
  }

  get hasUpdates(): boolean {
    return this.#hasUpdates;
  }

  /** Serializes the action (and the source or update body) of one document. */
  add(document: TDocument, action: BulkAction): void {
    const { operation, header, payload } = splitAction(document, action);
    const start = this.#length;
    this.#writeLine(header);
    if (payload !== undefined) this.#writeLine(payload);
    if (operation === 'update') this.#hasUpdates = true;
    this.items.push({ document, action, operation, start, end: this.#length, attempts: 0 });
  }

  /** The NDJSON body of the whole batch (a view, not a copy). */
  body(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  /** The NDJSON body of some items only (for item retries). */
  bodyOf(items: readonly BatchItem<TDocument>[]): Buffer {
    return Buffer.concat(items.map((item) => this.#buffer.subarray(item.start, item.end)));
  }

  #writeLine(line: string): void {
    // A UTF-16 unit is at most 3 UTF-8 bytes: only measure exactly when that bound might not fit.
    let needed = line.length * 3 + 1;
    if (this.#length + needed > this.#buffer.length) {
      needed = Buffer.byteLength(line) + 1;
      if (this.#length + needed > this.#buffer.length) this.#grow(this.#length + needed);
    }
    this.#length += this.#buffer.write(line, this.#length, 'utf8');
    this.#buffer[this.#length++] = NEWLINE;
  }

  #grow(minimum: number): void {
    const next = Buffer.allocUnsafe(Math.max(minimum, this.#buffer.length * 2));
    this.#buffer.copy(next, 0, 0, this.#length);
    this.#buffer = next;
  }
}

interface SplitAction {
  readonly operation: BulkOperationType;
  readonly header: string;
  readonly payload: string | undefined;
}

/** Turns an `onDocument` action into its header line and payload line. */
export function splitAction(document: unknown, action: BulkAction): SplitAction {
  const pair = Array.isArray(action);
  const head = (pair ? action[0] : action) as Record<string, unknown>;
  const operation = operationOf(head);
  const header = JSON.stringify(head);
  if (operation === 'delete') return { operation, header, payload: undefined };
  if (operation === 'update') {
    const extra = pair ? (action[1] as Record<string, unknown> | undefined) : undefined;
    return { operation, header, payload: updatePayload(document, extra) };
  }
  const source = pair ? action[1] : document;
  return {
    operation,
    header,
    payload: typeof source === 'string' ? source : JSON.stringify(source),
  };
}

function updatePayload(document: unknown, extra: Record<string, unknown> | undefined): string {
  if (extra !== undefined && 'doc' in extra) return JSON.stringify(extra);
  if (typeof document === 'string') {
    // A pre-serialized document: wrap it without parsing, then let `extra` fields follow.
    const rest = extra === undefined ? '' : JSON.stringify(extra).slice(1, -1);
    return rest.length > 0 ? `{"doc":${document},${rest}}` : `{"doc":${document}}`;
  }
  return JSON.stringify(extra === undefined ? { doc: document } : { doc: document, ...extra });
}

function operationOf(head: Record<string, unknown>): BulkOperationType {
  for (const key in head) {
    if (key === 'index' || key === 'create' || key === 'update' || key === 'delete') return key;
    break;
  }
  throw new TypeError(
    `onDocument must return { index | create | update | delete: {...} }, got keys [${Object.keys(head).join(', ')}]`,
  );
}
