// The `skip:` and `requires:` sections of the Elasticsearch YAML REST format: whether a test
// runs against this server and runner, and if not, why.

/** Features of the `skip`/`requires` sections this runner implements (the warning options are checked by warnings.ts). */
export const SUPPORTED_FEATURES: ReadonlySet<string> = new Set([
  'allowed_warnings',
  'allowed_warnings_regex',
  'warnings',
  'warnings_regex',
  'headers',
  'contains',
  'stash_in_path',
  'stash_in_key',
  'stash_path_replace',
  'default_shards',
  'catch_unauthorized',
]);

type Version = readonly [number, number, number];

/** An inclusive version range; an open end is undefined. */
export interface VersionRange {
  readonly from: Version | undefined;
  readonly to: Version | undefined;
}

/** What a skip decision needs to know about the server. */
export interface ServerFacts {
  /** The node's version, e.g. `9.5.4` (a `-SNAPSHOT` suffix is ignored). */
  readonly version: string;
}

export class InvalidSkipSection extends Error {}

function parseVersion(text: string, source: string): Version {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!match) throw new InvalidSkipSection(`invalid version '${text}' in '${source}'`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Parses a `version` condition: `all`, `"8.0.0 - 8.9.99"`, open ends (`" - 8.1.99"`,
 * `"8.2.0 - "`) and comma-separated lists of those.
 */
export function parseVersionRanges(text: string): VersionRange[] {
  return text.split(',').map((part) => {
    const trimmed = part.trim();
    if (trimmed.toLowerCase() === 'all') return { from: undefined, to: undefined };
    // As Elasticsearch's own runner: one `-` separates the ends; a version alone is a range of one.
    const ends = trimmed.split('-');
    if (ends.length > 2) throw new InvalidSkipSection(`invalid version range '${trimmed}'`);
    const [left, right] = ends.length === 2 ? ends : [trimmed, trimmed];
    const from = left!.trim() === '' ? undefined : parseVersion(left!, text);
    const to = right!.trim() === '' ? undefined : parseVersion(right!, text);
    if (from && to && compare(from, to) > 0) {
      throw new InvalidSkipSection(`version range '${trimmed}' ends before it starts`);
    }
    return { from, to };
  });
}

/** Whether `version` lies in any of the ranges. */
export function versionInRanges(version: string, ranges: readonly VersionRange[]): boolean {
  // A server's `-SNAPSHOT` build compares as its release.
  const v = parseVersion(version.replace(/-.*$/, ''), version);
  return ranges.some(
    (r) =>
      (r.from === undefined || compare(v, r.from) >= 0) &&
      (r.to === undefined || compare(v, r.to) <= 0),
  );
}

const list = (value: unknown): string[] => ([] as unknown[]).concat(value ?? []).map(String);

function unsupported(features: unknown): string | undefined {
  const missing = list(features).filter((f) => !SUPPORTED_FEATURES.has(f));
  return missing.length > 0 ? `needs runner features: ${missing.join(', ')}` : undefined;
}

function withReason(why: string, section: Record<string, unknown>): string {
  return section.reason === undefined ? why : `${why} (${String(section.reason)})`;
}

/**
 * Why a `skip:` section skips the test here, or undefined when it runs. The version is asked
 * for only when the section has a `version` condition.
 */
export async function skipSectionReason(
  section: Record<string, unknown>,
  server: () => Promise<ServerFacts>,
): Promise<string | undefined> {
  const features = unsupported(section.features);
  if (features) return withReason(features, section);
  if (section.awaits_fix !== undefined) {
    return `awaits fix: ${String(section.awaits_fix)}`;
  }
  if (section.known_issues !== undefined) {
    return withReason('known issues (cluster features not evaluated)', section);
  }
  if (section.version !== undefined) {
    const ranges = parseVersionRanges(String(section.version));
    const { version } = await server();
    if (versionInRanges(version, ranges)) {
      return withReason(
        `server ${version} in skipped versions '${String(section.version)}'`,
        section,
      );
    }
  }
  if (section.cluster_features !== undefined) {
    return withReason(
      `skip on cluster features ${list(section.cluster_features).join(', ')} (not evaluated)`,
      section,
    );
  }
  if (section.os !== undefined) {
    return withReason(`skip on os ${list(section.os).join(', ')} (not evaluated)`, section);
  }
  return undefined;
}

/** Why a `requires:` section skips the test here, or undefined when it runs. */
export function requiresSectionReason(section: Record<string, unknown>): string | undefined {
  const features = unsupported(section.test_runner_features);
  if (features) return withReason(features, section);
  if (section.cluster_features !== undefined) {
    return withReason(
      `requires cluster features ${list(section.cluster_features).join(', ')} (not evaluated)`,
      section,
    );
  }
  return undefined;
}
