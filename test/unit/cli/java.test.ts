import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ELASTICSEARCH, OPENSEARCH } from '../../../src/cli/local/engines.js';
import {
  chooseJava,
  inspectJavaHome,
  javaRequirement,
  parseRelease,
  pickJava,
} from '../../../src/cli/local/java.js';

async function fakeJdk(version: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'elastiq-jdk-'));
  await mkdir(join(home, 'bin'));
  await writeFile(join(home, 'bin', 'java'), '');
  await writeFile(join(home, 'release'), `IMPLEMENTOR="x"\nJAVA_VERSION="${version}"\n`);
  return home;
}

describe('Java selection', () => {
  it('reads the major version from a JDK release file, old and new numbering', () => {
    expect(parseRelease('JAVA_VERSION="25"\n')).toEqual({ major: 25, version: '25' });
    expect(parseRelease('JAVA_VERSION="17.0.15"')).toEqual({ major: 17, version: '17.0.15' });
    expect(parseRelease('JAVA_VERSION="1.8.0_392"')?.major).toBe(8);
    expect(parseRelease('nothing')).toBeUndefined();
  });

  it('needs Java 21+ for Elasticsearch 9 and keeps 8.x below the Security Manager removal', () => {
    expect(javaRequirement(ELASTICSEARCH, '9.5.4')).toMatchObject({ min: 21 });
    expect(javaRequirement(ELASTICSEARCH, '8.19.21')).toMatchObject({ min: 17, max: 24 });
    expect(javaRequirement(ELASTICSEARCH, '8.17.0')).toMatchObject({ min: 17, max: 23 });
    expect(javaRequirement(OPENSEARCH, '2.19.3')).toMatchObject({ max: 23 });
  });

  it('picks the newest JDK within the range: 25 for 9.x, 17 for 8.19 when only 17 and 25 exist', () => {
    const homes = [
      { home: '/jdk17', major: 17, version: '17.0.15' },
      { home: '/jdk25', major: 25, version: '25' },
    ];
    expect(pickJava(homes, javaRequirement(ELASTICSEARCH, '9.5.4'))?.home).toBe('/jdk25');
    expect(pickJava(homes, javaRequirement(ELASTICSEARCH, '8.19.21'))?.home).toBe('/jdk17');
    expect(pickJava([homes[0]!], javaRequirement(ELASTICSEARCH, '9.5.4'))).toBeUndefined();
  });

  it('uses the JDK passed explicitly and rejects a folder that is not one', async () => {
    const home = await fakeJdk('21.0.4');
    expect(inspectJavaHome(home)).toEqual({ home, major: 21, version: '21.0.4' });
    expect(chooseJava(ELASTICSEARCH, '9.5.4', home).major).toBe(21);
    expect(() => chooseJava(ELASTICSEARCH, '9.5.4', tmpdir())).toThrow(
      expect.objectContaining({ code: 'ELASTIQ_LOCAL_JAVA_NOT_FOUND' }),
    );
  });

  it('takes ES_JAVA_HOME from the environment before searching the machine', async () => {
    const home = await fakeJdk('25');
    expect(chooseJava(ELASTICSEARCH, '9.5.4', undefined, { ES_JAVA_HOME: home }).home).toBe(home);
  });
});
