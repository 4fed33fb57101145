import type { Client } from '../../core/client.js';
import { OrmError } from '../errors.js';
import { buildIndexBody } from '../mapping/build-mappings.js';
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';

/** The body of a new index: what `indices.create` takes besides the name. */
export interface IndexBody {
  readonly settings?: Record<string, unknown>;
  readonly mappings?: Record<string, unknown>;
  readonly aliases?: Record<string, Record<string, unknown>>;
}

/**
 * What a migration operation works on: a `@Document` model class (its `index` name and its
 * generated settings, mappings and aliases) or a name with a literal body (a snapshot, as
 * `migrate generate` writes, so a migration replays the same after the models change).
 */
export type IndexTarget = ModelConstructor | { readonly name: string; readonly body?: IndexBody };

/** A target resolved to its name (an alias once migrations manage it) and index body. */
export interface ResolvedTarget {
  readonly name: string;
  readonly body: IndexBody;
}

/** Resolves a model class or `{ name, body }` to the name and body of its index. */
export function resolveTarget(target: IndexTarget): ResolvedTarget {
  if (typeof target === 'function') {
    const meta = getDocumentMetadata(target);
    return { name: meta.index.name, body: buildIndexBody(meta) as IndexBody };
  }
  return { name: target.name, body: target.body ?? {} };
}

/** Where a name points in the cluster. */
export type Location =
  | { readonly kind: 'missing' }
  | { readonly kind: 'index' }
  | { readonly kind: 'alias'; readonly indices: readonly string[] };

/** Whether `name` is an alias (and of which indices), a concrete index, or nothing. */
export async function locate(client: Client, name: string): Promise<Location> {
  if (await client.indices.existsAlias({ name })) {
    const aliases = await client.indices.getAlias({ name });
    return { kind: 'alias', indices: Object.keys(aliases).sort() };
  }
  return (await client.indices.exists({ index: name })) ? { kind: 'index' } : { kind: 'missing' };
}

/**
 * The version number of a versioned index name (`posts-v3` → 3), or undefined; only digits may
 * follow `<name>-v`, so another model's `posts-video-v1` is not a version of `posts`.
 */
export function versionOf(index: string, name: string): number | undefined {
  const prefix = `${name}-v`;
  if (!index.startsWith(prefix)) return undefined;
  const rest = index.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

/** The existing `<name>-v<N>` indices. */
export async function versionsOf(client: Client, name: string): Promise<string[]> {
  const existing = await client.indices.get(
    { index: `${name}-v*`, allow_no_indices: true, expand_wildcards: 'all' },
    { ignore: [404] },
  );
  return Object.keys(existing ?? {}).filter((index) => versionOf(index, name) !== undefined);
}

/** `<name>-v<N>` for the first version above every existing `<name>-v*` index (at least v2). */
export async function nextVersionedName(client: Client, name: string): Promise<string> {
  let highest = 1;
  for (const index of await versionsOf(client, name)) {
    highest = Math.max(highest, versionOf(index, name) ?? 0);
  }
  return `${name}-v${highest + 1}`;
}

/** The live mapping of a name (the single index behind an alias), or undefined when missing. */
export async function liveMapping(
  client: Client,
  name: string,
): Promise<Record<string, unknown> | undefined> {
  const location = await locate(client, name);
  if (location.kind === 'missing') return undefined;
  const response = (await client.indices.getMapping({ index: name })) as Record<
    string,
    { mappings?: Record<string, unknown> }
  >;
  const indices = Object.keys(response).sort();
  if (indices.length > 1) {
    throw new OrmError(
      'ORM_MIGRATION_FAILED',
      `The alias ${name} points to ${indices.length} indices (${indices.join(', ')}); migrations manage an alias of one index. Remove the alias from all but one`,
    );
  }
  return response[indices[0] as string]?.mappings ?? {};
}
