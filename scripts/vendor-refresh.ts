// Refreshes the project's copies of third-party data (vendor/README.md) from a checkout of each:
//   npm run vendor:refresh -- [--spec path/to/schema.json[.gz]] [--tests path/to/clients-tests/tests]
// --spec: the compiled Elasticsearch specification (elasticsearch-specification's output/schema/
// schema.json), stored gzipped as vendor/spec/schema.json.gz. --tests: the `tests` folder of
// elasticsearch-clients-tests, copied to vendor/clients-tests/tests. A LICENSE beside the spec file
// or beside the tests folder is copied too. Afterwards, record the new commit in the ORIGIN.md of
// each copy, then run npm run generate, npm run generate:dsl and the YAML suite.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  projectRoot,
  readSpec,
  SpecUnreadable,
  VENDORED_SPEC,
  VENDORED_TESTS,
} from './vendored.js';

/** Bad command-line input: printed in one line, exit 2. */
class UsageError extends Error {}

const USAGE =
  'usage: npm run vendor:refresh -- [--spec path/to/schema.json[.gz]] [--tests path/to/tests-dir]';

function parseArguments(argv: string[]): { spec?: string; tests?: string } {
  const result: { spec?: string; tests?: string } = {};
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag !== '--spec' && flag !== '--tests')
      throw new UsageError(`unknown argument ${flag}; ${USAGE}`);
    const value = args[++i];
    if (value === undefined || value.startsWith('--'))
      throw new UsageError(`${flag} needs a path; ${USAGE}`);
    result[flag === '--spec' ? 'spec' : 'tests'] = resolve(value);
  }
  if (result.spec === undefined && result.tests === undefined) {
    throw new UsageError(`nothing to refresh: give --spec, --tests or both; ${USAGE}`);
  }
  return result;
}

const shown = (path: string) => relative(projectRoot, path);

/** Copies the LICENSE file in `folder` to `target`, if there is one; says what it did. */
function copyLicense(folder: string, target: string): string {
  const license = join(folder, 'LICENSE');
  if (!existsSync(license)) return `no LICENSE in ${folder}: ${shown(target)} kept`;
  writeFileSync(target, readFileSync(license));
  return `${shown(target)} from ${license}`;
}

function refreshSpec(source: string): string[] {
  readSpec(source); // Refuses anything that is not the specification, before anything is written.
  const raw = readFileSync(source);
  const json = source.endsWith('.gz') ? gunzipSync(raw) : raw;
  const next = `${VENDORED_SPEC}.next`;
  writeFileSync(next, gzipSync(json, { level: 9 }));
  renameSync(next, VENDORED_SPEC);
  return [
    `${shown(VENDORED_SPEC)}: ${statSync(VENDORED_SPEC).size} bytes from ${source} (${json.length} bytes)`,
    copyLicense(dirname(source), join(dirname(VENDORED_SPEC), 'LICENSE')),
  ];
}

function countYaml(folder: string): number {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) =>
    /\.ya?ml$/.test(name),
  ).length;
}

/** Copies the files' contents only: a read-only source (a mounted checkout) gives a writable copy. */
function copyTree(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    if (entry.isDirectory()) copyTree(from, join(target, entry.name));
    else if (entry.isFile()) writeFileSync(join(target, entry.name), readFileSync(from));
  }
}

function refreshTests(source: string): string[] {
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new UsageError(`--tests ${source} is not a folder (give the suite's tests folder)`);
  }
  const files = countYaml(source);
  if (files === 0) throw new UsageError(`--tests ${source} holds no .yml or .yaml test file`);
  // Copy beside the old copy first, so a failed copy leaves the old one whole.
  const next = `${VENDORED_TESTS}.next`;
  rmSync(next, { recursive: true, force: true });
  copyTree(source, next);
  rmSync(VENDORED_TESTS, { recursive: true, force: true });
  renameSync(next, VENDORED_TESTS);
  return [
    `${shown(VENDORED_TESTS)}: ${files} YAML files from ${source}`,
    copyLicense(dirname(source), join(dirname(VENDORED_TESTS), 'LICENSE')),
  ];
}

function main(): void {
  const { spec, tests } = parseArguments(process.argv.slice(2));
  const done = [...(spec ? refreshSpec(spec) : []), ...(tests ? refreshTests(tests) : [])];
  for (const line of done) console.log(line);
  const notes = [spec && 'vendor/spec/ORIGIN.md', tests && 'vendor/clients-tests/ORIGIN.md'];
  console.log(
    `now record the source commit in ${notes.filter(Boolean).join(' and ')}, then run` +
      ' npm run generate, npm run generate:dsl and the YAML suite (docs/testing.md)',
  );
}

try {
  main();
} catch (error) {
  if (!(error instanceof UsageError || error instanceof SpecUnreadable)) throw error;
  console.error(`vendor:refresh: ${error.message}`);
  process.exitCode = 2;
}
