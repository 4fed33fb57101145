// Shipped size of the API layer: elastiq's generated API (methods, descriptor table, router,
// errors) against @elastic/elasticsearch's API code, each bundled and minified the same way.
// esbuild comes with tsx and vitest (dev tooling only).
// Usage: npx tsx scripts/generate-api/measure/measure-bundle.mts

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

async function size(
  entry: string,
  external: string[] = [],
): Promise<{ min: number; gzip: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    platform: 'node',
    format: 'esm',
    external,
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.length, gzip: gzipSync(code).length };
}

const ours = await size(join(root, 'src/core/api/generated/api.ts'));
const official = await size(join(root, 'node_modules/@elastic/elasticsearch/lib/api/index.js'), [
  '@elastic/transport',
]);
const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`elastiq API layer:               ${kb(ours.min)} minified, ${kb(ours.gzip)} gzipped`);
console.log(
  `@elastic/elasticsearch API layer: ${kb(official.min)} minified, ${kb(official.gzip)} gzipped`,
);
console.log(`ratio (minified): ${(ours.min / official.min).toFixed(2)}x`);
