/**
 * Which client a model talks through: a per-call `{ client }` wins, else the default set once
 * with `setDefaultClient`. Nothing connects at import time.
 */
import type { Client } from '../../core/client.js';
import { OrmError } from '../errors.js';

let defaultClient: Client | undefined;

/**
 * Sets the client every model uses when a call passes no `{ client }` (`undefined` clears it).
 *
 * @example
 * ```ts
 * import { Client } from 'elastiq';
 * import { setDefaultClient } from 'elastiq/orm';
 * setDefaultClient(new Client({ node: 'http://127.0.0.1:9200' }));
 * ```
 */
export function setDefaultClient(client: Client | undefined): void {
  defaultClient = client;
}

/**
 * The client set with `setDefaultClient`, if any.
 *
 * @example
 * ```ts
 * import { getDefaultClient } from 'elastiq/orm';
 * const client = getDefaultClient(); // Client | undefined
 * ```
 */
export function getDefaultClient(): Client | undefined {
  return defaultClient;
}

/** The client for one call: the override, else the default, else ORM_NO_CLIENT. */
export function resolveClient(override?: Client): Client {
  const client = override ?? defaultClient;
  if (client !== undefined) return client;
  throw new OrmError(
    'ORM_NO_CLIENT',
    'No Elasticsearch client for this model call: call setDefaultClient(new Client({ node })) ' +
      'once at startup, or pass { client } to the call.',
  );
}
