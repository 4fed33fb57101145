/**
 * The base class of inner documents: the values of `@ObjectField`/`@Nested` fields. It holds no
 * state; it marks the class so the resolver can reject a target that is not meant to be embedded.
 *
 * @example
 * ```ts
 * import { DateField, InnerDoc, Keyword, Text } from 'elastiq/orm';
 * class Comment extends InnerDoc {
 *   @Keyword() author!: string;
 *   @Text() body!: string;
 *   @DateField() createdAt!: Date;
 * }
 * ```
 */
export abstract class InnerDoc {}

/** True when `target` is InnerDoc or a subclass of it. */
export function isInnerDocClass(target: unknown): boolean {
  return (
    typeof target === 'function' && (target === InnerDoc || target.prototype instanceof InnerDoc)
  );
}
