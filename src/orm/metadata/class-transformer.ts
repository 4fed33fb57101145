/**
 * Reads class-transformer's `@Transform` and `@Exclude` metadata for a model property, once, when
 * a hydration plan is built; the per-document path then only calls the functions found here.
 * `@Expose({ name })` and `@Type` are not read: the field's `name` option and `ObjectField`/
 * `Nested` already say the same thing, and two sources of truth would disagree.
 */
import { createRequire } from 'node:module';

/** The slice of class-transformer's MetadataStorage we read. */
interface TransformerStorage {
  findTransformMetadatas(
    target: object,
    propertyName: string,
    transformationType: number,
  ): readonly { transformFn: (params: Record<string, unknown>) => unknown }[];
  findExcludeMetadata(
    target: object,
    propertyName: string,
  ): { options?: { toClassOnly?: boolean; toPlainOnly?: boolean } } | undefined;
}

// class-transformer's TransformationType enum values.
const PLAIN_TO_CLASS = 0;
const CLASS_TO_PLAIN = 1;

/** How one property is transformed in each direction (undefined members: nothing to do). */
export interface PropertyTransforms {
  /** Applied after hydration's own conversion (the function sees a Date, not the ISO string). */
  readonly toClass?: (value: unknown, source: object) => unknown;
  /** Applied before dehydration's own conversion (a returned string is written as is). */
  readonly toPlain?: (value: unknown, instance: object) => unknown;
  /** `@Exclude()` or `@Exclude({ toClassOnly: true })`: hydration leaves the property alone. */
  readonly skipToClass: boolean;
  /** `@Exclude()` or `@Exclude({ toPlainOnly: true })`: the field is not written to `_source`. */
  readonly skipToPlain: boolean;
}

let storage: TransformerStorage | null | undefined;

// The CommonJS build is the one `import 'class-transformer'` loads on Node, so its storage is
// the instance user decorators wrote to.
function loadStorage(): TransformerStorage | null {
  if (storage === undefined) {
    try {
      const required = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
        defaultMetadataStorage: TransformerStorage;
      };
      storage = required.defaultMetadataStorage;
    } catch {
      storage = null;
    }
  }
  return storage;
}

/** The class-transformer decorators on `target`'s `property`, or undefined when there are none. */
export function propertyTransforms(
  target: object,
  property: string,
): PropertyTransforms | undefined {
  const store = loadStorage();
  if (!store) return undefined;
  const toClass = chain(
    store.findTransformMetadatas(target, property, PLAIN_TO_CLASS),
    property,
    PLAIN_TO_CLASS,
  );
  const toPlain = chain(
    store.findTransformMetadatas(target, property, CLASS_TO_PLAIN),
    property,
    CLASS_TO_PLAIN,
  );
  const exclude = store.findExcludeMetadata(target, property);
  const skipToClass = exclude !== undefined && exclude.options?.toPlainOnly !== true;
  const skipToPlain = exclude !== undefined && exclude.options?.toClassOnly !== true;
  if (!toClass && !toPlain && !skipToClass && !skipToPlain) return undefined;
  return {
    ...(toClass ? { toClass } : {}),
    ...(toPlain ? { toPlain } : {}),
    skipToClass,
    skipToPlain,
  };
}

/** Composes the transform functions in declaration order, as class-transformer applies them. */
function chain(
  metas: readonly { transformFn: (params: Record<string, unknown>) => unknown }[],
  key: string,
  type: number,
): ((value: unknown, obj: object) => unknown) | undefined {
  if (metas.length === 0) return undefined;
  const fns = metas.map((m) => m.transformFn);
  return (value, obj) => {
    let v = value;
    for (const fn of fns) v = fn({ value: v, key, obj, type, options: {} });
    return v;
  };
}
