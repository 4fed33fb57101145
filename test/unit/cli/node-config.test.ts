import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ELASTICSEARCH } from '../../../src/cli/local/engines.js';
import { renderHeapOptions, renderNodeConfig } from '../../../src/cli/local/node-config.js';

const base = {
  engine: ELASTICSEARCH,
  clusterName: 'elastiq-single',
  nodeName: 'single-0',
  httpPort: 9400,
  transportPort: 9500,
  dataDir: '/d/data',
  logsDir: '/d/logs',
  peers: [{ name: 'single-0', transportPort: 9500 }],
  secure: false,
};

describe('renderNodeConfig', () => {
  it('adds --setting values as strings, a key of a default replacing that default', () => {
    const text = renderNodeConfig({
      ...base,
      extra: {
        'thread_pool.write.queue_size': '1',
        'action.destructive_requires_name': 'true',
      },
    });
    const settings = parse(text);
    expect(settings['thread_pool.write.queue_size']).toBe('1');
    expect(settings['action.destructive_requires_name']).toBe('true');
    expect(settings['http.port']).toBe(9400);
    expect(text.match(/action\.destructive_requires_name/g)).toHaveLength(1);
  });

  it('binds a single node to loopback with its ports, folders, and security off', () => {
    const settings = parse(renderNodeConfig(base));
    expect(settings).toMatchObject({
      'cluster.name': 'elastiq-single',
      'network.host': '127.0.0.1',
      'http.port': 9400,
      'transport.port': 9500,
      'path.data': '/d/data',
      'discovery.type': 'single-node',
      'xpack.security.enabled': false,
      'cluster.routing.allocation.disk.threshold_enabled': false,
      'action.destructive_requires_name': false,
    });
  });

  it('lets the nodes of a 3-node cluster find each other and elect a master', () => {
    const peers = [0, 1, 2].map((i) => ({ name: `c-${i}`, transportPort: 9510 + i }));
    const settings = parse(renderNodeConfig({ ...base, nodeName: 'c-1', peers }));
    expect(settings['discovery.type']).toBeUndefined();
    expect(settings['discovery.seed_hosts']).toEqual([
      '127.0.0.1:9510',
      '127.0.0.1:9511',
      '127.0.0.1:9512',
    ]);
    expect(settings['cluster.initial_master_nodes']).toEqual(['c-0', 'c-1', 'c-2']);
  });

  it('turns on security with TLS on HTTP and transport from files under config/certs', () => {
    const settings = parse(renderNodeConfig({ ...base, secure: true }));
    expect(settings).toMatchObject({
      'xpack.security.enabled': true,
      'xpack.security.http.ssl.enabled': true,
      'xpack.security.http.ssl.key': 'certs/node.key',
      'xpack.security.http.ssl.certificate': 'certs/node.crt',
      'xpack.security.http.ssl.certificate_authorities': ['certs/ca.crt'],
      'xpack.security.transport.ssl.enabled': true,
    });
  });

  it('fixes the heap and appends extra JVM flags', () => {
    const lines = renderHeapOptions('512m', ['-XX:TieredStopAtLevel=1']).split('\n');
    expect(lines).toEqual(
      expect.arrayContaining(['-Xms512m', '-Xmx512m', '-XX:TieredStopAtLevel=1']),
    );
  });
});
