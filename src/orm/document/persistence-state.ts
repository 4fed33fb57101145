/**
 * Where each document instance keeps what is not its data: its `meta`, the index name it was
 * read through, and whether it holds all of `_source`. Kept under a symbol key, since a WeakMap
 * entry per hit made a 10k-hit search hydrate about 1.5x slower: `Object.keys`, `JSON.stringify`
 * and `_source` never see it, and a state copied onto another object (`Object.assign`) is not
 * taken as that object's own.
 */

/**
 * Where a document lives and which write of it this instance last saw. Set by `get`, `mget`,
 * `search` hits and every write; `id` and `routing` may be set by hand before the first `save()`.
 */
export interface DocumentMeta {
  /** The document's `_id` (set it before the first save for an explicit id). */
  id?: string;
  /** The concrete index that holds it (behind an alias, the versioned index). */
  index?: string;
  /** Sequence number and primary term of the write this instance last saw (concurrency control). */
  seqNo?: number;
  primaryTerm?: number;
  version?: number;
  /** The routing value the document is stored with. */
  routing?: string;
  /** The hit's score, for a document found by a search. */
  score?: number | null;
}

/** The raw fields of a get, mget item, search hit or write response that carry meta. */
export interface RawMeta {
  readonly _id?: unknown;
  readonly _index?: unknown;
  readonly _seq_no?: unknown;
  readonly _primary_term?: unknown;
  readonly _version?: unknown;
  readonly _routing?: unknown;
}

interface DocumentState {
  /** The instance this state belongs to: a copy made by Object.assign or a spread is not it. */
  readonly owner: object;
  readonly meta: DocumentMeta;
  /** The name writes go to: the alias or index it was read through, not the concrete index. */
  home: string | undefined;
  /** Loaded with source filtering: some stored fields are missing, so a whole save would drop them. */
  partial: boolean;
  /** Settles when the writes of this instance under way are done (they run one at a time). */
  queue: Promise<void>;
}

const STATE: unique symbol = Symbol('elastiq.orm.document');

interface StateHolder {
  [STATE]?: DocumentState;
}

function ownState(doc: object): DocumentState | undefined {
  const state = (doc as StateHolder)[STATE];
  return state !== undefined && state.owner === doc ? state : undefined;
}

function stateOf(doc: object): DocumentState {
  return ownState(doc) ?? newState(doc, {}, undefined, false);
}

function newState(
  doc: object,
  meta: DocumentMeta,
  home: string | undefined,
  partial: boolean,
): DocumentState {
  const state: DocumentState = { owner: doc, meta, home, partial, queue: Promise.resolve() };
  (doc as StateHolder)[STATE] = state;
  return state;
}

/** Whether an own key of an instance is this module's, not data (copying data must skip it). */
export function isStateKey(key: string | symbol): boolean {
  return key === STATE;
}

/** The (mutable) meta of a document instance; created empty on first use. */
export function metaOf(doc: object): DocumentMeta {
  return stateOf(doc).meta;
}

/** The index name writes of this document go to, when it was read or written before. */
export function homeOf(doc: object): string | undefined {
  return ownState(doc)?.home;
}

/**
 * Records what a response said about the document (fields it does not carry are kept), and the
 * name later writes go to.
 */
export function recordMeta(doc: object, raw: RawMeta, home: string | undefined): DocumentMeta {
  const state = stateOf(doc);
  const meta = state.meta;
  if (typeof raw._id === 'string') meta.id = raw._id;
  if (typeof raw._index === 'string') meta.index = raw._index;
  if (typeof raw._seq_no === 'number') meta.seqNo = raw._seq_no;
  if (typeof raw._primary_term === 'number') meta.primaryTerm = raw._primary_term;
  if (typeof raw._version === 'number') meta.version = raw._version;
  if (typeof raw._routing === 'string') meta.routing = raw._routing;
  if (home !== undefined) state.home = home;
  return meta;
}

/** Whether the instance holds only part of the stored `_source` (source filtering). */
export function isPartial(doc: object): boolean {
  return ownState(doc)?.partial === true;
}

/** Marks the instance as holding all (`false`) or part (`true`) of the stored `_source`. */
export function setPartial(doc: object, partial: boolean): void {
  stateOf(doc).partial = partial;
}

/** Forgets the concurrency token (after a delete: a new save must not expect the old write). */
export function forgetWrite(doc: object): void {
  const meta = stateOf(doc).meta;
  delete meta.seqNo;
  delete meta.primaryTerm;
}

/** Sets a document's meta to exactly `meta` (a search hit: fresh instance, fresh meta object). */
export function adoptMeta(
  doc: object,
  meta: DocumentMeta,
  home: string | undefined,
  partial: boolean,
): void {
  newState(doc, meta, home, partial);
}

/**
 * Runs a write of `doc` once the writes of it already under way are done: two saves of a new
 * instance at once would otherwise index it twice under two ids, and a save racing a reload or
 * an update would send what the other is replacing.
 */
export function serialized<T>(doc: object, run: () => Promise<T>): Promise<T> {
  const state = stateOf(doc);
  const result = state.queue.then(run);
  state.queue = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}
