import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

/** How to reach a node: its base URL and, for a secured node, credentials and the CA. */
export interface Endpoint {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly ca?: string;
}

export interface HealthResponse {
  readonly status: number;
  readonly body: Record<string, unknown> | undefined;
}

function authorization(endpoint: Endpoint): Record<string, string> {
  if (endpoint.username === undefined || endpoint.password === undefined) return {};
  const token = Buffer.from(`${endpoint.username}:${endpoint.password}`).toString('base64');
  return { authorization: `Basic ${token}` };
}

/** One GET against a node, JSON-decoded; throws when the node cannot be reached. */
export async function getJson(
  endpoint: Endpoint,
  path: string,
  timeoutMs = 5000,
): Promise<HealthResponse> {
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs, ...(endpoint.ca ? { ca: endpoint.ca } : {}) },
  });
  try {
    const response = await request(`${endpoint.url}${path}`, {
      dispatcher,
      headers: authorization(endpoint),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body };
  } finally {
    await dispatcher.close();
  }
}

export interface WaitOptions {
  readonly nodes: number;
  /** The bound the caller was given, for the message. */
  readonly timeoutMs: number;
  /** When to give up (`Date.now()` time); default `timeoutMs` from now. */
  readonly deadline?: number;
  /** Called between attempts; throwing stops the wait (a node process died, say). */
  readonly check?: () => Promise<void>;
}

/**
 * Waits until the cluster has `nodes` nodes and is at least yellow, polling health with a short
 * server-side wait; rejects after `timeoutMs` with the last thing seen.
 */
export async function waitForHealth(endpoint: Endpoint, options: WaitOptions): Promise<string> {
  const deadline = options.deadline ?? Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    await options.check?.();
    try {
      const path = `/_cluster/health?wait_for_status=yellow&wait_for_nodes=${options.nodes}&timeout=2s`;
      // No request outlives the deadline by more than a moment.
      const { status, body } = await getJson(
        endpoint,
        path,
        Math.max(250, Math.min(5000, deadline - Date.now())),
      );
      if (status === 200 && body && body.timed_out === false) return String(body.status);
      last = `HTTP ${status} ${body ? `status ${String(body.status)}, ${String(body.number_of_nodes)} node(s)` : ''}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(Math.max(0, Math.min(500, deadline - Date.now())));
  }
  throw new Error(`cluster not healthy after ${Math.round(options.timeoutMs / 1000)} s (${last})`);
}
