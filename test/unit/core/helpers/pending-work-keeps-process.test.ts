// A script whose only pending work is a part-filled msearch or bulk batch waiting for its flush
// timer must not exit before the batch is sent: the timer keeps the process alive.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Stub, sendJson, startStub } from '../../../support/stub-server.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TSX_LOADER = join(ROOT, 'node_modules/tsx/dist/loader.mjs');
const CORE = join(ROOT, 'src/core/index.ts');

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** Runs `body` (an async function body given `client`) in a child node process; its exit code and output. */
function runScript(body: string, url: string): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(ROOT, 'node_modules/.cache-keepalive-'));
  const file = join(dir, 'script.mts');
  writeFileSync(
    file,
    `import { Client } from ${JSON.stringify(CORE)};\n` +
      `const client = new Client({ node: ${JSON.stringify(url)} });\n${body}\n`,
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', `file://${TSX_LOADER}`, file], {
      cwd: ROOT,
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out });
    });
  });
}

describe('a pending flush keeps the process alive', () => {
  it('msearch: one search waiting for flushInterval is sent and answered before the script ends', async () => {
    stub = await startStub((_req, res) =>
      sendJson(res, 200, { responses: [{ status: 200, hits: { hits: [] } }] }),
    );
    const result = await runScript(
      `const m = client.helpers.msearch({ flushInterval: 200 });
const res = await m.search({ index: 'x' }, { query: { match_all: {} } });
console.log('answered', JSON.stringify(res.body?.hits ?? res.hits ?? res));
m.stop();
await client.close();`,
      stub.url,
    );
    expect(result.out).toContain('answered');
    expect(result.code).toBe(0);
    expect(stub.requests.map((r) => r.path)).toEqual(['/_msearch']);
  }, 60_000);

  it('bulk: a part-filled batch of a source that then stalls is still sent by flushInterval', async () => {
    stub = await startStub((_req, res) =>
      sendJson(res, 200, { errors: false, items: [{ index: { status: 201, _id: '1' } }] }),
    );
    await runScript(
      `async function* source() { yield { n: 1 }; await new Promise(() => {}); }
void client.helpers.bulk({ datasource: source(), onDocument: () => ({ index: { _index: 'x' } }), flushInterval: 200 });`,
      stub.url,
    );
    expect(stub.requests.map((r) => r.path)).toEqual(['/_bulk']);
  }, 60_000);
});
