import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ConfigurationError } from '../../../src/core/errors.js';
import { authorizationHeader, resolveOptions } from '../../../src/core/transport/client-options.js';
import { cloudIdToUrl } from '../../../src/core/transport/cloud-id.js';
import { toMilliseconds } from '../../../src/core/transport/duration.js';

function optionOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as ConfigurationError).option;
  }
  throw new Error('expected a ConfigurationError');
}

describe('client options', () => {
  it('accepts node as a string, a URL, an object, or a list of them', () => {
    const resolved = resolveOptions({
      nodes: [
        'http://127.0.0.1:9200',
        new URL('https://127.0.0.1:9201'),
        { url: 'http://127.0.0.1:9202/es', headers: { 'x-a': '1' }, roles: { master: false } },
      ],
    });
    expect(resolved.nodes.map((n) => n.url.href)).toEqual([
      'http://127.0.0.1:9200/',
      'https://127.0.0.1:9201/',
      'http://127.0.0.1:9202/es/',
    ]);
    expect(resolved.nodes[2]!.headers).toEqual({ 'x-a': '1' });
    expect(resolved.nodes[2]!.roles).toEqual({
      master: false,
      data: true,
      ingest: true,
      ml: false,
    });
  });

  it('moves URL credentials into an Authorization header and out of the URL', () => {
    const [node] = resolveOptions({ node: 'http://elastic:s%40cret@127.0.0.1:9200' }).nodes;
    expect(node!.url.href).toBe('http://127.0.0.1:9200/');
    expect(node!.headers!.authorization).toBe(
      `Basic ${Buffer.from('elastic:s@cret').toString('base64')}`,
    );
  });

  it('decodes a cloud id', () => {
    const id = `deployment:${Buffer.from('eu-west-1.aws.found.io:9243$abc123$kib456').toString('base64')}`;
    expect(cloudIdToUrl(id).href).toBe('https://abc123.eu-west-1.aws.found.io:9243/');
    const noPort = `d:${Buffer.from('example.io$es$kb').toString('base64')}`;
    expect(resolveOptions({ cloud: { id: noPort } }).nodes[0]!.url.href).toBe(
      'https://es.example.io/',
    );
    expect(optionOf(() => cloudIdToUrl('nonsense'))).toBe('cloud.id');
    const esPort = `d:${Buffer.from('example.io:443$es:9244$kb:9245').toString('base64')}`;
    expect(cloudIdToUrl(esPort).href).toBe('https://es.example.io:9244/');
  });

  it('builds basic, API key and bearer Authorization headers', () => {
    expect(authorizationHeader({ username: 'u', password: 'p' })).toBe('Basic dTpw');
    expect(authorizationHeader({ apiKey: 'abc' })).toBe('ApiKey abc');
    expect(authorizationHeader({ apiKey: { id: 'id', api_key: 'key' } })).toBe(
      `ApiKey ${Buffer.from('id:key').toString('base64')}`,
    );
    expect(authorizationHeader({ bearer: 'tok' })).toBe('Bearer tok');
  });

  it('parses durations given as numbers or strings', () => {
    expect(toMilliseconds(250, 'x')).toBe(250);
    expect(toMilliseconds('30s', 'x')).toBe(30_000);
    expect(toMilliseconds('1.5m', 'x')).toBe(90_000);
    expect(toMilliseconds('200ms', 'x')).toBe(200);
    expect(resolveOptions({ node: 'http://a:1', requestTimeout: '2s' }).requestTimeout).toBe(2000);
  });

  it('fails at construction with a ConfigurationError naming the invalid option', () => {
    expect(optionOf(() => new Client({}))).toBe('node');
    expect(optionOf(() => new Client({ node: 'ftp://x' }))).toBe('node');
    expect(optionOf(() => new Client({ node: 'not a url' }))).toBe('node');
    expect(optionOf(() => new Client({ node: 'http://a:1', maxRetries: -1 }))).toBe('maxRetries');
    expect(optionOf(() => new Client({ node: 'http://a:1', requestTimeout: 'soon' }))).toBe(
      'requestTimeout',
    );
    expect(optionOf(() => new Client({ node: 'http://a:1', compatibility: 'solr' as never }))).toBe(
      'compatibility',
    );
    expect(optionOf(() => new Client({ node: 'http://a:1', compatibleWith: 7 as never }))).toBe(
      'compatibleWith',
    );
    expect(optionOf(() => new Client({ node: 'http://a:1', auth: { apiKey: '' } }))).toBe(
      'auth.apiKey',
    );
    expect(optionOf(() => new Client({ node: 'http://a:1', nodeSelector: 'first' as never }))).toBe(
      'nodeSelector',
    );
    expect(optionOf(() => new Client({ node: 'http://a:1', maxResponseSize: 0 }))).toBe(
      'maxResponseSize',
    );
  });

  it('names connections, keepAliveTimeout, nodeFilter and headers when they are invalid', () => {
    const node = 'http://a:1';
    expect(optionOf(() => new Client({ node, connections: -1 }))).toBe('connections');
    expect(optionOf(() => new Client({ node, connections: 1.5 }))).toBe('connections');
    expect(optionOf(() => new Client({ node, keepAliveTimeout: -5 }))).toBe('keepAliveTimeout');
    expect(optionOf(() => new Client({ node, nodeFilter: 3 as never }))).toBe('nodeFilter');
    expect(optionOf(() => new Client({ node, headers: 'x-a: 1' as never }))).toBe('headers');
    expect(optionOf(() => new Client({ node, headers: { 'x-a': 1 as never } }))).toBe('headers');
    expect(optionOf(() => new Client({ node: { url: node, headers: ['x'] as never } }))).toBe(
      'node.headers',
    );
  });

  it('refuses timer durations beyond what a Node timer can wait (it would fire after 1 ms)', () => {
    const node = 'http://a:1';
    expect(optionOf(() => new Client({ node, requestTimeout: 2 ** 32 }))).toBe('requestTimeout');
    expect(optionOf(() => new Client({ node, requestTimeout: '30d' }))).toBe('requestTimeout');
    expect(optionOf(() => new Client({ node, pingTimeout: '30d' }))).toBe('pingTimeout');
    expect(optionOf(() => new Client({ node, sniffInterval: '30d' }))).toBe('sniffInterval');
    expect(optionOf(() => new Client({ node, retryBackoff: { max: 2 ** 32 } }))).toBe(
      'retryBackoff.max',
    );
    expect(resolveOptions({ node, requestTimeout: '24d' }).requestTimeout).toBe(24 * 86_400_000);
  });

  it('refuses a malformed or non-http proxy with a ConfigurationError that hides its password', () => {
    for (const proxy of ['http://user:secret@bad host:3128', 'socks5://user:secret@proxy:1080']) {
      let error: unknown;
      try {
        new Client({ node: 'http://a:1', proxy });
      } catch (err) {
        error = err;
      }
      expect(error, proxy).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).option).toBe('proxy');
      expect(inspect(error, { depth: 5 })).not.toContain('secret');
    }
  });

  it('keeps the password of a malformed node URL out of the error and its cause', () => {
    let error: unknown;
    try {
      new Client({ node: 'http://elastic:secret@bad host:9200' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('node');
    expect(inspect(error, { depth: 5 })).not.toContain('secret');
  });

  it('refuses caFingerprint on http nodes and malformed fingerprints', () => {
    expect(optionOf(() => new Client({ node: 'http://a:1', caFingerprint: 'AA' }))).toBe(
      'caFingerprint',
    );
    expect(optionOf(() => new Client({ node: 'https://a:1', caFingerprint: 'not-hex' }))).toBe(
      'caFingerprint',
    );
    const pin = 'AB'.repeat(32);
    expect(
      optionOf(
        () => new Client({ node: 'https://a:1', caFingerprint: pin, proxy: 'http://p:3128' }),
      ),
    ).toBe('caFingerprint');
  });

  it('never shows credentials when a client is printed or serialized', async () => {
    const { inspect } = await import('node:util');
    const client = new Client({
      node: 'https://elastic:topsecret@127.0.0.1:9200',
      auth: { apiKey: 'SECRETKEY' },
    });
    const connections = client.transport.pool.connections;
    const shown = [
      JSON.stringify(client),
      inspect(client),
      JSON.stringify(client.transport),
      inspect(client.transport),
      JSON.stringify(connections),
      inspect(connections),
    ].join(' ');
    expect(shown).toContain('127.0.0.1:9200');
    expect(shown).not.toContain('topsecret');
    expect(shown).not.toContain('SECRETKEY');
    await client.close();
  });
});
