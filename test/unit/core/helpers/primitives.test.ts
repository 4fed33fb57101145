import { describe, expect, it } from 'vitest';
import { AsyncChannel } from '../../../../src/core/helpers/async-channel.js';
import { backoffDelay, sleep } from '../../../../src/core/helpers/backoff.js';
import { indexSegment } from '../../../../src/core/helpers/helper-request.js';
import { splitSearchParams } from '../../../../src/core/helpers/search-params.js';

describe('backoffDelay', () => {
  it('doubles per attempt, stays within [ceiling/2, ceiling] and respects the cap', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(5000, 100 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt, 100, 5000);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('sleep ends early when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 10);
    await sleep(60_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('AsyncChannel', () => {
  it('makes producers wait while the channel is full', async () => {
    const channel = new AsyncChannel<number>(2);
    const pushed: number[] = [];
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        await channel.push(i);
        pushed.push(i);
      }
      channel.close();
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(pushed).toEqual([0, 1]);
    const received: number[] = [];
    for await (const item of channel) received.push(item);
    await producer;
    expect(received).toEqual([0, 1, 2, 3, 4]);
  });

  it('throws a close error after the queued items, and releases producers on cancel', async () => {
    const channel = new AsyncChannel<number>(1);
    await channel.push(1);
    channel.close(new Error('producer failed'));
    const received: number[] = [];
    await expect(
      (async () => {
        for await (const item of channel) received.push(item);
      })(),
    ).rejects.toThrow('producer failed');
    expect(received).toEqual([1]);
    const other = new AsyncChannel<number>(1);
    await other.push(1);
    const waiting = other.push(2);
    other.cancel();
    expect(await waiting).toBe(false);
  });
});

describe('request helpers', () => {
  it('encodes index names and keeps comma-separated lists', () => {
    expect(indexSegment('logs-*,other')).toBe('logs-*,other');
    expect(indexSegment(['a b', 'c'])).toBe('a%20b,c');
  });

  it('puts query-string-only search parameters in the query string and the rest in the body', () => {
    const split = splitSearchParams(
      { index: 'x', q: 'a', routing: 'r', size: 5, query: {}, scroll: '1m' },
      ['scroll'],
    );
    expect(split).toEqual({ querystring: { q: 'a', routing: 'r' }, body: { size: 5, query: {} } });
  });
});
