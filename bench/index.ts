// Runs the benchmarks one after another, each in its own process so none warms the JIT for the
// next: `npm run bench` runs all, `npm run bench -- dsl transport` a choice. The bulk benchmark
// needs a node: it uses ELASTICSEARCH_URL, else starts one through scripts/with-cluster.mjs.
import { spawnSync } from 'node:child_process';

const BENCHES: Record<string, readonly string[]> = {
  transport: ['npx', 'tsx', 'bench/transport/index.ts'],
  dsl: ['npx', 'tsx', 'bench/dsl/build-serialize.ts'],
  orm: ['npx', 'tsx', 'bench/orm.ts'],
  bulk: process.env.ELASTICSEARCH_URL
    ? ['npx', 'tsx', 'bench/bulk/bulk.bench.ts']
    : [
        'node',
        'scripts/with-cluster.mjs',
        '--modes',
        'single',
        '--',
        'npx',
        'tsx',
        'bench/bulk/bulk.bench.ts',
      ],
};

const chosen = process.argv.slice(2).filter((a) => a !== '--');
const names = chosen.length > 0 ? chosen : Object.keys(BENCHES);
let failed = 0;
for (const name of names) {
  const command = BENCHES[name];
  if (!command) {
    console.error(`unknown benchmark ${name}: choose from ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench ${name} ===`);
  const [bin, ...args] = command;
  const run = spawnSync(bin!, args, { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
