import type { ConnectionOptions } from '../connection/types.js';
import type { Diagnostics } from '../diagnostics.js';
import { parseNodesInfo, type SniffedNode } from '../pool/nodes-info.js';
import type { NodePoolLike } from './client-options.js';

export type SniffReason = 'start' | 'interval' | 'connection-fault' | 'manual';

export interface SnifferOptions {
  readonly name: string;
  /** Fetches the nodes-info response (one request, no sniff of its own). */
  readonly fetchNodesInfo: () => Promise<unknown>;
  readonly pool: NodePoolLike;
  /** The seed node whose protocol, TLS, proxy and headers sniffed nodes inherit. */
  readonly seed: ConnectionOptions;
  readonly diagnostics: Diagnostics;
}

/**
 * Finds the cluster's nodes through `GET /_nodes/_all/http` and updates the pool. Only one sniff
 * runs at a time; a failed sniff leaves the pool as it was. A client builds one when any sniff
 * option is set; reach it through `client.transport.sniffer`.
 *
 * @example
 * import { Client } from 'elastiq';
 * const client = new Client({ node: 'http://127.0.0.1:9200', sniffOnConnectionFault: true });
 * const nodes = await client.transport.sniffer?.sniff('manual');
 * console.log(nodes?.map((node) => node.url.href));
 */
export class Sniffer {
  readonly #options: SnifferOptions;
  #inFlight: Promise<readonly SniffedNode[]> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SnifferOptions) {
    this.#options = options;
  }

  get sniffing(): boolean {
    return this.#inFlight !== undefined;
  }

  /** Sniffs now (joining a sniff already running). Rejects when the sniff fails. */
  sniff(reason: SniffReason): Promise<readonly SniffedNode[]> {
    this.#inFlight ??= this.#run(reason).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Sniffs in the background; failures only reach the diagnostics. */
  trigger(reason: SniffReason): void {
    this.sniff(reason).catch(() => undefined);
  }

  /** Sniffs every `interval` ms until `stop()`. The timer never keeps the process alive. */
  start(interval: number): void {
    if (interval <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.trigger('interval'), interval);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #run(reason: SniffReason): Promise<readonly SniffedNode[]> {
    const started = performance.now();
    const { diagnostics, name } = this.#options;
    try {
      const body = await this.#options.fetchNodesInfo();
      const nodes = parseNodesInfo(body, this.#options.seed.url.protocol);
      if (nodes.length > 0) this.#options.pool.update(nodes.map((node) => this.#inherit(node)));
      if (diagnostics.active('sniff')) {
        const durationMs = performance.now() - started;
        diagnostics.emit('sniff', {
          name,
          reason,
          nodes: nodes.map((n) => n.url.href),
          durationMs,
          error: undefined,
        });
      }
      return nodes;
    } catch (err) {
      if (diagnostics.active('sniff')) {
        const durationMs = performance.now() - started;
        diagnostics.emit('sniff', {
          name,
          reason,
          nodes: [],
          durationMs,
          error: (err as Error).message,
        });
      }
      throw err;
    }
  }

  #inherit(node: SniffedNode): ConnectionOptions {
    const seed = this.#options.seed;
    return { ...seed, url: node.url, id: node.url.href, roles: node.roles };
  }
}
