import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import type { RequestDiagnostic } from '../../../src/core/diagnostics.js';
import { ResponseError } from '../../../src/core/errors.js';
import { es8Node, es8NodeMissing } from '../../support/cluster.js';

const INDEX = `core-es8-${process.pid}`;

interface Note {
  title: string;
  n: number;
}

/** The `compatible-with` major of each request attempt's accept header, in order. */
function acceptMajors(events: readonly RequestDiagnostic[]): string[] {
  return events.map((e) => /compatible-with=(\d+)/.exec(e.headers.accept ?? '')?.[1] ?? 'none');
}

/** A client with the default (negotiated) compatibility that records every request attempt. */
function recordingClient(): { client: Client; seen: RequestDiagnostic[] } {
  const client = new Client({ node: es8Node!.url, requestTimeout: '30s' });
  const seen: RequestDiagnostic[] = [];
  client.on('request', (e) => seen.push(e));
  return { client, seen };
}

describe.skipIf(es8NodeMissing !== undefined)(
  `the client against Elasticsearch 8.x ${es8NodeMissing ?? ''}`,
  () => {
    let admin: Client;

    beforeAll(async () => {
      admin = new Client({ node: es8Node!.url, compatibleWith: 8, requestTimeout: '30s' });
      await admin.indices.delete({ index: INDEX, ignore_unavailable: true });
      await admin.indices.create({
        index: INDEX,
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: { properties: { title: { type: 'keyword' }, n: { type: 'integer' } } },
      });
    });

    afterAll(async () => {
      await admin.indices.delete({ index: INDEX, ignore_unavailable: true });
      await admin.close();
    });

    it('falls back from compatible-with=9 to 8 on the first request, then speaks 8 only', async () => {
      const { client, seen } = recordingClient();
      try {
        const first = await client.transport.request<{
          nodes: Record<string, { version: string }>;
        }>({ method: 'GET', path: '/_nodes/_local' }, { meta: true });
        expect(first.statusCode).toBe(200);
        expect(first.headers['x-elastic-product']).toBe('Elasticsearch');
        expect(String(first.headers['content-type'])).toContain('compatible-with=8');
        expect(Object.values(first.body.nodes)[0]!.version).toMatch(/^8\.\d+\.\d+$/);
        // The node refused the first attempt (400, compatible-with=9); the same request went again.
        expect(first.meta.attempts).toBe(2);
        expect(acceptMajors(seen)).toEqual(['9', '8']);
        expect(seen.map((e) => e.requestId)).toEqual([first.meta.requestId, first.meta.requestId]);

        const second = await client.cluster.health({}, { meta: true });
        expect(second.statusCode).toBe(200);
        expect(second.meta.attempts).toBe(1);
        expect(acceptMajors(seen)).toEqual(['9', '8', '8']);
      } finally {
        await client.close();
      }
    });

    it('indexes and gets a typed document through client.index and client.get', async () => {
      const { client, seen } = recordingClient();
      try {
        const created = await client.index<Note>(
          { index: INDEX, id: 'n1', document: { title: 'eight', n: 8 }, refresh: true },
          { meta: true },
        );
        expect(created.statusCode).toBe(201);
        expect(created.body.result).toBe('created');
        expect(created.body._id).toBe('n1');
        // The document body went again, as compatible-with=8 JSON, after the refusal.
        expect(seen.map((e) => e.headers['content-type'])).toEqual([
          'application/vnd.elasticsearch+json; compatible-with=9',
          'application/vnd.elasticsearch+json; compatible-with=8',
        ]);
        const got = await client.get<Note>({ index: INDEX, id: 'n1' });
        expect(got.found).toBe(true);
        expect(got._source).toEqual({ title: 'eight', n: 8 });
        const missing = await client.get<Note>({ index: INDEX, id: 'absent' }, { ignore: [404] });
        expect(missing.found).toBe(false);
      } finally {
        await client.close();
      }
    });

    it('answers HEAD requests with booleans, even when a HEAD is the very first request', async () => {
      const { client, seen } = recordingClient();
      try {
        // A HEAD answer has no body to name the refusal: the client probes once, then speaks 8.
        expect(await client.indices.exists({ index: INDEX })).toBe(true);
        expect(acceptMajors(seen).at(-1)).toBe('8');
        expect(await client.indices.exists({ index: `${INDEX}-missing` })).toBe(false);
        expect(await client.exists({ index: INDEX, id: 'absent' })).toBe(false);
        expect(acceptMajors(seen).slice(-2)).toEqual(['8', '8']);
      } finally {
        await client.close();
      }
    });

    it('refuses a client pinned to compatible-with=9 with the precise error, and serves one pinned to 8', async () => {
      const pinned9 = new Client({ node: es8Node!.url, compatibleWith: 9 });
      const pinned8 = new Client({ node: es8Node!.url, compatibleWith: 8 });
      try {
        const error = await pinned9.cluster.health().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ResponseError);
        expect((error as ResponseError).statusCode).toBe(400);
        expect((error as ResponseError).errorType).toBe('media_type_header_exception');
        const health = await pinned8.cluster.health({}, { meta: true });
        expect(health.meta.attempts).toBe(1);
        expect(health.body.number_of_nodes).toBe(1);
      } finally {
        await pinned9.close();
        await pinned8.close();
      }
    });
  },
);
