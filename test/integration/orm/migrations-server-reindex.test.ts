import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { OperationContext } from '../../../src/orm/migrations/migration-context.js';
import { hasReindexModule } from '../../../src/orm/migrations/server-reindex.js';
import { openSearchMissing, openSearchNode } from '../../support/cluster.js';

const RUN = `${process.pid}-${Date.now()}`;

/** Module names, and the class names of classpath plugins (how `elastiq local` runs OpenSearch's). */
async function nodeModules(client: Client): Promise<string[]> {
  const info = await client.nodes.info({ metric: 'plugins' });
  return Object.values(info.nodes).flatMap((n) => [
    ...(n.modules ?? []).map((m) => m.name),
    ...(n.plugins ?? []).map((p) => (p.classname.endsWith('.ReindexPlugin') ? 'reindex' : p.name)),
  ]);
}

/** Creates a managed index with `count` documents whose `code` is a keyword. */
async function seeded(client: Client, name: string, count: number): Promise<void> {
  await new OperationContext(client, { log: () => undefined }).createIndex({
    name,
    body: { mappings: { properties: { code: { type: 'keyword' } } } },
  });
  await client.helpers.bulk({
    datasource: Array.from({ length: count }, (_, i) => ({ code: String(i) })),
    onDocument: () => ({ index: { _index: name } }),
    refreshOnCompletion: name,
  });
}

async function aliasTargets(client: Client, alias: string): Promise<string[]> {
  return Object.keys(await client.indices.getAlias({ name: alias })).sort();
}

const retyped = (name: string) => ({
  name,
  body: { mappings: { properties: { code: { type: 'integer' } } } },
});

describe('migrateIndex copy method on the Elasticsearch node', () => {
  const client = new Client({ node: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' });
  const name = `orm-mig-srv-${RUN}`;
  afterAll(async () => {
    await client.indices.delete({ index: `${name}*`, allow_no_indices: true }, { ignore: [404] });
    await client.close();
  });

  it('detects the reindex module from GET /_nodes/plugins and copies server-side only when it is there', async () => {
    const modules = await nodeModules(client);
    expect(await hasReindexModule(client)).toBe(modules.includes('reindex'));
    await seeded(client, name, 120);
    const ctx = new OperationContext(client, { log: () => undefined });
    if (!modules.includes('reindex')) {
      // The integ-test-zip node has no reindex module: copy 'server' says so precisely.
      await expect(ctx.migrateIndex(retyped(name), { copy: 'server' })).rejects.toThrow(
        "copy 'server' needs the reindex module on every node, and this cluster lacks it",
      );
      expect(await client.indices.exists({ index: `${name}-v2` })).toBe(false);
    }
    const result = await ctx.migrateIndex(retyped(name));
    expect(result?.method).toBe(modules.includes('reindex') ? 'server' : 'client');
    expect(result).toMatchObject({ total: 120, copied: 120, to: `${name}-v2` });
  });

  it('refuses a transform with copy server before creating anything', async () => {
    const ctx = new OperationContext(client, { log: () => undefined });
    await expect(
      ctx.migrateIndex(retyped(name), { copy: 'server', transform: (s) => s }),
    ).rejects.toThrow("copy 'server' cannot run a JavaScript transform");
    expect(await client.indices.exists({ index: `${name}-v3` })).toBe(false);
  });
});

describe.skipIf(openSearchMissing !== undefined)(
  `migrateIndex with the server's _reindex on the OpenSearch node ${openSearchMissing ?? ''}`,
  () => {
    const client = new Client({
      node: openSearchNode?.url ?? 'http://127.0.0.1:9',
      compatibility: 'opensearch',
    });
    const name = `orm-mig-srv-os-${RUN}`;
    afterAll(async () => {
      await client.indices.delete({ index: `${name}*`, allow_no_indices: true }, { ignore: [404] });
      await client.close();
    });

    it('copies with a _reindex task, reports its progress, and swaps the alias', async () => {
      expect(await nodeModules(client)).toContain('reindex');
      await seeded(client, name, 2500);
      const progress: number[] = [];
      const ctx = new OperationContext(client, {
        log: () => undefined,
        onProgress: (p) => progress.push(p.written),
      });
      const result = await ctx.migrateIndex(retyped(name), { batchSize: 500 });
      expect(result).toMatchObject({ method: 'server', total: 2500, copied: 2500 });
      expect(progress.at(-1)).toBe(2500);
      const mapping = await client.indices.getMapping({ index: name });
      expect(mapping[`${name}-v2`]?.mappings.properties?.code).toEqual({ type: 'integer' });
      const found = await client.count({ index: name, query: { range: { code: { gte: 2000 } } } });
      expect(found.count).toBe(500);
    });

    it('an aborted server copy cancels the task before deleting the new index, which stays gone', async () => {
      const aborted = `${name}-abort`;
      await seeded(client, aborted, 20_000);
      const controller = new AbortController();
      const ctx = new OperationContext(client, {
        log: () => undefined,
        onProgress: () => controller.abort(),
        signal: controller.signal,
      });
      const error = await ctx
        .migrateIndex(retyped(aborted), { batchSize: 10 })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ORM_MIGRATION_FAILED' });
      expect((error as Error).message).toContain('This operation was aborted');
      // A task still writing would bring the index back through auto-creation: once no task of
      // ours is left (a cancelled one may finish its batch first), nothing can, and it is gone.
      const ours = async () => {
        const running = await client.tasks.list({ actions: '*reindex', detailed: true });
        return Object.values(running.nodes ?? {})
          .flatMap((n) => Object.values(n.tasks ?? {}))
          .filter((t) => t.description?.includes(aborted));
      };
      await expect.poll(ours, { timeout: 30_000, interval: 200 }).toEqual([]);
      expect(await client.indices.exists({ index: `${aborted}-v2` })).toBe(false);
      expect(await aliasTargets(client, aborted)).toEqual([`${aborted}-v1`]);
    });
  },
);
