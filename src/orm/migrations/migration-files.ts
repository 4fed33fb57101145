import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OrmError } from '../errors.js';

/** The extensions a migration file may have. */
export const MIGRATION_EXTENSIONS = ['.ts', '.js', '.mjs'] as const;

// `YYYYMMDDHHMMSS_description.ext`: the timestamp orders files, the description says what they do.
const FILE_NAME = /^(\d{14})_([a-z0-9][a-z0-9_-]*)\.(ts|js|mjs)$/;

/** One migration file found in the migrations directory. */
export interface MigrationFile {
  /** The file name without extension: the migration's stable identity in the state index. */
  readonly name: string;
  readonly path: string;
  /** sha256 (hex) of the file's text with line endings normalised. */
  readonly checksum: string;
}

/** What a migration module exports. */
export interface MigrationModule<TContext = unknown> {
  up(ctx: TContext): unknown;
  down?(ctx: TContext): unknown;
}

/**
 * Turns free text into the description part of a migration file name
 * (`Add tags to posts` → `add_tags_to_posts`).
 *
 * @example
 * ```ts
 * import { slugify } from 'elastiq/orm';
 * slugify('Add tags to posts'); // 'add_tags_to_posts'
 * slugify('Créer l’index'); // 'creer_l_index'
 * ```
 */
export function slugify(description: string): string {
  const slug = description
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80);
  if (slug === '') {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `The description '${description}' has no letters or digits; give the migration a name such as 'add tags to posts'`,
    );
  }
  return slug;
}

/** The UTC timestamp prefix of a new migration (`20260101120000`). */
export function timestampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, '');
}

/** The file name of a new migration: `YYYYMMDDHHMMSS_description.ext`. */
export function migrationFileName(
  description: string,
  date: Date,
  ext: 'ts' | 'js' | 'mjs',
): string {
  return `${timestampOf(date)}_${slugify(description)}.${ext}`;
}

/** The migration name of a file name, or undefined when the name does not follow the pattern. */
export function parseMigrationFileName(fileName: string): string | undefined {
  const match = FILE_NAME.exec(fileName);
  return match === null ? undefined : `${match[1]}_${match[2]}`;
}

/**
 * sha256 of a migration's text; CRLF and LF count the same so a checkout on Windows matches.
 *
 * @example
 * ```ts
 * import { checksumOf } from 'elastiq/orm';
 * checksumOf('export async function up() {}\r\n') === checksumOf('export async function up() {}\n'); // true
 * ```
 */
export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

/** Options of {@link listMigrationFiles}. */
export interface ListMigrationFilesOptions {
  /**
   * An existing folder without migration files is fine (writing the first migration into it);
   * without it that is refused like a missing folder. A missing folder is always refused.
   */
  readonly allowEmpty?: boolean;
}

/**
 * Lists the migration files of a directory in order (by name: the timestamp first). Files that
 * do not follow the naming pattern are ignored, except near misses, which fail loudly rather than
 * being silently skipped. A missing directory, or one without a migration file, is refused with
 * ORM_NO_MIGRATIONS (usually a mistyped path, which would otherwise read as "nothing to do").
 */
export async function listMigrationFiles(
  dir: string,
  options: ListMigrationFilesOptions = {},
): Promise<MigrationFile[]> {
  const entries = await readdirOrRefuse(dir);
  const files: MigrationFile[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries.sort()) {
    const name = parseMigrationFileName(entry);
    if (name === undefined) {
      rejectNearMiss(entry, dir);
      continue;
    }
    const other = seen.get(name);
    if (other !== undefined) {
      throw new OrmError(
        'ORM_MIGRATION_INVALID',
        `Two migration files have the name ${name} (${other} and ${entry}) in ${dir}; keep one of them`,
      );
    }
    seen.set(name, entry);
    const path = join(dir, entry);
    files.push({ name, path, checksum: checksumOf(await readFile(path, 'utf8')) });
  }
  if (files.length === 0 && options.allowEmpty !== true) {
    throw new OrmError(
      'ORM_NO_MIGRATIONS',
      `No migration files in ${resolve(dir)} (files named YYYYMMDDHHMMSS_description.ts, .js or .mjs); check the folder (--dir), or write the first migration with: elastiq migrate create <description>`,
    );
  }
  return files;
}

async function readdirOrRefuse(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    throw new OrmError(
      'ORM_NO_MIGRATIONS',
      `No migrations folder at ${resolve(dir)}${code === 'ENOTDIR' ? ' (it is a file)' : ''}; check the path (--dir), or write the first migration with: elastiq migrate create <description>`,
      { cause: error },
    );
  }
}

// A file that starts with a timestamp and has a migration extension was meant to be a migration.
function rejectNearMiss(entry: string, dir: string): void {
  const ext = extname(entry);
  if (!/^\d{8}/.test(entry) || !(MIGRATION_EXTENSIONS as readonly string[]).includes(ext)) return;
  if (entry.endsWith('.d.ts')) return;
  throw new OrmError(
    'ORM_MIGRATION_INVALID',
    `${join(dir, entry)} looks like a migration but its name does not follow YYYYMMDDHHMMSS_description${ext} (lowercase letters, digits, _ and -); rename it`,
  );
}

/**
 * Imports a migration (or models) module. `.js`/`.mjs` are imported as they are; `.ts` needs a
 * TypeScript loader: when the process has none, tsx's ESM loader is registered (if tsx is
 * installed), so that the module shares its imports (and model metadata) with the caller.
 */
export async function importModule(
  path: string,
  version?: string,
): Promise<Record<string, unknown>> {
  // A version (the file's checksum) makes an edited file load anew: Node caches modules by URL.
  const file = pathToFileURL(resolve(path)).href;
  const url = version === undefined ? file : `${file}?v=${version}`;
  try {
    return exportsOf(await import(url));
  } catch (error) {
    if (!isUnknownExtension(error)) throw cannotLoad(path, error);
  }
  await registerTsx(path);
  try {
    // Node caches the failed import of `url`; a query makes a fresh one (its imports are shared).
    return exportsOf(await import(`${url}${version === undefined ? '?' : '&'}tsx`));
  } catch (error) {
    throw cannotLoad(path, error);
  }
}

// A CommonJS module (a .ts file outside a `"type": "module"` package) has only `default`.
function exportsOf(namespace: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(namespace).filter((k) => k !== 'module.exports');
  const inner = namespace.default;
  if (names.length === 1 && names[0] === 'default' && typeof inner === 'object' && inner !== null) {
    return inner as Record<string, unknown>;
  }
  return namespace;
}

// A syntax error or a throw at import time: name the file, keep the original as the cause.
function cannotLoad(path: string, error: unknown): OrmError {
  if (error instanceof OrmError) return error;
  const syntax = syntaxErrorAt(path, error);
  if (syntax !== undefined) {
    const { file, line, column, text, lineText } = syntax;
    const frame =
      lineText === undefined
        ? ''
        : `\n${String(line).padStart(5)} | ${lineText}\n${' '.repeat(5)} | ${caretLine(lineText, column)}`;
    return new OrmError(
      'ORM_MIGRATION_INVALID',
      `Cannot load ${file}:${line}:${column}: syntax error: ${text}${frame}`,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new OrmError('ORM_MIGRATION_INVALID', `Cannot load ${path}: ${reason}`, {
    cause: error,
  });
}

interface SyntaxErrorLocation {
  readonly file: string;
  readonly line: number;
  /** 1-based, as editors count. */
  readonly column: number;
  readonly text: string;
  readonly lineText?: string;
}

/**
 * Where a syntax error is: esbuild (tsx, for .ts) says it in its message (`<file>:<line>:<col>:
 * ERROR: <text>`, the column counted from 0), or in `errors` when it ran in this thread; Node's
 * SyntaxError of an ES module names neither line nor column, so `node --check` (the same parser)
 * is asked, once the import has failed.
 */
function syntaxErrorAt(path: string, error: unknown): SyntaxErrorLocation | undefined {
  const message = error instanceof Error ? error.message : '';
  const esbuild = /^(.+):(\d+):(\d+): ERROR: (.*)$/m.exec(
    message.startsWith('Transform failed') ? message : '',
  );
  if (esbuild !== null) {
    const file = resolve(esbuild[1]!);
    const line = Number(esbuild[2]);
    const lineText = sourceLine(file, line);
    return {
      file,
      line,
      column: Number(esbuild[3]) + 1,
      text: esbuild[4]!,
      ...(lineText === undefined ? {} : { lineText }),
    };
  }
  if (!(error instanceof SyntaxError) || !['.js', '.mjs', '.cjs'].includes(extname(path))) {
    return undefined;
  }
  return nodeCheck(path, error.message);
}

function sourceLine(file: string, line: number): string | undefined {
  try {
    return readFileSync(file, 'utf8').split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

function nodeCheck(path: string, text: string): SyntaxErrorLocation | undefined {
  const check = spawnSync(process.execPath, ['--check', path], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (check.status === 0 || typeof check.stderr !== 'string') return undefined;
  // `<file>:<line>`, the line, a caret under the column; then the error.
  const [where, lineText, caret] = check.stderr.split('\n');
  const match = /^(.*):(\d+)$/.exec(where ?? '');
  if (match === null || resolve(match[1]!) !== resolve(path)) return undefined;
  const column = caret?.indexOf('^') ?? -1;
  if (column < 0) return undefined;
  return {
    file: resolve(path),
    line: Number(match[2]),
    column: column + 1,
    text,
    ...(lineText === undefined ? {} : { lineText }),
  };
}

// Under the column, keeping the line's tabs so that the caret lines up.
function caretLine(lineText: string, column: number): string {
  return `${lineText.slice(0, column - 1).replace(/[^\t]/g, ' ')}^`;
}

function isUnknownExtension(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION';
}

let tsxRegistered = false;

// Both loaders: a .ts file outside a `"type": "module"` package is loaded as CommonJS.
async function registerTsx(path: string): Promise<void> {
  if (tsxRegistered) return;
  let apis: { register: () => unknown }[];
  try {
    apis = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  } catch (cause) {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `Cannot load ${path}: TypeScript files need tsx, which is not installed. Install it (npm install --save-dev tsx) or write the file as .js or .mjs`,
      { cause },
    );
  }
  for (const api of apis) api.register();
  tsxRegistered = true;
}

/** Loads a migration module and checks that it exports `up` (and `down`, when it exports one). */
export async function loadMigration<TContext>(
  file: MigrationFile,
): Promise<MigrationModule<TContext>> {
  const module = await importModule(file.path, file.checksum.slice(0, 16));
  if (typeof module.up !== 'function') {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `${file.path} does not export an up(ctx) function; export async function up(ctx) { ... }`,
    );
  }
  if (module.down !== undefined && typeof module.down !== 'function') {
    throw new OrmError(
      'ORM_MIGRATION_INVALID',
      `${file.path} exports down, but it is not a function; export async function down(ctx) { ... }`,
    );
  }
  return module as unknown as MigrationModule<TContext>;
}
