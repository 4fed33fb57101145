/**
 * ORM hydration benchmark: turn a search response of 10k realistic hits (a dozen fields, a date,
 * a nested array of 3 inner documents) into model instances, with elastiq's `fromSource` and
 * with class-transformer's `plainToInstance` on the same classes, against plain `JSON.parse` of
 * the response (the anchor both pay). Every contender parses the response text itself, as a
 * client does. Run: `npx tsx bench/orm.ts [responses]`.
 */
import 'reflect-metadata'; // class-transformer's @Type reads it
import { plainToInstance, Type } from 'class-transformer';
import { Document } from '../src/orm/decorators/document.js';
import {
  BooleanField,
  DateField,
  Double,
  GeoPoint,
  Integer,
  Keyword,
  Long,
  Text,
} from '../src/orm/decorators/field-types.js';
import { Nested } from '../src/orm/decorators/inner-fields.js';
import { InnerDoc } from '../src/orm/document/inner-doc.js';
import { Model } from '../src/orm/document/model.js';
import { fromSource } from '../src/orm/document/source.js';

const RESPONSES = Number(process.argv[2] ?? 20);
const HITS = 10_000;

class Comment extends InnerDoc {
  @Keyword() author!: string;
  @Text() body!: string;
  @Integer() stars = 0;
  @Type(() => Date)
  @DateField()
  createdAt!: Date;
}

@Document({ index: 'bench-posts' })
class Post extends Model {
  @Text() title!: string;
  @Text() body!: string;
  @Keyword() slug!: string;
  @Keyword({ multi: true }) tags: string[] = [];
  @Keyword() author!: string;
  @Keyword() category!: string;
  @Integer() likes = 0;
  @Integer() views = 0;
  @Long() wordCount = 0;
  @Double() score = 0;
  @BooleanField() published = false;
  @GeoPoint() location?: { lat: number; lon: number };
  @Type(() => Date)
  @DateField()
  publishedAt!: Date;
  @Type(() => Comment)
  @Nested(() => Comment, { multi: true })
  comments: Comment[] = [];
}

function hit(i: number) {
  const day = Date.UTC(2024, 0, 1) + i * 60_000;
  return {
    _index: 'bench-posts',
    _id: String(i),
    _score: 1 + (i % 7) / 10,
    _source: {
      title: `Post number ${i} about search engines`,
      body: 'Elasticsearch stores documents as JSON and indexes every field. '.repeat(3),
      slug: `post-${i}`,
      tags: ['search', `tag-${i % 50}`, i % 2 ? 'odd' : 'even'],
      author: `author-${i % 100}`,
      category: ['news', 'howto', 'opinion'][i % 3],
      likes: i % 1000,
      views: i * 3,
      wordCount: 200 + (i % 800),
      score: (i % 100) / 7,
      published: i % 5 !== 0,
      location: { lat: 52 + (i % 10) / 100, lon: 4 + (i % 10) / 100 },
      publishedAt: new Date(day).toISOString(),
      comments: [0, 1, 2].map((c) => ({
        author: `reader-${(i + c) % 300}`,
        body: `Comment ${c} on post ${i}`,
        stars: (i + c) % 5,
        createdAt: new Date(day + (c + 1) * 3_600_000).toISOString(),
      })),
    },
  };
}

const responseText = JSON.stringify({
  took: 12,
  timed_out: false,
  hits: {
    total: { value: HITS, relation: 'eq' },
    hits: Array.from({ length: HITS }, (_, i) => hit(i)),
  },
});

interface Response {
  hits: { hits: { _source: unknown }[] };
}

const contenders: Record<string, () => unknown[]> = {
  'JSON.parse only': () => (JSON.parse(responseText) as Response).hits.hits.map((h) => h._source),
  'elastiq fromSource': () =>
    (JSON.parse(responseText) as Response).hits.hits.map((h) => fromSource(Post, h._source)),
  'class-transformer plainToInstance': () =>
    (JSON.parse(responseText) as Response).hits.hits.map((h) =>
      plainToInstance(Post, h._source as object),
    ),
};

// Both libraries must build the same thing, or the comparison means nothing.
function checkSameResult(): void {
  const [ours] = contenders['elastiq fromSource']!() as Post[];
  const [theirs] = contenders['class-transformer plainToInstance']!() as Post[];
  const ok =
    ours instanceof Post &&
    theirs instanceof Post &&
    ours.publishedAt instanceof Date &&
    theirs.publishedAt instanceof Date &&
    ours.comments[2] instanceof Comment &&
    theirs.comments[2] instanceof Comment &&
    ours.comments[2].createdAt instanceof Date &&
    theirs.comments[2].createdAt instanceof Date &&
    JSON.stringify(ours) === JSON.stringify(theirs);
  if (!ok) throw new Error('fromSource and plainToInstance built different objects');
}

/** CPU seconds (not wall time: the machine may be shared) for `n` responses. */
function time(fn: () => unknown[], n: number): number {
  let sink = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) sink += fn().length;
  const used = process.cpuUsage(start);
  if (sink !== n * HITS) throw new Error('hits went missing');
  return (used.user + used.system) / 1e6;
}

checkSameResult();
// Interleaved rounds, so that load from other processes hits every contender alike.
const ROUNDS = 5;
const PER_ROUND = Math.max(1, Math.ceil(RESPONSES / ROUNDS));
const seconds: Record<string, number> = {};
for (const [name, fn] of Object.entries(contenders)) {
  time(fn, 2); // warm-up
  seconds[name] = 0;
}
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(contenders)) seconds[name]! += time(fn, PER_ROUND);
}
const total = PER_ROUND * ROUNDS;
const hitsPerSecond = (name: string) => (total * HITS) / seconds[name]!;
const ms = (name: string) => (seconds[name]! / total) * 1000;
console.log(
  `parse + hydrate a response of ${HITS.toLocaleString('en-US')} hits (12 fields, a date, 3 nested comments), ${total} responses each`,
);
for (const name of Object.keys(contenders)) {
  console.log(
    `${name.padEnd(36)} ${ms(name).toFixed(1).padStart(7)} ms/response ${Math.round(hitsPerSecond(name)).toLocaleString('en-US').padStart(12)} hits/s`,
  );
}
const hydrateOnly = (name: string) => ms(name) - ms('JSON.parse only');
console.log(
  `ratio elastiq / class-transformer (speed, parse included): ${(ms('class-transformer plainToInstance') / ms('elastiq fromSource')).toFixed(2)}x`,
);
console.log(
  `ratio elastiq / class-transformer (hydration beyond JSON.parse): ${(hydrateOnly('class-transformer plainToInstance') / hydrateOnly('elastiq fromSource')).toFixed(2)}x`,
);
console.log(
  `elastiq cost over JSON.parse alone: ${(ms('elastiq fromSource') / ms('JSON.parse only')).toFixed(2)}x the time`,
);
