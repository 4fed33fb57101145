export { Api } from './api/index.js';
export type * from './transport/types.js';
