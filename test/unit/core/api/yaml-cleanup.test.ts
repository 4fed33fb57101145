import { describe, expect, it } from 'vitest';
import { restore, snapshot } from '../../../yaml/cleanup.js';

// A fake cluster answering the listing APIs the cleanup reads, recording the deletions.
function fakeCluster() {
  const state = {
    aliases: { 'old-index': { aliases: { 'old-alias': {} } } } as Record<
      string,
      { aliases: Record<string, object> }
    >,
    indexTemplates: ['old-template'],
    pipelines: { 'old-pipeline': {} } as Record<string, object>,
  };
  const deleted: string[] = [];
  const answers: Record<string, (params: Record<string, unknown>) => unknown> = {
    'indices.get_alias': () => state.aliases,
    'indices.get_data_stream': () => ({ data_streams: [] }),
    'indices.get_index_template': () => ({
      index_templates: state.indexTemplates.map((name) => ({ name })),
    }),
    'cluster.get_component_template': () => ({ component_templates: [] }),
    'indices.get_template': () => ({}),
    'ingest.get_pipeline': () => state.pipelines,
    'snapshot.get_repository': () => ({}),
    'ilm.get_lifecycle': () => {
      throw new Error('no handler for _ilm');
    },
  };
  const api = {
    call: (name: string) => async (params?: object) => {
      const answer = answers[name];
      if (answer) return answer((params ?? {}) as Record<string, unknown>);
      deleted.push(`${name} ${JSON.stringify(params)}`);
      return { acknowledged: true };
    },
  };
  return { api, state, deleted };
}

describe('YAML runner cleanup', () => {
  it('deletes only what appeared after the baseline', async () => {
    const { api, state, deleted } = fakeCluster();
    const baseline = await snapshot(api);
    state.aliases['new-index'] = { aliases: {} };
    state.aliases['.hidden-new'] = { aliases: {} };
    state.aliases['old-index']!.aliases['new-alias'] = {};
    state.indexTemplates.push('new-template');
    state.pipelines['new-pipeline'] = {};
    await restore(api, baseline);
    expect(deleted).toEqual([
      'indices.delete {"index":["new-index",".hidden-new"],"expand_wildcards":"all"}',
      'indices.delete_alias {"index":"old-index","name":"new-alias"}',
      'indices.delete_index_template {"name":"new-template"}',
      'ingest.delete_pipeline {"id":"new-pipeline"}',
    ]);
  });

  it('deletes nothing when nothing changed, and survives APIs the node lacks', async () => {
    const { api, deleted } = fakeCluster();
    await restore(api, await snapshot(api));
    expect(deleted).toEqual([]);
  });
});
