#!/usr/bin/env node
// The whole test suite inside one cluster start (scripts/with-cluster.mjs runs this): vitest's
// unit, type and integration projects with the arguments given, then the YAML conformance suite.
// Writes both summaries into ELASTIQ_TEST_RESULTS (a folder) when set, for .ci/run's closing line.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';

const results = process.env.ELASTIQ_TEST_RESULTS;
const vitestArgs = process.argv.slice(2);
if (results)
  vitestArgs.push(
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${join(results, 'vitest.json')}`,
  );

// with-cluster stops the clusters once this process exits: a signal goes on to the running suite
// (which would otherwise outlive us and run on against stopped nodes) and no further suite starts.
let current;
let interrupted;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted ??= signal;
    current?.kill(signal);
  });
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    current = child;
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? 128 + (constants.signals[signal] ?? 1));
    });
  });
}

const signalled = () => 128 + constants.signals[interrupted];

const vitest = await run('npx', ['vitest', 'run', ...vitestArgs]);
if (interrupted) process.exit(signalled());
const yamlArgs = results ? ['--summary', join(results, 'yaml.json')] : [];
const yaml = await run('npx', ['tsx', 'test/yaml/run.ts', ...yamlArgs]);
process.exit(interrupted ? signalled() : vitest !== 0 ? vitest : yaml);
