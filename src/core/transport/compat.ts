// REST compatibility negotiation: an 8.x node refuses `compatible-with=9` with a 400 whose
// body names the versions it accepts; the transport then speaks `compatible-with=8` to it.

const REFUSAL = /media_type_header_exception[\s\S]*must be either version 8/;

/**
 * True when an answer is a node's refusal of the `compatible-with=9` media types (an 8.x node).
 *
 * @example
 * refusesCompatibleWith9(400, '{"error":{"type":"media_type_header_exception","caused_by":' +
 *   '{"reason":"Accept version must be either version 8 or 7, but found 9."}}}'); // true
 */
export function refusesCompatibleWith9(statusCode: number, body: unknown): boolean {
  return statusCode === 400 && typeof body === 'string' && REFUSAL.test(body);
}
