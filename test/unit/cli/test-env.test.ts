import { describe, expect, it } from 'vitest';
import type { ClusterInfo } from '../../../src/cli/local/state.js';
import { shellExports, targetKind, testEnvironment } from '../../../src/cli/local/test-env.js';

function cluster(name: string, urls: string[], extra: Partial<ClusterInfo> = {}): ClusterInfo {
  return {
    name,
    clusterName: `elastiq-${name}`,
    engine: 'elasticsearch',
    version: '9.5.4',
    secure: false,
    heap: '512m',
    port: 9400,
    dir: `/h/clusters/${name}`,
    distribution: '/h/distributions/elasticsearch-9.5.4',
    javaHome: '/jdk',
    nodes: urls.map((url, index) => ({
      index,
      name: `${name}-${index}`,
      url,
      httpPort: 0,
      transportPort: 0,
      dir: '',
      configDir: '',
      pidFile: '',
      logsDir: '',
      serverLog: '',
      launcherLog: '',
    })),
    ...extra,
  };
}

describe('the variables integration tests read', () => {
  it('maps each kind of cluster to its variables, the first of each kind winning', () => {
    const env = testEnvironment(
      [
        cluster('single', ['http://127.0.0.1:9400']),
        cluster('other-single', ['http://127.0.0.1:9999']),
        cluster('nodes3', [
          'http://127.0.0.1:9410',
          'http://127.0.0.1:9411',
          'http://127.0.0.1:9412',
        ]),
        cluster('secure', ['https://127.0.0.1:9420'], {
          secure: true,
          username: 'elastic',
          password: 'pw',
          ca: '/h/ca.crt',
        }),
        cluster('os', ['http://127.0.0.1:9430'], { engine: 'opensearch' }),
        cluster('es8', ['http://127.0.0.1:9440'], { version: '8.19.21' }),
      ],
      '/h',
    );
    expect(env).toEqual({
      ELASTICSEARCH_URL: 'http://127.0.0.1:9400',
      ELASTICSEARCH_CLUSTER_URLS:
        'http://127.0.0.1:9410,http://127.0.0.1:9411,http://127.0.0.1:9412',
      ELASTIQ_LOCAL_CLUSTER: 'nodes3',
      ELASTIQ_HOME: '/h',
      ELASTICSEARCH_SECURE_URL: 'https://127.0.0.1:9420',
      ELASTICSEARCH_SECURE_USERNAME: 'elastic',
      ELASTICSEARCH_SECURE_PASSWORD: 'pw',
      ELASTICSEARCH_SECURE_CA: '/h/ca.crt',
      OPENSEARCH_URL: 'http://127.0.0.1:9430',
      ELASTICSEARCH_8_URL: 'http://127.0.0.1:9440',
    });
  });

  it('prefers the cluster named single, then test-single, over other single nodes listed first', () => {
    const tinyqueue = cluster('helpers-tinyqueue', ['http://127.0.0.1:9300']);
    const testSingle = cluster('test-single', ['http://127.0.0.1:9400']);
    const single = cluster('single', ['http://127.0.0.1:9200']);
    expect(testEnvironment([tinyqueue, testSingle, single], '/h').ELASTICSEARCH_URL).toBe(
      'http://127.0.0.1:9200',
    );
    expect(testEnvironment([tinyqueue, testSingle], '/h').ELASTICSEARCH_URL).toBe(
      'http://127.0.0.1:9400',
    );
    expect(testEnvironment([tinyqueue], '/h').ELASTICSEARCH_URL).toBe('http://127.0.0.1:9300');
  });

  it('tells a secure 3-node cluster from a plain one', () => {
    expect(targetKind(cluster('a', ['x', 'y', 'z']))).toBe('nodes');
    expect(targetKind(cluster('b', ['x'], { secure: true }))).toBe('secure');
  });

  it('takes a plain single 8.x node for the compatibility target, not the single node', () => {
    expect(targetKind(cluster('c', ['x'], { version: '8.19.21' }))).toBe('es8');
    expect(targetKind(cluster('d', ['x'], { version: '9.5.4' }))).toBe('single');
    expect(
      testEnvironment([cluster('e', ['http://127.0.0.1:9440'], { version: '8.19.21' })], '/h'),
    ).toEqual({
      ELASTICSEARCH_8_URL: 'http://127.0.0.1:9440',
    });
  });

  it('quotes values for a POSIX shell', () => {
    expect(shellExports({ A: "it's", B: 'plain' })).toBe("export A='it'\\''s'\nexport B='plain'");
  });
});
