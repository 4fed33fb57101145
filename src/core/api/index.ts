// The generated REST API: the Api class (the Client extends it), its namespaces and every type.

export type { EndpointSpec } from './endpoint.js';
export type * from './generated/api.js';
export { Api } from './generated/api.js';
export type * from './generated/types.js';
