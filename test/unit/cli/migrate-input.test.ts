import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MIGRATE_USAGE, runMigrate } from '../../../src/cli/migrate.js';
import { Client } from '../../../src/core/client.js';
import { listMigrationFiles } from '../../../src/orm/migrations/migration-files.js';
import { Migrator } from '../../../src/orm/migrations/migrator.js';
import {
  type Stub,
  type StubRequest,
  sendJson,
  startStub,
  testCertificates,
} from '../../support/stub-server.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

// Nothing listens there: a command that reached the cluster would fail with ELASTIQ_CONNECTION.
const NOWHERE = 'http://127.0.0.1:1';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orm-mig-cli-input-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a migrations folder that is missing or holds no migration', () => {
  it('listMigrationFiles refuses a missing folder, naming the resolved path and how to start', async () => {
    const error = await listMigrationFiles(join(dir, 'migratoins')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_NO_MIGRATIONS' });
    expect((error as Error).message).toContain(
      `No migrations folder at ${join(dir, 'migratoins')}`,
    );
    expect((error as Error).message).toContain('elastiq migrate create <description>');
  });

  it('listMigrationFiles refuses a folder without migration files, unless asked to allow it', async () => {
    await writeFile(join(dir, 'README.md'), '# notes');
    const error = await listMigrationFiles(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ORM_NO_MIGRATIONS' });
    expect((error as Error).message).toContain(`No migration files in ${dir}`);
    expect(await listMigrationFiles(dir, { allowEmpty: true })).toEqual([]);
  });

  it('the library Migrator refuses it too', async () => {
    const client = new Client({ node: NOWHERE, maxRetries: 0 });
    try {
      const migrator = new Migrator({ client, dir: join(dir, 'nope') });
      await expect(migrator.up({ dryRun: true })).rejects.toMatchObject({
        code: 'ORM_NO_MIGRATIONS',
      });
    } finally {
      await client.close();
    }
  });

  it.each(['up', 'down', 'status'])(
    '%s of a misspelt folder exits 1 with ORM_NO_MIGRATIONS before reaching the cluster',
    async (command) => {
      const { io, out, err } = capture();
      const missing = join(dir, 'migratoins');
      expect(await runMigrate([command, '--dir', missing, '--url', NOWHERE], io)).toBe(1);
      expect(err.join('\n')).toContain(`No migrations folder at ${missing}`);
      expect(err.join('\n')).toContain('[ORM_NO_MIGRATIONS]');
      expect(out.join('\n')).not.toContain('Nothing to apply');
    },
  );

  it('up of an empty folder exits 1 with ORM_NO_MIGRATIONS', async () => {
    const empty = join(dir, 'migrations');
    await mkdir(empty);
    const { io, err } = capture();
    expect(await runMigrate(['up', '--dir', empty, '--url', NOWHERE], io)).toBe(1);
    expect(err.join('\n')).toContain(`No migration files in ${empty}`);
  });

  it('create still makes a missing folder and writes the first migration there', async () => {
    const fresh = join(dir, 'new', 'migrations');
    const { io, out } = capture();
    expect(await runMigrate(['create', 'first', '--dir', fresh], io)).toBe(0);
    expect(out.join('')).toContain(join(fresh, ''));
  });
});

describe('flags of each migrate subcommand', () => {
  async function usageError(argv: string[]): Promise<string> {
    const { io, err } = capture();
    // The flags under test come last, so that they win over these.
    expect(await runMigrate(['--dir', dir, '--url', NOWHERE, ...argv], io)).toBe(2);
    const text = err.join('\n');
    expect(text).toContain('[ELASTIQ_MIGRATE_USAGE]');
    return text;
  }

  it.each([
    [['down', '--steps', 'x'], "--steps must be a positive integer, not 'x'"],
    [['down', '--steps', '1.5'], "--steps must be a positive integer, not '1.5'"],
    [['down', '--steps', ''], "--steps must be a positive integer, not ''"],
    [['up', '--lock-age', 'soon'], "--lock-age must be a positive integer, not 'soon'"],
    [['down', '--lock-age', '0'], "--lock-age must be a positive integer, not '0'"],
    [['generate', '--lang', 'py'], "--lang must be ts, js or mjs, not 'py'"],
    [['up', '--to', ''], '--to needs a migration name or timestamp'],
    [
      ['status', '--url', 'localhost:9200'],
      '--url must be an http:// or https:// URL such as http://127.0.0.1:9200; it has the scheme localhost: (not shown: it may hold a credential)',
    ],
    [
      ['status', '--url', 'http://elastic:PASS789'],
      '--url must be an http:// or https:// URL such as http://127.0.0.1:9200; it does not parse as a URL (not shown: it may hold a credential)',
    ],
    [['status', '--state-index', ''], '--state-index needs an index name'],
  ])('%j is refused: %s', async (argv, message) => {
    expect(await usageError(argv)).toContain(message);
  });

  it.each([
    [['up', '--steps', '2'], '--steps is an option of down, not of up'],
    [['status', '--steps', 'x'], '--steps is an option of down, not of status'],
    [['down', '--to', '2026'], '--to is an option of up, not of down'],
    [['status', '--dry-run'], '--dry-run is an option of up, not of status'],
    [['up', '--models', 'm.ts'], '--models is an option of generate, not of up'],
    [['status', '--lang', 'js'], '--lang is an option of create and generate, not of status'],
    [['status', '--force-unlock'], '--force-unlock is an option of up and down, not of status'],
    [['unlock', '--lock-age', '60'], '--lock-age is an option of up and down, not of unlock'],
  ])('%j is refused rather than ignored: %s', async (argv, message) => {
    expect(await usageError(argv)).toContain(message);
  });

  it.each([
    [['up', '--stpes', '2'], "Unknown option '--stpes'; did you mean --steps?"],
    [['up', '--dry_run'], "Unknown option '--dry_run'; did you mean --dry-run?"],
    [['status', '--state-idx', 'x'], "Unknown option '--state-idx'; did you mean --state-index?"],
    [['up', '--password', 'secret'], "Unknown option '--password'"],
  ])('an unknown flag %j names the nearest known one', async (argv, message) => {
    expect(await usageError(argv)).toContain(message);
  });

  it('a flag without its value is a usage error naming the flag', async () => {
    expect(await usageError(['down', '--steps'])).toContain('--steps');
  });

  it('a command line error is found before the folder is looked at', async () => {
    const { io, err } = capture();
    const argv = ['down', '--steps', 'x', '--dir', join(dir, 'missing'), '--url', NOWHERE];
    expect(await runMigrate(argv, io)).toBe(2);
    expect(err.join('\n')).not.toContain('ORM_NO_MIGRATIONS');
  });
});

describe('the cluster migrate acts on, and its credentials', () => {
  // No credential or cluster of the environment the tests run in leaks into these.
  const VARS = [
    'ELASTICSEARCH_URL',
    'ELASTICSEARCH_USERNAME',
    'ELASTICSEARCH_PASSWORD',
    'ELASTICSEARCH_API_KEY',
    'ELASTICSEARCH_CA',
  ];
  let stub: Stub | undefined;
  let migrations: string;

  beforeEach(async () => {
    for (const name of VARS) vi.stubEnv(name, '');
    migrations = join(dir, 'migrations');
    await mkdir(migrations);
    await writeFile(join(migrations, '20260101000000_a.mjs'), 'export async function up() {}\n');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await stub?.close();
    stub = undefined;
  });

  // An empty cluster: no state index.
  const emptyCluster = (request: StubRequest, response: Parameters<typeof sendJson>[0]) => {
    if (request.method === 'HEAD') sendJson(response, 404, '');
    else sendJson(response, 404, { error: { type: 'index_not_found_exception' }, status: 404 });
  };

  async function status(...flags: string[]) {
    const { io, out, err } = capture();
    const code = await runMigrate(['status', '--dir', migrations, ...flags], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('prints the cluster on stderr, and where it came from: --url', async () => {
    stub = await startStub(emptyCluster);
    const result = await status('--url', `${stub.url}/`);
    expect(result.code).toBe(0);
    expect(result.err).toContain(`Cluster: http://127.0.0.1:${stub.port} (from --url)`);
  });

  it('prints the cluster: ELASTICSEARCH_URL, and the default', async () => {
    stub = await startStub(emptyCluster);
    vi.stubEnv('ELASTICSEARCH_URL', stub.url);
    expect((await status()).err).toContain(
      `Cluster: http://127.0.0.1:${stub.port} (from ELASTICSEARCH_URL)`,
    );
    vi.stubEnv('ELASTICSEARCH_URL', '');
    // Nothing may listen there: only the line printed before the first request matters.
    expect((await status('--quiet')).err).not.toContain('Cluster:');
    expect((await status()).err).toContain('Cluster: http://127.0.0.1:9200 (default)');
  });

  it('takes a user and password from ELASTICSEARCH_USERNAME / ELASTICSEARCH_PASSWORD', async () => {
    stub = await startStub(emptyCluster);
    vi.stubEnv('ELASTICSEARCH_USERNAME', 'deployer');
    vi.stubEnv('ELASTICSEARCH_PASSWORD', 's3cret');
    const result = await status('--url', stub.url);
    expect(result.code).toBe(0);
    const basic = `Basic ${Buffer.from('deployer:s3cret').toString('base64')}`;
    expect(stub.requests.map((r) => r.headers.authorization)).toContain(basic);
    expect(stub.requests.every((r) => r.headers.authorization === basic)).toBe(true);
    expect(result.err).toContain(
      'user deployer (from ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD)',
    );
    expect(result.err).not.toContain('s3cret');
    expect(result.err).not.toContain('visible');
  });

  it('takes an API key from ELASTICSEARCH_API_KEY, quietly, and from --api-key with a warning', async () => {
    stub = await startStub(emptyCluster);
    vi.stubEnv('ELASTICSEARCH_API_KEY', 'a2V5OnNlY3JldA==');
    const fromEnv = await status('--url', stub.url);
    expect(fromEnv.code).toBe(0);
    expect(stub.requests[0]?.headers.authorization).toBe('ApiKey a2V5OnNlY3JldA==');
    expect(fromEnv.err).toContain('API key (from ELASTICSEARCH_API_KEY)');
    expect(fromEnv.err).not.toContain('a2V5OnNlY3JldA==');
    expect(fromEnv.err).not.toContain('visible');
    vi.stubEnv('ELASTICSEARCH_API_KEY', '');
    const fromFlag = await status('--url', stub.url, '--api-key', 'ZmxhZzprZXk=');
    expect(fromFlag.code).toBe(0);
    expect(stub.requests.at(-1)?.headers.authorization).toBe('ApiKey ZmxhZzprZXk=');
    expect(fromFlag.err).toContain(
      '--api-key is visible to other users (ps) and kept in shell history',
    );
    expect(fromFlag.err).toContain('ELASTICSEARCH_API_KEY');
    expect(fromFlag.err).not.toContain('ZmxhZzprZXk=');
  });

  it('warns when --url carries credentials, and never prints them', async () => {
    stub = await startStub(emptyCluster);
    const result = await status('--url', `http://ops:hunter2@127.0.0.1:${stub.port}`);
    expect(result.code).toBe(0);
    expect(stub.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('ops:hunter2').toString('base64')}`,
    );
    expect(result.err).toContain(
      'warning: the password in --url is visible to other users (ps) and kept in shell history',
    );
    expect(result.err).toContain('ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD');
    expect(result.err).toContain(`Cluster: http://127.0.0.1:${stub.port} (from --url)`);
    expect(result.err).not.toContain('hunter2');
  });

  it('verifies an https cluster with the CA of --ca or ELASTICSEARCH_CA', async () => {
    const certs = testCertificates();
    stub = await startStub(emptyCluster, { tls: { key: certs.key, cert: certs.cert } });
    const ca = join(dir, 'ca.crt');
    await writeFile(ca, certs.caCert);
    const url = `https://127.0.0.1:${stub.port}`;
    const withFlag = await status('--url', url, '--ca', ca);
    expect(withFlag.code, withFlag.err).toBe(0);
    expect(withFlag.err).toContain(`Cluster: ${url} (from --url), CA ${ca} (from --ca)`);
    vi.stubEnv('ELASTICSEARCH_CA', ca);
    expect((await status('--url', url)).code).toBe(0);
    vi.stubEnv('ELASTICSEARCH_CA', '');
    // Without the CA the node's certificate is not trusted.
    expect((await status('--url', url)).code).toBe(1);
  });

  it.each([
    [['--ca', '/nowhere/ca.crt'], {}, '--ca: no file at /nowhere/ca.crt'],
    [[], { ELASTICSEARCH_CA: '/nowhere/ca.crt' }, 'ELASTICSEARCH_CA: no file at /nowhere/ca.crt'],
    [
      [],
      { ELASTICSEARCH_PASSWORD: 'x' },
      'ELASTICSEARCH_PASSWORD is set but ELASTICSEARCH_USERNAME is not',
    ],
    [
      [],
      { ELASTICSEARCH_USERNAME: 'x' },
      'ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is not',
    ],
    [
      ['--api-key', 'k'],
      { ELASTICSEARCH_USERNAME: 'u', ELASTICSEARCH_PASSWORD: 'p' },
      'Credentials from both ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD and --api-key',
    ],
    [
      [],
      { ELASTICSEARCH_URL: 'localhost:9200' },
      'ELASTICSEARCH_URL must be an http:// or https:// URL',
    ],
  ])('%j with %j is a usage error: %s', async (flags, env, message) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const url = 'ELASTICSEARCH_URL' in env ? [] : ['--url', NOWHERE];
    const result = await status(...url, ...flags);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('[ELASTIQ_MIGRATE_USAGE]');
  });

  it('a PEM CA is checked to be one', async () => {
    const notPem = join(dir, 'ca.txt');
    await writeFile(notPem, 'hello');
    const result = await status('--url', NOWHERE, '--ca', notPem);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--ca: ${notPem} holds no PEM certificate`);
  });

  it('has no --password flag, and documents the environment variables', async () => {
    expect(MIGRATE_USAGE).not.toContain('--password');
    for (const name of VARS) expect(MIGRATE_USAGE).toContain(name);
    expect(MIGRATE_USAGE).toContain('--ca <file>');
  });
});
