import { describe, expect, it } from 'vitest';
import { DeserializationError } from '../../../src/core/errors.js';
import { parseNodesInfo, parsePublishAddress } from '../../../src/core/pool/nodes-info.js';

describe('parsePublishAddress', () => {
  it('reads ip:port, host/ip:port and IPv6 forms', () => {
    expect(parsePublishAddress('127.0.0.1:9200', 'http:').href).toBe('http://127.0.0.1:9200/');
    expect(parsePublishAddress('es1.local/10.0.0.5:9201', 'https:').href).toBe(
      'https://es1.local:9201/',
    );
    expect(parsePublishAddress('[::1]:9200', 'http:').href).toBe('http://[::1]:9200/');
    expect(parsePublishAddress('localhost/[::1]:9200', 'http:').href).toBe(
      'http://localhost:9200/',
    );
    expect(parsePublishAddress('fe80::1:9300', 'http:').href).toBe('http://[fe80::1]:9300/');
  });

  it('rejects addresses without a valid port with a DeserializationError', () => {
    for (const bad of ['127.0.0.1', '127.0.0.1:', 'host/:', ':9200', '127.0.0.1:99999', 'a b:1']) {
      expect(() => parsePublishAddress(bad, 'http:'), bad).toThrow(DeserializationError);
    }
  });
});

describe('parseNodesInfo', () => {
  it('lists nodes with an http address and their roles', () => {
    const nodes = parseNodesInfo(
      {
        nodes: {
          a: {
            name: 'n1',
            roles: ['master', 'data_hot', 'ingest'],
            http: { publish_address: '127.0.0.1:9200' },
          },
          b: { name: 'n2', roles: ['master'], http: { publish_address: '127.0.0.1:9201' } },
          c: { name: 'n3', roles: ['data'] },
        },
      },
      'http:',
    );
    expect(nodes.map((n) => [n.id, n.url.href, n.roles])).toEqual([
      ['a', 'http://127.0.0.1:9200/', { master: true, data: true, ingest: true, ml: false }],
      ['b', 'http://127.0.0.1:9201/', { master: true, data: false, ingest: false, ml: false }],
    ]);
  });

  it('fails with a DeserializationError on a body without nodes', () => {
    expect(() => parseNodesInfo({ error: 'x' }, 'http:')).toThrow(DeserializationError);
    expect(() => parseNodesInfo('text', 'http:')).toThrow(DeserializationError);
    expect(() => parseNodesInfo({ nodes: { a: 1 } }, 'http:')).toThrow(DeserializationError);
  });
});
