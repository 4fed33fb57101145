import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELASTICSEARCH } from '../../../src/cli/local/engines.js';
import {
  artifactUrl,
  candidateVersions,
  compareVersions,
  type FetchLike,
  mavenRepository,
  newestServedVersion,
  parseMetadataVersions,
  resolveVersion,
} from '../../../src/cli/local/versions.js';

const REPO = 'https://repo.example/maven2';

/** A fake repository that serves the zips of `served` and a metadata file listing `listed`. */
function fakeRepository(served: string[], listed: string[] = []) {
  const calls: string[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (url.endsWith('maven-metadata.xml')) {
      const versions = listed.map((v) => `<version>${v}</version>`).join('');
      return new Response(
        `<metadata><versioning><versions>${versions}</versions></versioning></metadata>`,
      );
    }
    const hit = served.some((v) => url === artifactUrl(REPO, ELASTICSEARCH, v));
    return new Response(null, { status: hit ? 200 : 404 });
  };
  return { fetchImpl, calls };
}

async function cacheFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'elastiq-versions-')), 'versions.json');
}

describe('version arithmetic', () => {
  it('orders versions numerically, not as text', () => {
    expect(['9.10.0', '9.5.4', '9.5.10', '8.19.21'].sort(compareVersions)).toEqual([
      '8.19.21',
      '9.5.4',
      '9.5.10',
      '9.10.0',
    ]);
  });

  it('proposes later patches of the minor and early patches of the next minors', () => {
    const candidates = candidateVersions('9.5.4', 2, 1);
    expect(candidates).toEqual(['9.5.5', '9.5.6', '9.6.0', '9.6.1', '9.6.2']);
  });

  it('reads release versions from maven-metadata.xml and ignores pre-releases', () => {
    const xml = '<versions><version>8.19.21</version><version>9.0.0-rc1</version></versions>';
    expect(parseMetadataVersions(xml)).toEqual(['8.19.21']);
  });

  it('builds the integ-test-zip URL of Maven Central and honours a mirror', () => {
    expect(artifactUrl(mavenRepository({}), ELASTICSEARCH, '9.5.4')).toBe(
      'https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/9.5.4/elasticsearch-9.5.4.zip',
    );
    expect(mavenRepository({ ELASTIQ_MAVEN_REPOSITORY: 'http://mirror/m2/' })).toBe(
      'http://mirror/m2',
    );
  });
});

describe('newestServedVersion', () => {
  it('finds the newest served 9.x by probing, across gaps in the patch numbers', async () => {
    const { fetchImpl } = fakeRepository(['9.5.4', '9.6.2', '9.7.0'], ['8.19.21']);
    const newest = await newestServedVersion({
      engine: ELASTICSEARCH,
      repository: REPO,
      cacheFile: await cacheFile(),
      fetch: fetchImpl,
    });
    expect(newest).toBe('9.7.0');
  });

  it('falls back to the known-good version when the repository cannot be reached', async () => {
    const offline: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    const newest = await newestServedVersion({
      engine: ELASTICSEARCH,
      repository: REPO,
      cacheFile: await cacheFile(),
      fetch: offline,
    });
    expect(newest).toBe(ELASTICSEARCH.knownGood);
  });

  it('asks the repository at most once a day', async () => {
    const file = await cacheFile();
    let now = 1_000_000;
    const first = fakeRepository(['9.6.0']);
    const options = { engine: ELASTICSEARCH, repository: REPO, cacheFile: file, now: () => now };
    expect(await newestServedVersion({ ...options, fetch: first.fetchImpl })).toBe('9.6.0');
    expect(JSON.parse(await readFile(file, 'utf8')).elasticsearch.newest).toBe('9.6.0');

    const second = fakeRepository(['9.6.0', '9.6.1']);
    now += 60 * 60 * 1000;
    expect(await newestServedVersion({ ...options, fetch: second.fetchImpl })).toBe('9.6.0');
    expect(second.calls).toHaveLength(0);

    now += 24 * 60 * 60 * 1000;
    expect(await newestServedVersion({ ...options, fetch: second.fetchImpl })).toBe('9.6.1');
    expect(second.calls.length).toBeGreaterThan(0);
  });
});

describe('newestServedVersion at once', () => {
  it('probes the repository once for clusters started together', async () => {
    const { fetchImpl, calls } = fakeRepository(['9.6.0']);
    const options = { engine: ELASTICSEARCH, repository: REPO, cacheFile: await cacheFile() };
    const answers = await Promise.all(
      [1, 2, 3].map(() => newestServedVersion({ ...options, fetch: fetchImpl })),
    );
    expect(answers).toEqual(['9.6.0', '9.6.0', '9.6.0']);
    expect(new Set(calls).size).toBe(calls.length);
  });
});

describe('resolveVersion', () => {
  it('takes an exact version as it is, without asking the repository', async () => {
    const { fetchImpl, calls } = fakeRepository([]);
    const options = {
      engine: ELASTICSEARCH,
      repository: REPO,
      cacheFile: await cacheFile(),
      fetch: fetchImpl,
    };
    expect(await resolveVersion('8.17.3', options)).toBe('8.17.3');
    expect(calls).toEqual([]);
  });

  it('turns a line such as 8.19 into its newest listed release', async () => {
    const { fetchImpl } = fakeRepository([], ['8.18.1', '8.19.3', '8.19.21', '8.2.0']);
    const options = {
      engine: ELASTICSEARCH,
      repository: REPO,
      cacheFile: await cacheFile(),
      fetch: fetchImpl,
    };
    expect(await resolveVersion('8.19', options)).toBe('8.19.21');
    expect(await resolveVersion('8', options)).toBe('8.19.21');
  });
});
