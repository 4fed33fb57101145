import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ConfigurationError } from '../../../src/core/errors.js';
import type { ClientOptions } from '../../../src/core/transport/client-options.js';
import {
  checkRequestOptions,
  requestTimeoutMs,
  resolveOptions,
} from '../../../src/core/transport/client-options.js';

const NODE = 'http://127.0.0.1:9200';

/** The ConfigurationError `fn` throws (any other outcome fails the test). */
function configError(fn: () => unknown): ConfigurationError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ConfigurationError);
  return thrown as ConfigurationError;
}

function refused(options: Record<string, unknown>): ConfigurationError {
  return configError(() => new Client({ node: NODE, ...options } as ClientOptions));
}

/** Everything an error can show: message, stack, cause chain, inspection and JSON. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    parts.push(current.message, String(current.stack));
    current = current.cause;
  }
  parts.push(inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error));
  return parts.join('\n');
}

describe('every client option is checked at run time', () => {
  it.each([
    ['retryOnTimeout', 'false', 'boolean'],
    ['compression', 'false', 'boolean'],
    ['tls', 'yes', 'ca'],
    ['sniffOnStart', 'yes', 'boolean'],
    ['name', 42, 'string'],
    ['retryBackoff', 'x', 'base'],
    ['caFingerprint', 42, 'fingerprint'],
    ['Serializer', 5, 'class'],
    ['Connection', {}, 'class'],
    ['NodePool', 'pool', 'class'],
    ['enableMetaHeader', 1, 'boolean'],
    ['losslessIntegers', 'true', 'boolean'],
    ['sniffOnConnectionFault', 'yes', 'boolean'],
    ['sniffInterval', true, 'duration'],
    ['sniffEndpoint', 5, 'string'],
    ['opaqueIdPrefix', 5, 'string'],
    ['maxRetries', '3', 'integer'],
    ['pingTimeout', [], 'duration'],
    ['deadTimeout', {}, 'duration'],
    ['maxDeadTimeout', null, 'duration'],
    ['connections', '10', 'integer'],
    ['keepAliveTimeout', '10', 'integer'],
    ['maxResponseSize', '1mb', 'integer'],
    ['maxCompressedResponseSize', true, 'integer'],
    ['cloud', 'abc', 'id'],
    ['auth', 'elastic:changeme', 'username'],
  ])(
    '%s: %j is a ConfigurationError naming it, what it got and what it expects',
    (option, value, expects) => {
      const error = refused({ [option]: value });
      expect(error.option).toBe(option);
      expect(error.message).toContain(`\`${option}\``);
      expect(error.message).toContain(expects);
      expect(error.message).toMatch(/\(got [^)]+\)/);
      expect(error.cause).toBeUndefined();
    },
  );

  it('shows a wrong non-secret value as it was given', () => {
    expect(refused({ retryOnTimeout: 'false' }).message).toContain('(got the string "false")');
    expect(refused({ name: 42 }).message).toContain('(got 42)');
  });

  it('names nested options by their path', () => {
    expect(refused({ retryBackoff: { base: 'x' } }).option).toBe('retryBackoff.base');
    expect(refused({ tls: { rejectUnauthorized: 'no' } }).option).toBe('tls.rejectUnauthorized');
    expect(refused({ node: { url: NODE, roles: { data: 'yes' } } }).option).toBe('node.roles.data');
    expect(refused({ nodes: [NODE, { url: NODE, id: 5 }] }).option).toBe('nodes.id');
    expect(refused({ auth: { apiKey: { id: 'a', api_key: 5 } } }).option).toBe(
      'auth.apiKey.api_key',
    );
  });

  it('refuses a string retryOnTimeout, so a write without an id is not sent several times', async () => {
    // The constructor refusing it is the proof: no client exists to send anything.
    let requests = 0;
    const server = http.createServer((req) => {
      requests++;
      req.resume();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const error = configError(
        () =>
          new Client({
            node: url,
            requestTimeout: 50,
            retryOnTimeout: 'false' as never,
          }),
      );
      expect(error.option).toBe('retryOnTimeout');
      expect(requests).toBe(0);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('refuses an unknown option and suggests the nearest known name', () => {
    const error = refused({ requestTimout: 5000 });
    expect(error.option).toBe('requestTimout');
    expect(error.message).toContain('did you mean `requestTimeout`?');
    expect(refused({ maxRetry: 1 }).message).toContain('did you mean `maxRetries`?');
    expect(refused({ node_selector: 'random' }).message).toContain('did you mean `nodeSelector`?');
    expect(refused({ zzzzzzzzzzzzzz: 1 }).message).not.toContain('did you mean');
  });

  it('refuses unknown keys inside an option, suggesting the nearest', () => {
    const error = refused({ tls: { rejectUnauthorised: false } });
    expect(error.option).toBe('tls.rejectUnauthorised');
    expect(error.message).toContain('did you mean `rejectUnauthorized`?');
    expect(refused({ retryBackoff: { maximum: 5 } }).message).toContain('did you mean `max`?');
    expect(refused({ node: { url: NODE, header: {} } }).message).toContain(
      'did you mean `headers`?',
    );
  });

  it('never echoes a secret in the error', () => {
    const cases: Record<string, unknown>[] = [
      { auth: { username: 'elastic', password: 'PASS789', extra: 1 } },
      { auth: { username: 'elastic', password: 'PASS789', bearer: 'PASS789' } },
      { auth: { apiKey: 'PASS789', id: 1 } },
      { auth: { bearer: ['PASS789'] } },
      { auth: 'PASS789' },
      { headers: { authorization: 'Basic PASS789', 'x-n': 5 } },
      { headers: 'authorization: PASS789' },
      { tls: { passphrase: 'PASS789', keyy: 'PASS789' } },
      { tls: { key: 42, passphrase: 'PASS789' } },
      { node: { url: 'http://u:PASS789@127.0.0.1:1', headers: { a: 1 } } },
      { proxy: 42, headers: { authorization: 'PASS789' } },
      { cloud: { id: 'PASS789', extra: true } },
    ];
    for (const options of cases) {
      const error = refused(options);
      expect(everything(error), JSON.stringify(options)).not.toContain('PASS789');
    }
  });

  it('still accepts every valid option', () => {
    const options: Required<ClientOptions> = {
      node: NODE,
      nodes: [
        NODE,
        new URL(NODE),
        { url: NODE, headers: { a: 'b' }, roles: { data: true }, id: 'x' },
      ],
      cloud: undefined as never,
      auth: { apiKey: { id: 'a', api_key: 'b' } },
      tls: { ca: ['x', Buffer.from('y')], rejectUnauthorized: true, servername: 'es' },
      caFingerprint: undefined as never,
      proxy: new URL('http://u:p@proxy:3128'),
      compression: true,
      requestTimeout: '10s',
      pingTimeout: 500,
      maxRetries: 1,
      retryOnTimeout: false,
      retryBackoff: { base: 10, max: 100 },
      sniffOnStart: false,
      sniffInterval: false,
      sniffOnConnectionFault: false,
      sniffEndpoint: '_nodes/http',
      resurrectStrategy: 'none',
      deadTimeout: '1s',
      maxDeadTimeout: '1m',
      nodeSelector: (connections) => connections[0]!,
      nodeFilter: () => true,
      Connection: undefined as never,
      Serializer: undefined as never,
      NodePool: undefined as never,
      connections: 4,
      keepAliveTimeout: 1000,
      headers: { 'x-a': 'b' },
      opaqueIdPrefix: 'app-',
      name: 'test',
      maxResponseSize: 1000,
      maxCompressedResponseSize: 1000,
      maxCompressionRatio: 50,
      compatibility: 'elasticsearch',
      compatibleWith: 8,
      losslessIntegers: true,
      prototypePoisoning: 'error',
      enableMetaHeader: false,
      onWarning: () => {},
    };
    const resolved = resolveOptions(options);
    expect(resolved.nodes).toHaveLength(3);
    expect(resolved.requestTimeout).toBe(10_000);
  });
});

describe('requestTimeout: 0 is refused; Infinity means no timeout', () => {
  it.each([0, '0s', '0ms', '0'])('client requestTimeout %j', (value) => {
    const error = refused({ requestTimeout: value });
    expect(error.option).toBe('requestTimeout');
    expect(error.message).toContain('Infinity');
  });

  it('refuses pingTimeout: 0 (a ping that never ends)', () => {
    expect(refused({ pingTimeout: 0 }).option).toBe('pingTimeout');
  });

  it('accepts Infinity as an explicit "no timeout" (the connection then sets no timer)', () => {
    expect(resolveOptions({ node: NODE, requestTimeout: Infinity }).requestTimeout).toBe(0);
    expect(resolveOptions({ node: NODE, requestTimeout: '2s' }).requestTimeout).toBe(2000);
    expect(resolveOptions({ node: NODE }).requestTimeout).toBe(30_000);
  });

  it('applies the same rule to a child client', () => {
    const client = new Client({ node: NODE });
    expect(configError(() => client.child({ requestTimeout: 0 })).option).toBe('requestTimeout');
    expect(client.child({ requestTimeout: Infinity })).toBeInstanceOf(Client);
    expect(configError(() => client.child({ retryOnTimeout: 'no' as never })).option).toBe(
      'retryOnTimeout',
    );
  });

  it('requestTimeoutMs applies it to a per-request value', () => {
    expect(configError(() => requestTimeoutMs(0)).option).toBe('requestTimeout');
    expect(configError(() => requestTimeoutMs('0s')).option).toBe('requestTimeout');
    expect(requestTimeoutMs(Infinity)).toBe(0);
    expect(requestTimeoutMs('1.5s')).toBe(1500);
  });
});

describe('per-request options reach the same checks through the client', () => {
  it('a typo, a string where a boolean goes and requestTimeout 0 are refused before any request', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      });
      res.end('{"count":1}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new Client({
      node: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    try {
      for (const [options, option] of [
        [{ requestTimout: 5 }, 'requestTimout'],
        [{ retryOnTimeout: 'false' }, 'retryOnTimeout'],
        [{ requestTimeout: 0 }, 'requestTimeout'],
      ] as const) {
        const error = await client.count({ index: 'x' }, options as never).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).option).toBe(option);
      }
      expect(requests).toBe(0);
      await expect(
        client.count({ index: 'x' }, { requestTimeout: Infinity }),
      ).resolves.toMatchObject({ count: 1 });
      expect(requests).toBe(1);
    } finally {
      await client.close();
      server.close();
    }
  });
});

describe('per-request options (checkRequestOptions)', () => {
  it.each([
    ['retryOnTimeout', 'false'],
    ['maxRetries', '2'],
    ['maxRetries', -1],
    ['compression', 'yes'],
    ['meta', 1],
    ['ignore', 404],
    ['ignore', ['404']],
    ['headers', 'x: y'],
    ['headers', { a: 1 }],
    ['querystring', 'a=b'],
    ['signal', {}],
    ['opaqueId', 5],
    ['requestTimeout', true],
    ['requestTimeout', 0],
    ['maxResponseSize', 0],
    ['maxCompressedResponseSize', '1'],
    ['asBoolean', 'true'],
  ])('%s: %j is a ConfigurationError naming it', (option, value) => {
    const error = configError(() => checkRequestOptions({ [option]: value } as never));
    expect(error.option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
  });

  it('refuses an unknown per-request option with a suggestion', () => {
    const error = configError(() => checkRequestOptions({ requestTimout: 5 } as never));
    expect(error.option).toBe('requestTimout');
    expect(error.message).toContain('did you mean `requestTimeout`?');
  });

  it('never echoes header values', () => {
    const error = configError(() =>
      checkRequestOptions({ headers: { authorization: 'Bearer PASS789', n: 5 } } as never),
    );
    expect(everything(error)).not.toContain('PASS789');
  });

  it('accepts valid options and undefined values', () => {
    expect(() =>
      checkRequestOptions({
        signal: new AbortController().signal,
        requestTimeout: '5s',
        maxRetries: 0,
        retryOnTimeout: true,
        ignore: [404],
        headers: { a: 'b' },
        querystring: { q: 'x' },
        meta: true,
        compression: false,
        opaqueId: 'id',
        maxResponseSize: 10,
        maxCompressedResponseSize: 10,
        asBoolean: undefined,
      }),
    ).not.toThrow();
  });
});
