import type * as S from '../generated/spec-types.js';
import type { AggFields, AnyAggregation } from '../nodes/aggregation-node.js';
import type { CheckFields, FieldPath } from '../nodes/field-path.js';
import type { RawNode } from '../nodes/node.js';
import type { Query } from '../nodes/query-node.js';
import type { QueryInput } from '../query/query-types.js';

/** `unknown` when a query names only fields of `T`, else the readable field error. */
export type CheckQuery<X, T> = X extends Query<infer F> ? CheckFields<F, T> : unknown;

/** `unknown` when an aggregation tree names only fields of `T`, else the readable field error. */
export type CheckAggregation<G, T> = G extends AnyAggregation
  ? CheckFields<AggFields<G>, T>
  : unknown;

/** Options of a sort entry for one field. */
export type FieldSortOptions = S.SortOrder | S.FieldSort;

/** A sort key: `'field'`, `'-field'` (descending), `{ field: 'desc' }`, `{ field: { order, ... } }`, or `$raw`. */
export type SortInput<T> =
  | FieldPath<T>
  | `-${FieldPath<T>}`
  | '_score'
  | '-_score'
  | '_doc'
  | { readonly [K in FieldPath<T>]?: FieldSortOptions }
  | RawNode;

/** Highlight fields: a list of paths or paths with per-field options. */
export type HighlightFields<T> =
  | readonly FieldPath<T>[]
  | { readonly [K in FieldPath<T>]?: S.SearchHighlightField };

/** Options of `highlight()` besides the fields. */
export type HighlightOptions = Omit<S.SearchHighlight, 'fields'>;

/** A suggester: exactly one of term / phrase / completion, with its field. */
export type SuggesterInput<T> =
  | { readonly term: S.SearchTermSuggester & { readonly field: FieldPath<T> } }
  | { readonly phrase: S.SearchPhraseSuggester & { readonly field: FieldPath<T> } }
  | { readonly completion: S.SearchCompletionSuggester & { readonly field: FieldPath<T> } }
  | RawNode;

/** `collapse('field')` or the full collapse object. */
export type CollapseInput<T> =
  | FieldPath<T>
  | (S.SearchFieldCollapse & { readonly field: FieldPath<T> });

/** A kNN search clause on a vector field. */
export type KnnInput<T> = Omit<S.KnnSearch, 'filter' | 'field'> & {
  readonly field: FieldPath<T>;
  readonly filter?: QueryInput | readonly QueryInput[];
};

/** `source(false)`, `source(['a', 'b'])` or `source({ includes, excludes })`. */
export type SourceInput<T> =
  | boolean
  | readonly FieldPath<T>[]
  | { readonly includes?: readonly FieldPath<T>[]; readonly excludes?: readonly FieldPath<T>[] };
