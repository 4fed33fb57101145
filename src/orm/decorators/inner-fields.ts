/**
 * `ObjectField` and `Nested`: fields whose values are InnerDoc instances. The target is a thunk
 * (`() => Comment`) so a class can refer to one declared later, or to itself.
 */
import type {
  MappingNestedProperty,
  MappingObjectProperty,
} from '../../core/api/generated/types.js';
import type { ModelConstructor } from '../metadata/types.js';
import { type FieldDecorator, type FieldOptions, fieldDecorator } from './field.js';

/** `ObjectField`/`Nested`: `multi: true` makes the property an array of the inner class. */
export interface InnerFieldDecoratorFactory<P> {
  <C extends object>(
    target: () => ModelConstructor<C>,
    options: FieldOptions<P> & { readonly multi: true },
  ): FieldDecorator<readonly C[]>;
  <C extends object>(
    target: () => ModelConstructor<C>,
    options?: FieldOptions<P> & { readonly multi?: false },
  ): FieldDecorator<C>;
}

function innerFactory<P>(type: 'object' | 'nested'): InnerFieldDecoratorFactory<P> {
  return ((target: () => ModelConstructor, options: Readonly<Record<string, unknown>> = {}) =>
    fieldDecorator(type, options, target)) as unknown as InnerFieldDecoratorFactory<P>;
}

/**
 * An object field (`object`): the inner document's fields are flattened into the parent's.
 * @example
 * ```ts
 * import { Document, InnerDoc, Keyword, Model, ObjectField } from 'elastiq/orm';
 * class Author extends InnerDoc {
 *   @Keyword() name!: string;
 * }
 * @Document({ index: 'books' })
 * class Book extends Model {
 *   @ObjectField(() => Author) author!: Author;
 * }
 * ```
 */
export const ObjectField: InnerFieldDecoratorFactory<MappingObjectProperty> =
  innerFactory('object');

/**
 * A nested field (`nested`): each inner document is indexed apart, so `nested` queries match
 * fields of the same one.
 * @example
 * ```ts
 * import { Document, InnerDoc, Keyword, Model, Nested, Text } from 'elastiq/orm';
 * class Comment extends InnerDoc {
 *   @Keyword() author!: string;
 *   @Text() body!: string;
 * }
 * @Document({ index: 'posts' })
 * class Post extends Model {
 *   @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
 * }
 * ```
 */
export const Nested: InnerFieldDecoratorFactory<MappingNestedProperty> = innerFactory('nested');
