// A small JSON parser that keeps integers beyond 2^53 exact as BigInt.
// Only used when the text holds a run of 16+ digits; everything else goes through JSON.parse.

import type { PoisonAction } from './poison.js';

/** A JSON syntax error found by the lossless parser, with the offset where it was found. */
export class LosslessSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

const MAX_DEPTH = 10_000;

/**
 * Parses JSON, returning integers outside the safe range as `bigint`.
 *
 * @example
 * parseLossless('{"id":9007199254740993}'); // { id: 9007199254740993n }
 */
export function parseLossless(text: string, poison: PoisonAction = 'remove'): unknown {
  const parser = new Parser(text, poison);
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (parser.index !== text.length) parser.fail('Unexpected data after JSON value');
  return value;
}

class Parser {
  index = 0;

  constructor(
    private readonly text: string,
    private readonly poison: PoisonAction,
  ) {}

  fail(message: string): never {
    throw new LosslessSyntaxError(message, this.index);
  }

  skipWhitespace(): void {
    const text = this.text;
    let i = this.index;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.index = i;
  }

  parseValue(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply');
    const c = this.text.charCodeAt(this.index);
    if (c === 0x7b) return this.parseObject(depth);
    if (c === 0x5b) return this.parseArray(depth);
    if (c === 0x22) return this.parseString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.text.startsWith('true', this.index)) return this.literal(4, true);
    if (this.text.startsWith('false', this.index)) return this.literal(5, false);
    if (this.text.startsWith('null', this.index)) return this.literal(4, null);
    return this.fail(Number.isNaN(c) ? 'Unexpected end of JSON' : 'Unexpected token');
  }

  private literal<T>(length: number, value: T): T {
    this.index += length;
    return value;
  }

  private parseObject(depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.index++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.index) === 0x7d) {
      this.index++;
      return result;
    }
    for (;;) {
      if (this.text.charCodeAt(this.index) !== 0x22) this.fail('Expected a property name');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.index) !== 0x3a) this.fail("Expected ':'");
      this.index++;
      this.skipWhitespace();
      const value = this.parseValue(depth + 1);
      this.assign(result, key, value);
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.index++);
      if (next === 0x7d) return result;
      if (next !== 0x2c) {
        this.index--;
        this.fail("Expected ',' or '}'");
      }
      this.skipWhitespace();
    }
  }

  private assign(target: Record<string, unknown>, key: string, value: unknown): void {
    const poisoned =
      key === '__proto__' ||
      (key === 'constructor' &&
        typeof value === 'object' &&
        value !== null &&
        Object.hasOwn(value, 'prototype'));
    if (poisoned) {
      if (this.poison === 'error') this.fail(`Forbidden property "${key}"`);
      if (this.poison === 'remove') return;
    }
    // defineProperty so that "__proto__" (when allowed) stays an own property, as JSON.parse does.
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }

  private parseArray(depth: number): unknown[] {
    const result: unknown[] = [];
    this.index++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.index) === 0x5d) {
      this.index++;
      return result;
    }
    for (;;) {
      result.push(this.parseValue(depth + 1));
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.index++);
      if (next === 0x5d) return result;
      if (next !== 0x2c) {
        this.index--;
        this.fail("Expected ',' or ']'");
      }
      this.skipWhitespace();
    }
  }

  private parseString(): string {
    const text = this.text;
    const start = this.index + 1;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) return this.parseEscapedString(start);
      if (Number.isNaN(c)) {
        this.index = i;
        this.fail('Unterminated string');
      }
      if (c < 0x20) {
        this.index = i;
        this.fail('Control character in string');
      }
      i++;
    }
    this.index = i + 1;
    return text.slice(start, i);
  }

  // Rare path: let JSON.parse decode the escapes of one string literal.
  private parseEscapedString(start: number): string {
    const text = this.text;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.index = i;
        this.fail('Unterminated string');
      }
      if (c === 0x5c) i += 2;
      else if (c === 0x22) break;
      else i++;
    }
    try {
      const value = JSON.parse(text.slice(start - 1, i + 1)) as string;
      this.index = i + 1;
      return value;
    } catch {
      this.index = start;
      return this.fail('Invalid string escape');
    }
  }

  private parseNumber(): number | bigint {
    const text = this.text;
    const start = this.index;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const intStart = i;
    while (isDigit(text.charCodeAt(i))) i++;
    if (i === intStart || (text.charCodeAt(intStart) === 0x30 && i - intStart > 1)) {
      this.index = intStart;
      this.fail('Invalid number');
    }
    let integer = true;
    if (text.charCodeAt(i) === 0x2e) {
      integer = false;
      i++;
      const fracStart = i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === fracStart) {
        this.index = i;
        this.fail('Invalid number');
      }
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      const expStart = i;
      while (isDigit(text.charCodeAt(i))) i++;
      if (i === expStart) {
        this.index = i;
        this.fail('Invalid number');
      }
    }
    this.index = i;
    const literal = text.slice(start, i);
    if (integer && i - intStart > 15) {
      const big = BigInt(literal);
      if (big > MAX_SAFE || big < MIN_SAFE) return big;
    }
    return Number(literal);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
