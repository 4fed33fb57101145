import { describe, expect, it } from 'vitest';
import type { Client } from '../../../src/core/client.js';
import { migrateIndex } from '../../../src/orm/migrations/migrate-index.js';

// Any call to the cluster fails the test: bad options must be refused before anything is touched.
const untouched = new Proxy({} as Client, {
  get: (_, key) => {
    throw new Error(`the cluster was called (${String(key)})`);
  },
});
const target = { name: 'posts', body: {} };

describe('migrateIndex options', () => {
  it.each([0, -5, 1.5, Number.NaN])(
    'refuses batchSize %s with ORM_MIGRATION_INVALID before touching the cluster',
    async (batchSize) => {
      const error = await migrateIndex(untouched, target, { batchSize }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ORM_MIGRATION_INVALID' });
      expect((error as Error).message).toBe(
        `migrateIndex: batchSize must be a positive integer (documents per page), not ${batchSize}`,
      );
    },
  );

  it('refuses an unknown copy method instead of falling back to auto', async () => {
    const copy = 'fast' as unknown as 'auto';
    await expect(migrateIndex(untouched, target, { copy })).rejects.toMatchObject({
      code: 'ORM_MIGRATION_INVALID',
      message: `migrateIndex: copy must be 'auto', 'client' or 'server', not "fast"`,
    });
  });
});
