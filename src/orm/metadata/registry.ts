/**
 * The metadata resolver: walks a class's base classes first, merges what their decorators
 * recorded, validates it, freezes it and caches it. Everything else in the ORM reads models only
 * through `getModelMetadata`.
 */
import { isInnerDocClass } from '../document/inner-doc.js';
import { OrmError } from '../errors.js';
import { type DocumentOptions, ownRecord, type RawField } from './storage.js';
import type { FieldMetadata, IndexMetadata, ModelConstructor, ModelMetadata } from './types.js';

// Options every decorator understands; the rest are mapping parameters of the field's type.
const COMMON_OPTIONS = new Set(['name', 'multi', 'required', 'schema']);

const CACHE = new WeakMap<object, ModelMetadata>();

/**
 * The resolved, frozen metadata of a Document or InnerDoc class (cached per class).
 * Throws `OrmError` `ORM_INVALID_MODEL` naming the class and property when the decorators were
 * misused: a static or method decorated, two fields with one source name, an object/nested field
 * whose target is not an InnerDoc class, `@Document` without `index`.
 *
 * @example
 * ```ts
 * import { Document, getModelMetadata, Keyword, Model } from 'elastiq/orm';
 * @Document({ index: 'tags' })
 * class Tag extends Model {
 *   @Keyword() label!: string;
 * }
 * getModelMetadata(Tag).fields.get('label')?.type; // 'keyword'
 * ```
 */
export function getModelMetadata(target: ModelConstructor): ModelMetadata {
  const cached = CACHE.get(target);
  if (cached) return cached;
  if (typeof target !== 'function') {
    throw invalid(`${String(target)} is not a class: pass the model class itself.`);
  }
  const meta = resolve(target);
  CACHE.set(target, meta);
  return meta;
}

/**
 * The metadata of a class that must be a document model (decorated with `@Document`, itself or a
 * base class); throws `ORM_NOT_A_DOCUMENT` otherwise.
 *
 * @example
 * ```ts
 * import { Document, getDocumentMetadata, Model } from 'elastiq/orm';
 * @Document({ index: 'notes' })
 * class Note extends Model {}
 * getDocumentMetadata(Note).index.name; // 'notes'
 * ```
 */
export function getDocumentMetadata(
  target: ModelConstructor,
): ModelMetadata & { readonly index: IndexMetadata } {
  const meta = getModelMetadata(target);
  if (!meta.index) {
    throw new OrmError(
      'ORM_NOT_A_DOCUMENT',
      `${meta.className} is not a document model: decorate it with @Document({ index: '...' }) (InnerDoc classes are stored inside documents, not on their own).`,
    );
  }
  return meta as ModelMetadata & { readonly index: IndexMetadata };
}

/**
 * True when `target` is a class decorated with `@Document` (itself or through a base class).
 * Never throws.
 *
 * @example
 * ```ts
 * import { isDocumentClass } from 'elastiq/orm';
 * isDocumentClass(class Plain {}); // false
 * ```
 */
export function isDocumentClass(target: unknown): boolean {
  return typeof target === 'function' && findDocument(classChain(target)) !== undefined;
}

/** The class and its base classes, base first (stops before Function.prototype). */
function classChain(target: object): object[] {
  const chain: object[] = [];
  for (let c: object | null = target; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c);
  }
  return chain;
}

function findDocument(chain: readonly object[]): DocumentOptions | undefined {
  let found: DocumentOptions | undefined;
  for (const c of chain) found = ownRecord(c)?.document ?? found;
  return found;
}

function resolve(target: ModelConstructor): ModelMetadata {
  const className = target.name || 'anonymous class';
  const chain = classChain(target);
  const fields = new Map<string, FieldMetadata>();
  for (const c of chain) {
    const seen = new Set<string | symbol>();
    for (const raw of ownRecord(c)?.fields ?? []) {
      const owner = (c as { name?: string }).name || className;
      if (seen.has(raw.property)) {
        throw invalid(`${owner}.${String(raw.property)} has two field decorators: keep one.`);
      }
      seen.add(raw.property);
      checkNotInherited(owner, c, raw);
      // A subclass redeclaring a base property replaces it (Map.set keeps the base's position).
      fields.set(raw.property as string, resolveField(owner, raw));
    }
  }
  checkSourceNames(className, fields);
  const document = findDocument(chain);
  const meta: ModelMetadata = {
    target,
    className,
    index: document ? resolveIndex(className, document) : undefined,
    fields,
    ...(document?.refine ? { refine: document.refine } : {}),
  };
  return Object.freeze(meta);
}

/**
 * A field named like a method or accessor the class inherits (`meta`, `save` of Model) would be
 * shadowed by it, or shadow it: JavaScript users get no compile error, so say it here.
 */
function checkNotInherited(owner: string, c: unknown, raw: RawField): void {
  if (raw.placement !== 'property' || typeof raw.property !== 'string') return;
  const proto = Object.getPrototypeOf((c as { prototype: object }).prototype) as object | null;
  if (proto === null || !(raw.property in proto)) return;
  throw invalid(
    `${owner}.${raw.property} has the name of a method or accessor ${owner} inherits: rename the property (the name option keeps "${raw.property}" as the _source name).`,
  );
}

function resolveField(owner: string, raw: RawField): FieldMetadata {
  const where = `${owner}.${String(raw.property)}`;
  if (raw.placement !== 'property') {
    throw invalid(
      `${where} is a ${raw.placement === 'static' ? 'static member' : 'method or accessor'}: field decorators go on instance properties.`,
    );
  }
  if (typeof raw.property !== 'string') {
    throw invalid(`${where} is keyed by a symbol: field properties need string names.`);
  }
  const { name, multi, required, schema } = raw.options as {
    name?: unknown;
    multi?: unknown;
    required?: unknown;
    schema?: unknown;
  };
  const sourceName = name ?? raw.property;
  if (typeof sourceName !== 'string' || sourceName === '' || sourceName.includes('.')) {
    throw invalid(
      `${where} has name ${JSON.stringify(sourceName)}: give a non-empty name without dots (use ObjectField for sub-objects).`,
    );
  }
  if (schema !== undefined && typeof schema !== 'function') {
    throw invalid(
      `${where} has a schema option that is not a function: pass (base) => base.refine(...).`,
    );
  }
  checkTarget(where, raw);
  const mapping = Object.fromEntries(
    Object.entries(raw.options).filter(([k, v]) => !COMMON_OPTIONS.has(k) && v !== undefined),
  );
  if ('type' in mapping || 'properties' in mapping) {
    throw invalid(
      `${where} sets ${'type' in mapping ? 'type' : 'properties'} in its options: the decorator sets it (use Field(type) or ObjectField).`,
    );
  }
  return Object.freeze({
    property: raw.property,
    name: sourceName,
    type: raw.type,
    multi: multi === true,
    required: required === true,
    ...(raw.target ? { target: raw.target } : {}),
    mapping: deepFreeze(structuredClone(mapping)),
    ...(typeof schema === 'function' ? { schema: schema as FieldMetadata['schema'] & object } : {}),
  });
}

/** object/nested fields need an InnerDoc target; other types take none. */
function checkTarget(where: string, raw: RawField): void {
  const inner = raw.type === 'object' || raw.type === 'nested';
  if (!inner) {
    if (raw.target)
      throw invalid(
        `${where} is a ${raw.type} field with a target class: only object and nested fields take one.`,
      );
    return;
  }
  if (!raw.target) {
    if (raw.options.enabled === false) return;
    throw invalid(
      `${where} is ${raw.type === 'object' ? 'an' : 'a'} ${raw.type} field without a target: use ${raw.type === 'nested' ? 'Nested' : 'ObjectField'}(() => InnerClass), or Flattened for free-form objects.`,
    );
  }
  let resolved: unknown;
  try {
    resolved = raw.target();
  } catch (cause) {
    throw new OrmError('ORM_INVALID_MODEL', `${where}: its target thunk threw: ${String(cause)}.`, {
      cause,
    });
  }
  if (!isInnerDocClass(resolved)) {
    const name = typeof resolved === 'function' ? resolved.name : String(resolved);
    throw invalid(
      `${where} targets ${name}, which does not extend InnerDoc: make it \`class ${name} extends InnerDoc\`.`,
    );
  }
}

function checkSourceNames(className: string, fields: ReadonlyMap<string, FieldMetadata>): void {
  const byName = new Map<string, string>();
  for (const f of fields.values()) {
    const other = byName.get(f.name);
    if (other !== undefined) {
      throw invalid(
        `${className}.${other} and ${className}.${f.property} both map to source field "${f.name}": give one a different name option.`,
      );
    }
    byName.set(f.name, f.property);
  }
}

function resolveIndex(className: string, options: DocumentOptions): IndexMetadata {
  if (typeof options.index !== 'string' || options.index === '') {
    throw invalid(`@Document on ${className} has no index: pass @Document({ index: 'name' }).`);
  }
  if (options.mappings && 'properties' in options.mappings) {
    throw invalid(
      `@Document on ${className} sets mappings.properties: declare fields with decorators instead.`,
    );
  }
  return deepFreeze({
    name: options.index,
    settings: structuredClone(options.settings ?? {}),
    aliases: structuredClone(options.aliases ?? {}),
    mappingOptions: structuredClone(options.mappings ?? {}),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function invalid(message: string): OrmError {
  return new OrmError('ORM_INVALID_MODEL', message);
}
