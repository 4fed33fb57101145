import { inspect } from 'node:util';
import { Api } from './api/index.js';
import type { DiagnosticEventName, DiagnosticEvents } from './diagnostics.js';
import { Helpers } from './helpers/helpers.js';
import type { ClientOptions } from './transport/client-options.js';
import { type ChildOptions, Transport } from './transport/transport.js';

// Lets child() hand an existing transport to the constructor without a public option.
const kTransport = Symbol('elastiq.transport');

type InternalOptions = ClientOptions & { readonly [kTransport]?: Transport };

function transportFor(options: InternalOptions): Transport {
  return options?.[kTransport] ?? new Transport(options);
}

/**
 * The Elasticsearch client: every API method plus the transport they go through.
 *
 * @example
 * const client = new Client({
 *   node: 'http://127.0.0.1:9200',
 *   auth: { apiKey: 'base64-encoded-key' },
 *   requestTimeout: '30s',
 * });
 * const health = await client.transport.request({ method: 'GET', path: '/_cluster/health' });
 * await client.close();
 */
export class Client extends Api {
  declare readonly transport: Transport;

  #helpers: Helpers | undefined;

  constructor(options: ClientOptions) {
    super(transportFor(options as InternalOptions));
  }

  /**
   * Bulk loading, scroll and point-in-time reads, batched msearch and client-side reindex.
   *
   * @example
   * const client = new Client({ node: 'http://127.0.0.1:9200' });
   * const stats = await client.helpers.bulk({
   *   datasource: [{ id: '1', title: 'Hello' }],
   *   onDocument: (doc) => ({ index: { _index: 'posts', _id: doc.id } }),
   * });
   */
  get helpers(): Helpers {
    this.#helpers ??= new Helpers(this);
    return this.#helpers;
  }

  /**
   * A client sharing this one's node pool, sniffer and listeners, with other default headers,
   * credentials, timeouts or retries. Closing either closes the shared pool.
   *
   * @example
   * const client = new Client({ node: 'http://127.0.0.1:9200' });
   * const tenant = client.child({ headers: { 'x-tenant': 'a' }, requestTimeout: '5s' });
   * await tenant.close();
   */
  child(options: ChildOptions): Client {
    return new Client({ [kTransport]: this.transport.child(options) } as InternalOptions);
  }

  /**
   * Listens to diagnostic events of this client (and its children): 'request', 'response',
   * 'retry', 'sniff', 'resurrect'. Returns a function that removes the listener.
   *
   * @example
   * const client = new Client({ node: 'http://127.0.0.1:9200' });
   * const off = client.on('response', (event) => console.log(event.statusCode, event.durationMs));
   * off();
   */
  on<K extends DiagnosticEventName>(
    name: K,
    listener: (event: DiagnosticEvents[K]) => void,
  ): () => void {
    return this.transport.diagnostics.on(name, listener);
  }

  /** Closes every connection of the pool (shared with children). */
  close(): Promise<void> {
    return this.transport.close();
  }

  /** A credential-free description of the client. */
  toJSON(): Record<string, unknown> {
    return this.transport.toJSON();
  }

  [inspect.custom](): string {
    return `Client ${JSON.stringify(this.toJSON())}`;
  }
}
