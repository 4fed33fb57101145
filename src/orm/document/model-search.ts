/**
 * `Model.search()`: the DSL's immutable `Search`, typed by the model's data and yielding model
 * instances (with `meta`) from `execute()`, `iterate()` and `scan()`.
 */
import {
  type AggregationMap,
  type Hit,
  type RawHit,
  type Response,
  Search,
  type SearchClient,
  type SearchResponseBody,
  UpdateByQuery,
} from '../../dsl/index.js';
import { addHitOnlyMeta } from '../../dsl/response/response.js';
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';
import { resolveClient } from './connections.js';
import { adoptMeta, type DocumentMeta } from './persistence-state.js';
import { carriesVectors, modelHasVectors, searchWithVectors } from './persistence-vectors.js';
import { fromSource } from './source.js';

type Leaf = string | number | boolean | bigint | Date | null | undefined;

/** The keys of `T` that hold data: not methods, not `meta`. */
export type DataKeys<T> = {
  [K in keyof T]-?: K extends 'meta' ? never : T[K] extends (...args: never) => unknown ? never : K;
}[keyof T];

/** A data value with the methods of any object inside it left out (arrays looked through). */
export type DataValue<V> = V extends Leaf
  ? V
  : V extends readonly (infer E)[]
    ? DataValue<E>[]
    : V extends object
      ? DocumentData<V>
      : V;

/**
 * The data of a model instance: its properties without `meta` and methods, inner documents
 * likewise (optional properties stay optional). What `create()`/`update()` take and what search
 * field paths are checked against; `WithFields<Post, 'title.raw'>` adds multi-field paths.
 */
export type DocumentData<T> = {
  [K in keyof T as K extends DataKeys<T> ? K : never]: DataValue<T[K]>;
};

/** What a ModelSearch carries from builder to builder. */
interface ModelSearchContext {
  readonly model: ModelConstructor;
}

/**
 * A typed `Search` over a model's index whose hits are instances of the model, each with `meta`
 * (id, index, score, seqNo, primaryTerm, and the hit's sort/highlight/inner hits). Field paths
 * are checked against the model's data at compile time. It asks for `seq_no_primary_term`, so a
 * hit can be changed and saved with concurrency control.
 *
 * @example
 * ```ts
 * import { Q } from 'elastiq/dsl';
 * import { Document, Keyword, Model, Text } from 'elastiq/orm';
 * @Document({ index: 'notes' })
 * class Note extends Model {
 *   @Text() body!: string;
 *   @Keyword() tag!: string;
 * }
 * const res = await Note.search().query(Q.match({ body: 'hello' })).filter(Q.term({ tag: 'a' })).execute();
 * for (const note of res.hits) console.log(note instanceof Note, note.meta.id, note.body);
 * ```
 */
export class ModelSearch<T extends object, Aggs extends AggregationMap = {}> extends Search<
  DocumentData<T>,
  Aggs,
  T
> {
  /** Set while building a response whose hits may lack vectors (see `toResponse`). */
  #vectorsMissing = false;

  /**
   * @internal a Response whose hits are model instances. An answer that did not come through
   * this search's own client (a MultiSearch's) may lack the vectors of a vector model: its hits
   * are then partial, so saving one cannot erase them.
   */
  override toResponse(body: SearchResponseBody): Response<T, Aggs> {
    const model = (this.context as ModelSearchContext).model;
    this.#vectorsMissing = modelHasVectors(model) && !carriesVectors(body);
    try {
      return super.toResponse(body);
    } finally {
      this.#vectorsMissing = false;
    }
  }

  /** A hit's `_source` as an instance of the model, its meta taken from the hit. */
  protected override makeHit(raw: RawHit<unknown>): Hit<T> {
    const model = (this.context as ModelSearchContext).model as ModelConstructor<T>;
    const doc = fromSource(model, raw._source ?? {});
    // A hit without _source (stored_fields, or _source disabled) holds none of the document.
    const partial = raw._source === undefined || this.filtersSource() || this.#vectorsMissing;
    adoptMeta(doc, hitMeta(raw), this.homeOf(model, raw), partial);
    return doc as Hit<T>;
  }

  /**
   * The client given to `search()`/`using()`, else the default one (ORM_NO_CLIENT if none),
   * asking for vectors in `_source` when the model has vector fields.
   */
  protected override client(): SearchClient {
    const model = (this.context as ModelSearchContext).model;
    return searchWithVectors(this.state.client ?? resolveClient(), model);
  }

  /** Whether hits carry only part of `_source` (then `save()` refuses them). */
  private filtersSource(): boolean {
    const body = this.state.body._source;
    const params = this.state.params;
    return (
      (body !== undefined && body !== true) ||
      params._source !== undefined ||
      params._source_includes !== undefined ||
      params._source_excludes !== undefined
    );
  }

  /** Saves of a hit go through the model's name when that is what was searched, else its index. */
  private homeOf(model: ModelConstructor, raw: RawHit<unknown>): string {
    const searched = this.state.index;
    const name = getDocumentMetadata(model).index.name;
    return searched.length === 1 && searched[0] === name ? name : raw._index;
  }
}

/**
 * The DSL's `UpdateByQuery` over a model's index, its field paths checked against the model's
 * data; without a client of its own it uses the default one (ORM_NO_CLIENT if none). Needs the
 * server's reindex module (and painless for scripts).
 *
 * @example
 * ```ts
 * import { Q } from 'elastiq/dsl';
 * await Post.updateByQuery()
 *   .filter(Q.term({ tags: 'draft' }))
 *   .script({ source: 'ctx._source.likes = 0', lang: 'painless' })
 *   .params({ refresh: true })
 *   .execute();
 * ```
 */
export class ModelUpdateByQuery<T extends object> extends UpdateByQuery<DocumentData<T>> {
  protected override client(): SearchClient {
    return this.state.client ?? resolveClient();
  }
}

/** The search-hit meta: the document meta plus what only hits have (sort, highlight, ...). */
function hitMeta(raw: RawHit<unknown>): DocumentMeta {
  const meta: DocumentMeta & Record<string, unknown> = {
    id: raw._id,
    index: raw._index,
    score: raw._score,
  };
  if (raw._seq_no !== undefined) meta.seqNo = raw._seq_no;
  if (raw._primary_term !== undefined) meta.primaryTerm = raw._primary_term;
  if (raw._version !== undefined) meta.version = raw._version;
  if (raw._routing !== undefined) meta.routing = raw._routing;
  addHitOnlyMeta(raw, meta);
  return meta;
}
