import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { secureNode, secureNodeMissing } from '../../support/cluster.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const PREFIX = `orm-mig-secure-${process.pid}-${Date.now()}`;
const STATE = `${PREFIX}-state`;
const MADE = `${PREFIX}-made`;

const missing =
  secureNodeMissing ??
  (secureNode?.caFile ? undefined : '(skipped: needs ELASTICSEARCH_SECURE_CA, the node CA file)');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let migrations: string;
let admin: Client;

/** `tsx src/cli/index.ts migrate ...` with exactly the ELASTICSEARCH_* variables given. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ELASTICSEARCH_')),
  );
  const argv = [join(ROOT, 'src/cli/index.ts'), 'migrate', ...args];
  argv.push('--dir', migrations, '--state-index', STATE);
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/tsx'), argv, {
      cwd: dir,
      env: { ...clean, NO_COLOR: '1', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.skipIf(missing)(`elastiq migrate against a secure node ${missing ?? ''}`, () => {
  const target = secureNode!;
  const url = target.url;
  const port = new URL(url).port;
  const credentials = () => ({
    ELASTICSEARCH_URL: url,
    ELASTICSEARCH_USERNAME: target.username!,
    ELASTICSEARCH_PASSWORD: target.password!,
    ELASTICSEARCH_CA: target.caFile!,
  });

  beforeAll(async () => {
    admin = new Client({
      node: url,
      auth: { username: target.username!, password: target.password! },
      tls: { ca: target.ca! },
    });
    dir = await mkdtemp(join(tmpdir(), 'orm-mig-secure-'));
    migrations = join(dir, 'migrations');
    await mkdir(migrations);
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(
      join(migrations, '20260101000000_make.mjs'),
      `export async function up(ctx) { await ctx.createIndex({ name: '${MADE}' }); }
export async function down(ctx) { await ctx.deleteIndex('${MADE}'); }
`,
    );
  });

  afterAll(async () => {
    await admin.indices.delete(
      { index: `${PREFIX}*`, expand_wildcards: 'all', allow_no_indices: true },
      { ignore: [404] },
    );
    await admin.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('up, status and down with the user, password and CA from the environment', async () => {
    const up = await cli(credentials(), 'up');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('Applied 1:');
    expect(up.stderr).toContain(
      `Cluster: https://127.0.0.1:${port} (from ELASTICSEARCH_URL), user ${target.username} (from ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD), CA ${target.caFile} (from ELASTICSEARCH_CA)`,
    );
    expect(up.stderr).not.toContain(target.password!);
    expect(up.stderr).not.toContain('warning');
    expect(await admin.indices.existsAlias({ name: MADE })).toBe(true);

    const status = await cli(credentials(), 'status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^applied {2}20260101000000_make/m);

    const down = await cli(credentials(), 'down');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('Reverted 1: 20260101000000_make');
    expect(await admin.indices.existsAlias({ name: MADE })).toBe(false);
  });

  it('the CA can come from --ca', async () => {
    const { ELASTICSEARCH_CA: ca, ...rest } = credentials();
    const status = await cli(rest, 'status', '--ca', ca);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain(`CA ${ca} (from --ca)`);
  });

  it('without the CA the node is not trusted, and without the password it refuses', async () => {
    const { ELASTICSEARCH_CA: _, ...noCa } = credentials();
    const untrusted = await cli(noCa, 'status');
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/certificate/i);
    const noAuth = await cli(
      { ELASTICSEARCH_URL: url, ELASTICSEARCH_CA: target.caFile! },
      'status',
    );
    expect(noAuth.code).toBe(1);
    expect(noAuth.stderr).toMatch(/401|security_exception|unable to authenticate/i);
  });

  it('an API key from ELASTICSEARCH_API_KEY', async () => {
    const key = await admin.transport.request<{ id: string; encoded: string }>({
      method: 'POST',
      path: '/_security/api_key',
      body: { name: `${PREFIX}-key`, expiration: '1h' },
    });
    try {
      const status = await cli(
        {
          ELASTICSEARCH_URL: url,
          ELASTICSEARCH_CA: target.caFile!,
          ELASTICSEARCH_API_KEY: key.encoded,
        },
        'status',
      );
      expect(status.code, status.stderr).toBe(0);
      expect(status.stderr).toContain('API key (from ELASTICSEARCH_API_KEY)');
      expect(status.stderr).not.toContain(key.encoded);
    } finally {
      await admin.transport.request({
        method: 'DELETE',
        path: '/_security/api_key',
        body: { ids: [key.id] },
      });
    }
  });

  it('credentials in --url work, with a warning naming the variables, and are never printed', async () => {
    const withCredentials = new URL(url);
    withCredentials.username = target.username!;
    withCredentials.password = target.password!;
    const status = await cli(
      { ELASTICSEARCH_CA: target.caFile! },
      'status',
      '--url',
      withCredentials.href,
    );
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toContain(
      'warning: the password in --url is visible to other users (ps) and kept in shell history; set ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD',
    );
    expect(status.stderr).toContain(`Cluster: https://127.0.0.1:${port} (from --url)`);
    expect(status.stderr + status.stdout).not.toContain(target.password!);
  });
});
