import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCluster } from '../../../src/cli/local/cluster.js';
import { ELASTICSEARCH, OPENSEARCH } from '../../../src/cli/local/engines.js';
import { chooseJava } from '../../../src/cli/local/java.js';
import { silentReporter } from '../../../src/cli/local/progress.js';

beforeAll(() => {
  vi.stubEnv('ELASTIQ_USER', 'nobody');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

async function fakeJdk(version: string, parent?: string): Promise<string> {
  const home = parent ? join(parent, 'jdk') : await mkdtemp(join(tmpdir(), 'elastiq-jdk-'));
  await mkdir(join(home, 'bin'), { recursive: true });
  await writeFile(join(home, 'bin', 'java'), '', { mode: 0o755 });
  await writeFile(join(home, 'release'), `JAVA_VERSION="${version}"\n`);
  return home;
}

describe('a JDK given with --java-home or ES_JAVA_HOME', () => {
  it('is refused with JAVA_NOT_FOUND when it is older than the version needs', async () => {
    const jdk17 = await fakeJdk('17.0.15');
    expect(() => chooseJava(ELASTICSEARCH, '9.5.4', jdk17)).toThrow(
      expect.objectContaining({
        code: 'ELASTIQ_LOCAL_JAVA_NOT_FOUND',
        message: expect.stringMatching(
          new RegExp(
            `${jdk17} \\(from --java-home\\) is Java 17, but elasticsearch 9\\.5\\.4 needs Java 21 or later`,
          ),
        ),
      }),
    );
    expect(() => chooseJava(ELASTICSEARCH, '9.5.4', undefined, { ES_JAVA_HOME: jdk17 })).toThrow(
      expect.objectContaining({ code: 'ELASTIQ_LOCAL_JAVA_NOT_FOUND' }),
    );
  });

  it('is refused when it is newer than the version runs on', async () => {
    const jdk25 = await fakeJdk('25');
    expect(() => chooseJava(OPENSEARCH, '2.19.1', jdk25)).toThrow(
      expect.objectContaining({
        code: 'ELASTIQ_LOCAL_JAVA_NOT_FOUND',
        message: expect.stringContaining('needs Java 11-23'),
      }),
    );
  });

  it('is taken when it fits', async () => {
    const jdk21 = await fakeJdk('21.0.2');
    expect(chooseJava(ELASTICSEARCH, '9.5.4', jdk21).major).toBe(21);
  });

  it('stops a start before anything is created or launched', async () => {
    const home = await mkdtemp(join(tmpdir(), 'elastiq-oldjdk-'));
    await chmod(home, 0o755);
    await mkdir(join(home, 'downloads'), { recursive: true });
    await writeFile(join(home, 'downloads', 'elasticsearch-9.9.9.zip'), '');
    const distribution = join(home, 'distributions', 'elasticsearch-9.9.9');
    await mkdir(join(distribution, 'bin'), { recursive: true });
    await mkdir(join(distribution, 'config'), { recursive: true });
    await writeFile(join(distribution, 'bin', 'elasticsearch'), '#!/bin/sh\nexit 1\n', {
      mode: 0o755,
    });
    const javaHome = await fakeJdk('17', home);
    await expect(
      startCluster({
        name: 'oldjdk',
        port: 23_000 + Math.floor(Math.random() * 800),
        version: '9.9.9',
        home,
        javaHome,
        reporter: silentReporter,
      }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_JAVA_NOT_FOUND' });
  });
});
