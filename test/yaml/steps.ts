// Runs the steps of one YAML test (do, set, match, is_true, ...) against the generated API.
import { ConfigurationError, ElastiqError, ResponseError } from '../../src/core/errors.js';
import type { TransportRequestOptions } from '../../src/core/transport/types.js';
import {
  compareNumbers,
  contains,
  isRegexLiteral,
  isTruthy,
  lengthOf,
  matchesOrHolds,
  type Stash,
  valueAt,
  verboseRegex,
} from './assertions.js';
import { requiresSectionReason, type ServerFacts, skipSectionReason } from './skip-conditions.js';
import {
  checkWarnings,
  InvalidWarningOption,
  type WarningExpectations,
  warningExpectations,
  warningHeaders,
} from './warnings.js';

export type Step = Record<string, unknown>;

/** Why a test cannot run here (an unsupported feature): the runner counts it as skipped. */
export class SkipTest extends Error {}

/** A test that declares `requires: {stack: false}`: it targets serverless only. */
export class ServerlessOnly extends SkipTest {
  constructor() {
    super('requires stack: false (serverless only)');
  }
}

/** A test whose `skip:` or `requires:` section excludes this server or runner: counted as skipped. */
export class ConditionSkip extends SkipTest {}

/** An assertion or call that did not go as the test says. */
export class StepFailure extends Error {}

type ApiMethod = (params?: object, options?: TransportRequestOptions) => Promise<unknown>;

const CATCH_STATUS: Readonly<Record<string, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  missing: 404,
  request_timeout: 408,
  conflict: 409,
  unavailable: 503,
};

const DO_OPTIONS = new Set([
  'catch',
  'headers',
  'warnings',
  'allowed_warnings',
  'warnings_regex',
  'allowed_warnings_regex',
  'node_selector',
]);

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export class StepRunner {
  /** The body of the last response (or of the error a `catch` expected). */
  last: unknown;

  #server: Promise<ServerFacts> | undefined;

  constructor(
    private readonly client: object,
    readonly stash: Stash,
    private readonly requestTimeout: number,
  ) {}

  /** Looks up `indices.put_mapping` as `client.indices.putMapping`. */
  method(api: string): ApiMethod {
    let target: unknown = this.client;
    let owner: unknown = this.client;
    for (const part of api.split('.')) {
      owner = target;
      target = (target as Record<string, unknown> | undefined)?.[camel(part)];
    }
    if (typeof target !== 'function') throw new StepFailure(`no API method for '${api}'`);
    return (target as ApiMethod).bind(owner);
  }

  async run(step: Step): Promise<void> {
    const [kind, arg] = Object.entries(step)[0] ?? [];
    switch (kind) {
      case 'do':
        return this.do(arg as Record<string, unknown>);
      case 'skip': {
        const reason = await skipSectionReason((arg as Record<string, unknown> | null) ?? {}, () =>
          this.server(),
        );
        if (reason !== undefined) throw new ConditionSkip(reason);
        return;
      }
      case 'requires': {
        const section = (arg as Record<string, unknown> | null) ?? {};
        if (section.stack === false) throw new ServerlessOnly();
        const reason = requiresSectionReason(section);
        if (reason !== undefined) throw new ConditionSkip(reason);
        return;
      }
      case 'set':
        for (const [path, name] of Object.entries(arg as object)) {
          this.stash.set(String(name), valueAt(this.last, path, this.stash));
        }
        return;
      case 'match':
        return this.compare(arg, 'match', matchesOrHolds);
      case 'is_true':
        return this.truth(String(arg ?? ''), true);
      case 'is_false':
        return this.truth(String(arg ?? ''), false);
      case 'length':
        return this.compare(
          arg,
          'length',
          (actual, expected) => lengthOf(actual) === Number(expected),
        );
      case 'gt':
        return this.compare(arg, 'gt', (a, e) => compareNumbers(a, e, (x, y) => x > y));
      case 'gte':
        return this.compare(arg, 'gte', (a, e) => compareNumbers(a, e, (x, y) => x >= y));
      case 'lt':
        return this.compare(arg, 'lt', (a, e) => compareNumbers(a, e, (x, y) => x < y));
      case 'lte':
        return this.compare(arg, 'lte', (a, e) => compareNumbers(a, e, (x, y) => x <= y));
      case 'contains':
        return this.compare(arg, 'contains', (actual, expected) => contains(actual, expected));
      case 'exists':
        if (valueAt(this.last, String(arg), this.stash) === undefined) {
          throw new StepFailure(`exists: nothing at '${String(arg)}'`);
        }
        return;
      default:
        throw new SkipTest(`unsupported step '${String(kind)}'`);
    }
  }

  // The node's version, asked once (`GET /` answers 405 on the test distribution).
  private server(): Promise<ServerFacts> {
    this.#server ??= this.method('nodes.info')({ node_id: '_local' }).then((info) => {
      const nodes = Object.values(
        (info as { nodes?: Record<string, { version?: string }> }).nodes ?? {},
      );
      const version = nodes[0]?.version;
      if (version === undefined) throw new StepFailure('nodes.info: no version for the local node');
      return { version };
    });
    return this.#server;
  }

  private truth(path: string, expected: boolean): void {
    const value = valueAt(this.last, path, this.stash);
    if (isTruthy(value) !== expected) {
      throw new StepFailure(`is_${expected}: '${path}' is ${JSON.stringify(value)}`);
    }
  }

  private compare(
    arg: unknown,
    name: string,
    check: (actual: unknown, expected: unknown) => boolean,
  ): void {
    for (const [path, rawExpected] of Object.entries(arg as object)) {
      const expected = this.stash.resolve(rawExpected);
      const actual = valueAt(this.last, path, this.stash);
      if (!check(actual, expected)) {
        throw new StepFailure(
          `${name} '${path}': expected ${JSON.stringify(expected)}, got ${truncate(JSON.stringify(actual))}`,
        );
      }
    }
  }

  private async do(arg: Record<string, unknown>): Promise<void> {
    const apis = Object.keys(arg).filter((k) => !DO_OPTIONS.has(k));
    if (apis.length !== 1) throw new StepFailure(`do: expected one API, got ${apis.join(', ')}`);
    const api = apis[0]!;
    const warnings = readWarningOptions(arg);
    const params = { ...((this.stash.resolve(arg[api]) as Record<string, unknown> | null) ?? {}) };
    if (typeof params.body === 'string') params.body = this.resolveJsonText(params.body);
    // `meta` brings the headers (the warnings) along; HEAD endpoints keep their boolean body.
    const options: { -readonly [K in keyof TransportRequestOptions]: TransportRequestOptions[K] } =
      {
        requestTimeout: this.requestTimeout,
        meta: true,
      };
    if (arg.headers) options.headers = requestHeaders(this.stash.resolve(arg.headers));
    if (params.ignore !== undefined) {
      options.ignore = ([] as unknown[]).concat(params.ignore).map(Number);
      delete params.ignore;
    }
    const expectedCatch = arg.catch === undefined ? undefined : String(arg.catch);
    let response: { body: unknown; headers: Record<string, unknown> | undefined };
    try {
      response = responseParts(await this.method(api)(params, options));
    } catch (error) {
      if (expectedCatch === undefined) throw new StepFailure(`${api} failed: ${describe(error)}`);
      // As Elasticsearch's runner: the warnings of an expected error response are not checked.
      this.checkCatch(api, expectedCatch, error);
      return;
    }
    if (expectedCatch !== undefined) {
      throw new StepFailure(
        `${api}: expected an error (${expectedCatch}), got ${truncate(JSON.stringify(response.body))}`,
      );
    }
    this.last = response.body;
    const failure = checkWarnings(warningHeaders(response.headers), warnings);
    if (failure !== undefined) throw new StepFailure(`${api}: ${failure}`);
  }

  // A body written as JSON text can hold stashed values (`"ids": ["$key_id"]`): the reference
  // runners parse such a body before replacing them. Text that is not one JSON value (NDJSON)
  // or names nothing stashed is sent as written.
  private resolveJsonText(body: string): unknown {
    if (!/\$\{?[A-Za-z_]/.test(body)) return body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return body;
    }
    const resolved = this.stash.resolve(parsed);
    return JSON.stringify(resolved) === JSON.stringify(parsed) ? body : resolved;
  }

  private checkCatch(api: string, expected: string, error: unknown): void {
    if (expected === 'param') {
      if (error instanceof ConfigurationError) return;
      throw new StepFailure(`${api}: expected a parameter error, got ${describe(error)}`);
    }
    if (!(error instanceof ResponseError)) throw new StepFailure(`${api}: ${describe(error)}`);
    this.last = error.body;
    const status = CATCH_STATUS[expected];
    if (status !== undefined) {
      if (error.statusCode === status) return;
      throw new StepFailure(
        `${api}: expected status ${status} (${expected}), got ${describe(error)}`,
      );
    }
    if (expected === 'request') {
      if (error.statusCode >= 400) return;
    } else {
      const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      const ok = isRegexLiteral(expected)
        ? verboseRegex(expected).test(text)
        : text.includes(expected);
      if (ok) return;
    }
    throw new StepFailure(`${api}: expected error ${expected}, got ${describe(error)}`);
  }
}

// A test's plain `Content-Type: application/json` only says the body is JSON; the client already
// sends JSON with the compatible-with media type on both headers, and Elasticsearch refuses a mix.
function requestHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((headers as Record<string, unknown>) ?? {})) {
    const plainJson =
      /^(content-type|accept)$/i.test(name) && /^application\/json\b/i.test(String(value));
    if (!plainJson) out[name] = String(value);
  }
  return out;
}

function readWarningOptions(arg: Record<string, unknown>): WarningExpectations {
  try {
    return warningExpectations(arg);
  } catch (error) {
    if (error instanceof InvalidWarningOption) throw new StepFailure(`do: ${error.message}`);
    throw error;
  }
}

// What `meta: true` resolves with; a client double that ignores `meta` answers with the body
// alone, which has no headers (so no warnings) to check.
function responseParts(result: unknown): {
  body: unknown;
  headers: Record<string, unknown> | undefined;
} {
  const meta = result as { body?: unknown; statusCode?: unknown; headers?: unknown } | null;
  const isMeta =
    typeof meta === 'object' &&
    meta !== null &&
    'body' in meta &&
    'meta' in meta &&
    typeof meta.statusCode === 'number' &&
    typeof meta.headers === 'object';
  if (!isMeta) return { body: result, headers: undefined };
  return { body: meta.body, headers: (meta.headers ?? undefined) as Record<string, unknown> };
}

function describe(error: unknown): string {
  if (error instanceof ElastiqError) return truncate(`${error.name}: ${error.message}`);
  return truncate(String(error));
}

function truncate(text: string | undefined, max = 300): string {
  if (text === undefined) return 'undefined';
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
