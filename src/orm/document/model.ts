// biome-ignore-all lint/complexity/noThisInStatic: statics act on the subclass they are called on (Post.get gives a Post)
/**
 * `Model`: the base class of document models. Statics load and search documents of the class
 * they are called on (`Post.get()` resolves to a `Post`); instance methods write one document
 * with optimistic concurrency control. The requests themselves live in persistence*.ts.
 */
import { getDocumentMetadata } from '../metadata/registry.js';
import type { ModelConstructor } from '../metadata/types.js';
import { type DocumentData, ModelSearch, ModelUpdateByQuery } from './model-search.js';
import { createDocument, indexNameOf } from './persistence.js';
import {
  type SaveAllOptions,
  type SaveAllResult,
  type SaveAllStreamResult,
  saveDocuments,
} from './persistence-bulk.js';
import { type InitResult, initIndex } from './persistence-init.js';
import type {
  CallOptions,
  DeleteOptions,
  ExistsOptions,
  GetOptions,
  MgetOptions,
  SaveOptions,
  UpdateOptions,
} from './persistence-options.js';
import { documentExists, getDocument, mgetDocuments } from './persistence-read.js';
import { type DocumentMeta, metaOf } from './persistence-state.js';
import {
  deleteDocument,
  reloadDocument,
  saveDocument,
  updateDocument,
} from './persistence-write.js';
import { toSource } from './source.js';
import { validateDocument } from './validation.js';

// Node's util.inspect hook, by its registered name (no node:util import in the model layer).
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** Options of `Model.search()`. */
export interface SearchOptions extends CallOptions {
  /** Search these indices or aliases instead of the model's. */
  readonly index?: string | readonly string[] | undefined;
}

/** `Model.create()`'s argument: any of the model's data properties (unknown ones do not compile). */
export type CreateProps<T> = Partial<DocumentData<T>>;

/** `doc.update()`'s argument: some of the model's data properties; `null` clears one. */
export type UpdateProps<T> = { [K in keyof DocumentData<T>]?: DocumentData<T>[K] | null };

/**
 * The base class of document models: decorate a subclass with `@Document({ index })` and its
 * properties with field decorators.
 *
 * @example
 * ```ts
 * import { Client } from 'elastiq';
 * import { DateField, Document, Integer, Model, setDefaultClient, Text } from 'elastiq/orm';
 * @Document({ index: 'blog-posts' })
 * class Post extends Model {
 *   @Text() title!: string;
 *   @Integer() likes = 0;
 *   @DateField() publishedAt!: Date;
 * }
 * setDefaultClient(new Client({ node: 'http://127.0.0.1:9200' }));
 * await Post.init();
 * const post = await Post.create({ title: 'Hello', publishedAt: new Date() }).save();
 * const same = await Post.get(post.meta.id!);
 * same.likes += 1;
 * await same.save(); // refused with ORM_CONFLICT if someone saved it in between
 * ```
 */
export abstract class Model {
  /**
   * Where the document lives and which write of it this instance saw (id, index, seqNo,
   * primaryTerm, version, routing, score). Never part of `_source`. Set `meta.id` (and
   * `meta.routing`) before the first save to choose them.
   */
  get meta(): DocumentMeta {
    return metaOf(this);
  }

  /**
   * A new, unsaved instance: class field initialisers give the defaults, then `props` are
   * assigned (plain objects of object/nested fields become their InnerDoc class).
   *
   * @example
   * ```ts
   * const post = Post.create({ title: 'Hello', publishedAt: new Date() });
   * post.meta.id = 'hello'; // optional: an explicit id
   * ```
   */
  static create<T extends Model>(this: ModelConstructor<T>, props: CreateProps<T> = {}): T {
    return createDocument(this, props as Record<string, unknown>);
  }

  /**
   * The index (or alias) name the model reads and writes.
   *
   * @example
   * ```ts
   * Post.indexName(); // 'blog-posts'
   * ```
   */
  static indexName(this: ModelConstructor): string {
    return indexNameOf(this);
  }

  /**
   * Creates the index from the model (settings, mappings, aliases) when it does not exist, else
   * adds the model's new fields to its mapping; a field that changed rejects with
   * ORM_MAPPING_CONFLICT. Idempotent.
   *
   * @example
   * ```ts
   * const { created } = await Post.init();
   * ```
   */
  static init(this: ModelConstructor, options: CallOptions = {}): Promise<InitResult> {
    return initIndex(this, options);
  }

  /**
   * Loads a document by id as an instance of the model. A missing document rejects with
   * ORM_NOT_FOUND, or resolves to `null` with `{ missing: 'null' }`.
   *
   * @example
   * ```ts
   * const post = await Post.get('hello'); // Post
   * const maybe = await Post.get('nope', { missing: 'null' }); // Post | null
   * ```
   */
  static get<T extends Model>(
    this: ModelConstructor<T>,
    id: string,
    options: GetOptions & { readonly missing: 'null' },
  ): Promise<T | null>;
  static get<T extends Model>(
    this: ModelConstructor<T>,
    id: string,
    options?: GetOptions & { readonly missing?: 'throw' | undefined },
  ): Promise<T>;
  static get<T extends Model>(
    this: ModelConstructor<T>,
    id: string,
    options: GetOptions = {},
  ): Promise<T | null> {
    return getDocument(this, id, options);
  }

  /**
   * Loads documents by ids in one request, in the order of `ids`. A missing id gives `null` in
   * its place (default), is left out (`missing: 'skip'`) or rejects (`missing: 'throw'`).
   *
   * @example
   * ```ts
   * const [a, b] = await Post.mget(['a', 'b']); // (Post | null)[]
   * const found = await Post.mget(['a', 'b'], { missing: 'skip' }); // Post[]
   * ```
   */
  static mget<T extends Model>(
    this: ModelConstructor<T>,
    ids: readonly string[],
    options: MgetOptions & { readonly missing: 'skip' | 'throw' },
  ): Promise<T[]>;
  static mget<T extends Model>(
    this: ModelConstructor<T>,
    ids: readonly string[],
    options?: MgetOptions & { readonly missing?: 'null' | undefined },
  ): Promise<(T | null)[]>;
  static mget<T extends Model>(
    this: ModelConstructor<T>,
    ids: readonly string[],
    options: MgetOptions = {},
  ): Promise<(T | null)[]> {
    return mgetDocuments(this, ids, options);
  }

  /**
   * Whether a document with this id exists (`false` when the index does not).
   *
   * @example
   * ```ts
   * if (await Post.exists('hello')) console.log('taken');
   * ```
   */
  static exists(this: ModelConstructor, id: string, options: ExistsOptions = {}): Promise<boolean> {
    return documentExists(this, id, options);
  }

  /**
   * A typed, immutable Search over the model's index whose hits are model instances.
   *
   * @example
   * ```ts
   * import { Q } from 'elastiq/dsl';
   * const res = await Post.search().query(Q.match({ title: 'hello' })).sort('-likes').execute();
   * res.hits[0]?.meta.id;
   * ```
   */
  static search<T extends Model>(
    this: ModelConstructor<T>,
    options: SearchOptions = {},
  ): ModelSearch<T> {
    const index = options.index ?? getDocumentMetadata(this).index.name;
    return new ModelSearch<T>({
      index,
      context: { model: this },
      ...(options.client === undefined ? {} : { client: options.client }),
    }).extra({ seq_no_primary_term: true });
  }

  /**
   * An update-by-query over the model's index (typed field paths; needs the server's reindex
   * module). Delete-by-query is `Model.search().filter(...).delete()`.
   *
   * @example
   * ```ts
   * import { Q } from 'elastiq/dsl';
   * await Post.updateByQuery()
   *   .filter(Q.term({ tags: 'old' }))
   *   .script({ source: 'ctx._source.likes = 0', lang: 'painless' })
   *   .execute();
   * ```
   */
  static updateByQuery<T extends Model>(
    this: ModelConstructor<T>,
    options: SearchOptions = {},
  ): ModelUpdateByQuery<T> {
    return new ModelUpdateByQuery<T>({
      index: options.index ?? getDocumentMetadata(this).index.name,
      ...(options.client === undefined ? {} : { client: options.client }),
    });
  }

  /**
   * Saves many documents with the bulk API, each exactly as `save()` would: validated first
   * (invalid ones are never sent), partial ones refused, loaded ones guarded by their seqNo. Every
   * saved document gets its `meta` (id, seqNo, primaryTerm, version, index) from its bulk item.
   * Any document not saved rejects the call with OrmBulkSaveError (ORM_BULK_FAILED) listing each
   * with its typed error (OrmValidationError, OrmConflictError, ...); `raiseOnError: false`
   * resolves with `{ saved, savedCount, failed }` instead. An array's saved documents are listed
   * (`saved`); an iterable's are only counted (`saved` undefined), so a stream of any length runs
   * in bounded memory.
   *
   * @example
   * ```ts
   * declare const titles: string[];
   * declare function readPosts(): AsyncIterable<Post>;
   * const posts = titles.map((title) => Post.create({ title, publishedAt: new Date() }));
   * const { savedCount } = await Post.saveAll(posts, { refresh: 'wait_for' });
   * posts[0]?.meta.id; // set from its bulk item
   * const { failed } = await Post.saveAll(readPosts(), { raiseOnError: false }); // async iterable
   * for (const { document, error } of failed) console.error(document.meta.id, error.code);
   * ```
   */
  static saveAll<T extends Model>(
    this: ModelConstructor<T>,
    docs: readonly T[],
    options?: SaveAllOptions,
  ): Promise<SaveAllResult<T>>;
  static saveAll<T extends Model>(
    this: ModelConstructor<T>,
    docs: Iterable<T> | AsyncIterable<T>,
    options?: SaveAllOptions,
  ): Promise<SaveAllStreamResult<T>>;
  static saveAll<T extends Model>(
    this: ModelConstructor<T>,
    docs: Iterable<T> | AsyncIterable<T>,
    options: SaveAllOptions = {},
  ): Promise<SaveAllResult<T> | SaveAllStreamResult<T>> {
    return saveDocuments(this, docs, options) as Promise<SaveAllResult<T> | SaveAllStreamResult<T>>;
  }

  /**
   * Validates, then indexes the whole document. A document loaded or saved before is written
   * only if nobody changed it since (`if_seq_no`/`if_primary_term`), else it rejects with
   * OrmConflictError (ORM_CONFLICT). Updates `meta` (id, seqNo, ...) from the answer.
   *
   * @example
   * ```ts
   * const post = Post.create({ title: 'Hello', publishedAt: new Date() });
   * await post.save({ refresh: 'wait_for' });
   * post.meta.id; // the generated id
   * ```
   */
  async save(options: SaveOptions = {}): Promise<this> {
    await saveDocument(this, options);
    return this;
  }

  /**
   * Sends only the given fields (a partial update) with concurrency control, and applies them
   * to this instance (taken back if the update is refused). `null` clears a field. An update
   * that names no field of the model (`{}`) is refused with ORM_EMPTY_UPDATE before any request.
   *
   * @example
   * ```ts
   * await post.update({ likes: post.likes + 1 }, { refresh: true });
   * await post.update({ likes: null }); // cleared: sent as null
   * ```
   */
  async update(partial: UpdateProps<this>, options: UpdateOptions = {}): Promise<this> {
    await updateDocument(this, partial as Record<string, unknown>, options);
    return this;
  }

  /**
   * Deletes the document, refused with ORM_CONFLICT if it changed since this instance saw it;
   * ORM_NOT_FOUND if it is not there.
   *
   * @example
   * ```ts
   * await post.delete({ refresh: true });
   * ```
   */
  async delete(options: DeleteOptions = {}): Promise<void> {
    await deleteDocument(this, options);
  }

  /**
   * Reads the stored document back into this instance (fields and meta), e.g. after a conflict.
   *
   * @example
   * ```ts
   * await post.reload();
   * ```
   */
  async reload(options: CallOptions = {}): Promise<this> {
    await reloadDocument(this, options);
    return this;
  }

  /** Throws OrmValidationError (ORM_VALIDATION) when the document breaks its model's rules. */
  validate(): void {
    validateDocument(this, getDocumentMetadata(this.constructor as ModelConstructor));
  }

  /** The document's `_source` (what `save()` sends); `JSON.stringify(doc)` gives the same. */
  toJSON(): Record<string, unknown> {
    return toSource(this, getDocumentMetadata(this.constructor as ModelConstructor));
  }

  /** `console.log(doc)` shows the data properties and `meta`, not the internal state. */
  [INSPECT](
    _depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    const shown: Record<string, unknown> = {};
    for (const key of Object.keys(this)) shown[key] = (this as Record<string, unknown>)[key];
    shown.meta = this.meta;
    return `${this.constructor.name} ${inspect(shown, options)}`;
  }
}
