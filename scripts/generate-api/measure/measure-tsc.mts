// Type-checking cost of the generated API for a consumer, against @elastic/elasticsearch as the
// anchor: the same calls (elastiq-usage.ts, official-usage.ts) checked by tsc against each
// package's declaration files (skipLibCheck, as consumers compile), rounds interleaved.
// Also times checking the generated sources themselves (what this repository pays).
// Usage: npx tsx scripts/generate-api/measure/measure-tsc.mts
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

function checkTime(project: string): { check: number; total: number; types: number } {
  let out = '';
  try {
    out = execFileSync('node', [tsc, '-p', project, '--noEmit', '--extendedDiagnostics'], {
      encoding: 'utf8',
    });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '');
    if (/error TS/.test(out)) throw new Error(`type errors in ${project}:\n${out.slice(0, 2000)}`);
  }
  const num = (label: string) =>
    Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(out)?.[1] ?? Number.NaN);
  return { check: num('Check time'), total: num('Total time'), types: num('Types') };
}

const work = mkdtempSync(join(tmpdir(), 'elastiq-tsc-'));
try {
  // The package's declarations, as a consumer receives them.
  execFileSync(
    'node',
    [
      tsc,
      '-p',
      join(root, 'tsconfig.build.json'),
      '--declaration',
      '--emitDeclarationOnly',
      '--outDir',
      join(work, 'dist'),
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  mkdirSync(join(work, 'probe'));
  const probe = readFileSync(join(here, 'elastiq-usage.ts'), 'utf8').replaceAll(
    '../../../src/',
    '../dist/',
  );
  writeFileSync(join(work, 'probe/probe.ts'), probe);
  const options = {
    target: 'ES2023',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
  };
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: options, include: ['probe/probe.ts'] }),
  );
  const projects = {
    'elastiq (declarations)': join(work, 'tsconfig.json'),
    '@elastic/elasticsearch (declarations)': join(here, 'tsconfig.official.json'),
    'elastiq (generated sources)': join(here, 'tsconfig.elastiq.json'),
  };
  const best: Record<string, { check: number; total: number; types: number }> = {};
  for (let round = 0; round < 3; round++) {
    for (const [name, project] of Object.entries(projects)) {
      const t = checkTime(project);
      const previous = best[name];
      best[name] = previous
        ? {
            check: Math.min(previous.check, t.check),
            total: Math.min(previous.total, t.total),
            types: t.types,
          }
        : t;
    }
  }
  for (const [name, t] of Object.entries(best)) {
    console.log(
      `${name.padEnd(40)} check ${t.check.toFixed(2)} s, total ${t.total.toFixed(2)} s, ${t.types} types`,
    );
  }
  const a = best['elastiq (declarations)']!.check;
  const b = best['@elastic/elasticsearch (declarations)']!.check;
  const ta = best['elastiq (declarations)']!.total;
  const tb = best['@elastic/elasticsearch (declarations)']!.total;
  console.log(
    `consumer elastiq/official: check ${(a / b).toFixed(2)}x, total ${(ta / tb).toFixed(2)}x (best of 3 each)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
