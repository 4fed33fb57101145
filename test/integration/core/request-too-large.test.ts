import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../../../src/core/client.js';
import { ConnectionError, ResponseError } from '../../../src/core/errors.js';
import { singleNode } from '../../support/cluster.js';

const INDEX = `core-too-large-${process.pid}`;
const client = new Client({ node: singleNode.url, requestTimeout: '60s', maxRetries: 3 });

afterAll(async () => {
  await client.transport.request({ method: 'DELETE', path: `/${INDEX}` }, { ignore: [404] });
  await client.close();
});

describe('a request body over http.max_content_length (100mb by default)', () => {
  it('is refused with 413 once, not retried, and the error names the limit and what to do', async () => {
    // 101 MiB of JSON, built as a string so that no time goes into serializing it.
    const body = `{"text":"${'x'.repeat(101 * 1024 * 1024)}"}`;
    let attempts = 0;
    const off = client.on('request', () => {
      attempts++;
    });
    const started = performance.now();
    const error = await client.transport
      .request({ method: 'POST', path: `/${INDEX}/_doc`, body })
      .catch((e: unknown) => e)
      .finally(off);
    console.info(`101 MiB refused with 413 in ${Math.round(performance.now() - started)} ms`);
    // The node answers 413 and closes the socket: depending on how far the upload got, the
    // client reads the 413, or its write fails (EPIPE) first. Either way: once, and explained.
    if (error instanceof ResponseError) expect(error.statusCode).toBe(413);
    else expect(error).toBeInstanceOf(ConnectionError);
    expect(attempts).toBe(1);
    const message = (error as Error).message;
    expect(message).toContain(`${Buffer.byteLength(body)} bytes`);
    expect(message).toContain('http.max_content_length');
    expect(message).toContain('flushBytes');
  }, 30_000);
});
