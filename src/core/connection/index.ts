export { HttpConnection } from './http-connection.js';
export type {
  Connection,
  ConnectionClass,
  ConnectionOptions,
  ConnectionRequest,
  ConnectionResponse,
  ConnectionResponseHeaders,
  NodeRoles,
  TlsOptions,
} from './types.js';
export { UndiciConnection } from './undici-connection.js';
