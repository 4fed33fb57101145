import { describe, expect, it } from 'vitest';
import { matchesOrHolds, Stash } from '../../../yaml/assertions.js';
import { restore, snapshot } from '../../../yaml/cleanup.js';
import { StepRunner } from '../../../yaml/steps.js';
import { ensureTrialLicense } from '../../../yaml/targets.js';

const reserved = { metadata: { _reserved: true } };

// A fake secure node answering the listing APIs the cleanup reads, recording every other call.
function fakeSecureNode() {
  const state = {
    users: { elastic: reserved, kibana_system: reserved } as Record<string, object>,
    roles: { superuser: reserved } as Record<string, object>,
    roleMappings: {} as Record<string, object>,
    privileges: {} as Record<string, Record<string, object>>,
    apiKeys: [] as { id: string; invalidated: boolean }[],
    fleetTokens: {} as Record<string, object>,
    settings: { security: { index: { auto_expand_replicas: '0-1', number_of_replicas: '0' } } },
  };
  const calls: string[] = [];
  const answers: Record<string, () => unknown> = {
    'indices.get_alias': () => ({ '.security-7': { aliases: {} } }),
    'indices.get_data_stream': () => ({ data_streams: [] }),
    'indices.get_index_template': () => ({ index_templates: [] }),
    'cluster.get_component_template': () => ({ component_templates: [] }),
    'indices.get_template': () => ({}),
    'ingest.get_pipeline': () => ({}),
    'snapshot.get_repository': () => ({}),
    'ilm.get_lifecycle': () => ({}),
    'security.get_user': () => state.users,
    'security.get_role': () => state.roles,
    'security.get_role_mapping': () => state.roleMappings,
    'security.get_privileges': () => state.privileges,
    'security.get_api_key': () => ({ api_keys: state.apiKeys }),
    'security.get_service_accounts': () => ({ 'elastic/fleet-server': {} }),
    'security.get_service_credentials': () => ({ tokens: state.fleetTokens }),
    'security.get_settings': () => state.settings,
  };
  const api = {
    call: (name: string) => async (params?: object) => {
      const answer = answers[name];
      if (answer) return answer();
      calls.push(`${name} ${JSON.stringify(params)}`);
      return { acknowledged: true };
    },
  };
  return { api, state, calls };
}

describe('YAML runner on the secure node', () => {
  it('removes the users, roles, mappings, privileges, keys and tokens a test created', async () => {
    const { api, state, calls } = fakeSecureNode();
    state.apiKeys.push({ id: 'old-key', invalidated: false });
    const baseline = await snapshot(api, { security: true });
    state.users.joe = { metadata: {} };
    state.roles.admin_role = { metadata: {} };
    state.roleMappings.everyone = { metadata: {} };
    state.privileges.app = { p1: {}, p2: {} };
    state.apiKeys.push({ id: 'new-key', invalidated: false }, { id: 'spent', invalidated: true });
    state.fleetTokens['api-token-fleet'] = {};
    state.settings.security.index = {
      auto_expand_replicas: null as never,
      number_of_replicas: '1',
    };
    await restore(api, baseline);
    expect(calls).toEqual([
      'security.invalidate_api_key {"ids":["new-key"]}',
      'security.invalidate_token {"username":"joe"}',
      'security.delete_user {"username":"joe"}',
      'security.delete_role_mapping {"name":"everyone"}',
      'security.delete_role {"name":"admin_role"}',
      'security.delete_privileges {"application":"app","name":"p1"}',
      'security.delete_privileges {"application":"app","name":"p2"}',
      'security.delete_service_token {"namespace":"elastic","service":"fleet-server","name":"api-token-fleet"}',
      'security.update_settings {"security":{"index.auto_expand_replicas":"0-1"}}',
    ]);
  });

  it('never deletes elastic or reserved users and roles, nor the security indices', async () => {
    const { api, state, calls } = fakeSecureNode();
    const baseline = await snapshot(api, { security: true });
    // As if the baseline had missed them: they must still be left alone.
    baseline.security!.users.clear();
    baseline.indices.clear();
    state.users.elastic = { metadata: {} };
    await restore(api, baseline);
    expect(calls).toEqual([]);
  });

  it('reads no security API when the node is not the secure one', async () => {
    const { api, calls } = fakeSecureNode();
    const baseline = await snapshot(api);
    expect(baseline.security).toBeUndefined();
    await restore(api, baseline);
    expect(calls).toEqual([]);
  });

  it('lets match accept an array holding the expected scalar, and nothing looser', () => {
    expect(matchesOrHolds(['key-1'], 'key-1')).toBe(true);
    expect(matchesOrHolds(['key-1', 'key-2'], 'key-2')).toBe(true);
    expect(matchesOrHolds(['key-1'], 'key')).toBe(false);
    expect(matchesOrHolds('key-1', 'key')).toBe(false);
    expect(matchesOrHolds([{ a: 1 }], { a: 1 })).toBe(false);
    expect(matchesOrHolds([], null)).toBe(false);
  });

  it('replaces stashed values inside a body written as JSON text, and leaves other text as is', async () => {
    const sent: unknown[] = [];
    const record = async (params: { body?: unknown }) => {
      sent.push(params.body);
      return {};
    };
    const client = { security: { bulkUpdateApiKeys: record }, bulk: record };
    const runner = new StepRunner(client, new Stash(), 1000);
    runner.stash.set('key_id', 'abc');
    await runner.run({ do: { 'security.bulk_update_api_keys': { body: '{"ids": ["$key_id"]}' } } });
    await runner.run({ do: { bulk: { body: '{"index":{}}\n{"id":"$key_id"}\n' } } });
    await runner.run({ do: { bulk: { body: '{"id": "$unknown"}' } } });
    expect(sent).toEqual([
      { ids: ['abc'] },
      '{"index":{}}\n{"id":"$key_id"}\n',
      '{"id": "$unknown"}',
    ]);
  });

  it('starts a trial only on a node whose license is basic', async () => {
    const calls: string[] = [];
    const node = (type: string) => (api: string) => async () => {
      calls.push(api);
      return api === 'license.get' ? { license: { type } } : { trial_was_started: true };
    };
    expect(await ensureTrialLicense(node('basic'))).toMatch(/trial started/);
    expect(await ensureTrialLicense(node('trial'))).toBe('license: trial');
    expect(calls).toEqual(['license.get', 'license.post_start_trial', 'license.get']);
  });
});
