import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { A, Q, Search, UpdateByQuery } from '../../../src/dsl/index.js';
import { openSearchMissing, openSearchNode } from '../../support/cluster.js';

// The Elasticsearch integ-test-zip lacks the reindex, painless and aggregations modules; the
// second engine proves what needs them (docs/testing.md): update/delete-by-query with scripts
// and pipeline aggregations built with the DSL.
const INDEX = `dsl-os-${process.pid}-${Date.now()}`;

interface Sale {
  shop: string;
  amount: number;
  day: string;
  checked: boolean;
}

const sales: Sale[] = Array.from({ length: 60 }, (_, i) => ({
  shop: ['north', 'south', 'east'][i % 3]!,
  amount: (i % 10) + 1,
  day: new Date(Date.UTC(2024, 0, 1) + Math.floor(i / 2) * 86_400_000).toISOString().slice(0, 10),
  checked: false,
}));

describe.skipIf(openSearchMissing !== undefined)(
  `elastiq/dsl on the OpenSearch node ${openSearchMissing ?? ''}`,
  () => {
    const client = new Client({
      node: openSearchNode?.url ?? 'http://127.0.0.1:9',
      compatibility: 'opensearch',
    });
    const search = () => new Search<Sale>({ client, index: INDEX });

    beforeAll(async () => {
      await client.indices.create({
        index: INDEX,
        mappings: {
          properties: {
            shop: { type: 'keyword' },
            amount: { type: 'integer' },
            day: { type: 'date' },
            checked: { type: 'boolean' },
          },
        },
      });
      const operations = sales.flatMap((s, i) => [{ index: { _index: INDEX, _id: String(i) } }, s]);
      const res = await client.bulk({ operations, refresh: true });
      expect(res.errors).toBe(false);
    });

    afterAll(async () => {
      await client.indices.delete({ index: INDEX, ignore_unavailable: true });
      await client.close();
    });

    it('computes pipeline aggregations (cumulative_sum, derivative, bucket_script, max_bucket)', async () => {
      const res = await search()
        .size(0)
        .aggs(
          'perDay',
          A.dateHistogram({ field: 'day', calendar_interval: 'day' })
            .metric('total', A.sum({ field: 'amount' }))
            .pipeline('running', A.cumulativeSum({ buckets_path: 'total' }))
            .pipeline('change', A.derivative({ buckets_path: 'total' }))
            .pipeline(
              'doubled',
              A.bucketScript({ buckets_path: { t: 'total' }, script: 'params.t * 2' }),
            ),
        )
        .aggs('best', A.maxBucket({ buckets_path: 'perDay>total' }))
        .execute();
      const days = new Map<string, number>();
      for (const s of sales) days.set(s.day, (days.get(s.day) ?? 0) + s.amount);
      const totals = [...days.values()];
      const buckets = res.aggregations.perDay.buckets as unknown as {
        total: { value: number };
        running: { value: number };
        change?: { value: number };
        doubled: { value: number };
      }[];
      expect(buckets.map((b) => b.total.value)).toEqual(totals);
      expect(buckets.map((b) => b.running.value)).toEqual(
        totals.map((_, i) => totals.slice(0, i + 1).reduce((a, b) => a + b, 0)),
      );
      expect(buckets.slice(1).map((b) => b.change!.value)).toEqual(
        totals.slice(1).map((t, i) => t - totals[i]!),
      );
      expect(buckets.map((b) => b.doubled.value)).toEqual(totals.map((t) => t * 2));
      expect(res.aggregations.best.value).toBe(Math.max(...totals));
    });

    it('updates by query with a painless script', async () => {
      const res = await new UpdateByQuery<Sale>({ client, index: INDEX })
        .filter(Q.term({ shop: 'north' }))
        .script({
          source: 'ctx._source.checked = true; ctx._source.amount += params.bonus',
          lang: 'painless',
          params: { bonus: 100 },
        })
        .params({ refresh: true })
        .execute();
      const north = sales.filter((s) => s.shop === 'north');
      expect(res.updated).toBe(north.length);
      expect(
        await search()
          .filter(Q.term({ checked: true }))
          .count(),
      ).toBe(north.length);
      const sum = await search()
        .filter(Q.term({ shop: 'north' }))
        .size(0)
        .aggs('sum', A.sum({ field: 'amount' }))
        .execute();
      expect(sum.aggregations.sum.value).toBe(north.reduce((a, s) => a + s.amount + 100, 0));
    });

    it('deletes by query', async () => {
      const res = await search()
        .filter(Q.term({ shop: 'south' }))
        .params({ refresh: true })
        .delete();
      const south = sales.filter((s) => s.shop === 'south');
      expect(res.deleted).toBe(south.length);
      expect(await search().count()).toBe(sales.length - south.length);
    });
  },
);
