/** The reads behind `Model.get`, `Model.mget` and `Model.exists`. */
import { OrmError } from '../errors.js';
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';
import { resolveClient } from './connections.js';
import { OrmNotFoundError } from './errors.js';
import { indexNameOf } from './persistence.js';
import {
  documentMissing,
  errorReason,
  errorType,
  indexMissing,
  isIndexMissing,
} from './persistence-errors.js';
import type { ExistsOptions, GetOptions, MgetOptions } from './persistence-options.js';
import { type RawMeta, recordMeta, setPartial } from './persistence-state.js';
import { readWithVectors } from './persistence-vectors.js';
import { fromSource } from './source.js';

/** Hydrates a found document (get, mget item) and records its meta. */
function hydrate<T extends object>(
  model: ModelConstructor<T>,
  raw: RawMeta & { readonly _source?: unknown },
  home: string,
): T {
  if (typeof raw._id !== 'string') {
    throw invalidResponse(`a found document without an _id in index "${home}"`);
  }
  if (raw._source === undefined) {
    throw invalidResponse(
      `document ${JSON.stringify(raw._id)} came back without _source (is _source disabled in the mapping of "${home}"?)`,
    );
  }
  const doc = fromSource(model, raw._source);
  recordMeta(doc, raw, home);
  return doc;
}

function invalidResponse(what: string): OrmError {
  return new OrmError(
    'ORM_INVALID_RESPONSE',
    `Elasticsearch answered with ${what}: the model cannot be loaded from it.`,
  );
}

/** Loads one document by id; see `Model.get`. */
export async function getDocument<T extends object>(
  model: ModelConstructor<T>,
  id: string,
  options: GetOptions = {},
): Promise<T | null> {
  const meta = getDocumentMetadata(model);
  const index = options.index ?? meta.index.name;
  const client = resolveClient(options.client);
  const { includes, excludes } = options.source ?? {};
  const request = {
    index,
    id,
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
    ...(includes === undefined ? {} : { _source_includes: [...includes] }),
    ...(excludes === undefined ? {} : { _source_excludes: [...excludes] }),
  };
  // A 404 is an answer here (missing document or index), read from the body below.
  const response = (await readWithVectors(client, model, (querystring) =>
    client.get(request, { ignore: [404], querystring }),
  )) as RawMeta & { readonly found?: unknown; readonly _source?: unknown };
  if (response.found === true) {
    const doc = hydrate(model, response, index);
    if (options.source !== undefined) setPartial(doc, true);
    return doc;
  }
  if (isIndexMissing(response)) throw indexMissing(index, id);
  if (response.found !== false)
    throw invalidResponse(`a get answer without "found" for ${JSON.stringify(id)}`);
  if (options.missing === 'null') return null;
  throw documentMissing(index, id);
}

/** Loads documents by ids, in the order given; see `Model.mget`. */
export async function mgetDocuments<T extends object>(
  model: ModelConstructor<T>,
  ids: readonly string[],
  options: MgetOptions = {},
): Promise<(T | null)[]> {
  const meta = getDocumentMetadata(model);
  const index = options.index ?? meta.index.name;
  if (ids.length === 0) return [];
  const client = resolveClient(options.client);
  const request = {
    index,
    ids: [...ids],
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
  };
  const response = (await readWithVectors(client, model, (querystring) =>
    client.mget(request, { querystring }),
  )) as { readonly docs?: unknown };
  const docs = response.docs;
  if (!Array.isArray(docs) || docs.length !== ids.length) {
    throw invalidResponse(
      `an mget answer with ${Array.isArray(docs) ? docs.length : 'no'} docs for ${ids.length} ids`,
    );
  }
  const out: (T | null)[] = [];
  const missing: string[] = [];
  for (let i = 0; i < docs.length; i++) {
    const item = docs[i] as RawMeta & {
      readonly found?: unknown;
      readonly error?: unknown;
      readonly _source?: unknown;
    };
    if (item.found === true) out.push(hydrate(model, item, index));
    else if (item.error !== undefined) throw itemError(item, index, ids[i]!);
    else if (options.missing === 'throw') missing.push(ids[i]!);
    else if (options.missing !== 'skip') out.push(null);
  }
  if (missing.length > 0) throw documentsMissing(index, missing);
  return out;
}

function itemError(item: { readonly error?: unknown }, index: string, id: string): OrmError {
  if (isIndexMissing(item)) return indexMissing(index, id);
  const type = errorType(item) ?? 'unknown error';
  return new OrmError(
    'ORM_INVALID_RESPONSE',
    `Elasticsearch could not read document ${JSON.stringify(id)} from "${index}": ${type}: ${errorReason(item) ?? 'no reason given'}.`,
  );
}

function documentsMissing(index: string, ids: readonly string[]): OrmNotFoundError {
  const list = ids.map((id) => JSON.stringify(id)).join(', ');
  return new OrmNotFoundError(
    index,
    ids[0],
    `${ids.length} of the documents asked for were not found in index "${index}": ${list}. ` +
      "Pass { missing: 'null' } or { missing: 'skip' } to load the others anyway.",
  );
}

/** Whether a document with this id exists; see `Model.exists`. */
export async function documentExists(
  model: ModelConstructor,
  id: string,
  options: ExistsOptions = {},
): Promise<boolean> {
  const index = options.index ?? indexNameOf(model);
  const client = resolveClient(options.client);
  return client.exists({
    index,
    id,
    ...(options.routing === undefined ? {} : { routing: options.routing }),
    ...(options.realtime === undefined ? {} : { realtime: options.realtime }),
  });
}
