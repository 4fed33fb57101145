import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalError } from '../errors.js';
import type { JavaHome } from './java.js';
import { removeStaleScratch, scratchName, singleFlight } from './single-flight.js';

const run = promisify(execFile);

export const SHIM_NAME = 'elastiq-security-analysis';
const PACKAGE = 'dev.elastiq.securityanalysis';

/**
 * Java source of a small Elasticsearch plugin. The `.security` index that API keys and native
 * users live in declares an `email` analyzer built from the `uax_url_email` tokenizer and the
 * `pattern_capture` and `unique` filters; those belong to the analysis-common module, which the
 * integ-test-zip lacks, so without them no API key can be created. The plugin registers just
 * those three, each a thin wrapper of the Lucene class that analysis-common wraps too.
 */
export const SHIM_SOURCE = `package ${PACKAGE};

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public final class SecurityAnalysisPlugin extends Plugin implements AnalysisPlugin {
  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Map.of(
        "pattern_capture", AnalysisPlugin.requiresAnalysisSettings((index, env, name, settings) -> {
          List<String> patterns = settings.getAsList("patterns");
          Pattern[] compiled = patterns.stream().map(Pattern::compile).toArray(Pattern[]::new);
          boolean preserve = settings.getAsBoolean("preserve_original", true);
          return filter(name, in -> new PatternCaptureGroupTokenFilter(in, preserve, compiled));
        }),
        "unique", (index, env, name, settings) -> filter(name, UniqueFilter::new));
  }

  @Override
  public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
    return Map.of("uax_url_email", (index, env, name, settings) ->
        TokenizerFactory.newFactory(name, UAX29URLEmailTokenizer::new));
  }

  private interface Wrap { TokenStream apply(TokenStream in); }

  private static TokenFilterFactory filter(String name, Wrap wrap) {
    return new TokenFilterFactory() {
      @Override public String name() { return name; }
      @Override public TokenStream create(TokenStream in) { return wrap.apply(in); }
    };
  }

  /** Drops a token whose text was already seen in the stream, like analysis-common's unique. */
  static final class UniqueFilter extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final Set<String> seen = new HashSet<>();

    UniqueFilter(TokenStream in) { super(in); }

    @Override
    public boolean incrementToken() throws IOException {
      while (input.incrementToken()) {
        if (seen.add(term.toString())) return true;
      }
      return false;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      seen.clear();
    }
  }
}
`;

export function shimDescriptor(version: string, javaMajor: number): string {
  return [
    'description=uax_url_email, pattern_capture and unique for the .security index (added by elastiq local)',
    `version=${version}`,
    `name=${SHIM_NAME}`,
    `classname=${PACKAGE}.SecurityAnalysisPlugin`,
    `java.version=${javaMajor}`,
    `elasticsearch.version=${version}`,
    '',
  ].join('\n');
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** Compiles the plugin against the distribution's own jars with the JDK that will run it. */
async function buildShim(
  distribution: string,
  version: string,
  java: JavaHome,
  target: string,
): Promise<void> {
  const work = await mkdtemp(join(distribution, '..', 'shim-build-'));
  try {
    const sourceDir = join(work, 'src', ...PACKAGE.split('.'));
    await mkdir(sourceDir, { recursive: true });
    await writeFile(join(sourceDir, 'SecurityAnalysisPlugin.java'), SHIM_SOURCE);
    const classes = join(work, 'classes');
    await run(join(java.home, 'bin', 'javac'), [
      '-nowarn',
      '-cp',
      `${join(distribution, 'lib')}/*`,
      '-d',
      classes,
      join(sourceDir, 'SecurityAnalysisPlugin.java'),
    ]);
    await mkdir(target, { recursive: true, mode: 0o755 });
    await run(join(java.home, 'bin', 'jar'), [
      'cf',
      join(target, `${SHIM_NAME}.jar`),
      '-C',
      classes,
      '.',
    ]);
    await writeFile(
      join(target, 'plugin-descriptor.properties'),
      shimDescriptor(version, java.major),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A copy of `distribution` with the plugin installed, for secure clusters only (the plain
 * distribution stays as published, so its missing modules show as they are). Returns the
 * pristine one when it already has analysis-common, or when the JDK has no `javac` (API keys
 * then fail, as they would on the bare distribution).
 */
export function securityDistribution(
  distribution: string,
  version: string,
  java: JavaHome,
  warn: (message: string) => void,
): Promise<string> {
  const key = `${distribution}-${SHIM_NAME}-java${java.major}`;
  return singleFlight(key, () => buildVariant(distribution, version, java, warn));
}

async function buildVariant(
  distribution: string,
  version: string,
  java: JavaHome,
  warn: (message: string) => void,
): Promise<string> {
  if (await exists(join(distribution, 'modules', 'analysis-common'))) return distribution;
  const variant = `${distribution}-${SHIM_NAME}-java${java.major}`;
  if (await exists(join(variant, 'plugins', SHIM_NAME, `${SHIM_NAME}.jar`))) return variant;
  if (!(await exists(join(java.home, 'bin', 'javac')))) {
    warn(
      `${java.home} has no javac: API keys will fail (the .security index needs analysis-common)`,
    );
    return distribution;
  }
  await removeStaleScratch(variant, 'partial');
  const partial = scratchName(variant, 'partial');
  try {
    await cp(distribution, partial, { recursive: true, preserveTimestamps: true });
    await buildShim(partial, version, java, join(partial, 'plugins', SHIM_NAME));
    await rm(variant, { recursive: true, force: true });
    await rename(partial, variant);
  } catch (cause) {
    throw new LocalError(
      'ELASTIQ_LOCAL_START_FAILED',
      `Could not build the ${SHIM_NAME} plugin: ${(cause as { stderr?: string }).stderr ?? (cause as Error).message}`,
      { cause },
    );
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return variant;
}
