/** Mappings and create-index bodies, as pure functions of a model's resolved metadata. */
import type {
  IndicesAlias,
  IndicesIndexSettings,
  MappingTypeMapping,
} from '../../core/api/generated/types.js';
import type { ModelMetadata } from '../metadata/types.js';

/** The body of `indices.create` for a document model. */
export interface IndexBody {
  readonly settings: IndicesIndexSettings;
  readonly mappings: MappingTypeMapping;
  readonly aliases: Record<string, IndicesAlias>;
}

export function buildMappings(meta: ModelMetadata): MappingTypeMapping {
  void meta;
  throw new Error('buildMappings: not implemented yet');
}

export function buildIndexBody(meta: ModelMetadata): IndexBody {
  void meta;
  throw new Error('buildIndexBody: not implemented yet');
}
