/**
 * DSL benchmark: build and serialise a realistic search (bool with 6 clauses, 3 nested
 * aggregations, sort, highlight, source) N times with elastiq and with elastic-builder, in one
 * run, and print the ops/s ratio. Run: `npx tsx bench/dsl/build-serialize.ts [iterations]`.
 */
import esb from 'elastic-builder';
import { A, Q, Search } from '../../src/dsl/index.js';

const N = Number(process.argv[2] ?? 100_000);

function elastiq(i: number): string {
  const s = new Search()
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
  return JSON.stringify(s.toJSON());
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

function measure(name: string, fn: (i: number) => string): number {
  let sink = 0;
  for (let i = 0; i < 5_000; i++) sink += fn(i).length; // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += fn(i).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ops = N / seconds;
  console.log(
    `${name.padEnd(16)} ${Math.round(ops).toLocaleString('en-US').padStart(10)} ops/s  (${sink > 0 ? 'ok' : ''})`,
  );
  return ops;
}

console.log(`build + serialise a realistic search, ${N.toLocaleString('en-US')} times`);
const ours = measure('elastiq', elastiq);
const theirs = measure('elastic-builder', elasticBuilder);
console.log(`ratio elastiq / elastic-builder: ${(ours / theirs).toFixed(2)}x`);
