// The `warnings`, `allowed_warnings`, `warnings_regex` and `allowed_warnings_regex` options of a
// YAML `do` step, checked against the `Warning` headers of the response as Elasticsearch's own
// YAML runner does (rest-api-spec/test/README, DoSection#checkWarningHeaders). The header itself is
// read by the client's own parser (src/core/transport/warnings.ts).

import {
  elasticsearchWarningText,
  escapeAndEncode,
  warningHeaders,
} from '../../src/core/transport/warnings.js';

export { escapeAndEncode, warningHeaders };

/** What a `do` step says about the warnings its response may carry. */
export interface WarningExpectations {
  /** Each must come back exactly once (after escaping, see `escapeAndEncode`). */
  readonly expected: readonly string[];
  /** May come back; never required. */
  readonly allowed: readonly string[];
  /** Each must match one warning (the whole text as sent, escapes included). */
  readonly expectedRegex: readonly WarningPattern[];
  readonly allowedRegex: readonly WarningPattern[];
}

/** A `warnings_regex` entry: its source as written, and a regex that must match a whole text. */
export interface WarningPattern {
  readonly source: string;
  readonly regex: RegExp;
}

export const NO_WARNINGS: WarningExpectations = {
  expected: [],
  allowed: [],
  expectedRegex: [],
  allowedRegex: [],
};

/** A `do` step whose warning options cannot be used (not a list of strings, a bad regex). */
export class InvalidWarningOption extends Error {}

// A warning about a request body may start with the parser position `[file][line:column] `.
const XCONTENT_LOCATION = /^\[.*?\]\[-?\d+:-?\d+\] /;

// The Java runner lets this one through anywhere (with a log line) until the suites stop using
// legacy templates; the clients' suites still do (indices/template.yml).
const LEGACY_TEMPLATE_WARNING =
  'Legacy index templates are deprecated in favor of composable templates.';

/** Reads the four options off a `do` step (a single string counts as a list of one). */
export function warningExpectations(step: Readonly<Record<string, unknown>>): WarningExpectations {
  const expected = texts(step, 'warnings');
  const allowed = texts(step, 'allowed_warnings');
  const expectedRegex = texts(step, 'warnings_regex').map(wholeMatch);
  const allowedRegex = texts(step, 'allowed_warnings_regex').map(wholeMatch);
  const both = expected.find((w) => allowed.includes(w));
  if (both !== undefined) {
    throw new InvalidWarningOption(`the warning [${both}] is both allowed and expected`);
  }
  const bothRegex = expectedRegex.find((e) => allowedRegex.some((a) => a.source === e.source));
  if (bothRegex !== undefined) {
    throw new InvalidWarningOption(
      `the warning pattern [${bothRegex.source}] is both allowed and expected`,
    );
  }
  return { expected, allowed, expectedRegex, allowedRegex };
}

function texts(step: Readonly<Record<string, unknown>>, option: string): string[] {
  const value = step[option];
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.some((v) => typeof v !== 'string')) {
    throw new InvalidWarningOption(`'${option}' must be a list of strings`);
  }
  return list as string[];
}

// Java's Matcher#matches: the pattern must cover the whole warning text.
function wholeMatch(source: string): WarningPattern {
  try {
    return { source, regex: new RegExp(`^(?:${source})$`) };
  } catch (error) {
    throw new InvalidWarningOption(
      `invalid warning pattern /${source}/: ${error instanceof Error ? error.message : error}`,
    );
  }
}

/**
 * The warning text of a header as sent (quotes and backslashes still escaped, other characters
 * percent-encoded), without a leading parser position; undefined when the header is not in
 * Elasticsearch's format.
 */
export function warningText(header: string): string | undefined {
  return elasticsearchWarningText(header)?.replace(XCONTENT_LOCATION, '');
}

/**
 * Checks the warning headers of a successful response against a `do` step's options; returns
 * the failure message, or undefined when they agree. A warning that is neither expected nor
 * allowed fails the step, as in Elasticsearch's runner and its README ("if the arguments don't
 * include `warnings` then we don't expect the response to include a Warning header").
 */
export function checkWarnings(
  headers: readonly string[],
  expectations: WarningExpectations,
): string | undefined {
  const allowed = new Set(expectations.allowed.map(escapeAndEncode));
  const expected = new Map(expectations.expected.map((w) => [escapeAndEncode(w), w]));
  const expectedRegex = new Set(expectations.expectedRegex);
  const unexpected: string[] = [];
  const unmatched: string[] = [];
  for (const header of headers) {
    const text = warningText(header);
    if (text === undefined) {
      unmatched.push(header);
      continue;
    }
    if (allowed.has(text) || expected.delete(text)) continue;
    const pattern = [...expectedRegex].find((p) => p.regex.test(text));
    if (pattern) expectedRegex.delete(pattern);
    if (pattern || expectations.allowedRegex.some((p) => p.regex.test(text))) continue;
    // Unlisted warnings fail, as in Elasticsearch's runner (clients' runners pass them): none hide.
    if (text !== LEGACY_TEMPLATE_WARNING) unexpected.push(header);
  }
  const missing = [...expected.values()];
  const missingRegex = [...expectedRegex].map((p) => `/${p.source}/`);
  return (
    [
      listed('got unexpected warning header', unexpected),
      listed('got unmatched warning header', unmatched),
      listed('did not get expected warning', missing),
      listed('no warning matched the regular expression', missingRegex),
    ]
      .filter((line) => line !== undefined)
      .join('; ') || undefined
  );
}

function listed(what: string, items: readonly string[]): string | undefined {
  if (items.length === 0) return undefined;
  return `${what}${items.length > 1 ? 's' : ''} [${items.map((i) => `'${i}'`).join(', ')}]`;
}
