// A consumer project in a temporary folder outside the repository, with the packed tarball of the
// built package installed from npm as a user installs it, and the TypeScript versions users compile
// it with. Used by smoke.test.ts, which builds dist/ once for all its checks.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The TypeScript versions (the newest patch of each) a consumer compiles with, by the alias they
 * are installed under. 7.0 is the native (Go) compiler, published as `typescript` with the same
 * `bin/tsc` (it runs a platform binary from an optional dependency).
 */
export const TYPESCRIPTS = {
  typescript59: '5.9',
  typescript60: '6.0',
  typescript70: '7.0',
} as const;
export type TypeScriptAlias = keyof typeof TYPESCRIPTS;

/** What `npm pack --json` says of one tarball. */
export interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

export interface Output {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment without what an `npm test` above us sets for the repository (its package's
 * fields, the lifecycle event, `npm_config_local_prefix`): a command in the consumer project is
 * the consumer's, as when a user runs it. npm's own settings (cache, registry, userconfig) stay.
 */
function consumerEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_(?:package_|lifecycle_|config_local_prefix$)/i.test(name),
    ),
  );
}

/** Runs a command; a non-zero exit rejects with its output in the message. */
export async function sh(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = consumerEnv(),
): Promise<Output> {
  try {
    return await run(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as Error & Partial<Output>;
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    );
  }
}

/** `npm pack` of the package at `root` (dist/ already built) into `destination`. */
export async function pack(root: string, destination: string): Promise<Packed> {
  const { stdout } = await sh(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    root,
  );
  const [packed] = JSON.parse(stdout) as [Packed];
  return { ...packed, filename: join(destination, packed.filename) };
}

// The consumer's code: the three entry points and ORM models with (legacy) decorators, as ESM.
const ESM_CONSUMER = `import { Client, ResponseError } from 'elastiq';
import { Q, Search } from 'elastiq/dsl';
import {
  buildMappings,
  Document,
  fromSource,
  getModelMetadata,
  InnerDoc,
  Keyword,
  Model,
  Nested,
  Text,
} from 'elastiq/orm';

class Comment extends InnerDoc {
  @Keyword() author!: string;
}

@Document({ index: 'consumer-posts' })
class Post extends Model {
  @Text() title!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Nested(() => Comment, { multi: true }) comments: Comment[] = [];
}

const client = new Client({ node: 'http://127.0.0.1:9' });
const search = new Search<{ title: string }>({ client, index: 'consumer-posts' }).query(
  Q.match({ title: 'elastiq' }),
);
const post = fromSource(Post, { title: 'hello', tags: ['a'], comments: [{ author: 'ann' }] });
const title: string = post.title;
const author: string | undefined = post.comments[0]?.author;
console.log(
  JSON.stringify({
    query: search.toJSON().query,
    properties: Object.keys(buildMappings(getModelMetadata(Post)).properties ?? {}),
    title,
    author,
    error: typeof ResponseError,
  }),
);
`;

// The same package from CommonJS: TypeScript 5.8+ compiles require() of an ES module under
// nodenext, and Node 20.19+ runs it.
const CJS_CONSUMER = `import elastiq = require('elastiq');
import dsl = require('elastiq/dsl');
import orm = require('elastiq/orm');

const client: elastiq.Client = new elastiq.Client({ node: 'http://127.0.0.1:9' });
const query = dsl.Q.term({ tags: 'a' });
console.log(JSON.stringify({ search: typeof client.search, query: query.toJSON(), model: typeof orm.Model }));
`;

/** What the consumer's compiled ESM and CJS files print. */
export const ESM_OUTPUT = {
  query: { match: { title: 'elastiq' } },
  properties: ['comments', 'tags', 'title'],
  title: 'hello',
  author: 'ann',
  error: 'function',
};
export const CJS_OUTPUT = { search: 'function', query: { term: { tags: 'a' } }, model: 'function' };

export type Resolution = 'nodenext' | 'bundler';

const BASE = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    experimentalDecorators: true,
    // Type-checks the package's own .d.ts files too, unless a compile asks otherwise.
    skipLibCheck: false,
  },
  include: ['src'],
};

const CONFIGS: Record<Resolution, object> = {
  nodenext: {
    extends: './tsconfig.base.json',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', rootDir: 'src' },
  },
  bundler: {
    extends: './tsconfig.base.json',
    compilerOptions: { module: 'preserve', moduleResolution: 'bundler', noEmit: true },
  },
};

/**
 * A new consumer project in the system's temporary folder with `tarball`, @types/node and every
 * version of {@link TYPESCRIPTS} installed from the npm registry (one install).
 */
export async function createConsumer(tarball: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'elastiq-consumer-'));
  await mkdir(join(folder, 'src'));
  const manifest = { name: 'elastiq-consumer', private: true, type: 'module' };
  await writeFile(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(folder, 'src/index.ts'), ESM_CONSUMER);
  await writeFile(join(folder, 'src/require.cts'), CJS_CONSUMER);
  await writeFile(join(folder, 'tsconfig.base.json'), JSON.stringify(BASE, null, 2));
  for (const [resolution, config] of Object.entries(CONFIGS))
    await writeFile(join(folder, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
  const typescripts = Object.entries(TYPESCRIPTS).map(
    ([alias, minor]) => `${alias}@npm:typescript@~${minor}.0`,
  );
  await sh(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--no-package-lock',
      tarball,
      '@types/node@20',
      ...typescripts,
    ],
    folder,
  );
  return folder;
}

/** The version of `alias` installed in the consumer. */
export async function installedVersion(consumer: string, alias: TypeScriptAlias): Promise<string> {
  const manifest = await readFile(join(consumer, 'node_modules', alias, 'package.json'), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

/** One compile of the consumer: its errors, or undefined when it compiled. */
export interface Compiled {
  readonly alias: TypeScriptAlias;
  readonly resolution: Resolution;
  readonly errors?: string;
}

/**
 * Compiles the consumer with one TypeScript version and resolution; nodenext emits into
 * `out-<alias>/`.
 */
export async function compile(
  consumer: string,
  alias: TypeScriptAlias,
  resolution: Resolution,
  options: { readonly skipLibCheck?: boolean } = {},
): Promise<Compiled> {
  const tsc = join(consumer, 'node_modules', alias, 'bin/tsc');
  const args = [tsc, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false'];
  if (resolution === 'nodenext') args.push('--outDir', `out-${alias}`);
  if (options.skipLibCheck) args.push('--skipLibCheck');
  try {
    await sh(process.execPath, args, consumer);
    return { alias, resolution };
  } catch (error) {
    return { alias, resolution, errors: (error as Error).message };
  }
}

/** Runs `jobs` at most `limit` at a time (a 2-core machine compiles two programs at once). */
export async function pool<T>(limit: number, jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
