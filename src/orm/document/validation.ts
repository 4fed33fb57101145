/** The zod schema derived from a model's fields, and `validateDocument`. */
import type { ZodType } from 'zod';
import type { ModelMetadata } from '../metadata/types.js';

export function schemaFor(meta: ModelMetadata): ZodType {
  void meta;
  throw new Error('schemaFor: not implemented yet');
}

export function validateDocument(instance: object, meta: ModelMetadata): void {
  void instance;
  void meta;
  throw new Error('validateDocument: not implemented yet');
}
