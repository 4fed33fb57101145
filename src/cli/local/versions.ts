import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Engine } from './engines.js';
import { scratchName, singleFlight } from './single-flight.js';

export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The repository to download from: `ELASTIQ_MAVEN_REPOSITORY` (a mirror) or Maven Central. */
export function mavenRepository(env: NodeJS.ProcessEnv = process.env): string {
  return (env.ELASTIQ_MAVEN_REPOSITORY || MAVEN_CENTRAL).replace(/\/+$/, '');
}

export function artifactUrl(repository: string, engine: Engine, version: string): string {
  const base = `${repository}/${engine.groupPath}/${engine.artifactId}`;
  return `${base}/${version}/${engine.artifactId}-${version}.zip`;
}

export function metadataUrl(repository: string, engine: Engine): string {
  return `${repository}/${engine.groupPath}/${engine.artifactId}/maven-metadata.xml`;
}

type Triple = readonly [number, number, number];

export function parseVersion(version: string): Triple | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a) ?? [0, 0, 0];
  const pb = parseVersion(b) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] as number) - (pb[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** Release versions (x.y.z only) listed in a maven-metadata.xml document. */
export function parseMetadataVersions(xml: string): string[] {
  const versions = [...xml.matchAll(/<version>([^<]+)<\/version>/g)].map((m) => m[1] as string);
  return versions.filter((v) => parseVersion(v) !== undefined);
}

/**
 * Versions that may be newer than `floor` in the same major: later patches of its minor and the
 * first patches of the next minors. Maven Central's metadata for Elasticsearch stops at 8.x and
 * releases are published with gaps, so the newest one can only be found by asking for each file.
 */
export function candidateVersions(floor: string, patches = 6, minors = 3): string[] {
  const parsed = parseVersion(floor);
  if (!parsed) return [];
  const [major, minor, patch] = parsed;
  const out: string[] = [];
  for (let p = patch + 1; p <= patch + patches; p++) out.push(`${major}.${minor}.${p}`);
  for (let m = minor + 1; m <= minor + minors; m++) {
    for (let p = 0; p <= patches; p++) out.push(`${major}.${m}.${p}`);
  }
  return out;
}

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface ResolveOptions {
  readonly engine: Engine;
  readonly repository: string;
  readonly cacheFile: string;
  readonly fetch?: FetchLike;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

interface VersionCache {
  [engine: string]: { checkedAt: number; newest: string } | undefined;
}

async function readCache(file: string): Promise<VersionCache> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as VersionCache;
  } catch {
    return {};
  }
}

async function isServed(fetchImpl: FetchLike, url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetchImpl(url, {
      method: 'HEAD',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function metadataVersions(options: ResolveOptions, fetchImpl: FetchLike): Promise<string[]> {
  try {
    const response = await fetchImpl(metadataUrl(options.repository, options.engine), {
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    return response.ok ? parseMetadataVersions(await response.text()) : [];
  } catch {
    return [];
  }
}

/** Newest version among `versions` whose major is `major`, or undefined. */
function newestInMajor(versions: readonly string[], major: number): string | undefined {
  const same = versions.filter((v) => parseVersion(v)?.[0] === major);
  return same.sort(compareVersions).at(-1);
}

/**
 * The newest release in the known-good version's major line that the repository serves, probed
 * with parallel HEAD requests and remembered for a day; the known-good version when offline.
 */
export function newestServedVersion(options: ResolveOptions): Promise<string> {
  // Clusters started at once (with-cluster) share one probe: separate ones tripled the requests
  // and, with a HEAD timing out in one of them, could pick different versions.
  return singleFlight(`versions:${options.cacheFile}:${options.engine.name}`, () =>
    probeNewest(options),
  );
}

async function probeNewest(options: ResolveOptions): Promise<string> {
  const { engine, cacheFile } = options;
  const now = options.now ?? Date.now;
  const cache = await readCache(cacheFile);
  const cached = cache[engine.name];
  if (cached && now() - cached.checkedAt < DAY_MS) return cached.newest;

  const fetchImpl = options.fetch ?? fetch;
  const major = parseVersion(engine.knownGood)?.[0] ?? 0;
  const listed = newestInMajor(await metadataVersions(options, fetchImpl), major);
  const floor = [engine.knownGood, listed ?? engine.knownGood].sort(compareVersions).at(-1)!;
  const candidates = candidateVersions(floor);
  const timeoutMs = options.timeoutMs ?? 5000;
  const served = await Promise.all(
    candidates.map((v) =>
      isServed(fetchImpl, artifactUrl(options.repository, engine, v), timeoutMs),
    ),
  );
  const newest = [floor, ...candidates.filter((_, i) => served[i])].sort(compareVersions).at(-1)!;
  cache[engine.name] = { checkedAt: now(), newest };
  await mkdir(dirname(cacheFile), { recursive: true });
  // Written aside and renamed: another process never reads half a file.
  const partial = scratchName(cacheFile, 'tmp');
  await writeFile(partial, `${JSON.stringify(cache, null, 2)}\n`);
  await rename(partial, cacheFile);
  return newest;
}

/**
 * Turns what the user asked for into an exact version: nothing or `latest` means the newest
 * served in the default major line; `8` or `8.19` means the newest listed release of that line;
 * `x.y.z` is taken as it is.
 */
export async function resolveVersion(
  requested: string | undefined,
  options: ResolveOptions,
): Promise<string> {
  if (requested === undefined || requested === 'latest') return newestServedVersion(options);
  if (parseVersion(requested)) return requested;
  const prefix = /^\d+(\.\d+)?$/.test(requested) ? `${requested}.` : undefined;
  if (!prefix) return requested;
  const defaultLine = await newestServedVersion(options);
  const listed = await metadataVersions(options, options.fetch ?? fetch);
  const matching = [...listed, defaultLine].filter((v) => v.startsWith(prefix));
  return matching.sort(compareVersions).at(-1) ?? requested;
}
