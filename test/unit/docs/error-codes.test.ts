import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalError } from '../../../src/cli/errors.js';
import { ErrorCodes } from '../../../src/core/errors.js';
import {
  BulkHelperError,
  HelperRetriesExhaustedError,
  MsearchItemError,
  MsearchStoppedError,
} from '../../../src/core/helpers/helper-errors.js';
import { DslError } from '../../../src/dsl/errors.js';
import { OrmError } from '../../../src/orm/errors.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const ERRORS_DOC = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));

// A whole quoted literal: codes are thrown as strings, never built from pieces.
const CODE_LITERAL = /(['"`])((?:DSL|ELASTIQ|ORM)_[A-Z0-9_]+)\1/g;
// ELASTIQ_HOME and friends share the prefix but are environment variables, not error codes.
const ENV_READ = /\benv(?:\.|\[\s*['"`])((?:DSL|ELASTIQ|ORM)_[A-Z0-9_]+)/g;

function sourceTexts(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(`${SRC}${file}`, 'utf8'));
}

function matchesOf(texts: readonly string[], pattern: RegExp, group: number): Set<string> {
  const found = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(pattern)) found.add(m[group]!);
  return found;
}

/** Every error code literal in src/, minus the environment variable names src/ reads. */
function codesInSource(): Set<string> {
  const texts = sourceTexts();
  const envNames = matchesOf(texts, ENV_READ, 1);
  const literals = matchesOf(texts, CODE_LITERAL, 2);
  return new Set([...literals].filter((code) => !envNames.has(code)));
}

/** The codes of the table rows of docs/errors.md (second column). */
function codesInDocTables(): Set<string> {
  const doc = readFileSync(ERRORS_DOC, 'utf8');
  return matchesOf([doc], /^\|[^|\n]*\|\s*`((?:DSL|ELASTIQ|ORM)_[A-Z0-9_]+)`\s*\|/gm, 1);
}

const registryCodes = [
  ...Object.values(ErrorCodes),
  BulkHelperError.defaultCode,
  HelperRetriesExhaustedError.defaultCode,
  MsearchItemError.defaultCode,
  MsearchStoppedError.defaultCode,
  DslError.defaultCode,
  OrmError.defaultCode,
  LocalError.defaultCode,
];

describe('docs/errors.md', () => {
  it('has a table row for every error code in the ErrorCodes registry and class defaults', () => {
    const documented = codesInDocTables();
    const missing = registryCodes.filter((code) => !documented.has(code));
    expect(missing).toEqual([]);
  });

  it('has a table row for every error code literal in src/', () => {
    const inSource = codesInSource();
    // The scan must see what the registries hold, or it would pass by finding nothing.
    expect(registryCodes.filter((code) => !inSource.has(code))).toEqual([]);
    const documented = codesInDocTables();
    const missing = [...inSource].filter((code) => !documented.has(code)).sort();
    expect(missing).toEqual([]);
  });

  it('lists no code that src/ no longer has', () => {
    const inSource = codesInSource();
    const stale = [...codesInDocTables()].filter((code) => !inSource.has(code)).sort();
    expect(stale).toEqual([]);
  });
});
