// Puts the security state of a secure node back between tests: native users, roles, role
// mappings, application privileges and service-account tokens the tests created are deleted, API
// keys they created are invalidated (keys cannot be deleted), and the security index settings a
// test changed get their old values. Reserved (built-in) users and roles, and `elastic`, are never
// touched, even if they were somehow missing from the baseline.
import type { TransportRequestOptions } from '../../src/core/transport/types.js';
import type { CleanupApi } from './cleanup.js';

export interface SecurityState {
  readonly users: Set<string>;
  readonly roles: Set<string>;
  readonly roleMappings: Set<string>;
  /** `application/name` pairs. */
  readonly privileges: Set<string>;
  /** Ids of the API keys that are still valid. */
  readonly apiKeys: Set<string>;
  /** `namespace/service/name` of index-stored service-account tokens. */
  readonly serviceTokens: Set<string>;
  /** Replica settings of the security indices (`security`, `security-tokens`, ...). */
  readonly settings: Record<string, ReplicaSettings>;
}

export interface ReplicaSettings {
  readonly auto_expand_replicas?: string | null;
  readonly number_of_replicas?: string | null;
}

const QUIET: TransportRequestOptions = { ignore: [404], requestTimeout: 60_000 };
const PROTECTED_USERS = new Set(['elastic']);

type Body = Record<string, any> | undefined;

async function read(api: CleanupApi, name: string, params: object = {}): Promise<Body> {
  try {
    const body = (await api.call(name)(params, QUIET)) as Body;
    return body && typeof body === 'object' && !('error' in body) ? body : undefined;
  } catch {
    return undefined;
  }
}

async function quietly(api: CleanupApi, name: string, params: object): Promise<void> {
  try {
    await api.call(name)(params, QUIET);
  } catch {
    // Best effort: what cannot be removed stays, and the next test shows it.
  }
}

const isReserved = (entry: unknown) =>
  (entry as { metadata?: { _reserved?: unknown } } | undefined)?.metadata?._reserved === true;

/** Names of the entries of a `{ name: {...metadata} }` listing that are not reserved. */
function ownNames(body: Body): Set<string> {
  return new Set(
    Object.entries(body ?? {})
      .filter(([, entry]) => !isReserved(entry))
      .map(([name]) => name),
  );
}

async function readPrivileges(api: CleanupApi): Promise<Set<string>> {
  const body = await read(api, 'security.get_privileges');
  const pairs = new Set<string>();
  for (const [application, privileges] of Object.entries(body ?? {})) {
    for (const name of Object.keys(privileges ?? {})) pairs.add(`${application}/${name}`);
  }
  return pairs;
}

async function readApiKeys(api: CleanupApi): Promise<Set<string>> {
  const body = await read(api, 'security.get_api_key', { active_only: true });
  const keys = (body?.api_keys ?? []) as { id: string; invalidated?: boolean }[];
  return new Set(keys.filter((k) => !k.invalidated).map((k) => k.id));
}

async function readServiceTokens(api: CleanupApi): Promise<Set<string>> {
  const tokens = new Set<string>();
  const accounts = Object.keys((await read(api, 'security.get_service_accounts')) ?? {});
  for (const account of accounts) {
    const [namespace, service] = account.split('/') as [string, string];
    const body = await read(api, 'security.get_service_credentials', { namespace, service });
    for (const name of Object.keys(body?.tokens ?? {})) tokens.add(`${account}/${name}`);
  }
  return tokens;
}

async function readSettings(api: CleanupApi): Promise<Record<string, ReplicaSettings>> {
  const body = await read(api, 'security.get_settings');
  const settings: Record<string, ReplicaSettings> = {};
  for (const [index, value] of Object.entries(body ?? {})) {
    const own = (value as { index?: ReplicaSettings } | undefined)?.index;
    if (own === undefined) continue;
    settings[index] = {
      auto_expand_replicas: own.auto_expand_replicas ?? null,
      number_of_replicas: own.number_of_replicas ?? null,
    };
  }
  return settings;
}

/** Reads the security objects that exist now (reserved users and roles left out). */
export async function snapshotSecurity(api: CleanupApi): Promise<SecurityState> {
  return {
    users: ownNames(await read(api, 'security.get_user')),
    roles: ownNames(await read(api, 'security.get_role')),
    roleMappings: ownNames(await read(api, 'security.get_role_mapping')),
    privileges: await readPrivileges(api),
    apiKeys: await readApiKeys(api),
    serviceTokens: await readServiceTokens(api),
    settings: await readSettings(api),
  };
}

const added = (now: Set<string>, before: Set<string>) => [...now].filter((n) => !before.has(n));

/** Removes every security object `baseline` did not have; restores changed replica settings. */
export async function restoreSecurity(api: CleanupApi, baseline: SecurityState): Promise<void> {
  const now = await snapshotSecurity(api);
  const ids = added(now.apiKeys, baseline.apiKeys);
  if (ids.length > 0) await quietly(api, 'security.invalidate_api_key', { ids });
  for (const username of added(now.users, baseline.users)) {
    if (PROTECTED_USERS.has(username)) continue;
    // Tokens outlive their user's deletion until they expire: invalidate them first.
    await quietly(api, 'security.invalidate_token', { username });
    await quietly(api, 'security.delete_user', { username });
  }
  for (const name of added(now.roleMappings, baseline.roleMappings)) {
    await quietly(api, 'security.delete_role_mapping', { name });
  }
  for (const name of added(now.roles, baseline.roles)) {
    await quietly(api, 'security.delete_role', { name });
  }
  for (const pair of added(now.privileges, baseline.privileges)) {
    const [application, name] = pair.split('/') as [string, string];
    await quietly(api, 'security.delete_privileges', { application, name });
  }
  for (const token of added(now.serviceTokens, baseline.serviceTokens)) {
    const [namespace, service, name] = token.split('/') as [string, string, string];
    await quietly(api, 'security.delete_service_token', { namespace, service, name });
  }
  const changed = changedSettings(now.settings, baseline.settings);
  if (changed) await quietly(api, 'security.update_settings', changed);
}

// The update_settings body that puts back the replica settings a test changed, if any.
function changedSettings(
  now: Record<string, ReplicaSettings>,
  baseline: Record<string, ReplicaSettings>,
): Record<string, Record<string, string | null>> | undefined {
  const body: Record<string, Record<string, string | null>> = {};
  for (const [index, before] of Object.entries(baseline)) {
    const current = now[index];
    if (current === undefined) continue;
    const same =
      current.auto_expand_replicas === before.auto_expand_replicas &&
      current.number_of_replicas === before.number_of_replicas;
    if (same) continue;
    // auto_expand_replicas wins over number_of_replicas when set, so send only what applies.
    body[index] =
      before.auto_expand_replicas != null
        ? { 'index.auto_expand_replicas': before.auto_expand_replicas }
        : {
            'index.auto_expand_replicas': null,
            'index.number_of_replicas': before.number_of_replicas ?? '0',
          };
  }
  return Object.keys(body).length > 0 ? body : undefined;
}
