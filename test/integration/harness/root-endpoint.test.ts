import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type {
  ElasticsearchVersionInfo,
  InfoResponse,
} from '../../../src/core/api/generated/types.js';
import { Client } from '../../../src/core/client.js';
import {
  type ClusterTarget,
  es8Node,
  secureNode,
  singleNode,
  threeNodes,
} from '../../support/cluster.js';

// `elastiq local` adds the elastiq-rest-root plugin to every Elasticsearch node (the integ-test-zip
// has no rest-root module): GET / and HEAD / answer as a default distribution does. The shape is
// checked against the generated InfoResponse type: every key of it, no other key.
const versionString = z.string().regex(/^\d+\.\d+\.\d+/);
const versionShape = {
  number: versionString,
  build_flavor: z.literal('default'),
  build_type: z.string().min(1),
  build_hash: z.string().regex(/^[0-9a-f]{40}$/),
  build_date: z.iso.datetime({ offset: true }),
  build_snapshot: z.boolean(),
  lucene_version: versionString,
  minimum_wire_compatibility_version: versionString,
  minimum_index_compatibility_version: versionString,
} satisfies Record<keyof ElasticsearchVersionInfo, z.ZodType>;
const infoShape = {
  name: z.string().min(1),
  cluster_name: z.string().min(1),
  cluster_uuid: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  version: z.strictObject(versionShape),
  tagline: z.literal('You Know, for Search'),
} satisfies Record<keyof InfoResponse, z.ZodType>;
const infoSchema: z.ZodType<InfoResponse> = z.strictObject(infoShape);

function clientOf(target: ClusterTarget, node = target.url): Client {
  return new Client({
    node,
    requestTimeout: '30s',
    ...(target.username !== undefined && target.password !== undefined
      ? { auth: { username: target.username, password: target.password } }
      : {}),
    ...(target.ca !== undefined ? { tls: { ca: target.ca } } : {}),
  });
}

const targets: [string, ClusterTarget | undefined][] = [
  ['the single node', singleNode],
  ['the Elasticsearch 8.x node', es8Node],
  ['the secure node', secureNode],
];

const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe.each(targets)('GET / and HEAD / on %s', (_label, target) => {
  it.skipIf(target === undefined)(
    'client.info() answers as a default Elasticsearch, agreeing with the node APIs',
    async () => {
      const client = clientOf(target!);
      clients.push(client);
      const info = infoSchema.parse(await client.info());
      const health = await client.cluster.health();
      expect(info.cluster_name).toBe(health.cluster_name);
      const local = await client.nodes.info({ node_id: '_local' });
      const [node] = Object.values(local.nodes);
      expect(info.name).toBe(node!.name);
      expect(info.version.number).toBe(node!.version);
      expect(info.version.build_hash).toBe(node!.build_hash);
    },
  );

  it.skipIf(target === undefined)(
    'client.ping() is true: HEAD / answers 200 as Elasticsearch',
    async () => {
      const client = clientOf(target!);
      clients.push(client);
      expect(await client.ping()).toBe(true);
      const head = await client.ping(undefined, { meta: true });
      expect(head.statusCode).toBe(200);
      expect(head.headers['x-elastic-product']).toBe('Elasticsearch');
    },
  );
});

describe.skipIf(threeNodes === undefined)('GET / on each node of the 3-node cluster', () => {
  it('names each node, with one cluster UUID', async () => {
    const answers = await Promise.all(
      threeNodes!.urls.map(async (url) => {
        const client = clientOf(threeNodes!, url);
        clients.push(client);
        return infoSchema.parse(await client.info());
      }),
    );
    expect(new Set(answers.map((a) => a.name)).size).toBe(threeNodes!.urls.length);
    expect(new Set(answers.map((a) => a.cluster_uuid)).size).toBe(1);
  });
});
