/** `@Document(options)`: marks a class as a document model stored in `options.index`. */
import { type DocumentOptions, recordDocument } from '../metadata/storage.js';
import type { ModelConstructor } from '../metadata/types.js';
import { assertLegacyDecorator } from './legacy-only.js';

export type { DocumentOptions } from '../metadata/storage.js';

/**
 * Marks a class (a `Model` subclass) as a document stored in an index; its options give the
 * index name (an alias when migrations manage it), settings, aliases and top-level mapping
 * options. Only records: the class is checked on first use (`getModelMetadata`).
 *
 * @example
 * ```ts
 * import { Document, Model, Text } from 'elastiq/orm';
 * @Document({ index: 'blog-posts', settings: { number_of_shards: 1 }, mappings: { dynamic: 'strict' } })
 * class Post extends Model {
 *   @Text() title!: string;
 * }
 * ```
 */
export function Document(
  options: DocumentOptions,
): <C extends ModelConstructor>(target: C) => void {
  return (target, ...rest: unknown[]) => {
    assertLegacyDecorator('@Document', rest[0]);
    recordDocument(target, options);
  };
}
