import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  pluginDescriptor,
  pluginDistribution,
  variantPath,
} from '../../../src/cli/local/plugins.js';
import {
  parseRestHandlersSignature,
  ROOT_PLUGIN,
  rootPluginSource,
} from '../../../src/cli/local/rest-root.js';
import { SECURITY_ANALYSIS_PLUGIN } from '../../../src/cli/local/security-analysis.js';

// What `javap org.elasticsearch.plugins.ActionPlugin` prints for getRestHandlers.
const JAVAP_8_19 =
  '  public default java.util.Collection<org.elasticsearch.rest.RestHandler> getRestHandlers(org.elasticsearch.common.settings.Settings, org.elasticsearch.common.io.stream.NamedWriteableRegistry, org.elasticsearch.rest.RestController, org.elasticsearch.common.settings.ClusterSettings, org.elasticsearch.common.settings.IndexScopedSettings, org.elasticsearch.common.settings.SettingsFilter, org.elasticsearch.cluster.metadata.IndexNameExpressionResolver, java.util.function.Supplier<org.elasticsearch.cluster.node.DiscoveryNodes>, java.util.function.Predicate<org.elasticsearch.features.NodeFeature>);';
const JAVAP_9_5 =
  '  public default java.util.Collection<org.elasticsearch.rest.RestHandler> getRestHandlers(org.elasticsearch.plugins.ActionPlugin$RestHandlersServices, java.util.function.Supplier<org.elasticsearch.cluster.node.DiscoveryNodes>, java.util.function.Predicate<org.elasticsearch.features.NodeFeature>);';

describe('the rest-root plugin of local Elasticsearch nodes', () => {
  it('overrides getRestHandlers as 8.19 declares it (nine parameters)', () => {
    const signature = parseRestHandlersSignature(`interface ActionPlugin {\n${JAVAP_8_19}\n}`);
    expect(signature?.returns).toBe('java.util.Collection<org.elasticsearch.rest.RestHandler>');
    expect(signature?.parameters).toHaveLength(9);
    expect(signature?.parameters.at(-2)).toBe(
      'java.util.function.Supplier<org.elasticsearch.cluster.node.DiscoveryNodes>',
    );
  });

  it('overrides getRestHandlers as 9.x declares it (a nested record, written with a dot)', () => {
    const signature = parseRestHandlersSignature(JAVAP_9_5)!;
    expect(signature.parameters).toEqual([
      'org.elasticsearch.plugins.ActionPlugin.RestHandlersServices',
      'java.util.function.Supplier<org.elasticsearch.cluster.node.DiscoveryNodes>',
      'java.util.function.Predicate<org.elasticsearch.features.NodeFeature>',
    ]);
    const source = rootPluginSource(signature);
    expect(source).toContain(
      'getRestHandlers(org.elasticsearch.plugins.ActionPlugin.RestHandlersServices p0, ',
    );
    for (const route of ['RestRequest.Method.GET, "/"', 'RestRequest.Method.HEAD, "/"']) {
      expect(source).toContain(route);
    }
    expect(source).toContain('"You Know, for Search"');
  });

  it('finds no signature where ActionPlugin has no getRestHandlers', () => {
    expect(parseRestHandlersSignature('public interface ActionPlugin {\n}')).toBeUndefined();
  });

  it('describes itself for the version it was compiled against', () => {
    const descriptor = pluginDescriptor(ROOT_PLUGIN, '8.19.21', 17);
    expect(descriptor).toContain('name=elastiq-rest-root');
    expect(descriptor).toContain('elasticsearch.version=8.19.21');
    expect(descriptor).toContain('classname=dev.elastiq.restroot.RestRootPlugin');
  });

  it('names the distribution copy after its plugins and JDK', () => {
    expect(variantPath('/d/elasticsearch-9.5.4', [ROOT_PLUGIN], 25)).toBe(
      '/d/elasticsearch-9.5.4-elastiq-rest-root-java25',
    );
    expect(variantPath('/d/elasticsearch-9.5.4', [ROOT_PLUGIN, SECURITY_ANALYSIS_PLUGIN], 25)).toBe(
      '/d/elasticsearch-9.5.4-elastiq-rest-root-security-analysis-java25',
    );
  });
});

async function fakeDistribution(modules: string[]): Promise<{ dist: string; jdk: string }> {
  const home = await mkdtemp(join(tmpdir(), 'elastiq-plugins-'));
  const dist = join(home, 'elasticsearch-9.9.9');
  for (const m of modules) await mkdir(join(dist, 'modules', m), { recursive: true });
  await mkdir(join(dist, 'lib'), { recursive: true });
  const jdk = join(home, 'jdk');
  await mkdir(join(jdk, 'bin'), { recursive: true });
  await writeFile(join(jdk, 'bin', 'java'), '', { mode: 0o755 });
  return { dist, jdk };
}

describe('the distribution a node runs from', () => {
  it('is the pristine one when it has the module the plugin stands in for', async () => {
    const { dist, jdk } = await fakeDistribution(['rest-root']);
    const warnings: string[] = [];
    const java = { home: jdk, major: 25, version: '25' };
    await expect(
      pluginDistribution(dist, '9.9.9', java, [ROOT_PLUGIN], (m) => warnings.push(m)),
    ).resolves.toBe(dist);
    expect(warnings).toEqual([]);
  });

  it('is the pristine one, with a warning saying what is missing, when the JDK has no javac', async () => {
    const { dist, jdk } = await fakeDistribution([]);
    const warnings: string[] = [];
    const java = { home: jdk, major: 25, version: '25' };
    await expect(
      pluginDistribution(dist, '9.9.9', java, [ROOT_PLUGIN], (m) => warnings.push(m)),
    ).resolves.toBe(dist);
    expect(warnings).toEqual([
      `${jdk} has no javac: GET / and HEAD / answer 405 (the distribution has no rest-root module)`,
    ]);
  });

  it('leaves the plugin out on 7.x, whose server answers / itself', async () => {
    const { dist, jdk } = await fakeDistribution([]);
    const warnings: string[] = [];
    const java = { home: jdk, major: 17, version: '17' };
    await expect(
      pluginDistribution(dist, '7.17.29', java, [ROOT_PLUGIN], (m) => warnings.push(m)),
    ).resolves.toBe(dist);
    expect(warnings).toEqual([]);
  });
});
