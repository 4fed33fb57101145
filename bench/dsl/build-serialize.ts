/**
 * DSL benchmark: build and serialise a realistic search (bool with 6 clauses, 3 nested
 * aggregations, sort, highlight, source) N times with elastiq and with elastic-builder, in one
 * run, and print the ops/s ratio. The same is measured without the final `JSON.stringify`, whose
 * cost both libraries share. Run: `npx tsx bench/dsl/build-serialize.ts [iterations]`.
 */
import esb from 'elastic-builder';
import { A, Q, Search } from '../../src/dsl/index.js';

const N = Number(process.argv[2] ?? 100_000);

function build(i: number) {
  return new Search()
    .query(Q.match({ title: { query: 'python web', operator: 'and' } }))
    .query(Q.multiMatch({ query: 'framework', fields: ['body', 'summary^2'] }))
    .filter(Q.term({ published: true }))
    .filter(Q.range({ date: { gte: 'now-1y', lt: 'now' } }))
    .filter(Q.terms({ tags: ['python', 'web'] }))
    .exclude(Q.term({ status: 'draft' }))
    .aggs(
      'byTag',
      A.terms({ field: 'tags', size: 10 }).bucket(
        'byMonth',
        A.dateHistogram({ field: 'date', calendar_interval: 'month' }).metric(
          'likes',
          A.avg({ field: 'likes' }),
        ),
      ),
    )
    .sort('-date', '_score')
    .highlight(['title', 'body'], { fragment_size: 150 })
    .source(['title', 'date', 'tags'])
    .size(20)
    .from(i % 100);
}

function buildEsb(i: number) {
  return esb
    .requestBodySearch()
    .query(
      esb
        .boolQuery()
        .must([
          esb.matchQuery('title', 'python web').operator('and'),
          esb.multiMatchQuery(['body', 'summary^2'], 'framework'),
        ])
        .filter([
          esb.termQuery('published', true),
          esb.rangeQuery('date').gte('now-1y').lt('now'),
          esb.termsQuery('tags', ['python', 'web']),
        ])
        .mustNot(esb.termQuery('status', 'draft')),
    )
    .agg(
      esb
        .termsAggregation('byTag', 'tags')
        .size(10)
        .agg(
          esb
            .dateHistogramAggregation('byMonth', 'date')
            .calendarInterval('month')
            .agg(esb.avgAggregation('likes', 'likes')),
        ),
    )
    .sorts([esb.sort('date', 'desc'), esb.sort('_score')])
    .highlight(esb.highlight(['title', 'body']).fragmentSize(150))
    .source(['title', 'date', 'tags'])
    .size(20)
    .from(i % 100);
}

/**
 * CPU seconds for `n` runs (CPU time, not wall time: the machine may be shared, and waiting for
 * a core is not work). The sink keeps the work from being optimised away.
 */
function time(fn: (i: number) => unknown, n: number): number {
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += fn(i) ? 1 : 0;
  if (sink !== n) throw new Error('nothing was built');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

const contenders: Record<string, (i: number) => unknown> = {
  elastiq: (i) => JSON.stringify(build(i).toJSON()),
  'elastic-builder': (i) => JSON.stringify(buildEsb(i).toJSON()),
  'elastiq, toJSON only': (i) => build(i).toJSON(),
  'elastic-builder, toJSON only': (i) => buildEsb(i).toJSON(),
};

// Interleaved rounds, so that load from other processes hits every contender alike.
const ROUNDS = 5;
const PER_ROUND = Math.ceil(N / ROUNDS);
const seconds: Record<string, number> = {};
for (const [name, fn] of Object.entries(contenders)) {
  time(fn, 5_000); // warm-up
  seconds[name] = 0;
}
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(contenders)) seconds[name]! += time(fn, PER_ROUND);
}
const ops = (name: string) => (PER_ROUND * ROUNDS) / seconds[name]!;
console.log(
  `build + serialise a realistic search, ${(PER_ROUND * ROUNDS).toLocaleString('en-US')} times each`,
);
for (const name of Object.keys(contenders)) {
  console.log(
    `${name.padEnd(30)} ${Math.round(ops(name)).toLocaleString('en-US').padStart(10)} ops/s`,
  );
}
console.log(
  `ratio elastiq / elastic-builder: ${(ops('elastiq') / ops('elastic-builder')).toFixed(2)}x`,
);
console.log(
  `ratio without JSON.stringify: ${(ops('elastiq, toJSON only') / ops('elastic-builder, toJSON only')).toFixed(2)}x`,
);
