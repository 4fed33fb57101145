/** `Model.init()`: create the model's index from its metadata, or add new fields to it. */
import type { IndicesPutMappingRequest } from '../../core/api/generated/types.js';
import { ResponseError } from '../../core/errors.js';
import { OrmError } from '../errors.js';
import { buildIndexBody } from '../mapping/build-mappings.js';
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';
import { resolveClient } from './connections.js';
import { errorReason, errorType } from './persistence-errors.js';
import type { CallOptions } from './persistence-options.js';

/** What `init()` did. */
export interface InitResult {
  /** The index (or alias) name. */
  readonly index: string;
  /** `true` when the index was created; `false` when it existed and its mapping was extended. */
  readonly created: boolean;
}

// Elasticsearch refuses a mapping change that is not additive with these errors (400).
const CONFLICT_TYPES = new Set([
  'illegal_argument_exception',
  'mapper_exception',
  'mapper_parsing_exception',
]);

/**
 * Creates the index with the model's settings, mappings and aliases when it does not exist;
 * when it does, puts the model's mapping (new fields are added; a conflicting field rejects with
 * ORM_MAPPING_CONFLICT). Running it twice changes nothing the second time.
 */
export async function initIndex(
  model: ModelConstructor,
  options: CallOptions = {},
): Promise<InitResult> {
  const meta = getDocumentMetadata(model);
  const index = meta.index.name;
  const body = buildIndexBody(meta);
  const client = resolveClient(options.client);
  if (!(await client.indices.exists({ index }))) {
    try {
      await client.indices.create({ index, ...body });
      return { index, created: true };
    } catch (error) {
      // Another process created it in between: fall through and extend it like any existing one.
      if (!(error instanceof ResponseError && isAlreadyThere(error.body))) throw error;
    }
  }
  const request = { index, ...body.mappings } as IndicesPutMappingRequest;
  try {
    await client.indices.putMapping(request);
  } catch (error) {
    if (
      error instanceof ResponseError &&
      error.statusCode === 400 &&
      CONFLICT_TYPES.has(errorType(error.body) ?? '')
    ) {
      throw new OrmError(
        'ORM_MAPPING_CONFLICT',
        `The live mapping of "${index}" conflicts with ${meta.className}: ${errorReason(error.body)}. ` +
          'init() only adds fields; a changed field needs a new index and a reindex ' +
          '(write a migration: elastiq migrate generate).',
        { cause: error },
      );
    }
    throw error;
  }
  return { index, created: false };
}

function isAlreadyThere(body: unknown): boolean {
  const type = errorType(body);
  return type === 'resource_already_exists_exception' || type === 'index_already_exists_exception';
}
