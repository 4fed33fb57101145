// A clone in an empty folder must work: no source, script, test, doc, config or CI file may name a
// path outside the repository (a sibling folder beside the clone, or the machine's own folders).
// Every `../` path is resolved against its file's folder and against the project root (scripts
// resolve paths from either); the repository's parent folder must not be named absolutely.
// Third-party copies (vendor/) and the folders .gitignore names (node_modules, dist, ...) are not
// the project's text. Paths built from '..' segments at run time are out of reach of this check.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The folders .gitignore names (`name/`), plus .git and the third-party copies in vendor/. */
const SKIPPED = new Set([
  '.git',
  'vendor',
  ...readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[^#!*]+\/$/.test(line))
    .map((line) => line.slice(0, -1).replace(/^\//, '')),
]);
/** `../`, spelled so that this file does not name it. */
const UP = ['..', ''].join('/');

/** Literals that leave the root on purpose, by `file\0literal`, with why. */
const INTENDED = new Map<string, string>([
  [`test/unit/cli/cluster-start.test.ts\0${UP}outside`, 'a cluster name the CLI must refuse'],
  [
    `scripts/generate-api/measure/measure-tsc.mts\0${UP}dist/`,
    'an import rewritten for a probe file in a temporary project',
  ],
  [
    `scripts/generate-dsl.ts\0${UP}${UP}core/api/generated/types.js`,
    'an import the script writes into src/dsl/generated/spec-types.ts',
  ],
]);

const TEXT = /\.(?:[cm]?[jt]s|json|md|ya?ml|sh)$/;
// A `../` path starting a token: after a quote, a bracket, `=`, `,`, `:` or white space (so not
// `a/../b`, nor a regular expression such as `/../g`).
const RELATIVE = /(?<=^|[\s'"`([{=,:<>])((?:\.\.\/)+[^\s'"`)\]},;<>|]*)/g;
// The specifier of an import or require: resolved by the module system from its own file.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]$/;

interface Finding {
  readonly file: string;
  readonly line: number;
  readonly path: string;
  readonly why: string;
}

function inside(path: string): boolean {
  const rel = relative(ROOT, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/**
 * Whether `path` exists, counting a `.js`/`.mjs` import of a `.ts`/`.mts` source, and anything in
 * a folder a build or npm ci makes (dist, node_modules: .gitignore), as existing.
 */
function exists(path: string): boolean {
  if (SKIPPED.has(relative(ROOT, path).split(sep)[0]!)) return true;
  return existsSync(path) || existsSync(path.replace(/\.(m?)js$/, '.$1ts'));
}

/** The `../` paths and absolute paths under the repository's parent that `text` names. */
function outsidePaths(file: string, text: string, parent = dirname(ROOT)): Finding[] {
  const findings: Finding[] = [];
  const folder = dirname(resolve(ROOT, file));
  const markdown = file.endsWith('.md');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  for (const match of text.matchAll(RELATIVE)) {
    const path = match[1]!;
    if (INTENDED.has(`${file}\0${path}`)) continue;
    const specifier = SPECIFIER.test(text.slice(Math.max(0, match.index - 20), match.index));
    // An import in a doc's example belongs to the example's file, not to the doc.
    if (specifier && markdown) continue;
    // A glob or a template: check the folder it starts from.
    const fixed = path.split('/');
    const cut = fixed.findIndex((segment) => /[*?{$]/.test(segment));
    const checked = (cut < 0 ? fixed : fixed.slice(0, cut)).join('/');
    const fromFile = resolve(folder, checked);
    const line = lineOf(match.index);
    if (!inside(fromFile)) {
      findings.push({
        file,
        line,
        path,
        why: `leaves the repository from ${relative(ROOT, folder) || '.'}`,
      });
    } else if (!specifier && !exists(fromFile) && !inside(resolve(ROOT, checked))) {
      findings.push({ file, line, path, why: 'leaves the repository from the project root' });
    }
  }
  if (parent !== dirname(parent)) {
    const escaped = parent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const match of text.matchAll(new RegExp(`${escaped}/[^\\s'"\`)]*`, 'g'))) {
      const why = 'an absolute path in the folder that holds the repository';
      findings.push({ file, line: lineOf(match.index), path: match[0], why });
    }
  }
  return findings;
}

/** The project's own text files: sources, scripts, tests, docs, configuration and CI. */
function projectFiles(folder = ROOT): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : projectFiles(path);
    const file = relative(ROOT, path).split(sep).join('/');
    const ci = file.startsWith('.ci/');
    if (!entry.isFile() || !(TEXT.test(entry.name) || ci) || file === 'package-lock.json')
      return [];
    return [file];
  });
}

describe('the repository stands alone', () => {
  it('finds a path to a folder beside the repository, from the file or from the root', () => {
    const sibling = `${UP}shared/spec/schema.json`;
    const findings = outsidePaths('scripts/x.ts', `const spec = resolve(root, '${sibling}');`);
    expect(findings).toEqual([
      {
        file: 'scripts/x.ts',
        line: 1,
        path: sibling,
        why: 'leaves the repository from the project root',
      },
    ]);
    const deep = `${UP}${UP}${UP}shared/conformance`;
    expect(outsidePaths('test/yaml/run.ts', `// default:\nresolve(here, '${deep}')`)).toEqual([
      {
        file: 'test/yaml/run.ts',
        line: 2,
        path: deep,
        why: 'leaves the repository from test/yaml',
      },
    ]);
    expect(outsidePaths('docs/api.md', `it reads \`${UP}shared/spec/schema.json\``)).toHaveLength(
      1,
    );
  });

  it('finds an absolute path into the folder that holds the repository', () => {
    const text = `const tests = '/machine/checkouts/shared/tests';`;
    expect(outsidePaths('test/yaml/run.ts', text, '/machine/checkouts')).toEqual([
      {
        file: 'test/yaml/run.ts',
        line: 1,
        path: '/machine/checkouts/shared/tests',
        why: 'an absolute path in the folder that holds the repository',
      },
    ]);
  });

  it('accepts imports, paths to files of the repository and paths inside other paths', () => {
    const text = [
      `import { Client } from '${UP}${UP}src/core/client.js';`,
      `const root = resolve(here, '${UP}..');`,
      `hex.match(/${UP}g);`,
      `entryTarget('/t', 'es-1/${UP}${UP}escape.txt');`,
    ].join('\n');
    expect(outsidePaths('test/yaml/run.ts', text)).toEqual([]);
    expect(outsidePaths('docs/orm.md', `import { Post } from '${UP}src/models.js';`)).toEqual([]);
    expect(outsidePaths('docs/api.md', `see [the README](${UP}README.md)`)).toEqual([]);
  });

  it('no project file names a path outside the repository', () => {
    const files = projectFiles();
    expect(files).toContain('scripts/generate-api/index.ts');
    expect(files).toContain('docs/api.md');
    expect(files).toContain('.ci/run');
    expect(files).toContain('package.json');
    expect(files.some((f) => f.startsWith('vendor/') || f.startsWith('node_modules/'))).toBe(false);
    const findings = files.flatMap((file) =>
      outsidePaths(file, readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.path} (${f.why})`)).toEqual([]);
  });

  it('each intended exception is still there', () => {
    for (const key of INTENDED.keys()) {
      const [file, path] = key.split('\0') as [string, string];
      expect(readFileSync(join(ROOT, file), 'utf8'), key).toContain(path);
    }
  });
});
