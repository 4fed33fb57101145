/**
 * Bodies shaped like Python's elasticsearch-dsl against the real node: the hits and scores of
 * two ranking regressions (exclude scored the clauses it negates; or(bool, match_all) collapsed
 * to match_all and scored every hit 1.0), and the documents Python's negation of a bool with
 * minimum_should_match 2 loses (docs/dsl.md rule 12, where elastiq keeps its own body). The
 * literal bodies below are what elasticsearch.dsl 9.5 builds for the same calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { Q, Search } from '../../../src/dsl/index.js';
import { singleNode } from '../../support/cluster.js';

const INDEX = `dsl-python-bodies-${process.pid}-${Date.now()}`;

const DOCS = {
  '1': { body: 'python python search', tag: 'a', n: 1 },
  '2': { body: 'python', tag: 'b', n: 2 },
  '3': { body: 'search engine', tag: 'a', n: 1 },
  '4': { body: 'rust', tag: 'c', n: 3 },
};

interface Hit {
  _id: string;
  _score: number | null;
}

describe('Python-shaped bodies on a real node', () => {
  const client = new Client({ node: singleNode.url });

  beforeAll(async () => {
    await client.indices.create({
      index: INDEX,
      mappings: {
        properties: { body: { type: 'text' }, tag: { type: 'keyword' }, n: { type: 'integer' } },
      },
      settings: { number_of_shards: 1, number_of_replicas: 0 },
    });
    for (const [id, doc] of Object.entries(DOCS)) {
      await client.index({ index: INDEX, id, document: doc });
    }
    await client.indices.refresh({ index: INDEX });
  });

  afterAll(async () => {
    await client.indices.delete({ index: INDEX, ignore_unavailable: true });
    await client.close();
  });

  /** The hits of a raw body, as id -> score. */
  async function raw(body: Record<string, unknown>): Promise<Record<string, number | null>> {
    const res = (await client.search({ index: INDEX, ...body })) as { hits: { hits: Hit[] } };
    return Object.fromEntries(res.hits.hits.map((h) => [h._id, h._score]));
  }

  async function run(s: Search): Promise<Record<string, number | null>> {
    const res = await s.execute();
    return Object.fromEntries(res.hits.map((h) => [h.meta.id, h.meta.score ?? null]));
  }

  it('exclude(bool must_not) filters: the negated clause does not score', async () => {
    const s = new Search({ client, index: INDEX })
      .query(Q.match({ body: 'python' }))
      .exclude(Q.bool({ must_not: [Q.term({ tag: 'a' })] }));
    const python = {
      query: { bool: { filter: [{ term: { tag: 'a' } }], must: [{ match: { body: 'python' } }] } },
    };
    expect(s.toJSON()).toEqual(python);
    const got = await run(s);
    expect(got).toEqual(await raw(python));
    expect(Object.keys(got)).toEqual(['1']);
    // The score is the match's alone; the old body (term in must) added the term's score.
    const matchOnly = await raw({ query: { match: { body: 'python' } } });
    expect(got['1']).toBe(matchOnly['1']);
    const scoredTerm = await raw({
      query: { bool: { must: [{ match: { body: 'python' } }, { term: { tag: 'a' } }] } },
    });
    expect(scoredTerm['1']).toBeGreaterThan(got['1']!);
  });

  it('or(bool, match_all) keeps the should clauses: scores rank the hits, not all 1.0', async () => {
    const q = Q.or(
      Q.bool({ should: [Q.match({ body: 'python' }), Q.match({ body: 'search' })] }),
      Q.matchAll(),
    );
    const python = {
      query: {
        bool: {
          should: [{ match: { body: 'python' } }, { match: { body: 'search' } }, { match_all: {} }],
        },
      },
    };
    const s = new Search({ client, index: INDEX }).query(q);
    expect(s.toJSON()).toEqual(python);
    const got = await run(s);
    expect(got).toEqual(await raw(python));
    expect(Object.keys(got).sort()).toEqual(['1', '2', '3', '4']);
    expect(new Set(Object.values(got)).size).toBeGreaterThan(1);
    expect(got['4']).toBe(1); // rust matches only match_all
    expect(got['1']).toBeGreaterThan(got['2']!); // python twice and search
    expect(got['2']).toBeGreaterThan(got['4']!);
  });

  it("not(bool should, minimum_should_match 2) keeps the documents Python's body loses", async () => {
    const positive = Q.bool({
      should: [Q.term({ tag: 'a' }), Q.term({ n: 1 }), Q.match({ body: 'python' })],
      minimum_should_match: 2,
    });
    const matching = await run(new Search({ client, index: INDEX }).query(positive));
    expect(Object.keys(matching).sort()).toEqual(['1', '3']);
    const negated = await run(new Search({ client, index: INDEX }).query(Q.not(positive)));
    // The complement: 2 matches one should clause of three (fewer than two), 4 matches none.
    expect(Object.keys(negated).sort()).toEqual(['2', '4']);
    // elasticsearch.dsl's ~ writes "none of the should clauses": document 2 is lost.
    const python = await raw({
      query: {
        bool: {
          must_not: [{ term: { tag: 'a' } }, { term: { n: 1 } }, { match: { body: 'python' } }],
        },
      },
    });
    expect(Object.keys(python).sort()).toEqual(['4']);
  });
});
