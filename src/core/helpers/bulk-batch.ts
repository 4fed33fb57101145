import { ConfigurationError } from '../errors.js';
import { stringifyFinite } from '../serializer/non-finite.js';
import type { BulkAction, BulkHelperOperation } from './bulk-types.js';

// Lines are joined into a string of about this many characters before being encoded: one
// encode per chunk is much cheaper than one per line.
const CHUNK_CHARS = 64 * 1024;
// Room past flushBytes for the chunk that crosses it; anything bigger makes the buffer grow.
const SLACK = 4 * CHUNK_CHARS;

/**
 * Builds the NDJSON of one bulk request directly into a Buffer, keeping each document and its
 * action (in the same order as the operations) for onDrop, onSuccess and retries. `bytes` is
 * exact for ASCII and a lower bound otherwise until `body()` returns the exact bytes.
 */
export class BulkBatch<TDocument> {
  readonly documents: TDocument[] = [];
  readonly actions: BulkAction[] = [];
  #buffer: Buffer;
  #written = 0;
  #pending = '';
  #hasUpdates = false;

  /** `reuse`: the buffer of an earlier batch that Elasticsearch fully read. */
  constructor(flushBytes: number, reuse?: Buffer) {
    // allocUnsafe maps pages lazily: a large capacity costs RSS only for the bytes written.
    this.#buffer = reuse ?? Buffer.allocUnsafe(flushBytes + SLACK);
  }

  /** The underlying buffer, for reuse by a later batch once this one is settled. */
  get buffer(): Buffer {
    return this.#buffer;
  }

  get count(): number {
    return this.documents.length;
  }

  get bytes(): number {
    return this.#written + this.#pending.length;
  }

  get hasUpdates(): boolean {
    return this.#hasUpdates;
  }

  /** Serializes the action (and the source or update body) of one document. */
  add(document: TDocument, action: BulkAction): void {
    const lines = operationLines(document, action);
    if (lines.update) this.#hasUpdates = true;
    this.#pending += lines.text;
    this.documents.push(document);
    this.actions.push(action);
    if (this.#pending.length >= CHUNK_CHARS) this.#commit();
  }

  /** The NDJSON body of the whole batch (a view of the buffer, not a copy). */
  body(): Buffer {
    this.#commit();
    return this.#buffer.subarray(0, this.#written);
  }

  /** The NDJSON body of some operations only, by position (item retries; serialized again). */
  bodyOf(positions: readonly number[]): Buffer {
    let text = '';
    for (const i of positions) text += operationLines(this.documents[i], this.actions[i]!).text;
    return Buffer.from(text, 'utf8');
  }

  #commit(): void {
    const text = this.#pending;
    if (text.length === 0) return;
    this.#pending = '';
    // A UTF-16 unit is at most 3 UTF-8 bytes: only measure exactly when that bound might not fit.
    if (this.#written + text.length * 3 > this.#buffer.length) {
      const needed = this.#written + Buffer.byteLength(text);
      if (needed > this.#buffer.length) this.#grow(needed);
    }
    this.#written += this.#buffer.write(text, this.#written, 'utf8');
  }

  #grow(minimum: number): void {
    const next = Buffer.allocUnsafe(Math.max(minimum + SLACK, this.#buffer.length * 2));
    this.#buffer.copy(next, 0, 0, this.#written);
    this.#buffer = next;
  }
}

interface OperationLines {
  readonly text: string;
  readonly update: boolean;
}

/** The NDJSON lines (newline-terminated) of one operation. */
export function operationLines(document: unknown, action: BulkAction): OperationLines {
  const pair = Array.isArray(action);
  const head = (pair ? action[0] : action) as Record<string, unknown>;
  const operation = operationOf(head);
  const header = JSON.stringify(head);
  if (operation === 'delete') return { text: `${header}\n`, update: false };
  if (operation === 'update') {
    const extra = pair ? (action[1] as Record<string, unknown> | undefined) : undefined;
    return { text: `${header}\n${updatePayload(document, extra)}\n`, update: true };
  }
  const source = pair ? action[1] : document;
  if (source instanceof Uint8Array) throw bytesDocument();
  const payload = typeof source === 'string' ? source : stringifyFinite(source, DOCUMENT);
  return { text: `${header}\n${payload}\n`, update: false };
}

function updatePayload(document: unknown, extra: Record<string, unknown> | undefined): string {
  if (extra !== undefined && 'doc' in extra) return stringifyFinite(extra, DOCUMENT);
  if (document instanceof Uint8Array) throw bytesDocument();
  if (typeof document === 'string') {
    // A pre-serialized document: wrap it without parsing, then let `extra` fields follow.
    const rest = extra === undefined ? '' : JSON.stringify(extra).slice(1, -1);
    return rest.length > 0 ? `{"doc":${document},${rest}}` : `{"doc":${document}}`;
  }
  return stringifyFinite(
    extra === undefined ? { doc: document } : { doc: document, ...extra },
    DOCUMENT,
  );
}

const DOCUMENT = 'a bulk document';

// JSON.stringify of a Buffer is {"type":"Buffer","data":[...]}: it would be indexed as that.
function bytesDocument(): ConfigurationError {
  return new ConfigurationError(
    'a bulk document is a Buffer: the datasource gives raw bytes (a file stream?). Give objects, ' +
      'or JSON strings one per document (split NDJSON into lines, e.g. with node:readline)',
    { option: 'datasource' },
  );
}

/** The operation an action names (its first key). */
export function operationOf(head: Record<string, unknown>): BulkHelperOperation {
  for (const key in head) {
    if (key === 'index' || key === 'create' || key === 'update' || key === 'delete') return key;
    break;
  }
  throw new TypeError(
    `onDocument must return { index | create | update | delete: {...} }, got keys [${Object.keys(head).join(', ')}]`,
  );
}

/** The operation of an action, whether a lone header or a [header, body] pair. */
export function operationOfAction(action: BulkAction): BulkHelperOperation {
  return operationOf((Array.isArray(action) ? action[0] : action) as Record<string, unknown>);
}
