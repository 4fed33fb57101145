/**
 * The elastiq demo: a small library catalogue loaded with the bulk helper, then searched with the
 * typed DSL (full text, filters, highlight, aggregations), counted, iterated with a point in time,
 * and updated with optimistic concurrency through the client.
 *
 * `npm run demo` starts a local node for it (or uses ELASTICSEARCH_URL) and stops it afterwards.
 */
import { Client, ResponseError } from '../src/core/index.js';
import { A, Q, Search } from '../src/dsl/index.js';

export interface Book {
  title: string;
  author: string;
  year: number;
  genres: string[];
  rating: number;
  available: boolean;
}

const AUTHORS = ['Le Guin', 'Lem', 'Calvino', 'Borges', 'Jemisin', 'Chiang'];
const GENRES = ['science fiction', 'fantasy', 'essays', 'short stories', 'mystery'];
const WORDS = ['city', 'river', 'machine', 'garden', 'library', 'star', 'winter', 'mirror'];

/** A deterministic catalogue: the same books on every run. */
export function catalogue(size: number): Book[] {
  return Array.from({ length: size }, (_, i) => ({
    title: `The ${WORDS[i % WORDS.length]} of ${WORDS[(i * 3 + 1) % WORDS.length]} ${i}`,
    author: AUTHORS[i % AUTHORS.length]!,
    year: 1950 + ((i * 7) % 70),
    genres: [GENRES[i % GENRES.length]!, GENRES[(i + 2) % GENRES.length]!],
    rating: ((i * 37) % 50) / 10,
    available: i % 4 !== 0,
  }));
}

export interface DemoResult {
  readonly loaded: number;
  readonly matches: number;
  readonly topGenres: readonly { genre: string; count: number }[];
  readonly iterated: number;
  readonly conflictDetected: boolean;
}

/** Runs the demo against `client`, printing through `log`; the index is removed at the end. */
export async function runDemo(
  client: Client,
  log: (line: string) => void = console.log,
  index = 'elastiq-demo-books',
): Promise<DemoResult> {
  await client.indices.delete({ index }, { ignore: [404] });
  await client.indices.create({
    index,
    mappings: {
      properties: {
        title: { type: 'text', fields: { raw: { type: 'keyword' } } },
        author: { type: 'keyword' },
        year: { type: 'integer' },
        genres: { type: 'keyword' },
        rating: { type: 'float' },
        available: { type: 'boolean' },
      },
    },
  });
  try {
    const books = catalogue(5000);
    const stats = await client.helpers.bulk({
      datasource: books,
      onDocument: (_book) => ({ index: { _index: index } }),
      refreshOnCompletion: true,
    });
    log(
      `loaded ${stats.successful} of ${stats.total} books in ${stats.time} ms (${stats.failed} failed)`,
    );

    const search = new Search<Book>()
      .index(index)
      .using(client)
      .query(Q.match({ title: 'river' }))
      .filter(Q.term({ available: true }))
      .filter(Q.range({ year: { gte: 1980 } }))
      .sort('-rating', 'year')
      .highlight(['title'])
      .size(3)
      .aggs(
        'byGenre',
        A.terms({ field: 'genres', size: 3 }).metric('rating', A.avg({ field: 'rating' })),
      );
    const res = await search.execute();
    log(`\n"river", available, since 1980: ${res.total.value} books; the best rated:`);
    for (const hit of res.hits) {
      log(
        `  ${hit.rating.toFixed(1)}  ${hit.meta.highlight?.title?.[0] ?? hit.title} (${hit.author}, ${hit.year})`,
      );
    }
    const topGenres = res.aggregations.byGenre.buckets.map((b) => ({
      genre: String(b.key),
      count: b.doc_count,
    }));
    log('  by genre:');
    for (const b of res.aggregations.byGenre.buckets) {
      log(`    ${b.key}: ${b.doc_count} books, average rating ${b.rating.value?.toFixed(2)}`);
    }

    const lem = await search.query(Q.term({ author: 'Lem' })).count();
    log(`\nof those, by Lem: ${lem}`);

    let iterated = 0;
    for await (const _hit of new Search<Book>()
      .index(index)
      .using(client)
      .filter(Q.term({ author: 'Borges' }))
      .iterate()) {
      iterated++;
    }
    log(`every Borges book, read with a point in time: ${iterated}`);

    const first = await client.search<Book>({
      index,
      size: 1,
      sort: ['year:asc'],
      seq_no_primary_term: true,
    });
    const hit = first.hits.hits[0]!;
    await client.index({
      index,
      id: hit._id!,
      document: { ...hit._source!, available: false },
      if_seq_no: hit._seq_no!,
      if_primary_term: hit._primary_term!,
    });
    let conflictDetected = false;
    try {
      // The same stale sequence number again: someone else's write has come in between.
      await client.index({
        index,
        id: hit._id!,
        document: { ...hit._source!, rating: 5 },
        if_seq_no: hit._seq_no!,
        if_primary_term: hit._primary_term!,
      });
    } catch (error) {
      if (!(error instanceof ResponseError) || error.statusCode !== 409) throw error;
      conflictDetected = true;
      log(`\na stale write was refused: ${error.message.split('\n')[0]}`);
    }
    return {
      loaded: stats.successful,
      matches: res.total.value,
      topGenres,
      iterated,
      conflictDetected,
    };
  } finally {
    await client.indices.delete({ index }, { ignore: [404] });
  }
}

// Run directly (npm run demo): a client on ELASTICSEARCH_URL, which scripts/with-cluster.mjs sets.
if (import.meta.url === `file://${process.argv[1]}`) {
  const client = new Client({ node: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' });
  runDemo(client)
    .then(() => client.close())
    .catch(async (error: unknown) => {
      console.error(error);
      await client.close();
      process.exitCode = 1;
    });
}
