// Generates src/core/api/generated/ from the Elasticsearch specification.
// Usage: npx tsx scripts/generate-api/index.ts [--spec path/to/schema.json[.gz]] [--check]
// The spec path also comes from ELASTIQ_SPEC; by default the project's own copy,
// vendor/spec/schema.json.gz (vendor/spec/ORIGIN.md says where it comes from).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot, readSpec, SpecUnreadable, VENDORED_SPEC } from '../vendored.js';
import { generate } from './generate.js';
import type { Model } from './metamodel.js';

const outDir = join(projectRoot, 'src/core/api/generated');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function main(): void {
  const specPath = resolve(
    projectRoot,
    option('--spec') ?? process.env.ELASTIQ_SPEC ?? VENDORED_SPEC,
  );
  const check = process.argv.includes('--check');
  const model = readSpec<Model>(specPath);
  const files = generate(model);
  if (check) {
    const stale = [...files].filter(([name, content]) => {
      const path = join(outDir, name);
      return !existsSync(path) || readFileSync(path, 'utf8') !== content;
    });
    if (stale.length > 0) {
      console.error(
        `generated files differ from the spec: ${stale.map(([n]) => n).join(', ')}; run npm run generate`,
      );
      process.exitCode = 1;
      return;
    }
    console.log('generated API is up to date');
    return;
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, content] of files) writeFileSync(join(outDir, name), content);
  console.log(`wrote ${[...files.keys()].join(', ')} to ${outDir}`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof SpecUnreadable)) throw error;
  console.error(`generate-api: ${error.message}`);
  process.exitCode = 1;
}
