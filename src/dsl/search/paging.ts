import { DEFAULT_RETRY } from '../../core/helpers/helper-request.js';
import { type PitPage, type PitSearchParams, pitPages } from '../../core/helpers/pit-search.js';
import {
  type ScrollPage,
  type ScrollSearchParams,
  scrollPages,
} from '../../core/helpers/scroll-search.js';
import type {
  TransportLike,
  TransportRequestOptions,
  TransportRequestParams,
} from '../../core/transport/types.js';
import type { SearchClient } from './client.js';

/**
 * `iterate()` and `scan()` run the core helpers' point-in-time and scroll loops (the loops of
 * `client.helpers.pitSearch` / `scrollSearch`: routing and preference on the PIT open, 429
 * retries, slices, shard-failure checks), sending each of their requests through the
 * SearchClient's own methods, so any SearchClient works (a wrapper included).
 */
export function pitSearchOver<TDocument>(
  client: SearchClient,
  params: PitSearchParams,
): AsyncGenerator<PitPage<TDocument>, void, undefined> {
  return pitPages<TDocument>(transportOver(client), params, {}, DEFAULT_RETRY);
}

/** The scroll loop of `client.helpers.scrollSearch` over a SearchClient (see `pitSearchOver`). */
export function scrollSearchOver<TDocument>(
  client: SearchClient,
  params: ScrollSearchParams,
): AsyncGenerator<ScrollPage<TDocument>, void, undefined> {
  return scrollPages<TDocument>(transportOver(client), params, {}, DEFAULT_RETRY);
}

/** The helpers' transport requests, each sent as the SearchClient method it stands for. */
function transportOver(client: SearchClient): TransportLike {
  const request = async (
    params: TransportRequestParams,
    options: TransportRequestOptions & { meta?: boolean } = {},
  ): Promise<unknown> => {
    let statusCode = 200;
    let body: unknown;
    try {
      body = await send(client, params);
    } catch (error) {
      // The helpers ask for 429 (retry) and 404 (already closed) answers instead of errors.
      const status = (error as { statusCode?: unknown } | null)?.statusCode;
      if (typeof status !== 'number' || options.ignore?.includes(status) !== true) throw error;
      statusCode = status;
      body = (error as { body?: unknown }).body;
    }
    return options.meta === true
      ? { body, statusCode, headers: {}, warnings: null, meta: {} }
      : body;
  };
  return { request } as TransportLike;
}

function send(client: SearchClient, params: TransportRequestParams): Promise<unknown> {
  const { method, path } = params;
  const query = params.querystring ?? {};
  const body = (params.body ?? {}) as Record<string, any>;
  if (path === '/_search/scroll') {
    return method === 'DELETE'
      ? client.clearScroll({ scroll_id: body.scroll_id })
      : client.scroll({ ...query, ...body });
  }
  if (path === '/_pit' && method === 'DELETE') return client.closePointInTime({ id: body.id });
  if (path.endsWith('/_pit')) return client.openPointInTime({ index: indexOf(path), ...query });
  if (path === '/_search') return client.search({ ...query, ...body });
  if (path.endsWith('/_search')) return client.search({ index: indexOf(path), ...query, ...body });
  throw new Error(`elastiq/dsl: no SearchClient method for ${method} ${path}`);
}

/** The index list of `/<index>/_pit` or `/<index>/_search` (the helpers encode each name). */
function indexOf(path: string): string {
  return path
    .slice(1, path.lastIndexOf('/'))
    .split(',')
    .map((name) => decodeURIComponent(name))
    .join(',');
}
