import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalError } from '../errors.js';
import type { Engine } from './engines.js';
import type { Reporter } from './progress.js';
import { removeStaleScratch, scratchName, singleFlight } from './single-flight.js';
import { artifactUrl, type FetchLike } from './versions.js';

export interface DownloadOptions {
  readonly url: string;
  readonly dest: string;
  readonly label: string;
  readonly reporter: Reporter;
  readonly fetch?: FetchLike;
}

/** Fetches the `.sha1` Maven publishes beside a file, or undefined when there is none. */
export async function fetchSha1(
  url: string,
  fetchImpl: FetchLike = fetch,
): Promise<string | undefined> {
  try {
    const response = await fetchImpl(`${url}.sha1`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return undefined;
    return /^[0-9a-f]{40}/i.exec((await response.text()).trim())?.[0]?.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Streams `url` to `dest` (through a `.part` file, so a broken download is never taken for a
 * finished one), reporting progress and checking the length and, when published, the SHA-1.
 */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const fetchImpl = options.fetch ?? fetch;
  const response = await fetchImpl(options.url).catch((cause: unknown) => {
    throw new LocalError(
      'ELASTIQ_LOCAL_DOWNLOAD_FAILED',
      `Could not reach ${options.url}: ${(cause as Error).message}`,
      { cause },
    );
  });
  if (response.status === 404) {
    throw new LocalError('ELASTIQ_LOCAL_VERSION_NOT_FOUND', `Not served (404): ${options.url}`);
  }
  if (!response.ok || !response.body) {
    throw new LocalError(
      'ELASTIQ_LOCAL_DOWNLOAD_FAILED',
      `Download of ${options.url} failed with HTTP ${response.status}`,
    );
  }
  const total = Number(response.headers.get('content-length')) || undefined;
  const hash = createHash('sha1');
  let received = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      options.reporter.progress(options.label, received, total);
      done(null, chunk);
    },
  });
  const part = scratchName(options.dest, 'part');
  try {
    await pipeline(Readable.fromWeb(response.body as never), meter, createWriteStream(part));
  } catch (cause) {
    await rm(part, { force: true });
    throw new LocalError(
      'ELASTIQ_LOCAL_DOWNLOAD_FAILED',
      `Download of ${options.url} broke off after ${received} bytes: ${(cause as Error).message}`,
      { cause },
    );
  } finally {
    options.reporter.progressDone(options.label);
  }
  await verify(options, part, received, total, hash.digest('hex'), fetchImpl);
  await rename(part, options.dest);
}

async function verify(
  options: DownloadOptions,
  part: string,
  received: number,
  total: number | undefined,
  actual: string,
  fetchImpl: FetchLike,
): Promise<void> {
  if (total !== undefined && received !== total) {
    await rm(part, { force: true });
    throw new LocalError(
      'ELASTIQ_LOCAL_DOWNLOAD_FAILED',
      `Download of ${options.url} is truncated: ${received} of ${total} bytes`,
    );
  }
  const expected = await fetchSha1(options.url, fetchImpl);
  if (expected !== undefined && expected !== actual) {
    await rm(part, { force: true });
    throw new LocalError(
      'ELASTIQ_LOCAL_CHECKSUM_MISMATCH',
      `SHA-1 of ${options.url} is ${actual}, the repository says ${expected}; try again`,
    );
  }
}

function run(command: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e) => resolve({ code: -1, output: e.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** The same artifact through `mvn dependency:get`, for machines where only Maven's settings reach a repository. */
export async function downloadWithMaven(
  engine: Engine,
  version: string,
  dest: string,
): Promise<void> {
  const repo = await mkdtemp(`${dest}.m2-`);
  try {
    const group = engine.groupPath.replaceAll('/', '.');
    const { code, output } = await run('mvn', [
      '-q',
      '-B',
      'dependency:get',
      `-Dartifact=${group}:${engine.artifactId}:${version}:zip`,
      '-Dtransitive=false',
      `-Dmaven.repo.local=${repo}`,
    ]);
    const file = join(
      repo,
      engine.groupPath,
      engine.artifactId,
      version,
      `${engine.artifactId}-${version}.zip`,
    );
    if (code !== 0 || !(await stat(file).catch(() => undefined))) {
      throw new LocalError(
        'ELASTIQ_LOCAL_DOWNLOAD_FAILED',
        `mvn dependency:get failed (exit ${code}): ${output.trim().split('\n').slice(-5).join('\n')}`,
      );
    }
    const part = scratchName(dest, 'part');
    await copyFile(file, part);
    await rename(part, dest);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

export interface ObtainOptions {
  readonly engine: Engine;
  readonly version: string;
  readonly repository: string;
  readonly downloads: string;
  readonly reporter: Reporter;
  readonly fetch?: FetchLike;
}

/**
 * The path of the distribution zip, downloaded once into the cache: over HTTPS first, then with
 * Maven when HTTPS cannot reach the repository (a 404 is final: that version is not served).
 */
export function obtainDistribution(options: ObtainOptions): Promise<string> {
  const file = join(options.downloads, `${options.engine.artifactId}-${options.version}.zip`);
  return singleFlight(file, () => obtainOnce(options, file));
}

async function obtainOnce(options: ObtainOptions, file: string): Promise<string> {
  const { engine, version } = options;
  if (await stat(file).catch(() => undefined)) return file;
  await mkdir(options.downloads, { recursive: true });
  await removeStaleScratch(file, 'part');
  const url = artifactUrl(options.repository, engine, version);
  options.reporter.info(`Downloading ${url}`);
  try {
    await downloadFile({
      url,
      dest: file,
      label: `${engine.artifactId}-${version}.zip`,
      reporter: options.reporter,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  } catch (error) {
    if (!(error instanceof LocalError) || error.code !== 'ELASTIQ_LOCAL_DOWNLOAD_FAILED') {
      throw error;
    }
    options.reporter.info(`${error.message}\nTrying mvn dependency:get instead`);
    await downloadWithMaven(engine, version, file);
  }
  return file;
}
