import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JavaHome } from './java.js';
import type { LocalPlugin } from './plugins.js';

const run = promisify(execFile);

export const ROOT_PLUGIN_NAME = 'elastiq-rest-root';
const PACKAGE = 'dev.elastiq.restroot';
const CLASS = 'RestRootPlugin';

/**
 * How `ActionPlugin.getRestHandlers` is declared by the server the plugin is compiled against:
 * its return type and parameter types as Java source. 8.x passes nine services one by one, 9.x
 * one `RestHandlersServices` record; reading the declaration (with `javap`) instead of keeping one
 * source per release makes the override match whatever the distribution declares.
 */
export interface RestHandlersSignature {
  readonly returns: string;
  readonly parameters: readonly string[];
}

/** Reads the declaration of `getRestHandlers` from `javap org.elasticsearch.plugins.ActionPlugin`. */
export function parseRestHandlersSignature(javap: string): RestHandlersSignature | undefined {
  const line = javap.split('\n').find((l) => /\sgetRestHandlers\(/.test(l));
  if (line === undefined) return undefined;
  const match =
    /(?:public\s+)?(?:default\s+)?(?:abstract\s+)?(\S+)\s+getRestHandlers\((.*)\);/.exec(
      line.trim(),
    );
  if (!match) return undefined;
  return {
    returns: javaName(match[1]!),
    parameters: splitTopLevel(match[2]!).map(javaName),
  };
}

// javap names nested types with '$' (ActionPlugin$RestHandlersServices); source uses '.'.
function javaName(type: string): string {
  return type.trim().replaceAll('$', '.');
}

// Splits "A<B, C>, D" at the commas outside angle brackets.
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of list) {
    if (char === '<') depth++;
    if (char === '>') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

/**
 * Java source of a small Elasticsearch plugin answering `GET /` and `HEAD /` as a default
 * distribution does (its rest-root module, which the integ-test-zip lacks): the node's name, the
 * cluster's name and UUID, the build and compatibility versions and the tagline. The handler reads
 * them from the node itself (its cluster state and build), with no transport action of its own.
 */
export function rootPluginSource(signature: RestHandlersSignature): string {
  const parameters = signature.parameters.map((type, i) => `${type} p${i}`).join(', ');
  return `package ${PACKAGE};

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.Metadata;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;

public final class ${CLASS} extends Plugin implements ActionPlugin {
  private final AtomicReference<ClusterService> clusterService = new AtomicReference<>();

  @Override
  public Collection<?> createComponents(PluginServices services) {
    clusterService.set(services.clusterService());
    return List.of();
  }

  @Override
  public ${signature.returns} getRestHandlers(${parameters}) {
    return List.of(new RootHandler(clusterService));
  }

  static final class RootHandler extends BaseRestHandler {
    private final AtomicReference<ClusterService> clusterService;

    RootHandler(AtomicReference<ClusterService> clusterService) {
      this.clusterService = clusterService;
    }

    @Override
    public String getName() {
      return "elastiq_root_action";
    }

    @Override
    public List<Route> routes() {
      return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
    }

    @Override
    public boolean canTripCircuitBreaker() {
      return false;
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
      return channel -> {
        ClusterService service = clusterService.get();
        ClusterState state = service.state();
        Metadata metadata = state.metadata();
        Build build = Build.current();
        XContentBuilder body = channel.newBuilder();
        // Pretty unless ?pretty says otherwise, as the default distribution answers.
        if (request.hasParam("pretty") == false) body.prettyPrint().lfAtEnd();
        body.startObject();
        body.field("name", service.getNodeName());
        body.field("cluster_name", state.getClusterName().value());
        body.field("cluster_uuid", metadata.clusterUUIDCommitted() ? metadata.clusterUUID() : Metadata.UNKNOWN_CLUSTER_UUID);
        body.startObject("version");
        body.field("number", build.qualifiedVersion());
        body.field("build_flavor", "default");
        body.field("build_type", build.type().displayName());
        body.field("build_hash", build.hash());
        body.field("build_date", build.date());
        body.field("build_snapshot", build.isSnapshot());
        body.field("lucene_version", IndexVersion.current().luceneVersion().toString());
        body.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
        body.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
        body.endObject();
        body.field("tagline", "You Know, for Search");
        body.endObject();
        channel.sendResponse(new RestResponse(RestStatus.OK, body));
      };
    }
  }
}
`;
}

/** The plugin as `pluginDistribution` builds it: its source follows the distribution's API. */
export const ROOT_PLUGIN: LocalPlugin = {
  name: ROOT_PLUGIN_NAME,
  tag: 'rest-root',
  description: 'GET / and HEAD / as the rest-root module answers them (added by elastiq local)',
  className: `${PACKAGE}.${CLASS}`,
  // A full distribution answers / itself (a second handler for it would stop the node).
  providedBy: 'rest-root',
  // 7.x answers / from the server itself.
  sinceMajor: 8,
  optional: true,
  missing: 'GET / and HEAD / answer 405 (the distribution has no rest-root module)',
  async source(distribution: string, java: JavaHome): Promise<string> {
    const { stdout } = await run(join(java.home, 'bin', 'javap'), [
      '-cp',
      `${join(distribution, 'lib')}/*`,
      'org.elasticsearch.plugins.ActionPlugin',
    ]);
    const signature = parseRestHandlersSignature(stdout);
    if (signature === undefined) {
      throw new Error('org.elasticsearch.plugins.ActionPlugin declares no getRestHandlers');
    }
    return rootPluginSource(signature);
  },
};
