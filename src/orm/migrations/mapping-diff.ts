/**
 * The diff of a model's generated mapping against the live mapping of its index: which fields
 * were added, removed or changed, and what that means for a migration. Pure: no cluster access.
 */

/** What a migration must do to bring the live index to the model. */
export type MigrationAction = 'none' | 'createIndex' | 'putMapping' | 'migrateIndex';

/** One difference between the model and the live mapping. */
export interface MappingChange {
  /** Dotted field path (`comments.author`, `title.raw` for a multi-field), or `_mapping.<option>`. */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** True when `put_mapping` can apply it to the existing index. */
  readonly additive: boolean;
  /** One line for a person: `title: analyzer standard → english`. */
  readonly description: string;
}

export interface MappingDiff {
  readonly action: MigrationAction;
  readonly changes: readonly MappingChange[];
}

type Json = Record<string, unknown>;

// Elasticsearch leaves parameters at their default out of GET _mapping; compare against these.
const PARAM_DEFAULTS: Readonly<Record<string, unknown>> = {
  index: true,
  doc_values: true,
  store: false,
  norms: true,
  coerce: true,
  ignore_malformed: false,
  eager_global_ordinals: false,
  index_phrases: false,
  position_increment_gap: 100,
  enabled: true,
  include_in_parent: false,
  include_in_root: false,
  split_queries_on_whitespace: false,
};

const TYPE_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  date: { format: 'strict_date_optional_time||epoch_millis' },
  // completion is one of the few mappers that writes its defaults out in GET _mapping.
  completion: {
    analyzer: 'simple',
    search_analyzer: 'simple',
    max_input_length: 50,
    preserve_position_increments: true,
    preserve_separators: true,
  },
};

// Parameters the server fills in on its own (the model may leave them out).
const SERVER_FILLED: Readonly<Record<string, readonly string[]>> = {
  dense_vector: ['index', 'similarity', 'index_options'],
};

// Parameters that put_mapping may change on an existing field.
const UPDATABLE = new Set(['ignore_above', 'meta', 'dynamic', 'search_analyzer']);

// Keys compared separately, never as plain parameters.
const STRUCTURAL = new Set(['type', 'properties', 'fields']);

/**
 * Compares a model's mapping (`buildMappings`) with the live one (`GET _mapping`; undefined when
 * the index does not exist) and picks the migration action: nothing, a new index, `put_mapping`
 * for additions only, or a reindex into a new index for anything else.
 *
 * @example
 * ```ts
 * import { diffMappings } from 'elastiq/orm';
 * const diff = diffMappings(
 *   { properties: { title: { type: 'text' }, tags: { type: 'keyword' } } },
 *   { properties: { title: { type: 'text' } } },
 * );
 * diff.action; // 'putMapping'
 * ```
 */
export function diffMappings(desired: object, live: object | undefined): MappingDiff {
  if (live === undefined) return { action: 'createIndex', changes: [] };
  const changes: MappingChange[] = [];
  diffTopLevel(desired as Json, live as Json, changes);
  const dynamic = normalizeTop('dynamic', (desired as Json).dynamic) as string;
  diffProperties(propertiesOf(desired as Json), propertiesOf(live as Json), '', dynamic, changes);
  return { action: actionFor(changes), changes };
}

function actionFor(changes: readonly MappingChange[]): MigrationAction {
  if (changes.length === 0) return 'none';
  return changes.every((c) => c.additive) ? 'putMapping' : 'migrateIndex';
}

function propertiesOf(mapping: Json): Json {
  return (mapping.properties as Json | undefined) ?? {};
}

function diffTopLevel(desired: Json, live: Json, changes: MappingChange[]): void {
  for (const key of ['dynamic', '_routing', '_source'] as const) {
    const d = normalizeTop(key, desired[key]);
    const l = normalizeTop(key, live[key]);
    if (d === undefined || deepEqual(d, l)) continue;
    changes.push({
      path: `_mapping.${key}`,
      kind: 'changed',
      additive: key === 'dynamic',
      description: `mapping option ${key}: ${show(l)} → ${show(d)}`,
    });
  }
}

// `dynamic: true` is the default and Elasticsearch returns it as the string 'true'.
function normalizeTop(key: string, value: unknown): unknown {
  if (key === 'dynamic' && value !== undefined) return String(value);
  if (key === 'dynamic') return 'true';
  return value;
}

/** `dynamic` is the model's dynamic setting for these properties ('true', 'false', 'strict', ...). */
function diffProperties(
  desired: Json,
  live: Json,
  prefix: string,
  dynamic: string,
  changes: MappingChange[],
): void {
  for (const [name, field] of Object.entries(desired)) {
    const path = `${prefix}${name}`;
    const current = live[name];
    if (current === undefined) {
      changes.push({
        path,
        kind: 'added',
        additive: true,
        description: `${path}: new ${typeOf(field as Json)} field`,
      });
      continue;
    }
    diffField(field as Json, current as Json, path, dynamic, changes);
  }
  // Under dynamic mapping a copy maps such a field again from _source: no reindex removes it.
  if (dynamic === 'true') return;
  for (const [name, field] of Object.entries(live)) {
    if (name in desired) continue;
    const path = `${prefix}${name}`;
    const refused =
      dynamic === 'strict'
        ? '; with dynamic strict the new index refuses documents that still have it, so drop it in a transform'
        : '';
    changes.push({
      path,
      kind: 'removed',
      additive: false,
      description: `${path}: ${typeOf(field as Json)} field is in the index but no longer in the model (a reindex drops it from the mapping; the documents keep their values in _source${refused})`,
    });
  }
}

function typeOf(field: Json): string {
  if (typeof field.type === 'string') return field.type;
  return field.properties === undefined ? 'unknown' : 'object';
}

function diffField(
  desired: Json,
  live: Json,
  path: string,
  dynamic: string,
  changes: MappingChange[],
): void {
  const dType = typeOf(desired);
  const lType = typeOf(live);
  if (dType !== lType) {
    changes.push({
      path,
      kind: 'changed',
      additive: false,
      description: `${path}: type ${lType} → ${dType}`,
    });
    return;
  }
  diffParams(desired, live, dType, path, changes);
  diffMultiFields(
    (desired.fields as Json | undefined) ?? {},
    (live.fields as Json | undefined) ?? {},
    path,
    changes,
  );
  if (desired.properties !== undefined || live.properties !== undefined) {
    diffProperties(
      (desired.properties as Json | undefined) ?? {},
      (live.properties as Json | undefined) ?? {},
      `${path}.`,
      desired.dynamic === undefined ? dynamic : String(desired.dynamic),
      changes,
    );
  }
}

function diffParams(
  desired: Json,
  live: Json,
  type: string,
  path: string,
  changes: MappingChange[],
): void {
  const filled = SERVER_FILLED[type] ?? [];
  const keys = new Set([...Object.keys(desired), ...Object.keys(live)]);
  for (const key of [...keys].sort()) {
    if (STRUCTURAL.has(key)) continue;
    if (!(key in desired) && filled.includes(key)) continue;
    const fallback = TYPE_DEFAULTS[type]?.[key] ?? PARAM_DEFAULTS[key];
    const d = desired[key] ?? fallback;
    const l = live[key] ?? fallback;
    if (deepEqual(d, l)) continue;
    changes.push({
      path,
      kind: 'changed',
      additive: UPDATABLE.has(key),
      description: `${path}: ${key} ${show(l)} → ${show(d)}`,
    });
  }
}

function diffMultiFields(desired: Json, live: Json, path: string, changes: MappingChange[]): void {
  for (const [name, sub] of Object.entries(desired)) {
    const subPath = `${path}.${name}`;
    if (live[name] === undefined) {
      changes.push({
        path: subPath,
        kind: 'added',
        additive: true,
        // put_mapping accepts it, but only documents written afterwards get it: say so.
        description: `${subPath}: new ${typeOf(sub as Json)} multi-field (documents already stored are not indexed into it until rewritten: run _update_by_query after, or use migrateIndex)`,
      });
    } else {
      diffField(sub as Json, live[name] as Json, subPath, 'true', changes);
    }
  }
  for (const [name, sub] of Object.entries(live)) {
    if (name in desired) continue;
    changes.push({
      path: `${path}.${name}`,
      kind: 'removed',
      additive: false,
      description: `${path}.${name}: ${typeOf(sub as Json)} multi-field is in the index but no longer in the model`,
    });
  }
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    // The server echoes numbers and booleans given as strings ("256", "true") in some places.
    return a !== undefined && b !== undefined && String(a) === String(b) && typeof a !== 'object';
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  const ka = Object.keys(a as Json);
  const kb = Object.keys(b as Json);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Json)[k], (b as Json)[k]));
}
