// Generates src/core/api/generated/ from the Elasticsearch specification.
// Usage: npx tsx scripts/generate-api/index.ts [--spec path/to/schema.json] [--check]
// The spec path also comes from ELASTIQ_SPEC; default ../shared/spec/schema.json from the project root.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.js';
import type { Model } from './metamodel.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'src/core/api/generated');

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function main(): void {
  const specPath = resolve(
    root,
    option('--spec') ?? process.env.ELASTIQ_SPEC ?? '../shared/spec/schema.json',
  );
  const check = process.argv.includes('--check');
  if (!existsSync(specPath)) {
    if (check) {
      console.log(`spec not found at ${specPath}: nothing to check`);
      return;
    }
    throw new Error(`spec not found at ${specPath} (pass --spec or set ELASTIQ_SPEC)`);
  }
  const model = JSON.parse(readFileSync(specPath, 'utf8')) as Model;
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

main();
