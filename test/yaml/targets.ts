// The clusters the YAML runner talks to: the single node (security off) for most tests, and the
// secure node (TLS + basic auth) for the tests secure-node.yaml names. Both are read from the
// variables scripts/with-cluster.mjs exports (test/support/cluster.ts documents them).
import type { ClientOptions } from '../../src/core/transport/client-options.js';
import { secureNode, singleNode } from '../support/cluster.js';

export type TargetName = 'single' | 'secure';

export interface Target {
  readonly name: TargetName;
  readonly url: string;
  readonly options: ClientOptions;
  /** Whether its cleanup also removes users, roles, API keys and other security objects. */
  readonly security: boolean;
}

/** The node with security off: `ELASTICSEARCH_URL` (default http://127.0.0.1:9200). */
export const singleTarget: Target = {
  name: 'single',
  url: singleNode.url,
  options: { node: singleNode.url },
  security: false,
};

/** The node with security on, or undefined when `ELASTICSEARCH_SECURE_URL`/`_PASSWORD` are unset. */
export const secureTarget: Target | undefined = secureNode && {
  name: 'secure',
  url: secureNode.url,
  options: {
    node: secureNode.url,
    auth: { username: secureNode.username!, password: secureNode.password! },
    ...(secureNode.ca === undefined ? {} : { tls: { ca: secureNode.ca } }),
  },
  security: true,
};

/** Why secure-node tests are skipped, or undefined when the secure node is configured. */
export const secureTargetMissing: string | undefined = secureTarget
  ? undefined
  : '(no secure node: set ELASTICSEARCH_SECURE_URL, _PASSWORD and _CA; npm run test:yaml starts one)';

type Call = (params?: object) => Promise<unknown>;

/**
 * Gives the secure node the trial license the official clients' test clusters start with
 * (`xpack.license.self_generated.type=trial`): security tokens and cross-cluster API keys need
 * more than basic. Returns what it did, for the run's log. A node already past basic is left alone.
 */
export async function ensureTrialLicense(call: (api: string) => Call): Promise<string> {
  try {
    return await startTrialOnBasic(call);
  } catch (error) {
    // The tests then show what a basic license lacks.
    return `license unchanged: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function startTrialOnBasic(call: (api: string) => Call): Promise<string> {
  const current = (await call('license.get')()) as { license?: { type?: string } };
  const type = current.license?.type ?? 'unknown';
  if (type !== 'basic') return `license: ${type}`;
  const started = (await call('license.post_start_trial')({ acknowledge: true })) as {
    trial_was_started?: boolean;
    error_message?: string;
  };
  return started.trial_was_started
    ? 'license: basic, trial started (as the clients test clusters run)'
    : `license: basic, trial not started (${started.error_message ?? 'no reason given'})`;
}
