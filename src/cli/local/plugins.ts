import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalError } from '../errors.js';
import type { JavaHome } from './java.js';
import { removeStaleScratch, scratchName, singleFlight } from './single-flight.js';
import { parseVersion } from './versions.js';

const run = promisify(execFile);

/**
 * A small Elasticsearch plugin that `elastiq local` compiles at first use with the JDK's `javac`
 * against the distribution's own jars, filling a gap of the integ-test-zip.
 */
export interface LocalPlugin {
  /** Folder and jar name under plugins/, and the descriptor's name. */
  readonly name: string;
  /** Its part of the name of the distribution copy that carries it. */
  readonly tag: string;
  readonly description: string;
  /** The fully qualified plugin class. */
  readonly className: string;
  /** The module of a full distribution that does what the plugin does: then it is not added. */
  readonly providedBy: string;
  /** The oldest major version it is for (older servers have what it adds built in). */
  readonly sinceMajor?: number;
  /**
   * A plugin that cannot be built is left out with a warning when optional; otherwise the start
   * fails with ELASTIQ_LOCAL_START_FAILED.
   */
  readonly optional: boolean;
  /** What is missing without it, for the warning. */
  readonly missing: string;
  /** The Java source of `className`, for the distribution it is compiled against. */
  source(distribution: string, java: JavaHome): Promise<string>;
}

/** The plugin-descriptor.properties of `plugin` for an Elasticsearch version and a JDK. */
export function pluginDescriptor(plugin: LocalPlugin, version: string, javaMajor: number): string {
  return [
    `description=${plugin.description}`,
    `version=${version}`,
    `name=${plugin.name}`,
    `classname=${plugin.className}`,
    `java.version=${javaMajor}`,
    `elasticsearch.version=${version}`,
    '',
  ].join('\n');
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** The copy of `distribution` that carries `plugins` (tags in order), for one JDK major. */
export function variantPath(
  distribution: string,
  plugins: readonly LocalPlugin[],
  javaMajor: number,
): string {
  return `${distribution}-elastiq-${plugins.map((p) => p.tag).join('-')}-java${javaMajor}`;
}

/** A compiled plugin: the folder holding its jar and descriptor, ready to copy under plugins/. */
async function compile(
  plugin: LocalPlugin,
  distribution: string,
  version: string,
  java: JavaHome,
  work: string,
): Promise<string> {
  const [pkg, cls] = [
    plugin.className.slice(0, plugin.className.lastIndexOf('.')),
    plugin.className.slice(plugin.className.lastIndexOf('.') + 1),
  ];
  const sourceDir = join(work, plugin.name, 'src', ...pkg.split('.'));
  await mkdir(sourceDir, { recursive: true });
  const sourceFile = join(sourceDir, `${cls}.java`);
  await writeFile(sourceFile, await plugin.source(distribution, java));
  const classes = join(work, plugin.name, 'classes');
  await run(join(java.home, 'bin', 'javac'), [
    '-nowarn',
    '-cp',
    `${join(distribution, 'lib')}/*`,
    '-d',
    classes,
    sourceFile,
  ]);
  const target = join(work, plugin.name, 'plugin');
  await mkdir(target, { recursive: true, mode: 0o755 });
  await run(join(java.home, 'bin', 'jar'), [
    'cf',
    join(target, `${plugin.name}.jar`),
    '-C',
    classes,
    '.',
  ]);
  await writeFile(
    join(target, 'plugin-descriptor.properties'),
    pluginDescriptor(plugin, version, java.major),
  );
  return target;
}

function reason(cause: unknown): string {
  return ((cause as { stderr?: string }).stderr || (cause as Error).message).trim();
}

/**
 * The distribution to run with `plugins`: a copy of `distribution` with them under plugins/,
 * built once per version and JDK major and cached beside it (the pristine one stays as published).
 * A plugin whose module the distribution has, or that is for newer majors, is not added; without
 * `javac`, or when an optional plugin does not compile, it is left out with a warning; when none
 * remains the pristine distribution is returned.
 */
export function pluginDistribution(
  distribution: string,
  version: string,
  java: JavaHome,
  plugins: readonly LocalPlugin[],
  warn: (message: string) => void,
): Promise<string> {
  const key = `${distribution}-elastiq-${plugins.map((p) => p.tag).join('-')}-java${java.major}`;
  return singleFlight(key, () => buildVariant(distribution, version, java, plugins, warn));
}

async function buildVariant(
  distribution: string,
  version: string,
  java: JavaHome,
  plugins: readonly LocalPlugin[],
  warn: (message: string) => void,
): Promise<string> {
  const [major = 0] = parseVersion(version) ?? [];
  const wanted: LocalPlugin[] = [];
  for (const plugin of plugins) {
    if (major < (plugin.sinceMajor ?? 0)) continue;
    if (await exists(join(distribution, 'modules', plugin.providedBy))) continue;
    wanted.push(plugin);
  }
  if (wanted.length === 0) return distribution;
  const complete = variantPath(distribution, wanted, java.major);
  if (await built(complete, wanted)) return complete;
  if (!(await exists(join(java.home, 'bin', 'javac')))) {
    for (const plugin of wanted) warn(`${java.home} has no javac: ${plugin.missing}`);
    return distribution;
  }
  const work = await mkdtemp(join(distribution, '..', 'plugin-build-'));
  try {
    const compiled: { plugin: LocalPlugin; dir: string }[] = [];
    for (const plugin of wanted) {
      try {
        compiled.push({ plugin, dir: await compile(plugin, distribution, version, java, work) });
      } catch (cause) {
        if (!plugin.optional) {
          throw new LocalError(
            'ELASTIQ_LOCAL_START_FAILED',
            `Could not build the ${plugin.name} plugin: ${reason(cause)}`,
            { cause },
          );
        }
        warn(
          `Could not build the ${plugin.name} plugin for ${version}, so ${plugin.missing}: ${reason(cause).split('\n')[0]}`,
        );
      }
    }
    if (compiled.length === 0) return distribution;
    const variant = variantPath(
      distribution,
      compiled.map((c) => c.plugin),
      java.major,
    );
    if (
      await built(
        variant,
        compiled.map((c) => c.plugin),
      )
    )
      return variant;
    await removeStaleScratch(variant, 'partial');
    const partial = scratchName(variant, 'partial');
    try {
      await cp(distribution, partial, { recursive: true, preserveTimestamps: true });
      for (const { plugin, dir } of compiled) {
        await cp(dir, join(partial, 'plugins', plugin.name), { recursive: true });
      }
      await rm(variant, { recursive: true, force: true });
      await rename(partial, variant);
    } catch (cause) {
      throw new LocalError(
        'ELASTIQ_LOCAL_START_FAILED',
        `Could not make ${variant}: ${reason(cause)}`,
        { cause },
      );
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
    return variant;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function built(variant: string, plugins: readonly LocalPlugin[]): Promise<boolean> {
  for (const plugin of plugins) {
    if (!(await exists(join(variant, 'plugins', plugin.name, `${plugin.name}.jar`)))) return false;
  }
  return true;
}
