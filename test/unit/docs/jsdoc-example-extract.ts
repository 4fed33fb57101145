import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One `@example` code block found in a JSDoc comment of a source file. */
export interface JsdocExample {
  /** Path relative to the folder that was scanned, with forward slashes. */
  readonly file: string;
  /** 1-based line of the block's first code line in `file`. */
  readonly line: number;
  /** The code, one entry per line, with the JSDoc ` * ` margin removed. */
  readonly lines: readonly string[];
  /** Source line (1-based) of every entry of `lines`. */
  readonly sourceLines: readonly number[];
  /** True when the block came from a ```ts fence, false for a bare (unfenced) example body. */
  readonly fenced: boolean;
}

interface CommentLine {
  readonly text: string;
  readonly line: number;
}

const JSDOC = /\/\*\*[\s\S]*?\*\//g;
// A block tag ends the example; JSDoc tags are lowercase, so `@Document(...)` decorators do not.
const BLOCK_TAG = /^@[a-z][A-Za-z]*\b/;
const FENCE = /^(`{3,}|~{3,})\s*([\w-]*)/;
const TS_LANGS = new Set(['ts', 'typescript', 'mts', 'tsx']);

/** Every `.ts` file under `root`, recursively, minus the folders `skip` rejects. */
export function sourceFiles(root: string, skip: (relativePath: string) => boolean): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((file) => file.replaceAll('\\', '/'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !skip(file))
    .sort()
    .map((file) => join(root, file));
}

/** The lines of one JSDoc comment with the ` * ` margin removed, each with its source line. */
function commentLines(comment: string, firstLine: number): CommentLine[] {
  const body = comment.slice(3, -2);
  return body.split('\n').map((raw, index) => ({
    text: raw.replace(/^\s*\*(?: |$)/, '').replace(/\r$/, ''),
    line: firstLine + index,
  }));
}

/** The body lines of each `@example` tag: from the tag to the next block tag or the comment end. */
function exampleBodies(lines: readonly CommentLine[]): CommentLine[][] {
  const bodies: CommentLine[][] = [];
  let current: CommentLine[] | undefined;
  let inFence = false;
  for (const line of lines) {
    const trimmed = line.text.trim();
    if (FENCE.test(trimmed)) inFence = !inFence;
    if (!inFence && BLOCK_TAG.test(trimmed)) {
      current = trimmed.startsWith('@example') ? [] : undefined;
      if (current) bodies.push(current);
      continue;
    }
    current?.push(line);
  }
  return bodies;
}

/** The ```ts blocks of a body, or the whole body when it has no fence at all (plain JSDoc style). */
function codeBlocks(body: readonly CommentLine[]): { lines: CommentLine[]; fenced: boolean }[] {
  if (!body.some((line) => FENCE.test(line.text.trim()))) {
    const code = trimBlank(body);
    return code.length > 0 ? [{ lines: code, fenced: false }] : [];
  }
  const blocks: { lines: CommentLine[]; fenced: boolean }[] = [];
  let open: CommentLine[] | undefined;
  let inFence = false;
  for (const line of body) {
    const fence = FENCE.exec(line.text.trim());
    if (fence && !inFence) {
      inFence = true;
      open = TS_LANGS.has((fence[2] ?? '').toLowerCase()) ? [] : undefined;
      if (open) blocks.push({ lines: open, fenced: true });
    } else if (fence) {
      inFence = false;
      open = undefined;
    } else if (inFence) {
      open?.push(line);
    }
  }
  return blocks;
}

function trimBlank(lines: readonly CommentLine[]): CommentLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.text.trim() === '') start++;
  while (end > start && lines[end - 1]!.text.trim() === '') end--;
  return lines.slice(start, end);
}

/** Every TypeScript `@example` block in one source text. */
export function examplesInText(text: string, file: string): JsdocExample[] {
  const found: JsdocExample[] = [];
  for (const match of text.matchAll(JSDOC)) {
    if (!match[0].includes('@example')) continue;
    const firstLine = text.slice(0, match.index).split('\n').length;
    for (const body of exampleBodies(commentLines(match[0], firstLine))) {
      for (const block of codeBlocks(body)) {
        if (block.lines.length === 0) continue;
        found.push({
          file,
          line: block.lines[0]!.line,
          lines: block.lines.map((line) => line.text),
          sourceLines: block.lines.map((line) => line.line),
          fenced: block.fenced,
        });
      }
    }
  }
  return found;
}

/** Every TypeScript `@example` block in the `.ts` files under `root` that `skip` keeps. */
export function extractExamples(
  root: string,
  skip: (relativePath: string) => boolean = () => false,
): JsdocExample[] {
  return sourceFiles(root, skip).flatMap((path) =>
    examplesInText(readFileSync(path, 'utf8'), relative(root, path).replaceAll('\\', '/')),
  );
}
