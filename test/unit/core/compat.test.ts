import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ResponseError } from '../../../src/core/errors.js';
import { refusesCompatibleWith9 } from '../../../src/core/transport/compat.js';
import { type Stub, sendJson, startStub } from '../../support/stub-server.js';

// What an 8.x node answers to compatible-with=9 (captured from 8.19).
const REFUSAL = {
  error: {
    root_cause: [
      {
        type: 'media_type_header_exception',
        reason: 'Invalid media-type value on headers [Content-Type, Accept]',
      },
    ],
    type: 'media_type_header_exception',
    reason: 'Invalid media-type value on headers [Content-Type, Accept]',
    caused_by: {
      type: 'status_exception',
      reason:
        'Accept version must be either version 8 or 7, but found 9. Accept=application/vnd.elasticsearch+json; compatible-with=9',
    },
  },
  status: 400,
};

let stub: Stub | undefined;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
});

// A stub that behaves like an 8.x node about media types.
async function eightNode(): Promise<Stub> {
  return startStub((req, res) => {
    if (String(req.headers.accept).includes('compatible-with=9')) {
      if (req.method === 'HEAD') {
        res.writeHead(400, {
          'x-elastic-product': 'Elasticsearch',
          'content-type': 'application/json',
        });
        res.end();
      } else sendJson(res, 400, REFUSAL);
      return;
    }
    sendJson(res, 200, { ok: true });
  });
}

function client(options: Partial<ConstructorParameters<typeof Client>[0]> = {}): Client {
  const c = new Client({ node: stub!.url, ...options });
  clients.push(c);
  return c;
}

const compatOf = (accept: unknown) => /compatible-with=(\d)/.exec(String(accept))?.[1];

describe('compatibility negotiation', () => {
  it('recognises an 8.x refusal of compatible-with=9 and nothing else', () => {
    expect(refusesCompatibleWith9(400, JSON.stringify(REFUSAL))).toBe(true);
    expect(refusesCompatibleWith9(400, '{"error":{"type":"parsing_exception"}}')).toBe(false);
    expect(refusesCompatibleWith9(500, JSON.stringify(REFUSAL))).toBe(false);
  });

  it('drops to compatible-with=8 once an 8.x node refuses 9, for the request and every later one', async () => {
    stub = await eightNode();
    const c = client();
    const child = c.child({ headers: { 'x-child': '1' } });
    await expect(
      c.transport.request({ method: 'POST', path: '/i/_search', body: { size: 0 } }),
    ).resolves.toEqual({ ok: true });
    await expect(child.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({
      ok: true,
    });
    expect(
      stub.requests.map((r) => [compatOf(r.headers.accept), compatOf(r.headers['content-type'])]),
    ).toEqual([
      ['9', '9'],
      ['8', '8'],
      ['8', undefined],
    ]);
  });

  it('probes once with a GET when the refusal comes on a bodiless HEAD answer', async () => {
    stub = await eightNode();
    const c = client();
    await expect(
      c.transport.request({ method: 'HEAD', path: '/i' }, { asBoolean: true }),
    ).resolves.toBe(true);
    expect(
      stub!.requests.map((r) => `${r.method} ${r.path} ${compatOf(r.headers.accept)}`),
    ).toEqual(['HEAD /i 9', 'GET /_cluster/health 9', 'HEAD /i 8']);
  });

  it('keeps a compatibleWith the user chose, and reports the refusal', async () => {
    stub = await eightNode();
    const c = client({ compatibleWith: 9 });
    const error = (await c.transport
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e)) as ResponseError;
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.errorType).toBe('media_type_header_exception');
    expect(stub!.requests).toHaveLength(1);
  });

  it('leaves other 400 answers alone', async () => {
    stub = await startStub((_req, res) =>
      sendJson(res, 400, { error: { type: 'parsing_exception', reason: 'bad' } }),
    );
    const c = client();
    await expect(
      c.transport.request({ method: 'POST', path: '/x', body: {} }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(c.transport.request({ method: 'HEAD', path: '/x' })).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(stub!.requests.map((r) => compatOf(r.headers.accept))).toEqual(['9', '9', '9']);
  });
  it('never sends a streamed body twice: the refusal is returned and later requests speak 8', async () => {
    stub = await eightNode();
    const c = client({ maxRetries: 3 });
    const body = Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]);
    const error = await c.transport
      .request({ method: 'POST', path: '/x/_doc', body }, { requestTimeout: 2000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).statusCode).toBe(400);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.body.toString()).toBe('{"a":1}');
    await expect(c.transport.request({ method: 'GET', path: '/' })).resolves.toEqual({ ok: true });
    expect(compatOf(stub.requests.at(-1)!.headers.accept)).toBe('8');
  });
});
