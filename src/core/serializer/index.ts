export type { JsonSerializerOptions, Serializer } from './json-serializer.js';
export { JsonSerializer } from './json-serializer.js';
export { parseLossless } from './lossless-json.js';
export type { JsonPathSegment, NonFiniteValue } from './non-finite.js';
export {
  assertJsonSafe,
  findNonFinite,
  formatJsonPath,
  isNonFinite,
  isNonFiniteNumber,
  nonFiniteError,
  nonFiniteReason,
} from './non-finite.js';
export type { PoisonAction } from './poison.js';
export { querystring } from './querystring.js';
