import type * as S from '../generated/spec-types.js';
import { copyIn, toPlain } from '../nodes/node.js';
import type { ByQueryResponseBody } from './client.js';
import {
  initialState,
  QueryRequest,
  type RequestOptions,
  type RequestState,
  takeAdopted,
} from './request-base.js';

interface UpdateByQueryState extends RequestState {
  body: Readonly<Record<string, unknown>>;
}

function initialUpdate(options?: RequestOptions): UpdateByQueryState {
  const base = initialState(options);
  return {
    index: base.index,
    query: base.query,
    params: base.params,
    client: base.client,
    context: base.context,
    body: {},
  };
}

/**
 * An immutable update-by-query request: a query (with `query`/`filter`/`exclude`) and a script.
 *
 * @example
 * ```ts
 * import { Q, UpdateByQuery } from 'elastiq/dsl';
 * const ubq = new UpdateByQuery<{ status: string; views: number }>({ index: 'posts' })
 *   .filter(Q.term({ status: 'draft' }))
 *   .script({ source: 'ctx._source.views = 0', lang: 'painless' });
 * ubq.toJSON();
 * ```
 */
export class UpdateByQuery<TDoc = any> extends QueryRequest<TDoc, UpdateByQueryState> {
  constructor(options?: RequestOptions) {
    super(takeAdopted<UpdateByQueryState>() ?? initialUpdate(options));
  }

  protected override copyState(): UpdateByQueryState {
    const s = this.state;
    return {
      index: s.index,
      query: s.query,
      params: s.params,
      client: s.client,
      context: s.context,
      body: s.body,
    };
  }

  /** The script run on every matching document. */
  script(script: S.Script | string): this {
    return this.patch('body', { ...this.state.body, script: copyIn(script) });
  }

  /** Sets other body keys (`max_docs`, `conflicts`, `slice`). */
  extra(body: Readonly<Record<string, unknown>>): this {
    return this.patch('body', { ...this.state.body, ...copyIn(body) });
  }

  /** The request body: fresh plain JSON. */
  toJSON(): Record<string, any> {
    return { ...this.queryJSON(), ...toPlain(this.state.body) };
  }

  /** The flattened request `client.updateByQuery()` takes. */
  toRequest(): Record<string, any> {
    return { ...this.indexParam(), ...toPlain(this.state.params), ...this.toJSON() };
  }

  /** Runs the update-by-query. */
  async execute(): Promise<ByQueryResponseBody> {
    return (await this.client().updateByQuery(this.toRequest())) as ByQueryResponseBody;
  }
}
