// The YAML REST conformance runner: `npm run test:yaml -- [dir|file ...]`.
// Runs Elasticsearch YAML REST tests through the generated API methods (never raw HTTP) against
// ELASTICSEARCH_URL, and the tests secure-node.yaml names against ELASTICSEARCH_SECURE_URL (basic
// auth and CA from ELASTICSEARCH_SECURE_*; skipped with their reason when it is not set). Prints
// per-file results and one final `N passed, N failed, N skipped` line over both nodes, and exits
// non-zero on any failure. Skipped tests are exactly those named in skip-list.yaml, the secure
// ones when no secure node is configured, files that declare `requires: {stack: false}`
// (serverless only), and tests whose `skip:`/`requires:` sections exclude this server or runner.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { VENDORED_TESTS } from '../../scripts/vendored.js';
import { Client } from '../../src/core/client.js';
import { Stash } from './assertions.js';
import { type ClusterState, restore, snapshot } from './cleanup.js';
import { ConditionSkip, ServerlessOnly, SkipTest, type Step, StepRunner } from './steps.js';
import {
  ensureTrialLicense,
  secureTarget,
  secureTargetMissing,
  singleTarget,
  type Target,
} from './targets.js';

const here = dirname(fileURLToPath(import.meta.url));
// The clients' suite: the project's own copy (vendor/clients-tests/ORIGIN.md).
const DEFAULT_TESTS = VENDORED_TESTS;
// The project's own tests of runner features the clients' suite hardly uses (warnings).
const OWN_TESTS = resolve(here, 'fixtures');
const REQUEST_TIMEOUT = 60_000;

interface TestFile {
  readonly path: string;
  readonly requires: Record<string, unknown> | undefined;
  readonly setup: Step[];
  readonly teardown: Step[];
  readonly tests: { name: string; steps: Step[] }[];
}

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

/** A test path given (or the default folder) that does not exist: reported in one line, exit 2. */
class TestPathMissing extends Error {}

function collectFiles(target: string): string[] {
  const stat = statSync(target);
  if (stat.isFile()) return [target];
  return readdirSync(target)
    .sort()
    .flatMap((name) => {
      const path = join(target, name);
      if (statSync(path).isDirectory()) return collectFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

// Some suites write a multi-line flow map less indented than its key, which SnakeYAML (the
// reference runner's parser) accepts and YAML 1.2 does not: indent such continuation lines.
function indentFlowContinuations(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)- [\w.]+:\s*[{[]\s*$/.exec(lines[i]!);
    if (!open) continue;
    let depth = 1;
    for (let j = i + 1; j < lines.length && depth > 0; j++) {
      const line = lines[j]!;
      const unquoted = line.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '');
      depth += (unquoted.match(/[{[]/g) ?? []).length - (unquoted.match(/[}\]]/g) ?? []).length;
      lines[j] = `    ${line}`;
    }
  }
  return lines.join('\n');
}

function parseDocuments(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  let documents = parseAllDocuments(text);
  if (documents.some((d) => d.errors.length > 0)) {
    documents = parseAllDocuments(indentFlowContinuations(text));
  }
  const broken = documents.find((d) => d.errors.length > 0);
  if (broken) throw new Error(`cannot parse ${path}: ${broken.errors[0]!.message.split('\n')[0]}`);
  return documents.map((d) => d.toJS());
}

function loadFile(path: string): TestFile {
  let requires: Record<string, unknown> | undefined;
  let setup: Step[] = [];
  let teardown: Step[] = [];
  const tests: { name: string; steps: Step[] }[] = [];
  for (const document of parseDocuments(path)) {
    const content = document as Record<string, unknown> | null;
    for (const [key, value] of Object.entries(content ?? {})) {
      if (key === 'requires') requires = value as Record<string, unknown>;
      else if (key === 'setup') setup = (value as Step[]) ?? [];
      else if (key === 'teardown') teardown = (value as Step[]) ?? [];
      else tests.push({ name: key, steps: (value as Step[]) ?? [] });
    }
  }
  return { path, requires, setup, teardown, tests };
}

/** A test list (`path/under/tests[::test name]: reason`); a trailing `/` names a folder. */
function loadTestList(name: string): Map<string, string> {
  const entries = parseYaml(readFileSync(join(here, name), 'utf8')) as Record<string, string>;
  return new Map(Object.entries(entries ?? {}));
}

function skipReason(skips: Map<string, string>, file: string, test: string): string | undefined {
  for (const [key, reason] of skips) {
    const [path, name] = key.split('::') as [string, string | undefined];
    const pathMatches = path.endsWith('/') ? file.startsWith(path) : file === path;
    if (pathMatches && (name === undefined || name === test)) return reason;
  }
  return undefined;
}

/** A file's path as the skip list names it: under the default suite, or under the target given. */
function suitePath(path: string, target: string): string {
  const underDefault = relative(DEFAULT_TESTS, path);
  const base = statSync(target).isDirectory() ? target : dirname(target);
  const local = underDefault.startsWith('..') ? relative(base, path) : underDefault;
  return local.split('\\').join('/');
}

async function runTest(
  runner: StepRunner,
  file: TestFile,
  steps: Step[],
): Promise<{ ok: true } | { ok: false; error: string } | { skip: string } | { skipped: string }> {
  runner.stash.clear();
  runner.last = undefined;
  try {
    for (const step of [...file.setup, ...steps]) await runner.run(step);
  } catch (error) {
    await runTeardown(runner, file);
    if (error instanceof ServerlessOnly || error instanceof ConditionSkip) {
      return { skipped: error.message };
    }
    if (error instanceof SkipTest) return { skip: error.message };
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const teardownError = await runTeardown(runner, file);
  return teardownError ? { ok: false, error: `teardown: ${teardownError}` } : { ok: true };
}

async function runTeardown(runner: StepRunner, file: TestFile): Promise<string | undefined> {
  try {
    for (const step of file.teardown) await runner.run(step);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A cluster the runner is connected to: its client, step runner and cleanup baseline. */
interface Connection {
  readonly target: Target;
  readonly client: Client;
  readonly runner: StepRunner;
  readonly cleanup: { call: (api: string) => ReturnType<StepRunner['method']> };
  readonly baseline: ClusterState;
}

async function connect(target: Target): Promise<Connection> {
  // The runner checks each test's warnings itself; printing them as process warnings is noise.
  const client = new Client({ ...target.options, onWarning: false });
  const runner = new StepRunner(client, new Stash(), REQUEST_TIMEOUT);
  const cleanup = { call: (api: string) => runner.method(api) };
  if (target.security)
    console.log(`secure node ${target.url}: ${await ensureTrialLicense(cleanup.call)}`);
  const baseline = await snapshot(cleanup, { security: target.security });
  return { target, client, runner, cleanup, baseline };
}

/** Connects to each target on first use, so a run without secure tests never touches that node. */
class Connections {
  readonly #open = new Map<Target, Promise<Connection>>();

  get(target: Target): Promise<Connection> {
    let connection = this.#open.get(target);
    if (!connection) {
      connection = connect(target);
      this.#open.set(target, connection);
    }
    return connection;
  }

  async close(): Promise<void> {
    for (const connection of this.#open.values()) await (await connection).client.close();
  }
}

type Placement = { target: Target } | { skip: string };

/** Where a test runs, or why it is skipped. */
function place(
  file: TestFile,
  key: string,
  test: string,
  lists: { skips: Map<string, string>; secure: Map<string, string> },
): Placement {
  if (file.requires?.stack === false) return { skip: 'requires stack: false (serverless only)' };
  const skip = skipReason(lists.skips, key, test);
  if (skip !== undefined) return { skip };
  const secureReason = skipReason(lists.secure, key, test);
  if (secureReason === undefined) return { target: singleTarget };
  if (secureTarget) return { target: secureTarget };
  return { skip: `${secureReason} ${secureTargetMissing}` };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const verbose = args.includes('--verbose');
  // --summary FILE: also write the totals as JSON (scripts/run-tests.mjs adds them to vitest's).
  const summaryAt = args.indexOf('--summary');
  const summaryFile = summaryAt >= 0 ? args.splice(summaryAt, 2)[1] : undefined;
  const targets = args.filter((a) => !a.startsWith('--'));
  const paths = targets.length ? targets : [DEFAULT_TESTS, OWN_TESTS];
  const missing = paths.find((t) => !existsSync(resolve(t)));
  if (missing !== undefined) {
    throw new TestPathMissing(
      `test path not found: ${missing} (give a directory or file of YAML REST tests)`,
    );
  }
  const files = paths.flatMap((t) =>
    collectFiles(resolve(t)).map((path) => ({ path, key: suitePath(path, resolve(t)) })),
  );
  const lists = { skips: loadTestList('skip-list.yaml'), secure: loadTestList('secure-node.yaml') };
  const connections = new Connections();
  const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
  const secureNote = secureTarget ? ` and ${secureTarget.url} (secure)` : ' (no secure node)';
  console.log(`YAML tests: ${files.length} files against ${singleTarget.url}${secureNote}`);
  for (const { path, key } of files) {
    const shown = relative(process.cwd(), path);
    let file: TestFile;
    try {
      file = loadFile(path);
    } catch (error) {
      totals.failed++;
      console.log(`FAIL ${shown}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const fileTotals: Totals = { passed: 0, failed: 0, skipped: 0 };
    const lines: string[] = [];
    const ranOn = new Set<string>();
    for (const test of file.tests) {
      const placement = place(file, key, test.name, lists);
      if ('skip' in placement) {
        fileTotals.skipped++;
        lines.push(`  SKIP ${test.name}: ${placement.skip}`);
        continue;
      }
      const { runner, cleanup, baseline } = await connections.get(placement.target);
      ranOn.add(placement.target.name);
      const started = Date.now();
      const outcome = await runTest(runner, file, test.steps);
      await restore(cleanup, baseline);
      if ('skipped' in outcome) {
        // Serverless-only, or excluded by its own `skip:`/`requires:` section.
        fileTotals.skipped++;
        lines.push(`  SKIP ${test.name}: ${outcome.skipped}`);
      } else if ('skip' in outcome) {
        // A test the runner cannot execute must be on the skip list: count it as a failure.
        fileTotals.failed++;
        lines.push(`  FAIL ${test.name}: not runnable (${outcome.skip}) and not on the skip list`);
      } else if (outcome.ok) {
        fileTotals.passed++;
        if (verbose) lines.push(`  PASS ${test.name} (${Date.now() - started} ms)`);
      } else {
        fileTotals.failed++;
        lines.push(`  FAIL ${test.name}: ${outcome.error}`);
      }
    }
    const status = fileTotals.failed > 0 ? 'FAIL' : fileTotals.passed > 0 ? 'PASS' : 'SKIP';
    const where = ranOn.has('secure') ? ' [secure]' : '';
    console.log(
      `${status}${where} ${shown}: ${fileTotals.passed} passed, ${fileTotals.failed} failed, ${fileTotals.skipped} skipped`,
    );
    for (const line of lines) console.log(line);
    totals.passed += fileTotals.passed;
    totals.failed += fileTotals.failed;
    totals.skipped += fileTotals.skipped;
  }
  await connections.close();
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  if (summaryFile) writeFileSync(summaryFile, JSON.stringify(totals));
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof TestPathMissing ? error.message : error);
  process.exitCode = 2;
});
