import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesInText, extractExamples, type JsdocExample } from './jsdoc-example-extract.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = join(ROOT, 'src');
// Inside the project so its package.json ("type": "module") applies; under node_modules/.cache so
// that `tsc -p tsconfig.json` and biome, run by anyone meanwhile, do not pick the files up.
const WORK = join(ROOT, 'node_modules', '.cache', `elastiq-jsdoc-examples-${process.pid}`);

// The one example in generated/ sits on the generated Api class; it is checked with the rest as
// the representative sample of the generated code (the generator writes no per-endpoint examples).
const isGenerated = (file: string) =>
  file.split('/').includes('generated') && file !== 'core/api/generated/api.ts';

/**
 * Free names an example may use without importing or declaring them. Each is added to an example's
 * module only when the example uses the name and does not declare or import it itself.
 * - `client`, `helpers`: a Client and its helpers, as most core and DSL examples assume.
 * - `Post`, `post`: in dsl/ a plain document interface for `Search<Post>`; elsewhere a `@Document`
 *   model class (title, likes, tags, publishedAt) and an instance of it.
 * - `docs`: some documents to bulk-index.
 * - `Q`, `A`, `SF`, `Search`, `Model`: the builders every DSL/ORM example would otherwise import.
 * Besides these, an example may use any name its own source file exports (it documents it).
 */
const PRELUDE_FILES: Record<string, string> = {
  'prelude-dsl.ts': `export interface Post {
  title: string;
  body: string;
  status: string;
  lang: string;
  published: boolean;
  likes: number;
  tags: string[];
  date: string;
  author: { name: string };
  embedding: number[];
}
`,
  'prelude-orm.ts': `import { DateField, Document, Integer, Keyword, Model, Text } from 'elastiq/orm';
@Document({ index: 'blog-posts' })
export class Post extends Model {
  @Text() title!: string;
  @Integer() likes = 0;
  @Keyword({ multi: true }) tags: string[] = [];
  @DateField() publishedAt!: Date;
}
`,
};

interface FreeName {
  readonly name: string;
  readonly line: (layer: string) => string;
}

const FREE_NAMES: readonly FreeName[] = [
  { name: 'client', line: () => `declare const client: import('elastiq').Client;` },
  { name: 'helpers', line: () => `declare const helpers: import('elastiq').Helpers;` },
  { name: 'docs', line: () => `declare const docs: Array<{ id: string; title: string }>;` },
  {
    name: 'Post',
    line: (layer) =>
      `import { ${layer === 'dsl' ? 'type ' : ''}Post } from './prelude-${layer === 'dsl' ? 'dsl' : 'orm'}.js';`,
  },
  { name: 'post', line: () => `declare const post: import('./prelude-orm.js').Post;` },
  { name: 'Q', line: () => `import { Q } from 'elastiq/dsl';` },
  { name: 'A', line: () => `import { A } from 'elastiq/dsl';` },
  { name: 'SF', line: () => `import { SF } from 'elastiq/dsl';` },
  { name: 'Search', line: () => `import { Search } from 'elastiq/dsl';` },
  { name: 'Model', line: () => `import { Model } from 'elastiq/orm';` },
];

interface ExampleModule {
  readonly example: JsdocExample;
  readonly path: string;
  readonly preludeLines: number;
}

interface Failure {
  readonly example: string;
  readonly error: string;
}

const uses = (code: string, name: string) => new RegExp(`(?<![\\w$.'"])${name}\\b`).test(code);

/** True when the example binds `name` itself (import, declaration or parameter-free binding). */
function binds(code: string, name: string): boolean {
  const declared = new RegExp(
    `\\b(?:const|let|var|class|interface|type|function|enum|namespace)\\s+${name}\\b`,
  );
  const imported = new RegExp(`import\\s+(?:type\\s+)?\\{[^}]*\\b${name}\\b[^}]*\\}`);
  const destructured = new RegExp(`\\b(?:const|let|var)\\s+[{[][^=]*\\b${name}\\b[^=]*=`);
  return declared.test(code) || imported.test(code) || destructured.test(code);
}

/** The names a source file exports, split into values and types (verbatimModuleSyntax cares). */
function exportsOf(path: string): { values: Set<string>; types: Set<string> } {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const values = new Set<string>();
  const types = new Set<string>();
  for (const statement of source.statements) {
    const exported = ts
      .getModifiers(statement as ts.HasModifiers)
      ?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      types.add(statement.name.text);
    } else if (
      (ts.isClassDeclaration(statement) ||
        ts.isFunctionDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      values.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) values.add(d.name.text);
      }
    }
  }
  return { values, types };
}

/** The lines put above an example: its free names and the exports of the file it documents. */
function preludeFor(example: JsdocExample): string[] {
  const code = example.lines.join('\n');
  const layer = example.file.split('/')[0]!;
  const lines: string[] = [];
  for (const free of FREE_NAMES) {
    if (uses(code, free.name) && !binds(code, free.name)) lines.push(free.line(layer));
  }
  const source = join(SRC, example.file);
  const specifier = relative(WORK, source).replaceAll('\\', '/').replace(/\.ts$/, '.js');
  const { values, types } = exportsOf(source);
  const taken = new Set(FREE_NAMES.map((free) => free.name));
  for (const name of [...values, ...types]) {
    if (taken.has(name) || !uses(code, name) || binds(code, name)) continue;
    lines.push(`import ${types.has(name) ? 'type ' : ''}{ ${name} } from '${specifier}';`);
  }
  return lines;
}

/** Writes every example as its own module (plus the prelude files) into the work folder. */
function writeModules(examples: readonly JsdocExample[]): ExampleModule[] {
  mkdirSync(WORK, { recursive: true });
  for (const [name, text] of Object.entries(PRELUDE_FILES)) writeFileSync(join(WORK, name), text);
  return examples.map((example, index) => {
    const prelude = preludeFor(example);
    const path = join(WORK, `example-${String(index).padStart(3, '0')}.ts`);
    // `export {}` keeps an import-free example a module, so top-level await and scoping work.
    writeFileSync(path, [...prelude, ...example.lines, 'export {};', ''].join('\n'));
    return { example, path, preludeLines: prelude.length };
  });
}

/** The project's compiler options, with the package names mapped to the src/ entry points. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    // An example may compute a value just to show its type; unused names are lint, not errors.
    noUnusedLocals: false,
    noUnusedParameters: false,
    paths: {
      elastiq: ['./src/core/index.ts'],
      'elastiq/dsl': ['./src/dsl/index.ts'],
      'elastiq/orm': ['./src/orm/index.ts'],
    },
  };
}

function describeExample(module: ExampleModule, line: number): string {
  const index = line - module.preludeLines;
  const sourceLine = module.example.sourceLines[index] ?? module.example.line;
  return `src/${module.example.file}:${sourceLine}${index < 0 ? ' (prelude)' : ''}`;
}

/** Type-checks every example in one program; one failure per TypeScript error. */
function checkExamples(modules: readonly ExampleModule[]): Failure[] {
  const roots = [...Object.keys(PRELUDE_FILES).map((name) => join(WORK, name))];
  const program = ts.createProgram([...roots, ...modules.map((m) => m.path)], compilerOptions());
  const failures: Failure[] = program.getOptionsDiagnostics().map((d) => ({
    example: 'compiler options',
    error: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  for (const module of modules) {
    const file = program.getSourceFile(module.path);
    if (!file) throw new Error(`the program lost ${module.path}`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ];
    for (const d of diagnostics) {
      const line = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line;
      failures.push({
        example: describeExample(module, line),
        error: `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      });
    }
  }
  return failures;
}

describe('JSDoc @example extraction', () => {
  it('takes the ```ts fences of an example and skips fences in other languages', () => {
    const text = [
      '/**',
      ' * Does a thing.',
      ' * @example',
      ' * ```sh',
      ' * elastiq migrate up',
      ' * ```',
      ' * ```ts',
      ' * const a = 1;',
      ' * ```',
      ' */',
    ].join('\n');
    const [example, ...rest] = examplesInText(text, 'x.ts');
    expect(rest).toEqual([]);
    expect(example).toMatchObject({ line: 8, lines: ['const a = 1;'], fenced: true });
  });

  it('takes a bare example body up to the next tag, keeping decorators inside it', () => {
    const text = [
      '/**',
      ' * @example',
      ' * @Document({ index: "a" })',
      ' * class A extends Model {}',
      ' *',
      ' * @see elsewhere',
      ' */',
    ].join('\n');
    expect(examplesInText(text, 'x.ts')).toEqual([
      {
        file: 'x.ts',
        line: 3,
        lines: ['@Document({ index: "a" })', 'class A extends Model {}'],
        sourceLines: [3, 4],
        fenced: false,
      },
    ]);
  });
});

/** A known-bad example: the check must report it, at this source line, with this error code. */
interface Canary {
  readonly example: JsdocExample;
  readonly expected: string;
}

function canary(file: string, line: number, code: string, expected: string): Canary {
  return { example: { file, line, lines: [code], sourceLines: [line], fenced: true }, expected };
}

// Proof that the check is not vacuous: the same program must reject each of these.
const CANARIES: readonly Canary[] = [
  canary('core/client.ts', 1, `new Client({ nodes: 42 });`, `src/core/client.ts:1: TS2322`),
  canary(
    'dsl/search/search.ts',
    2,
    `new Search<Post>().sort('nope');`,
    `src/dsl/search/search.ts:2: TS2345`,
  ),
  canary(
    'orm/document/model.ts',
    3,
    `Post.create({ titel: 'x' });`,
    `src/orm/document/model.ts:3: TS2561`,
  ),
  canary(
    'dsl/index.ts',
    4,
    `import { NoSuchThing } from 'elastiq/dsl';`,
    `src/dsl/index.ts:4: TS2305`,
  ),
];

describe('JSDoc @example type-check', () => {
  let modules: ExampleModule[] = [];
  let canaries: ExampleModule[] = [];
  let failures: Failure[] = [];
  let seconds = 0;

  beforeAll(() => {
    const examples = extractExamples(SRC, isGenerated);
    const written = writeModules([...examples, ...CANARIES.map((c) => c.example)]);
    modules = written.slice(0, examples.length);
    canaries = written.slice(examples.length);
    const started = performance.now();
    failures = checkExamples(written);
    seconds = (performance.now() - started) / 1000;
    // One TypeScript program over all of src/: about 4 s alone, several times that on a loaded
    // machine, so the hook gets more than vitest's 10 s default.
  }, 120_000);

  afterAll(() => {
    rmSync(WORK, { recursive: true, force: true });
  });

  it('finds the examples of src/, the generated Api class included', () => {
    const files = new Set(modules.map((m) => m.example.file));
    expect(modules.length).toBeGreaterThan(100);
    expect(files).toContain('core/api/generated/api.ts');
    expect(files).toContain('dsl/search/search.ts');
    expect(files).toContain('orm/document/model.ts');
    expect(dirname(modules[0]!.path)).toBe(WORK);
  });

  it('maps the package names to the src/ entry points, not to a stale dist/', () => {
    const resolve = (name: string) =>
      ts.resolveModuleName(name, modules[0]!.path, compilerOptions(), ts.sys).resolvedModule
        ?.resolvedFileName;
    expect(resolve('elastiq')).toBe(join(SRC, 'core/index.ts').replaceAll('\\', '/'));
    expect(resolve('elastiq/dsl')).toBe(join(SRC, 'dsl/index.ts').replaceAll('\\', '/'));
    expect(resolve('elastiq/orm')).toBe(join(SRC, 'orm/index.ts').replaceAll('\\', '/'));
  });

  it('reports a broken example with its source file, line and TypeScript error', () => {
    const paths = new Set(canaries.map((c) => describeExample(c, c.preludeLines)));
    const reported = failures
      .filter((f) => paths.has(f.example))
      .map((f) => `${f.example}: ${f.error.slice(0, f.error.indexOf(':'))}`);
    expect(reported.sort()).toEqual(CANARIES.map((c) => c.expected).sort());
  });

  it('compiles every example with the project compiler options in one program', () => {
    const canaryPaths = new Set(canaries.map((c) => describeExample(c, c.preludeLines)));
    console.info(`type-checked ${modules.length} JSDoc examples in ${seconds.toFixed(1)} s`);
    const broken = failures.filter((f) => !canaryPaths.has(f.example));
    expect(broken.map((f) => `${f.example}: ${f.error}`)).toEqual([]);
  });
});
