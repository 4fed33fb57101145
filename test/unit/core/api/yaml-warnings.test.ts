import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../../src/core/client.js';
import { HttpConnection } from '../../../../src/core/index.js';
import { type Stub, type StubRequest, startStub } from '../../../support/stub-server.js';
import { Stash } from '../../../yaml/assertions.js';
import { StepFailure, StepRunner } from '../../../yaml/steps.js';
import {
  checkWarnings,
  escapeAndEncode,
  NO_WARNINGS,
  warningExpectations,
  warningHeaders,
  warningText,
} from '../../../yaml/warnings.js';

const AGENT = '299 Elasticsearch-9.5.4-9170df19cae1adb107b7b489b4d82dec66d7a337';
const header = (text: string) => `${AGENT} "${escapeAndEncode(text)}"`;

const SOURCE_MODE =
  'Configuring source mode in mappings is deprecated and will be removed in future versions. Use [index.mapping.source.mode] index setting instead.';
const MERGE_SETTING =
  '[index.merge.policy.max_merge_at_once_explicit] setting was deprecated in Elasticsearch and will be removed in a future release.';

// The stub answers each path with the Warning headers listed for it (one header line each).
const warningsByPath: Record<string, string[]> = {
  '/w-none': [],
  '/w-one': [header(SOURCE_MODE)],
  '/w-two': [header(SOURCE_MODE), header(MERGE_SETTING)],
  '/w-quoted': [header('the "quoted" \\ path, 50% done ✓')],
  '/w-located': [`${AGENT} "[file][1:23] ${escapeAndEncode(SOURCE_MODE)}"`],
  '/w-dated': [`${AGENT} "${SOURCE_MODE}" "Sat, 28 Nov 2026 21:00:00 GMT"`],
  '/w-foreign': ['199 agent "Miscellaneous warning"'],
  '/w-legacy': [header('Legacy index templates are deprecated in favor of composable templates.')],
};

function answer(request: StubRequest, response: ServerResponse): void {
  const name = request.path.split('/')[1] ?? '';
  const warnings = warningsByPath[`/${name}`] ?? [];
  const missing = request.method === 'HEAD' && name.endsWith('-missing');
  const text = request.method === 'HEAD' ? '' : JSON.stringify({ acknowledged: true, index: name });
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'x-elastic-product': 'Elasticsearch',
    'content-length': Buffer.byteLength(text),
  };
  // One header line per warning, as Elasticsearch sends them.
  if (warnings.length > 0) response.setHeader('warning', warnings);
  response.writeHead(missing ? 404 : 200, headers);
  response.end(text);
}

let stub: Stub;
let client: Client;

beforeAll(async () => {
  stub = await startStub(answer);
  client = new Client({ node: stub.url, maxRetries: 0 });
});

afterAll(async () => {
  await client.close();
  await stub.close();
});

const runner = (on: object = client) => new StepRunner(on, new Stash(), 5000);
const create = (index: string, options: Record<string, unknown> = {}) => ({
  do: { ...options, 'indices.create': { index } },
});

async function failure(run: Promise<void>): Promise<string> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepFailure);
  return (error as StepFailure).message;
}

describe('YAML runner: warnings of a do step', () => {
  it('passes a step whose expected warning the response carries, and keeps the body as the last response', async () => {
    const r = runner();
    await r.run(create('w-one', { warnings: [SOURCE_MODE] }));
    expect(r.last).toEqual({ acknowledged: true, index: 'w-one' });
  });

  it('fails a step whose expected warning is missing, naming the warning', async () => {
    const message = await failure(
      runner().run(create('w-none', { warnings: ['[foo] is deprecated'] })),
    );
    expect(message).toBe("indices.create: did not get expected warning ['[foo] is deprecated']");
  });

  it('fails a step on a warning that is neither expected nor allowed, quoting the header', async () => {
    const message = await failure(runner().run(create('w-one')));
    expect(message).toBe(
      `indices.create: got unexpected warning header ['${header(SOURCE_MODE)}']`,
    );
  });

  it('requires every expected warning and lets an allowed one come or not', async () => {
    await runner().run(
      create('w-two', { warnings: [MERGE_SETTING], allowed_warnings: [SOURCE_MODE] }),
    );
    await runner().run(create('w-none', { allowed_warnings: [SOURCE_MODE] }));
    const message = await failure(
      runner().run(create('w-one', { warnings: [SOURCE_MODE, MERGE_SETTING] })),
    );
    expect(message).toBe(`indices.create: did not get expected warning ['${MERGE_SETTING}']`);
  });

  it('reports unexpected and missing warnings of one response together', async () => {
    const message = await failure(runner().run(create('w-two', { warnings: ['one', 'two'] })));
    expect(message).toBe(
      `indices.create: got unexpected warning headers ['${header(SOURCE_MODE)}', '${header(MERGE_SETTING)}']; did not get expected warnings ['one', 'two']`,
    );
  });

  it('matches warnings_regex against the whole text and allowed_warnings_regex likewise', async () => {
    await runner().run(
      create('w-two', {
        warnings_regex: ['Configuring source mode .* instead\\.'],
        allowed_warnings_regex: ['\\[index\\.merge\\..*'],
      }),
    );
    // A pattern that matches only part of the text does not count (Java's Matcher#matches).
    const message = await failure(
      runner().run(create('w-one', { warnings_regex: ['source mode'] })),
    );
    expect(message).toBe(
      `indices.create: got unexpected warning header ['${header(SOURCE_MODE)}']; no warning matched the regular expression ['/source mode/']`,
    );
  });

  it('compares a text holding quotes, backslashes, % and non-Latin-1 characters after escaping it as Elasticsearch does', async () => {
    const text = 'the "quoted" \\ path, 50% done ✓';
    expect(escapeAndEncode(text)).toBe('the \\"quoted\\" \\\\ path, 50%25 done %E2%9C%93');
    await runner().run(create('w-quoted', { warnings: [text] }));
    // The regex form sees the text as sent, escapes included.
    await runner().run(
      create('w-quoted', { warnings_regex: ['the \\\\"quoted\\\\" .*%E2%9C%93'] }),
    );
    // Latin-1 letters travel as they are (one byte each on the wire, as Netty writes them).
    expect(escapeAndEncode('naïve')).toBe('naïve');
    expect(checkWarnings([`${AGENT} "naïve"`], { ...NO_WARNINGS, expected: ['naïve'] })).toBe(
      undefined,
    );
  });

  it('ignores a leading parser position and a trailing warn-date', async () => {
    await runner().run(create('w-located', { warnings: [SOURCE_MODE] }));
    await runner().run(create('w-dated', { warnings: [SOURCE_MODE] }));
    expect(warningText(`${AGENT} "a" "Sat, 28 Nov 2026 21:00:00 GMT"`)).toBe('a');
    expect(warningText('299 Elasticsearch-abcdef0 "no version"')).toBe('no version');
  });

  it('fails on a Warning header that is not in the Elasticsearch format', async () => {
    const message = await failure(runner().run(create('w-foreign')));
    expect(message).toBe(
      `indices.create: got unmatched warning header ['199 agent "Miscellaneous warning"']`,
    );
  });

  it('lets the legacy index template deprecation through, as the Elasticsearch runner does', async () => {
    const r = runner();
    await r.run(create('w-legacy'));
    expect(r.last).toEqual({ acknowledged: true, index: 'w-legacy' });
  });

  it('keeps the boolean of HEAD endpoints as the last response and checks their warnings', async () => {
    const r = runner();
    await r.run({ do: { 'indices.exists': { index: 'w-one' }, warnings: [SOURCE_MODE] } });
    expect(r.last).toBe(true);
    await r.run({ do: { 'indices.exists': { index: 'w-none-missing' } } });
    expect(r.last).toBe(false);
    const message = await failure(r.run({ do: { 'indices.exists': { index: 'w-two' } } }));
    expect(message).toMatch(/^indices\.exists: got unexpected warning headers/);
  });

  it('does not check the warnings of an error a catch expected', async () => {
    stub.handle((_request, response) => {
      const text = JSON.stringify({ error: { type: 'resource_already_exists_exception' } });
      response.writeHead(400, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
        warning: header(SOURCE_MODE),
      });
      response.end(text);
    });
    try {
      const r = runner();
      await r.run({ do: { catch: 'bad_request', 'indices.create': { index: 'w-error' } } });
      expect(r.last).toEqual({ error: { type: 'resource_already_exists_exception' } });
    } finally {
      stub.handle(answer);
    }
  });

  it('splits the warnings a connection joins into one comma-separated header', async () => {
    const joined = new Client({ node: stub.url, maxRetries: 0, Connection: HttpConnection });
    try {
      await runner(joined).run(create('w-two', { warnings: [SOURCE_MODE, MERGE_SETTING] }));
      const message = await failure(runner(joined).run(create('w-two')));
      expect(message).toMatch(/got unexpected warning headers \['299 .*', '299 .*'\]$/);
    } finally {
      await joined.close();
    }
    expect(warningHeaders({ warning: `${header('a, b')}, ${header('c')}` })).toEqual([
      header('a, b'),
      header('c'),
    ]);
  });

  it('refuses warning options that are not strings, bad patterns, and a warning both expected and allowed', async () => {
    const notText = await failure(runner().run(create('w-one', { warnings: [{ a: 1 }] })));
    expect(notText).toBe("do: 'warnings' must be a list of strings");
    await expect(runner().run(create('w-one', { warnings_regex: ['('] }))).rejects.toThrow(
      /^do: invalid warning pattern \/\(\//,
    );
    await expect(
      runner().run(create('w-one', { warnings: ['x'], allowed_warnings: ['x'] })),
    ).rejects.toThrow('do: the warning [x] is both allowed and expected');
    expect(warningExpectations({ warnings: 'single' }).expected).toEqual(['single']);
  });

  it('treats a client double that answers with the body alone as a response without warnings', async () => {
    const double = { indices: { create: async () => ({ acknowledged: true }) } };
    const r = runner(double);
    await r.run(create('any'));
    expect(r.last).toEqual({ acknowledged: true });
    expect(checkWarnings([], NO_WARNINGS)).toBeUndefined();
    await expect(r.run(create('any', { warnings: ['expected'] }))).rejects.toThrow(
      "indices.create: did not get expected warning ['expected']",
    );
  });
});
