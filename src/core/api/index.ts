import type { TransportLike } from '../transport/types.js';

// Placeholder until the generator writes src/core/api/generated: the Client extends this class.
export class Api {
  constructor(readonly transport: TransportLike) {}
}
