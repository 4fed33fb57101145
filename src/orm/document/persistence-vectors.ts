/**
 * Elasticsearch 9.1+ leaves dense and sparse vectors out of the `_source` it returns unless asked
 * (`index.mapping.exclude_source_vectors`). A model loaded without its vectors would save them
 * away, so reads of a model with vector fields ask for them (`_source_exclude_vectors=false`);
 * servers that predate the parameter (they return vectors anyway) refuse it with a 400, and are
 * then asked without it, remembered per client.
 */
import { ResponseError } from '../../core/errors.js';
import type { SearchClient } from '../../dsl/index.js';
import { getModelMetadata } from '../metadata/registry.js';
import type { ModelConstructor, ModelMetadata } from '../metadata/types.js';
import { errorReason } from './persistence-errors.js';

const PARAM = '_source_exclude_vectors';
const VECTOR_TYPES = new Set(['dense_vector', 'sparse_vector', 'rank_vectors']);

const hasVectors = new WeakMap<ModelMetadata, boolean>();
/** Clients whose server does not know the parameter. */
const unsupported = new WeakSet<object>();

/** Whether the model (or any inner document in it) declares a vector field. */
export function modelHasVectors(model: ModelConstructor): boolean {
  return metadataHasVectors(getModelMetadata(model), new Set());
}

function metadataHasVectors(meta: ModelMetadata, seen: Set<ModelMetadata>): boolean {
  const cached = hasVectors.get(meta);
  if (cached !== undefined) return cached;
  if (seen.has(meta)) return false;
  seen.add(meta);
  let found = false;
  for (const field of meta.fields.values()) {
    if (VECTOR_TYPES.has(field.type)) found = true;
    else if (field.target) found = metadataHasVectors(getModelMetadata(field.target()), seen);
    if (found) break;
  }
  hasVectors.set(meta, found);
  return found;
}

/** A 400 saying the server does not know `_source_exclude_vectors`. */
function isUnknownParam(error: unknown): boolean {
  return (
    error instanceof ResponseError &&
    error.statusCode === 400 &&
    (errorReason(error.body) ?? '').includes(PARAM)
  );
}

/**
 * Sends a read, with `_source_exclude_vectors: false` in its query string when the model has
 * vectors and the server is not known to refuse it; a refusal is retried once without.
 */
export async function readWithVectors<R>(
  client: object,
  model: ModelConstructor,
  send: (querystring: Readonly<Record<string, boolean>> | undefined) => Promise<R>,
): Promise<R> {
  if (unsupported.has(client) || !modelHasVectors(model)) return send(undefined);
  try {
    return await send({ [PARAM]: false });
  } catch (error) {
    if (!isUnknownParam(error)) throw error;
    unsupported.add(client);
    return send(undefined);
  }
}

/** Search answers known to carry their vectors (asked for, or from a server that never drops them). */
const withVectors = new WeakSet<object>();

/** Whether a search answer came through `searchWithVectors` (so its hits hold their vectors). */
export function carriesVectors(body: unknown): boolean {
  return typeof body === 'object' && body !== null && withVectors.has(body);
}

/**
 * A SearchClient whose `search` asks for vectors as `readWithVectors` does and marks its
 * answers as carrying them (an answer from elsewhere, e.g. msearch, may lack them).
 */
export function searchWithVectors(client: SearchClient, model: ModelConstructor): SearchClient {
  if (!modelHasVectors(model)) return client;
  const search = async (params: Record<string, any>): Promise<any> => {
    const body = await (PARAM in params || unsupported.has(client)
      ? client.search(params)
      : readWithVectors(client, model, (qs) => client.search(qs ? { ...params, ...qs } : params)));
    if (typeof body === 'object' && body !== null) withVectors.add(body);
    return body;
  };
  return {
    search,
    count: (params) => client.count(params),
    deleteByQuery: (params) => client.deleteByQuery(params),
    updateByQuery: (params) => client.updateByQuery(params),
    msearch: (params) => client.msearch(params),
    openPointInTime: (params) => client.openPointInTime(params),
    closePointInTime: (params) => client.closePointInTime(params),
    scroll: (params) => client.scroll(params),
    clearScroll: (params) => client.clearScroll(params),
  };
}
