import { prefixNonFinitePath } from '../../core/serializer/non-finite.js';
import { DslError } from '../errors.js';
import type { AggregationMap } from '../nodes/aggregation-node.js';
import type { Response, SearchResponseBody } from '../response/response.js';
import type { SearchClient } from './client.js';
import type { Search } from './search.js';

type AnySearch = Search<any, any, any>;
type ResponseOf<X> =
  X extends Search<any, infer A extends AggregationMap, infer H> ? Response<H, A> : never;

/** One failed search of a multi-search. */
export interface MultiSearchError {
  readonly error: {
    readonly type: string;
    readonly reason?: string;
    readonly [k: string]: unknown;
  };
  readonly status?: number;
}

/**
 * Several searches in one `msearch` round trip; `execute()` answers one typed Response per search
 * (or the error of that search), in order.
 *
 * @example
 * ```ts
 * import { MultiSearch, Q, Search } from 'elastiq/dsl';
 * const ms = new MultiSearch({ index: 'posts' })
 *   .add(new Search().query(Q.match({ title: 'python' })))
 *   .add(new Search().query(Q.match({ title: 'rust' })));
 * ms.toJSON(); // [{}, { query: ... }, {}, { query: ... }]
 * ```
 */
export class MultiSearch<Searches extends readonly AnySearch[] = []> {
  private readonly searches: Searches;
  private readonly index: string | undefined;
  private readonly client: SearchClient | undefined;

  constructor(
    options: { readonly client?: SearchClient; readonly index?: string } = {},
    searches?: Searches,
  ) {
    this.searches = Object.freeze(searches ?? []) as unknown as Searches;
    this.index = options.index;
    this.client = options.client;
    Object.freeze(this);
  }

  private options(): { client?: SearchClient; index?: string } {
    const o: { client?: SearchClient; index?: string } = {};
    if (this.client) o.client = this.client;
    if (this.index !== undefined) o.index = this.index;
    return o;
  }

  /** A MultiSearch with one more search. */
  add<X extends AnySearch>(search: X): MultiSearch<[...Searches, X]> {
    return new MultiSearch(this.options(), [...this.searches, search] as [...Searches, X]);
  }

  /** The same searches run with another client. */
  using(client: SearchClient): MultiSearch<Searches> {
    return new MultiSearch({ ...this.options(), client }, this.searches);
  }

  /** The NDJSON lines as objects: a header (index, params) then the body, per search. */
  toJSON(): Record<string, any>[] {
    const lines: Record<string, any>[] = [];
    for (const s of this.searches) {
      const { index, ...header } = { ...(s.state.params as Record<string, unknown>) } as Record<
        string,
        unknown
      >;
      const names = s.state.index.length ? s.state.index.join(',') : index;
      lines.push(names === undefined ? header : { index: names, ...header });
      try {
        lines.push(s.toJSON());
      } catch (err) {
        // A body's path starts at its line, as in the NDJSON the client writes.
        throw prefixNonFinitePath(err, [lines.length]);
      }
    }
    return lines;
  }

  /** Runs every search in one request. */
  async execute(): Promise<{
    -readonly [K in keyof Searches]: ResponseOf<Searches[K]> | MultiSearchError;
  }> {
    const client = this.client ?? this.searches.find((s) => s.state.client)?.state.client;
    if (!client) {
      throw new DslError(
        'DSL_NO_CLIENT',
        'No client to execute with: pass { client } or call .using(client).',
      );
    }
    const request: Record<string, unknown> = { searches: this.toJSON() };
    if (this.index !== undefined) request.index = this.index;
    const body = (await client.msearch(request)) as {
      responses: (SearchResponseBody | MultiSearchError)[];
    };
    // Each answer is built by its own Search, so a subclass's hit factory (a model) applies.
    return body.responses.map((r, i) =>
      'error' in r && r.error ? r : this.searches[i]!.toResponse(r as SearchResponseBody),
    ) as never;
  }
}
