import type { LocalPlugin } from './plugins.js';
import { pluginDescriptor } from './plugins.js';

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

/** The plugin as `pluginDistribution` builds it: required by secure clusters. */
export const SECURITY_ANALYSIS_PLUGIN: LocalPlugin = {
  name: SHIM_NAME,
  tag: 'security-analysis',
  description:
    'uax_url_email, pattern_capture and unique for the .security index (added by elastiq local)',
  className: `${PACKAGE}.SecurityAnalysisPlugin`,
  providedBy: 'analysis-common',
  optional: false,
  missing: 'API keys will fail (the .security index needs analysis-common)',
  source: async () => SHIM_SOURCE,
};

export function shimDescriptor(version: string, javaMajor: number): string {
  return pluginDescriptor(SECURITY_ANALYSIS_PLUGIN, version, javaMajor);
}
