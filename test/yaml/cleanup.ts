// Puts the cluster back between tests: everything the tests created since the runner started
// (indices, hidden ones included, data streams, aliases, index/component/legacy templates,
// pipelines, snapshot repositories, lifecycle policies) is deleted; what was there before stays.
// On a secure node, the security objects too (security-cleanup.ts).
import type { TransportRequestOptions } from '../../src/core/transport/types.js';
import { restoreSecurity, type SecurityState, snapshotSecurity } from './security-cleanup.js';

type Call = (params?: object, options?: TransportRequestOptions) => Promise<unknown>;

export interface CleanupApi {
  call(api: string): Call;
}

export interface ClusterState {
  readonly indices: Set<string>;
  readonly aliases: Set<string>;
  readonly dataStreams: Set<string>;
  readonly indexTemplates: Set<string>;
  readonly componentTemplates: Set<string>;
  readonly legacyTemplates: Set<string>;
  readonly pipelines: Set<string>;
  readonly repositories: Set<string>;
  readonly lifecyclePolicies: Set<string>;
  /** Present when the snapshot was taken with `{ security: true }`. */
  readonly security?: SecurityState;
}

export interface SnapshotOptions {
  /** Also read users, roles, API keys... (a node with security on). */
  readonly security?: boolean;
}

const QUIET: TransportRequestOptions = { ignore: [404], requestTimeout: 60_000 };

async function names(api: CleanupApi, name: string, params: object, pick: (body: any) => string[]) {
  try {
    return new Set(pick(await api.call(name)(params, QUIET)));
  } catch {
    return new Set<string>();
  }
}

/** Reads what exists now. */
export async function snapshot(
  api: CleanupApi,
  options: SnapshotOptions = {},
): Promise<ClusterState> {
  const objectKeys = (body: unknown) =>
    body && typeof body === 'object' && !('error' in body) ? Object.keys(body) : [];
  const [indices, aliases] = await readIndices(api);
  return {
    indices,
    aliases,
    dataStreams: await names(
      api,
      'indices.get_data_stream',
      { name: '*', expand_wildcards: 'all' },
      (b) => (b?.data_streams ?? []).map((d: { name: string }) => d.name),
    ),
    indexTemplates: await names(api, 'indices.get_index_template', {}, (b) =>
      (b?.index_templates ?? []).map((t: { name: string }) => t.name),
    ),
    componentTemplates: await names(api, 'cluster.get_component_template', {}, (b) =>
      (b?.component_templates ?? []).map((t: { name: string }) => t.name),
    ),
    legacyTemplates: await names(api, 'indices.get_template', {}, objectKeys),
    pipelines: await names(api, 'ingest.get_pipeline', {}, objectKeys),
    repositories: await names(api, 'snapshot.get_repository', {}, objectKeys),
    lifecyclePolicies: await names(api, 'ilm.get_lifecycle', {}, objectKeys),
    ...(options.security ? { security: await snapshotSecurity(api) } : {}),
  };
}

// Index names and `index/alias` pairs, hidden and system indices included.
async function readIndices(api: CleanupApi): Promise<[Set<string>, Set<string>]> {
  const indices = new Set<string>();
  const aliases = new Set<string>();
  try {
    const body = (await api.call('indices.get_alias')(
      { expand_wildcards: 'all' },
      QUIET,
    )) as Record<string, { aliases?: Record<string, unknown> }>;
    for (const [index, entry] of Object.entries(body ?? {})) {
      indices.add(index);
      for (const alias of Object.keys(entry?.aliases ?? {})) aliases.add(`${index}/${alias}`);
    }
  } catch {
    // An empty cluster answers 404 on some versions: nothing to list.
  }
  return [indices, aliases];
}

async function quietly(api: CleanupApi, name: string, params: object): Promise<void> {
  try {
    await api.call(name)(params, QUIET);
  } catch {
    // Best effort: a resource that cannot be removed (system index, read-only) stays.
  }
}

const added = (now: Set<string>, before: Set<string>) => [...now].filter((n) => !before.has(n));

// Backing indices go with their data stream; the security indices hold the node's own users
// and keys (and the password of `elastic`): they are never deleted, only cleaned through the API.
const deletable = (index: string) => !index.startsWith('.ds-') && !index.startsWith('.security');

/** Deletes everything in the cluster that `baseline` did not have. */
export async function restore(api: CleanupApi, baseline: ClusterState): Promise<void> {
  const now = await snapshot(api);
  if (baseline.security) await restoreSecurity(api, baseline.security);
  for (const name of added(now.dataStreams, baseline.dataStreams)) {
    await quietly(api, 'indices.delete_data_stream', { name, expand_wildcards: 'all' });
  }
  const indices = added(now.indices, baseline.indices).filter(deletable);
  for (let i = 0; i < indices.length; i += 50) {
    await quietly(api, 'indices.delete', {
      index: indices.slice(i, i + 50),
      expand_wildcards: 'all',
    });
  }
  for (const pair of added(now.aliases, baseline.aliases)) {
    const [index, name] = pair.split('/') as [string, string];
    if (baseline.indices.has(index)) await quietly(api, 'indices.delete_alias', { index, name });
  }
  for (const name of added(now.indexTemplates, baseline.indexTemplates)) {
    await quietly(api, 'indices.delete_index_template', { name });
  }
  for (const name of added(now.componentTemplates, baseline.componentTemplates)) {
    await quietly(api, 'cluster.delete_component_template', { name });
  }
  for (const name of added(now.legacyTemplates, baseline.legacyTemplates)) {
    await quietly(api, 'indices.delete_template', { name });
  }
  for (const id of added(now.pipelines, baseline.pipelines)) {
    await quietly(api, 'ingest.delete_pipeline', { id });
  }
  for (const name of added(now.repositories, baseline.repositories)) {
    await quietly(api, 'snapshot.delete_repository', { name });
  }
  for (const name of added(now.lifecyclePolicies, baseline.lifecyclePolicies)) {
    await quietly(api, 'ilm.delete_lifecycle', { name });
  }
}
