/**
 * elastiq/orm: `@Document` model classes whose decorators generate the mappings, typed save and
 * load with optimistic concurrency and validation, and migrations that evolve the mappings.
 */
export {
  Document,
  type DocumentOptions,
} from './decorators/document.js';
export {
  type CommonFieldOptions,
  Field,
  type FieldDecorator,
  type FieldDecoratorFactory,
  type FieldOptions,
  type MappingParameters,
} from './decorators/field.js';
export {
  Binary,
  BooleanField,
  Byte,
  Completion,
  type CompletionValue,
  DateField,
  type DateValue,
  DenseVector,
  Double,
  Flattened,
  Float,
  GeoPoint,
  type GeoPointValue,
  GeoShape,
  type GeoShapeValue,
  HalfFloat,
  Integer,
  Ip,
  Keyword,
  Long,
  type LongValue,
  ScaledFloat,
  Short,
  SparseVector,
  Text,
  UnsignedLong,
} from './decorators/field-types.js';
export {
  type InnerFieldDecoratorFactory,
  Nested,
  ObjectField,
} from './decorators/inner-fields.js';
export { getDefaultClient, setDefaultClient } from './document/connections.js';
export {
  type BulkSaveDetails,
  type BulkSaveFailure,
  type ConflictDetails,
  OrmBulkSaveError,
  OrmConflictError,
  OrmNotFoundError,
  OrmWriteError,
} from './document/errors.js';
export { InnerDoc } from './document/inner-doc.js';
export {
  type CreateProps,
  Model,
  type SearchOptions,
  type UpdateProps,
} from './document/model.js';
export {
  type DataKeys,
  type DataValue,
  type DocumentData,
  ModelSearch,
  ModelUpdateByQuery,
} from './document/model-search.js';
export type {
  SaveAllOptions,
  SaveAllResult,
  SaveAllStreamResult,
} from './document/persistence-bulk.js';
export type { InitResult } from './document/persistence-init.js';
export type {
  CallOptions,
  DeleteOptions,
  ExistsOptions,
  GetOptions,
  MgetOptions,
  SaveOptions,
  SourceFilter,
  UpdateOptions,
} from './document/persistence-options.js';
export type { DocumentMeta } from './document/persistence-state.js';
export { fromSource, toSource, undeclaredFields } from './document/source.js';
export {
  OrmValidationError,
  type OrmValidationIssue,
  schemaFor,
  validateDocument,
} from './document/validation.js';
export { OrmError, type OrmErrorCode } from './errors.js';
export { buildIndexBody, buildMappings, type IndexBody } from './mapping/build-mappings.js';
export { getDocumentMetadata, getModelMetadata, isDocumentClass } from './metadata/registry.js';
export type {
  FieldMetadata,
  FieldType,
  IndexMetadata,
  ModelConstructor,
  ModelMetadata,
} from './metadata/types.js';
export * from './migrations/index.js';
export type { IndexBody as MigrationIndexBody } from './migrations/index-target.js';
