import { describe, expect, it } from 'vitest';
import { Api } from '../../../src/core/api/index.js';
import { ConfigurationError } from '../../../src/core/errors.js';
import type { TransportLike, TransportRequestParams } from '../../../src/core/transport/types.js';

function setup() {
  const sent: TransportRequestParams[] = [];
  const transport = {
    request(params: TransportRequestParams) {
      sent.push(params);
      return Promise.resolve({});
    },
  } as TransportLike;
  return { api: new Api(transport), sent };
}

describe('empty path arguments', () => {
  // '//_search' and '//_delete_by_query' reach every index on the server.
  it('refuses an empty index name or list instead of sending a path that means every index', async () => {
    const { api, sent } = setup();
    for (const index of ['', [] as string[], ['']]) {
      const error = await api
        .deleteByQuery({ index, query: { match_all: {} } })
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(index)).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe('index');
      await expect(api.search({ index })).rejects.toThrow(/index/);
    }
    expect(sent).toEqual([]);
  });

  it('refuses an empty document id', async () => {
    const { api, sent } = setup();
    const error = await api.delete({ index: 'core-a', id: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('id');
    expect(sent).toEqual([]);
  });

  it('still routes every given name', async () => {
    const { api, sent } = setup();
    await api.search({ index: ['core-a', 'core-b'] });
    await api.search({});
    expect(sent.map((p) => p.path)).toEqual(['/core-a,core-b/_search', '/_search']);
  });
});
