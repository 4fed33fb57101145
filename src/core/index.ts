export type * from './api/index.js';
export { Api } from './api/index.js';
export { Client } from './client.js';
export type {
  Connection,
  ConnectionClass,
  ConnectionOptions,
  ConnectionRequest,
  ConnectionResponse,
  NodeRoles,
  TlsOptions,
} from './connection/index.js';
export { HttpConnection, UndiciConnection } from './connection/index.js';
export type {
  DiagnosticEventName,
  DiagnosticEvents,
  RequestDiagnostic,
  ResponseDiagnostic,
  ResurrectDiagnostic,
  RetryDiagnostic,
  SniffDiagnostic,
  WarningDiagnostic,
} from './diagnostics.js';
export { diagnosticChannels } from './diagnostics.js';
export type { ErrorRequestMeta, ErrorResponseHeaders, ErrorResponseMeta } from './errors.js';
export {
  ConfigurationError,
  ConnectionError,
  DeserializationError,
  ElastiqError,
  ErrorCodes,
  NoLivingConnectionsError,
  ProductNotSupportedError,
  RequestAbortedError,
  ResponseError,
  SerializationError,
  TimeoutError,
} from './errors.js';
export * from './helpers/index.js';
export type {
  NodePoolOptions,
  NodeSelector,
  NodeState,
  ResurrectStrategy,
  SelectorFunction,
  SniffedNode,
} from './pool/index.js';
export { NodePool } from './pool/index.js';
export type { JsonSerializerOptions, PoisonAction, Serializer } from './serializer/index.js';
export { JsonSerializer } from './serializer/index.js';
export type {
  AuthOptions,
  ChildOptions,
  ClientOptions,
  NodeInput,
  NodePoolLike,
  WarningHandler,
} from './transport/index.js';
export { Transport } from './transport/index.js';
export type * from './transport/types.js';
