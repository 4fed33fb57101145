export type {
  AuthOptions,
  ClientOptions,
  NodeInput,
  NodePoolLike,
  WarningHandler,
} from './client-options.js';
export { cloudIdToUrl } from './cloud-id.js';
export { toMilliseconds } from './duration.js';
export { redactHeaders } from './headers.js';
export type { SniffReason } from './sniffer.js';
export { Sniffer } from './sniffer.js';
export type { ChildOptions } from './transport.js';
export { Transport } from './transport.js';
export type * from './types.js';
