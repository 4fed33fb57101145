#!/usr/bin/env node
// The whole test suite inside one cluster start (scripts/with-cluster.mjs runs this): vitest's
// unit, type and integration projects with the arguments given, then the YAML conformance suite.
// Writes both summaries into ELASTIQ_TEST_RESULTS (a folder) when set, for .ci/run's closing line.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const results = process.env.ELASTIQ_TEST_RESULTS;
const vitestArgs = process.argv.slice(2);
if (results)
  vitestArgs.push(
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${join(results, 'vitest.json')}`,
  );

function run(command, args) {
  const child = spawnSync(command, args, { stdio: 'inherit' });
  if (child.error) throw child.error;
  return child.status ?? 1;
}

const vitest = run('npx', ['vitest', 'run', ...vitestArgs]);
const yamlArgs = results ? ['--summary', join(results, 'yaml.json')] : [];
const yaml = run('npx', ['tsx', 'test/yaml/run.ts', ...yamlArgs]);
process.exit(vitest !== 0 ? vitest : yaml);
