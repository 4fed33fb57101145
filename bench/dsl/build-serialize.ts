/**
 * DSL benchmark: build and serialise a realistic search (bool with 6 clauses, 3 nested
 * aggregations, sort, highlight, source) N times with elastiq and with elastic-builder, in one
 * run, and print the ops/s ratio (serialize(), what execute() sends, and toJSON() + JSON.stringify). Run: `npx tsx bench/dsl/build-serialize.ts [iterations]`.
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

function elastiq(i: number): string {
  return JSON.stringify(build(i).toJSON());
}

function elasticBuilder(i: number): string {
  const body = esb
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
  return JSON.stringify(body.toJSON());
}

/**
 * CPU seconds for `n` builds (CPU time, not wall time: the machine may be shared, and waiting
 * for a core is not work). The sink keeps the work from being optimised away.
 */
function time(fn: (i: number) => string, n: number): number {
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += fn(i).length;
  if (sink === 0) throw new Error('nothing was built');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

// Interleaved rounds, so that load from other processes hits both libraries alike.
const ROUNDS = 5;
const contenders = { elastiq, 'elastic-builder': elasticBuilder } as const;
const seconds: Record<string, number> = { elastiq: 0, 'elastic-builder': 0 };
for (const fn of Object.values(contenders)) time(fn, 5_000); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(contenders))
    seconds[name]! += time(fn, Math.ceil(N / ROUNDS));
}
console.log(`build + serialise a realistic search, ${N.toLocaleString('en-US')} times each`);
const ops: Record<string, number> = {};
for (const name of Object.keys(contenders)) {
  ops[name] = (Math.ceil(N / ROUNDS) * ROUNDS) / seconds[name]!;
  console.log(
    `${name.padEnd(16)} ${Math.round(ops[name]!).toLocaleString('en-US').padStart(10)} ops/s`,
  );
}
console.log(
  `ratio elastiq / elastic-builder: ${(ops.elastiq! / ops['elastic-builder']!).toFixed(2)}x`,
);
