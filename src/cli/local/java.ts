import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { LocalError } from '../errors.js';
import type { Engine } from './engines.js';
import { parseVersion } from './versions.js';

/** A JDK found on the machine. */
export interface JavaHome {
  readonly home: string;
  readonly major: number;
  readonly version: string;
}

/** Java majors a server version runs on, and which end of the range to prefer. */
export interface JavaRequirement {
  readonly min: number;
  readonly max: number;
  readonly prefer: 'newest' | 'oldest';
}

/**
 * Elasticsearch 9 needs Java 21+; 8.x runs on 17, and before 8.18 relies on the Security Manager
 * that Java 24 removed. OpenSearch 2.x needs the Security Manager too; 3.x needs Java 21+.
 */
export function javaRequirement(engine: Engine, version: string): JavaRequirement {
  const [major = 0, minor = 0] = parseVersion(version) ?? [];
  if (engine.name === 'opensearch') {
    return major >= 3
      ? { min: 21, max: 99, prefer: 'newest' }
      : { min: 11, max: 23, prefer: 'newest' };
  }
  if (major >= 9) return { min: 21, max: 99, prefer: 'newest' };
  if (major === 8) return { min: 17, max: minor >= 18 ? 24 : 23, prefer: 'newest' };
  return { min: 11, max: 17, prefer: 'newest' };
}

/** The `JAVA_VERSION` of a JDK's `release` file, as a major number and full version. */
export function parseRelease(text: string): { major: number; version: string } | undefined {
  const version = /^JAVA_VERSION="([^"]+)"/m.exec(text)?.[1];
  if (!version) return undefined;
  const parts = version.split(/[.+-]/).map(Number);
  const major = parts[0] === 1 ? parts[1] : parts[0];
  return major ? { major, version } : undefined;
}

export function inspectJavaHome(home: string): JavaHome | undefined {
  try {
    if (!existsSync(join(home, 'bin', 'java'))) return undefined;
    const parsed = parseRelease(readFileSync(join(home, 'release'), 'utf8'));
    return parsed ? { home, ...parsed } : undefined;
  } catch {
    return undefined;
  }
}

function childDirs(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function javaOnPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const java = join(dir, 'java');
    if (existsSync(java)) return dirname(dirname(realpathSync(java)));
  }
  return undefined;
}

/** Every JDK in the usual places: JAVA_HOME, PATH, /usr/lib/jvm, /opt, macOS's folder. */
export function discoverJavaHomes(env: NodeJS.ProcessEnv = process.env): JavaHome[] {
  const candidates = [
    env.JAVA_HOME,
    javaOnPath(env),
    ...childDirs('/usr/lib/jvm'),
    ...childDirs('/opt/java'),
    ...childDirs('/Library/Java/JavaVirtualMachines').map((d) => join(d, 'Contents', 'Home')),
  ].filter((d): d is string => Boolean(d));
  const seen = new Set<string>();
  const homes: JavaHome[] = [];
  for (const dir of candidates) {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const home = inspectJavaHome(real);
    if (home) homes.push(home);
  }
  return homes;
}

/** Picks the JDK for a server version from those found, following its requirement. */
export function pickJava(
  homes: readonly JavaHome[],
  requirement: JavaRequirement,
): JavaHome | undefined {
  const fitting = homes
    .filter((h) => h.major >= requirement.min && h.major <= requirement.max)
    .sort((a, b) => a.major - b.major);
  return requirement.prefer === 'newest' ? fitting.at(-1) : fitting[0];
}

/**
 * The JDK to run `engine` `version` with: `explicit` (--java-home) or the engine's own variable
 * (ES_JAVA_HOME) when given, else the best one found on the machine.
 */
export function chooseJava(
  engine: Engine,
  version: string,
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): JavaHome {
  const requirement = javaRequirement(engine, version);
  const given = explicit !== undefined ? '--java-home' : engine.javaHomeVar;
  const wanted = explicit ?? env[engine.javaHomeVar];
  if (wanted) {
    const home = inspectJavaHome(wanted);
    if (!home) {
      throw new LocalError(
        'ELASTIQ_LOCAL_JAVA_NOT_FOUND',
        `No JDK at ${wanted} (no bin/java or release file)`,
      );
    }
    // Checked before anything starts: a node on the wrong Java only fails once launched.
    if (home.major < requirement.min || home.major > requirement.max) {
      const fitting = pickJava(discoverJavaHomes(env), requirement);
      throw new LocalError(
        'ELASTIQ_LOCAL_JAVA_NOT_FOUND',
        `${wanted} (from ${given}) is Java ${home.major}, but ${engine.name} ${version} needs Java ` +
          `${javaRange(requirement)}. Give ${given} a fitting JDK` +
          (fitting ? ` (such as ${fitting.home}, Java ${fitting.major})` : '') +
          `, or leave --java-home and ${engine.javaHomeVar} unset to let elastiq pick one.`,
      );
    }
    return home;
  }
  const found = discoverJavaHomes(env);
  const picked = pickJava(found, requirement);
  if (picked) return picked;
  const seen = found.map((h) => `${h.major} (${h.home})`).join(', ') || 'none';
  throw new LocalError(
    'ELASTIQ_LOCAL_JAVA_NOT_FOUND',
    `${engine.name} ${version} needs Java ${javaRange(requirement)}; ` +
      `found: ${seen}. Install one, or pass --java-home / set ${engine.javaHomeVar}.`,
  );
}

function javaRange(requirement: JavaRequirement): string {
  return requirement.max === 99
    ? `${requirement.min} or later`
    : `${requirement.min}-${requirement.max}`;
}
