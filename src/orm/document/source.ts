/** Hydration (`fromSource`) and dehydration (`toSource`) between `_source` and model instances. */
import type { ModelConstructor, ModelMetadata } from '../metadata/types.js';

export function toSource(instance: object, meta: ModelMetadata): Record<string, unknown> {
  void instance;
  void meta;
  throw new Error('toSource: not implemented yet');
}

export function fromSource<T extends object>(target: ModelConstructor<T>, source: unknown): T {
  void target;
  void source;
  throw new Error('fromSource: not implemented yet');
}
