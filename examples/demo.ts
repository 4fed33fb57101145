/**
 * The elastiq demo: a `@Document` model whose decorators give the index its mappings, a library
 * catalogue loaded with the bulk helper, searched with the typed DSL (full text, filters,
 * highlight, aggregations) into model instances, counted, iterated with a point in time, and
 * updated with optimistic concurrency: a stale save is refused.
 *
 * `npm run demo` starts a local node for it (or uses ELASTICSEARCH_URL) and stops it afterwards.
 */
import { Client } from '../src/core/index.js';
import { A, Q } from '../src/dsl/index.js';
import {
  BooleanField,
  Document,
  Float,
  Integer,
  Keyword,
  Model,
  OrmConflictError,
  Text,
} from '../src/orm/index.js';

export interface Book {
  title: string;
  author: string;
  year: number;
  genres: string[];
  rating: number;
  available: boolean;
}

/** The catalogue's model: its decorators are the index's mappings (`title.raw` a keyword). */
function bookModel(index: string) {
  @Document({ index, settings: { number_of_shards: 1 } })
  class BookDoc extends Model implements Book {
    @Text({ fields: { raw: { type: 'keyword' } } }) title!: string;
    @Keyword() author!: string;
    @Integer() year!: number;
    @Keyword({ multi: true }) genres: string[] = [];
    @Float() rating!: number;
    @BooleanField() available = true;
  }
  return BookDoc;
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
  const Books = bookModel(index);
  await client.indices.delete({ index }, { ignore: [404] });
  await Books.init({ client }); // the index, with the mappings the decorators describe
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

    const search = Books.search({ client })
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
    for await (const book of Books.search({ client })
      .filter(Q.term({ author: 'Borges' }))
      .iterate()) {
      if (book.author === 'Borges') iterated++;
    }
    log(`every Borges book, read with a point in time: ${iterated}`);

    // Two readers load the same book; the first to save wins, the second is told it is stale.
    const [oldest] = (await Books.search({ client }).sort('year').size(1).execute()).hits;
    const mine = await Books.get(oldest!.meta.id!, { client });
    const theirs = await Books.get(oldest!.meta.id!, { client });
    theirs.available = false;
    await theirs.save({ client });
    let conflictDetected = false;
    try {
      mine.rating = 5;
      await mine.save({ client });
    } catch (error) {
      if (!(error instanceof OrmConflictError)) throw error;
      conflictDetected = true;
      log(`\na stale save was refused: ${error.message}`);
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
