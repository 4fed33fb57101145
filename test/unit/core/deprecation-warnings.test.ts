import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import type { WarningDiagnostic } from '../../../src/core/diagnostics.js';
import { ConfigurationError, ResponseError } from '../../../src/core/errors.js';
import type { ClientOptions } from '../../../src/core/transport/client-options.js';
import type { WarningMeta } from '../../../src/core/transport/types.js';
import {
  escapeAndEncode,
  parseWarnings,
  warningMessage,
} from '../../../src/core/transport/warnings.js';
import { type Stub, type StubRequest, startStub } from '../../support/stub-server.js';

const AGENT = '299 Elasticsearch-9.5.4-9170df19cae1adb107b7b489b4d82dec66d7a337';
const header = (text: string) => `${AGENT} "${escapeAndEncode(text)}"`;
const SOURCE_MODE =
  'Configuring source mode in mappings is deprecated and will be removed in future versions. Use [index.mapping.source.mode] index setting instead.';
const QUOTED = 'the "quoted", \\escaped\\ text, 50% done ✓';

describe('parseWarnings: the messages of Warning headers', () => {
  it('is null without a header, and without a warning in it', () => {
    expect(parseWarnings(undefined)).toBeNull();
    expect(parseWarnings('')).toBeNull();
    expect(parseWarnings([])).toBeNull();
  });

  it('decodes a quoted string with escaped quotes, backslashes, commas and percent-encoding', () => {
    expect(header(QUOTED)).toContain('\\"quoted\\"');
    expect(header(QUOTED)).toContain('%25');
    expect(parseWarnings(header(QUOTED))).toEqual([QUOTED]);
  });

  it('splits several warnings of one header at the commas outside quoted strings', () => {
    const joined = `${header(SOURCE_MODE)}, ${header(QUOTED)},${header('a, b')}`;
    expect(parseWarnings(joined)).toEqual([SOURCE_MODE, QUOTED, 'a, b']);
  });

  it('reads every repeat of the header', () => {
    expect(parseWarnings([header(SOURCE_MODE), `${header('x')}, ${header('y')}`])).toEqual([
      SOURCE_MODE,
      'x',
      'y',
    ]);
  });

  it('drops the date of an older server, keeps another agent’s text, and loses nothing else', () => {
    expect(warningMessage(`${AGENT} "${SOURCE_MODE}" "Sat, 28 Nov 2026 21:00:00 GMT"`)).toBe(
      SOURCE_MODE,
    );
    expect(warningMessage('299 OpenSearch-2.19.0-abcdef1 "say \\"hi\\""')).toBe('say "hi"');
    expect(warningMessage('199 proxy "Miscellaneous warning"')).toBe('Miscellaneous warning');
    expect(warningMessage('not a warning-value')).toBe('not a warning-value');
  });

  it('leaves a percent run that is not UTF-8 as sent', () => {
    expect(warningMessage(`${AGENT} "bad %FF byte"`)).toBe('bad %FF byte');
  });
});

// `/warn/<n>` answers with n Warning header lines; `/fail` a 400 with one; anything else none.
function answer(request: StubRequest, response: ServerResponse): void {
  const [, kind, n] = request.path.split('/');
  const failing = kind === 'fail';
  if (kind === 'warn') {
    const lines = [header(SOURCE_MODE), header(QUOTED), `${header('x')}, ${header('y')}`];
    response.setHeader('warning', lines.slice(0, Number(n)));
  } else if (failing) response.setHeader('warning', header(SOURCE_MODE));
  const text = JSON.stringify(failing ? { error: { type: 'x', reason: 'y' }, status: 400 } : {});
  response.writeHead(failing ? 400 : 200, {
    'content-type': 'application/json',
    'x-elastic-product': 'Elasticsearch',
  });
  response.end(text);
}

let stub: Stub;
const clients: Client[] = [];
const processWarnings: Error[] = [];
const onProcessWarning = (warning: Error) => processWarnings.push(warning);

function client(options: Partial<ClientOptions> = {}): Client {
  const c = new Client({ node: stub.url, maxRetries: 0, ...options });
  clients.push(c);
  return c;
}

// process.emitWarning emits on the next tick; a macrotask later every one has been emitted.
const emitted = async (type: string): Promise<Error[]> => {
  await new Promise((resolve) => setImmediate(resolve));
  return processWarnings.filter((w) => w.name === type);
};

beforeAll(async () => {
  stub = await startStub(answer);
  process.on('warning', onProcessWarning);
});

afterEach(() => {
  processWarnings.length = 0;
});

afterAll(async () => {
  process.off('warning', onProcessWarning);
  await Promise.all(clients.map((c) => c.close()));
  await stub.close();
});

describe('Warning headers reach the caller', () => {
  it('gives `warnings` on a result with meta: the messages of every header line, or null', async () => {
    const c = client({ onWarning: false });
    const warned = await c.transport.request({ method: 'GET', path: '/warn/3' }, { meta: true });
    expect(warned.warnings).toEqual([SOURCE_MODE, QUOTED, 'x', 'y']);
    const plain = await c.transport.request({ method: 'GET', path: '/none' }, { meta: true });
    expect(plain.warnings).toBeNull();
  });

  it('fires the `warning` event and the elastiq:warning channel, for an error response too', async () => {
    const c = client({ onWarning: false });
    const events: WarningDiagnostic[] = [];
    const published: unknown[] = [];
    const subscriber = (event: unknown) => published.push(event);
    const off = c.on('warning', (event) => events.push(event));
    diagnosticsChannel.subscribe('elastiq:warning', subscriber);
    try {
      await c.transport.request({ method: 'GET', path: '/warn/1' });
      await expect(c.transport.request({ method: 'PUT', path: '/fail' })).rejects.toBeInstanceOf(
        ResponseError,
      );
      await c.transport.request({ method: 'GET', path: '/none' });
    } finally {
      off();
      diagnosticsChannel.unsubscribe('elastiq:warning', subscriber);
    }
    expect(events).toMatchObject([
      { method: 'GET', path: '/warn/1', statusCode: 200, warnings: [SOURCE_MODE] },
      { method: 'PUT', path: '/fail', statusCode: 400, warnings: [SOURCE_MODE] },
    ]);
    expect(events[0]!.node).toBe(`${stub.url}/`);
    expect(published).toEqual(events);
  });

  it('by default emits each distinct message once per client as a process warning', async () => {
    const c = client();
    await c.transport.request({ method: 'GET', path: '/warn/2' });
    await c.transport.request({ method: 'GET', path: '/warn/2' });
    await c.child({ name: 'child' }).transport.request({ method: 'GET', path: '/warn/1' });
    const first = await emitted('ElasticsearchDeprecationWarning');
    expect(first.map((w) => w.message)).toEqual([SOURCE_MODE, QUOTED]);
    expect((first[0] as Error & { detail?: string }).detail).toContain('GET /warn/2');
    // Another client has its own memory.
    await client().transport.request({ method: 'GET', path: '/warn/1' });
    expect((await emitted('ElasticsearchDeprecationWarning')).map((w) => w.message)).toEqual([
      SOURCE_MODE,
      QUOTED,
      SOURCE_MODE,
    ]);
  });

  it('emits nothing with onWarning: false', async () => {
    const c = client({ onWarning: false });
    const result = await c.transport.request({ method: 'GET', path: '/warn/2' }, { meta: true });
    expect(result.warnings).toHaveLength(2);
    expect(await emitted('ElasticsearchDeprecationWarning')).toEqual([]);
  });

  it('passes every response’s messages and request to an onWarning function', async () => {
    const calls: [readonly string[], WarningMeta][] = [];
    const c = client({ onWarning: (warnings, meta) => calls.push([warnings, meta]) });
    await c.transport.request({ method: 'GET', path: '/warn/1' });
    await c.transport.request({ method: 'GET', path: '/warn/1' });
    await c.transport.request({ method: 'GET', path: '/none' });
    expect(calls).toHaveLength(2);
    expect(calls[0]![0]).toEqual([SOURCE_MODE]);
    expect(calls[0]![1]).toMatchObject({
      method: 'GET',
      path: '/warn/1',
      statusCode: 200,
      name: 'elastiq',
      node: `${stub.url}/`,
      attempts: 1,
    });
    expect(await emitted('ElasticsearchDeprecationWarning')).toEqual([]);
  });

  it('reports an onWarning that throws without failing the request', async () => {
    const c = client({
      onWarning: () => {
        throw new Error('handler broke');
      },
    });
    await expect(c.transport.request({ method: 'GET', path: '/warn/1' })).resolves.toEqual({});
    expect((await emitted('ElastiqWarningHandlerError')).map((w) => w.message)).toEqual([
      'The onWarning client option threw: handler broke',
    ]);
  });

  it('refuses an onWarning that is neither false nor a function', () => {
    for (const value of [true, 'log', {}]) {
      let error: unknown;
      try {
        client({ onWarning: value as never });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe('onWarning');
      expect((error as Error).message).toContain('false or a function');
    }
  });
});
