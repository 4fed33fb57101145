import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import type {
  RequestDiagnostic,
  ResponseDiagnostic,
  RetryDiagnostic,
} from '../../../src/core/diagnostics.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

let stub: Stub;
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  await stub?.close();
});

const SECRET = 'pa55w0rd-never-shown';

describe('diagnostics', () => {
  it('emits request, retry and response events with id, node, attempt and duration', async () => {
    const statuses = [503, 200];
    stub = await startStub((_req, res) => sendJson(res, statuses.shift() ?? 200, { ok: true }));
    client = new Client({ node: stub.url });
    const requests: RequestDiagnostic[] = [];
    const responses: ResponseDiagnostic[] = [];
    const retries: RetryDiagnostic[] = [];
    client.on('request', (e) => requests.push(e));
    client.on('retry', (e) => retries.push(e));
    const off = client.on('response', (e) => responses.push(e));
    await client.transport.request({ method: 'GET', path: '/_search' });
    off();
    await client.transport.request({ method: 'GET', path: '/_search' });
    expect(requests.map((r) => r.attempt)).toEqual([1, 2, 1]);
    expect(requests[0]).toMatchObject({
      method: 'GET',
      path: '/_search',
      node: `${stub.url}/`,
      name: 'elastiq',
    });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, requestId: requests[0]!.requestId });
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({
      requestId: requests[0]!.requestId,
      attempts: 2,
      node: `${stub.url}/`,
      error: undefined,
    });
    expect(responses[0]!.durationMs).toBeGreaterThan(0);
  });

  it('publishes on node:diagnostics_channel', async () => {
    stub = await startStub();
    client = new Client({ node: stub.url });
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    diagnosticsChannel.subscribe('elastiq:response', listener);
    try {
      await client.transport.request({ method: 'GET', path: '/' });
    } finally {
      diagnosticsChannel.unsubscribe('elastiq:response', listener);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/', statusCode: 200 });
  });

  it('never shows credentials in events, errors, error JSON or meta', async () => {
    stub = await startStub((_req, res) =>
      sendJson(res, 401, {
        error: { type: 'security_exception', reason: 'unable to authenticate' },
      }),
    );
    client = new Client({
      node: stub.url.replace('http://', `http://elastic:${SECRET}@`),
      headers: { 'x-api-key': SECRET },
      auth: { apiKey: SECRET },
    });
    const events: unknown[] = [];
    client.on('request', (e) => events.push(e));
    client.on('response', (e) => events.push(e));
    const error = await client.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(stub.requests[0]!.headers.authorization).toBe(`ApiKey ${SECRET}`);
    const shown = [
      JSON.stringify(events),
      String(error),
      JSON.stringify(error),
      (error as Error).message,
      JSON.stringify(client),
    ].join('\n');
    expect(shown).toContain('[redacted]');
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(Buffer.from(`elastic:${SECRET}`).toString('base64'));
  });

  it('does not let a throwing listener break the request', async () => {
    stub = await startStub((_req, res) => sendJson(res, 200, { fine: true }));
    client = new Client({ node: stub.url });
    client.on('request', () => {
      throw new Error('listener bug');
    });
    await expect(client.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      fine: true,
    });
  });
});
