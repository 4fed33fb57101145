import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, obtainDistribution } from '../../../src/cli/local/download.js';
import { ELASTICSEARCH } from '../../../src/cli/local/engines.js';
import type { Reporter } from '../../../src/cli/local/progress.js';

const BODY = Buffer.alloc(256 * 1024, 7);
const SHA1 = createHash('sha1').update(BODY).digest('hex');

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/good.zip' || url === '/bad-sum.zip') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.end(BODY);
    } else if (url === '/good.zip.sha1') {
      res.end(`${SHA1}  good.zip\n`);
    } else if (url === '/bad-sum.zip.sha1') {
      res.end('0000000000000000000000000000000000000000');
    } else if (url === '/short.zip') {
      res.writeHead(200, { 'content-length': BODY.length });
      // A connection cut short: fewer bytes than announced, then the socket closes.
      res.write(BODY.subarray(0, 1000), () => res.destroy());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function recordingReporter() {
  const seen: [number, number | undefined][] = [];
  const reporter: Reporter = {
    info() {},
    progress(_label, received, total) {
      seen.push([received, total]);
    },
    progressDone() {},
  };
  return { reporter, seen };
}

async function target(name: string): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'elastiq-download-')), name);
}

describe('downloadFile', () => {
  it('writes the file, reports progress up to the full length and checks the SHA-1', async () => {
    const dest = await target('good.zip');
    const { reporter, seen } = recordingReporter();
    await downloadFile({ url: `${base}/good.zip`, dest, label: 'good.zip', reporter });
    expect((await readFile(dest)).equals(BODY)).toBe(true);
    expect(seen.at(-1)).toEqual([BODY.length, BODY.length]);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('rejects a file whose SHA-1 differs from the published one and keeps nothing', async () => {
    const dest = await target('bad-sum.zip');
    const { reporter } = recordingReporter();
    await expect(
      downloadFile({ url: `${base}/bad-sum.zip`, dest, label: 'x', reporter }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_CHECKSUM_MISMATCH' });
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(`${dest}.part`)).toBe(false);
  });

  it('reports a version the repository does not serve as not found', async () => {
    const { reporter } = recordingReporter();
    await expect(
      downloadFile({
        url: `${base}/missing.zip`,
        dest: await target('m.zip'),
        label: 'x',
        reporter,
      }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_VERSION_NOT_FOUND' });
  });

  it('treats a body shorter than its content-length as a failed download', async () => {
    const dest = await target('short.zip');
    const { reporter } = recordingReporter();
    await expect(
      downloadFile({ url: `${base}/short.zip`, dest, label: 'x', reporter }),
    ).rejects.toMatchObject({ code: 'ELASTIQ_LOCAL_DOWNLOAD_FAILED' });
    expect(existsSync(dest)).toBe(false);
  });
});

describe('obtainDistribution', () => {
  it('shares one download between clusters started at once', async () => {
    const zipPath = `/${ELASTICSEARCH.groupPath}/${ELASTICSEARCH.artifactId}/9.9.9/${ELASTICSEARCH.artifactId}-9.9.9.zip`;
    let zipRequests = 0;
    const fetchCounting = (url: string | URL | Request) => {
      const path = new URL(String(url)).pathname;
      if (path.endsWith(zipPath)) {
        zipRequests++;
        return fetch(`${base}/good.zip`);
      }
      return fetch(`${base}/missing`);
    };
    const downloads = await mkdtemp(join(tmpdir(), 'elastiq-downloads-'));
    const options = {
      engine: ELASTICSEARCH,
      version: '9.9.9',
      repository: 'http://127.0.0.1:9/maven2',
      downloads,
      reporter: recordingReporter().reporter,
      fetch: fetchCounting as typeof fetch,
    };
    const files = await Promise.all([1, 2, 3].map(() => obtainDistribution(options)));
    expect(new Set(files).size).toBe(1);
    expect(zipRequests).toBe(1);
    expect(await readFile(files[0]!)).toEqual(BODY);
  });

  it('removes the partial download an interrupted run left, and keeps those still being written', async () => {
    const downloads = await mkdtemp(join(tmpdir(), 'elastiq-downloads-'));
    const zip = join(downloads, 'elasticsearch-9.9.8.zip');
    // A PID that was in use and is gone now, like that of a download killed by Ctrl-C.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = `${zip}.part-${gone}-abcdefgh`;
    const live = `${zip}.part-${process.pid}-ijklmnop`;
    await writeFile(stale, 'half a zip');
    await writeFile(live, 'being written');
    const file = await obtainDistribution({
      engine: ELASTICSEARCH,
      version: '9.9.8',
      repository: 'http://127.0.0.1:9/maven2',
      downloads,
      reporter: recordingReporter().reporter,
      fetch: ((url: string) =>
        fetch(url.endsWith('.zip') ? `${base}/good.zip` : `${base}/missing`)) as typeof fetch,
    });
    expect(await readFile(file)).toEqual(BODY);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
