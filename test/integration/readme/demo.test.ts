// `npm run demo` runs examples/demo.ts; here its steps run against the real node and every figure
// it prints is checked against the catalogue it loads.
import { afterAll, describe, expect, test } from 'vitest';
import { catalogue, runDemo } from '../../../examples/demo.js';
import { Client } from '../../../src/core/index.js';
import { singleNode } from '../../support/cluster.js';

const client = new Client({ node: singleNode.url });

afterAll(() => client.close());

describe('the demo', () => {
  test('loads the catalogue, finds, aggregates, iterates and refuses a stale save', async () => {
    const lines: string[] = [];
    const result = await runDemo(client, (line) => lines.push(line), 'readme-demo-books');
    const books = catalogue(5000);
    const matching = books.filter(
      (b) => b.title.split(' ').includes('river') && b.available && b.year >= 1980,
    );
    expect(result.loaded).toBe(5000);
    expect(result.matches).toBe(matching.length);
    const genreCounts = new Map<string, number>();
    for (const b of matching)
      for (const g of b.genres) genreCounts.set(g, (genreCounts.get(g) ?? 0) + 1);
    for (const { genre, count } of result.topGenres) expect(count).toBe(genreCounts.get(genre));
    expect(result.iterated).toBe(books.filter((b) => b.author === 'Borges').length);
    expect(result.conflictDetected).toBe(true);
    expect(lines.join('\n')).toMatch(
      /a stale save was refused: Cannot write document "[^"]+" in index "readme-demo-books": it changed since this instance read it/,
    );
    expect(await client.indices.exists({ index: 'readme-demo-books' })).toBe(false);
  });
});
