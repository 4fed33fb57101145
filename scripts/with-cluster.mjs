#!/usr/bin/env node
// Runs a command (the test suite) against real nodes started for it, and stops them afterwards
// whatever happens: the command's failure, Ctrl-C, SIGTERM, an error while starting.
//
//   node scripts/with-cluster.mjs [--modes single,nodes3,secure,opensearch,es8] -- vitest run
//
// With ELASTICSEARCH_URL already set it starts nothing and runs the command against that
// cluster. docs/testing.md lists the variables it exports; test/support/cluster.ts reads them.
import { spawn } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Ports in the 94xx range: clear of a user's own 9200 and of other local nodes.
const MODES = {
  single: { name: 'test-single', port: 9400, nodes: 1, secure: false },
  nodes3: { name: 'test-nodes3', port: 9410, nodes: 3, secure: false },
  secure: { name: 'test-secure', port: 9420, nodes: 1, secure: true },
  // The second engine, with the modules the Elasticsearch integ-test-zip lacks (docs/testing.md).
  opensearch: {
    name: 'test-opensearch',
    engine: 'opensearch',
    port: 9430,
    nodes: 1,
    secure: false,
  },
  // The previous major, for the client's compatibility with 8.x (compatible-with=8), on Java 17:
  // the newest 8.x Maven Central lists.
  es8: {
    name: 'test-es8',
    version: '8.19.21',
    javaMajor: 17,
    port: 9440,
    nodes: 1,
    secure: false,
  },
};

// Short-lived test nodes: with the C1 compiler alone the JVM spends less CPU compiling while it
// starts, and the tests are not benchmarks (bench/ starts its own node).
const FAST_START = ['-XX:TieredStopAtLevel=1'];

/** The JDK of that major when the machine has one; otherwise `elastiq local` picks one in range. */
function javaHomeOf(local, major) {
  if (major === undefined) return {};
  const home = local.discoverJavaHomes().find((j) => j.major === major)?.home;
  return home ? { javaHome: home } : {};
}

function onPath(command) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, command)));
}

function parse(argv) {
  const split = argv.indexOf('--');
  const own = split < 0 ? [] : argv.slice(0, split);
  const command = split < 0 ? argv : argv.slice(split + 1);
  let modes;
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--modes')
      modes = String(own[++i] ?? '')
        .split(',')
        .filter(Boolean);
    else throw new Error(`with-cluster: unknown option ${own[i]}`);
  }
  // The OpenSearch node is resolved by Maven; without it its tests are skipped, not failed, so a
  // newcomer with Node and a JDK still runs everything else. Asked for by --modes, it is required.
  const defaulted = modes === undefined;
  if (modes === undefined) {
    modes = Object.keys(MODES);
    if (!onPath('mvn')) {
      modes = modes.filter((m) => m !== 'opensearch');
      process.stderr.write(
        'with-cluster: no mvn on PATH: no OpenSearch node, its tests are skipped\n',
      );
    }
  }
  for (const mode of modes) {
    if (!(mode in MODES))
      throw new Error(`with-cluster: unknown mode ${mode} (${Object.keys(MODES)})`);
  }
  if (command.length === 0) throw new Error('with-cluster: no command given after --');
  return { modes, command, defaulted };
}

// Elasticsearch 8.x runs on Java 17-24 only: without such a JDK the default run leaves the 8.x
// node out (its tests are skipped with the reason) instead of failing. Asked for, it is required.
function withoutUnrunnableEs8(modes, local, log) {
  if (!modes.includes('es8')) return modes;
  const fits = local.discoverJavaHomes().some((j) => j.major >= 17 && j.major <= 24);
  if (fits) return modes;
  log('with-cluster: no JDK 17-24 found: no Elasticsearch 8.x node, its tests are skipped');
  return modes.filter((m) => m !== 'es8');
}

function portFree(port) {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolvePromise(true)),
    );
  });
}

/**
 * The mode's first HTTP port, moved up in steps of 50 while any port it needs (HTTP and transport
 * of each node) is taken or already given to another mode: other local clusters on the machine
 * must not make the tests fail.
 */
async function choosePort(mode, reserved) {
  for (let base = mode.port; base < mode.port + 1000; base += 50) {
    const ports = [];
    for (let i = 0; i < mode.nodes; i++) ports.push(base + i, base + 100 + i);
    if (ports.some((p) => reserved.has(p))) continue;
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) {
      for (const p of ports) reserved.add(p);
      return base;
    }
  }
  throw new Error(`with-cluster: no free ports near ${mode.port} for ${mode.name}`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** The PID a lock file names, or 0 when it is gone or holds no PID (left by a crash). */
// The PID in a lock file: 0 when it holds none (a crash left it empty), undefined when it is gone.
function lockHolder(file) {
  try {
    return Number(readFileSync(file, 'utf8')) || 0;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

// Moves a dead run's lock aside before deleting it, so a lock another run has just taken in its
// place is never deleted: that one is put back.
function removeStaleLock(file) {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  const holder = lockHolder(aside);
  if (holder && pidAlive(holder)) {
    try {
      linkSync(aside, file);
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
  rmSync(aside, { force: true });
}

/**
 * One test run at a time per ELASTIQ_HOME: a second run waits instead of fighting over ports.
 * The lock file appears with its PID already in it (written to a temporary file, then linked into
 * place, which fails if it exists), so no other run can read it empty and take it for stale.
 * Returns the release function, which removes the lock only while it is still this run's.
 */
export async function acquireLock(file, log, retryMs = 2000) {
  let told = false;
  mkdirSync(dirname(file), { recursive: true });
  const mine = `${file}.${process.pid}.tmp`;
  writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(mine, file);
        return () => {
          if (lockHolder(file) === process.pid) rmSync(file, { force: true });
        };
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
      }
      const holder = lockHolder(file);
      // Released between our link and this read: try the link again, never touch another's lock.
      if (holder === undefined) continue;
      if (holder === 0 || !pidAlive(holder)) {
        removeStaleLock(file);
        continue;
      }
      if (!told) log(`with-cluster: waiting for the test run of process ${holder} to finish`);
      told = true;
      await new Promise((r) => setTimeout(r, retryMs));
    }
  } finally {
    rmSync(mine, { force: true });
  }
}

function runCommand(command, env, onChild) {
  return new Promise((resolvePromise) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });
    onChild(child);
    child.on('error', (error) => {
      process.stderr.write(`with-cluster: cannot run ${command[0]}: ${error.message}\n`);
      resolvePromise(127);
    });
    child.on('exit', (code, signal) =>
      resolvePromise(code ?? 128 + (signal === 'SIGINT' ? 2 : 15)),
    );
  });
}

async function main() {
  const parsed = parse(process.argv.slice(2));
  const { command } = parsed;
  let { modes } = parsed;
  const log = (m) => process.stderr.write(`${m}\n`);
  const pathWithBin = [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter);
  if (process.env.ELASTICSEARCH_URL) {
    log(`with-cluster: using ELASTICSEARCH_URL=${process.env.ELASTICSEARCH_URL}; starting nothing`);
    return runCommand(command, { ...process.env, PATH: pathWithBin }, () => {});
  }

  const local = await tsImport('../src/cli/local/index.ts', import.meta.url);
  if (parsed.defaulted) modes = withoutUnrunnableEs8(modes, local, log);
  const home = local.resolveHome();
  const release = await acquireLock(join(home, 'with-cluster.lock'), log);
  const started = {};
  let child;
  let stopping;
  let interrupted;
  const stopAll = () => {
    stopping ??= Promise.all(
      modes.map((m) => local.stopClusters(MODES[m].name, home).catch(() => [])),
    ).then(release);
    return stopping;
  };
  // While nodes start, a signal is only noted: cleaning up before every launch has settled
  // could leave a node started just after it. The command, once running, gets the signal.
  const onSignal = (signal) => {
    log(`with-cluster: ${signal}, stopping the nodes`);
    interrupted ??= signal;
    if (child && child.exitCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);

  try {
    const began = Date.now();
    const reporter = local.createReporter(process.stderr, false);
    // Leftovers of an interrupted run hold their ports: stop them before looking for free ones.
    await Promise.all(modes.map((m) => local.stopClusters(MODES[m].name, home).catch(() => [])));
    const reserved = new Set();
    const startMode = async (m) => {
      // A port can be taken between the check and the start (other clusters on a shared
      // machine): then try the next free ports, a few times.
      for (let attempt = 1; ; attempt++) {
        const port = await choosePort(MODES[m], reserved);
        const { javaMajor, ...mode } = MODES[m];
        const options = {
          ...mode,
          ...javaHomeOf(local, javaMajor),
          port,
          fresh: true,
          home,
          reporter,
          jvmOptions: FAST_START,
        };
        try {
          return await local.startCluster(options);
        } catch (error) {
          if (error.code !== 'ELASTIQ_LOCAL_PORT_IN_USE' || attempt >= 3 || interrupted)
            throw error;
          log(`with-cluster: ${error.message} Retrying ${MODES[m].name} on other ports.`);
        }
      }
    };
    // All at once: the nodes of a new multi-node cluster must start together anyway, and the
    // other clusters overlap with their waiting.
    const results = await Promise.allSettled(modes.map(startMode));
    if (interrupted) return interrupted === 'SIGINT' ? 130 : 143;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    modes.forEach((m, i) => {
      started[m] = results[i].value;
    });
    log(`with-cluster: ${modes.join(', ')} ready in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    const env = {
      ...process.env,
      ...local.testEnvironment(Object.values(started), home),
      PATH: pathWithBin,
    };
    return await runCommand(command, env, (c) => {
      child = c;
    });
  } catch (error) {
    log(`with-cluster: ${error.message}${error.code ? ` [${error.code}]` : ''}`);
    return 1;
  } finally {
    await stopAll();
  }
}

// Run as a script, not when a test imports acquireLock.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    return 2;
  });
}
