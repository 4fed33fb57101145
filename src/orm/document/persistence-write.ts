/**
 * The writes behind `save`, `update`, `delete` and `reload`: each sends the seqNo guard of the
 * write this instance last saw, and turns a refusal into the ORM error that says what to do.
 */
import { OrmError } from '../errors.js';
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelMetadata } from '../metadata/types.js';
import { resolveClient } from './connections.js';
import { OrmNotFoundError } from './errors.js';
import { assignProps, modelOf, partialSave } from './persistence.js';
import { writeError } from './persistence-errors.js';
import type {
  CallOptions,
  DeleteOptions,
  SaveOptions,
  UpdateOptions,
} from './persistence-options.js';
import { getDocument } from './persistence-read.js';
import {
  type DocumentMeta,
  forgetWrite,
  homeOf,
  isPartial,
  isStateKey,
  metaOf,
  type RawMeta,
  recordMeta,
  serialized,
  setPartial,
} from './persistence-state.js';
import { toSource } from './source.js';
import { OrmValidationError, validateDocument } from './validation.js';

/** The instance's id, or ORM_NOT_FOUND: an operation on a stored document needs one. */
function requireId(doc: object, index: string, action: string): string {
  const id = metaOf(doc).id;
  if (id !== undefined) return id;
  throw new OrmNotFoundError(
    index,
    undefined,
    `Cannot ${action} a ${modelOf(doc).name} that has no id: save() it first, or set meta.id.`,
  );
}

/**
 * Validation of a partial document's update: only issues of the fields being updated count
 * (the fields it was loaded without are missing, not invalid).
 */
function validateFields(doc: object, meta: ModelMetadata, keys: readonly string[]): void {
  try {
    validateDocument(doc, meta);
  } catch (error) {
    if (!(error instanceof OrmValidationError)) throw error;
    const issues = error.issues.filter((i) => keys.includes(String(i.path[0])));
    if (issues.length > 0) throw new OrmValidationError(meta.className, issues);
  }
}

/** `if_seq_no`/`if_primary_term` when this instance has seen a write of the document. */
function concurrency(doc: object): { if_seq_no?: number; if_primary_term?: number } {
  const { seqNo, primaryTerm } = metaOf(doc);
  return seqNo !== undefined && primaryTerm !== undefined
    ? { if_seq_no: seqNo, if_primary_term: primaryTerm }
    : {};
}

/** Saves (indexes) the whole document, after the instance's writes under way; see `Model.save`. */
export function saveDocument(doc: object, options: SaveOptions = {}): Promise<void> {
  return serialized(doc, () => save(doc, options));
}

async function save(doc: object, options: SaveOptions): Promise<void> {
  const meta = getDocumentMetadata(modelOf(doc));
  if (isPartial(doc)) throw partialSave(doc);
  if (options.validate !== false) validateDocument(doc, meta);
  const document = toSource(doc, meta);
  const client = resolveClient(options.client);
  const docMeta = metaOf(doc);
  const index = homeOf(doc) ?? meta.index.name;
  const create = options.opType === 'create';
  const guard = create ? {} : concurrency(doc);
  const routing = options.routing ?? docMeta.routing;
  let response: RawMeta;
  try {
    response = await client.index({
      index,
      document,
      ...(docMeta.id === undefined ? {} : { id: docMeta.id }),
      ...(create ? { op_type: 'create' as const } : {}),
      ...guard,
      ...(routing === undefined ? {} : { routing }),
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  } catch (error) {
    throw writeError(error, { id: docMeta.id, index, expectedSeqNo: guard.if_seq_no, create });
  }
  recordMeta(doc, response, index);
  if (routing !== undefined) docMeta.routing = routing;
}

/** Partially updates the document with `partial`; see `Model.update`. */
export function updateDocument(
  doc: object,
  partial: Readonly<Record<string, unknown>>,
  options: UpdateOptions = {},
): Promise<void> {
  // Refused before it waits for the instance's other writes: it would send nothing to change.
  const empty = emptyUpdate(doc, partial);
  if (empty) return Promise.reject(empty);
  return serialized(doc, () => update(doc, partial, options));
}

/**
 * ORM_EMPTY_UPDATE when `partial` names no field of the model: Elasticsearch would get a no-op
 * `{ "doc": {} }` (properties without a field decorator are not stored, so not sent).
 */
function emptyUpdate(doc: object, partial: unknown): OrmError | undefined {
  const model = modelOf(doc);
  const keys = typeof partial === 'object' && partial !== null ? Object.keys(partial) : [];
  const fields = getDocumentMetadata(model).fields;
  if (keys.some((k) => fields.has(k))) return undefined;
  const given =
    keys.length === 0
      ? typeof partial === 'object' && partial !== null
        ? 'no fields'
        : `${partial === null ? 'null' : typeof partial} instead of an object of fields`
      : `only ${keys.join(', ')}, which ${keys.length === 1 ? 'is not a field' : 'are not fields'} of the model (no field decorator, so not stored)`;
  return new OrmError(
    'ORM_EMPTY_UPDATE',
    `Cannot update a ${model.name} with ${given}: the update would change nothing. Pass at least one field, e.g. doc.update({ ${[...fields.keys()][0] ?? 'field'}: value }), or use save() to write the whole document.`,
  );
}

async function update(
  doc: object,
  partial: Readonly<Record<string, unknown>>,
  options: UpdateOptions,
): Promise<void> {
  const meta = getDocumentMetadata(modelOf(doc));
  const index = homeOf(doc) ?? meta.index.name;
  const id = requireId(doc, index, 'update');
  const record = doc as Record<string, unknown>;
  const keys = Object.keys(partial);
  const previous = keys.map((k) => [k, Object.hasOwn(record, k), record[k]] as const);
  assignProps(doc, partial, meta);
  try {
    await sendUpdate(doc, meta, keys, { index, id, options });
  } catch (error) {
    // The instance keeps showing what is stored: the change it was refused is taken back.
    for (const [k, had, value] of previous) {
      if (had) record[k] = value;
      else delete record[k];
    }
    throw error;
  }
}

async function sendUpdate(
  doc: object,
  meta: ModelMetadata,
  keys: readonly string[],
  target: { readonly index: string; readonly id: string; readonly options: UpdateOptions },
): Promise<void> {
  const { index, id, options } = target;
  if (options.validate !== false) {
    if (isPartial(doc)) validateFields(doc, meta, keys);
    else validateDocument(doc, meta);
  }
  const full = toSource(doc, meta);
  const partialSource: Record<string, unknown> = {};
  for (const key of keys) {
    const field = meta.fields.get(key);
    // A property without a field decorator is not stored (save() leaves it out too); sending it
    // as null would erase a stored field of that name.
    if (field === undefined) continue;
    // A field given as undefined/null is cleared: send null rather than leave it out.
    partialSource[field.name] = full[field.name] ?? null;
  }
  const retry = options.retryOnConflict;
  const guard = retry === undefined ? concurrency(doc) : {};
  const routing = metaOf(doc).routing;
  const client = resolveClient(options.client);
  let response: RawMeta;
  try {
    response = await client.update({
      index,
      id,
      doc: partialSource,
      ...guard,
      ...(retry === undefined ? {} : { retry_on_conflict: retry }),
      ...(routing === undefined ? {} : { routing }),
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  } catch (error) {
    throw writeError(error, { id, index, expectedSeqNo: guard.if_seq_no });
  }
  recordMeta(doc, response, index);
  // Unguarded, the update merged into whatever was stored: the instance's other fields may be
  // stale, and a save guarded by the new seqNo would write them back over changes it never saw.
  if (guard.if_seq_no === undefined) setPartial(doc, true);
}

/** Deletes the document; see `Model.delete`. */
export function deleteDocument(doc: object, options: DeleteOptions = {}): Promise<void> {
  return serialized(doc, () => remove(doc, options));
}

async function remove(doc: object, options: DeleteOptions): Promise<void> {
  const meta = getDocumentMetadata(modelOf(doc));
  const index = homeOf(doc) ?? meta.index.name;
  const id = requireId(doc, index, 'delete');
  const guard = concurrency(doc);
  const routing = metaOf(doc).routing;
  const client = resolveClient(options.client);
  let response: RawMeta;
  try {
    response = await client.delete({
      index,
      id,
      ...guard,
      ...(routing === undefined ? {} : { routing }),
      ...(options.refresh === undefined ? {} : { refresh: options.refresh }),
    });
  } catch (error) {
    throw writeError(error, { id, index, expectedSeqNo: guard.if_seq_no, delete: true });
  }
  recordMeta(doc, { _version: response._version }, index);
  forgetWrite(doc);
}

/** Reads the stored document back into the instance; see `Model.reload`. */
export function reloadDocument(doc: object, options: CallOptions = {}): Promise<void> {
  return serialized(doc, () => reload(doc, options));
}

async function reload(doc: object, options: CallOptions): Promise<void> {
  const model = modelOf(doc);
  const meta = getDocumentMetadata(model);
  const index = homeOf(doc) ?? meta.index.name;
  const id = requireId(doc, index, 'reload');
  const routing = metaOf(doc).routing;
  const fresh = await getDocument(model, id, {
    index,
    missing: 'throw',
    ...(routing === undefined ? {} : { routing }),
    ...(options.client === undefined ? {} : { client: options.client }),
  });
  replaceData(doc, fresh as object);
  recordMeta(doc, rawMetaOf(metaOf(fresh as object)), index);
  setPartial(doc, false);
}

/** Makes `doc` hold exactly the data of `fresh` (same class): own properties replaced. */
function replaceData(doc: object, fresh: object): void {
  const target = doc as Record<string | symbol, unknown>;
  const source = fresh as Record<string | symbol, unknown>;
  for (const key of Reflect.ownKeys(target)) {
    if (!isStateKey(key) && !Object.hasOwn(source, key)) delete target[key];
  }
  for (const key of Reflect.ownKeys(source)) if (!isStateKey(key)) target[key] = source[key];
}

/** A document's meta in the raw shape `recordMeta` reads (to copy it from another instance). */
function rawMetaOf(meta: DocumentMeta): RawMeta {
  return {
    _id: meta.id,
    _index: meta.index,
    _seq_no: meta.seqNo,
    _primary_term: meta.primaryTerm,
    _version: meta.version,
    _routing: meta.routing,
  };
}
