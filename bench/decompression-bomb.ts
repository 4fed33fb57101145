// Peak memory of a gzip "bomb" answer: ~1 MB on the wire that inflates to ~1 GiB of JSON.
// The server runs in a child process, so the figures are the client's own.
// Run: npx tsx bench/decompression-bomb.ts [case]  (cases: bomb, http-bomb, legit; default bomb)
// Prints the outcome, the time it took and the peak RSS (getrusage maxrss) of the client process.

import { type ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Client, HttpConnection } from '../src/core/index.js';

// ~1 GiB of a JSON string, gzip-compressed to ~1 MB.
function bombBody(): Buffer {
  const inner = Buffer.alloc(1024 * 1024 * 1024, 0x30); // '0' * 1 GiB
  const body = Buffer.concat([Buffer.from('{"z":"'), inner, Buffer.from('"}')]);
  return gzipSync(body, { level: 9 });
}

// 40 MB of varied JSON (search hits), compressed about 10:1: what a real big answer looks like.
function legitBody(): Buffer {
  const hits = [];
  for (let i = 0; hits.length * 200 < 40 * 1024 * 1024; i++) {
    hits.push({
      _index: 'logs',
      _id: `id-${i}-${(i * 2654435761) % 1e9}`,
      _score: ((i * 7919) % 1000) / 100,
      _source: { message: `request ${i} took ${(i * 31) % 977} ms`, at: 1_700_000_000_000 + i },
    });
  }
  return gzipSync(JSON.stringify({ hits: { hits } }));
}

function serve(kind: string): void {
  const body = kind === 'legit' ? legitBody() : bombBody();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': body.length,
      'x-elastic-product': 'Elasticsearch',
    });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port, bytes: body.length });
  });
}

async function measure(kind: string): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['serve', kind], {
    execArgv: process.execArgv,
  });
  const { port, bytes } = await new Promise<{ port: number; bytes: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { port: number; bytes: number })),
  );
  const client = new Client({
    node: `http://127.0.0.1:${port}`,
    compression: true,
    maxRetries: 0,
    requestTimeout: 120_000,
    ...(kind === 'http-bomb' ? { Connection: HttpConnection } : {}),
  });
  const before = process.memoryUsage().rss;
  const started = performance.now();
  let outcome: string;
  try {
    const result = await client.transport.request({ method: 'GET', path: '/' });
    outcome = `resolved (${JSON.stringify(result).length} chars)`;
  } catch (err) {
    const e = err as { code?: string; message: string };
    outcome = `${e.code}: ${e.message}`;
  }
  const ms = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  await client.close();
  child.kill();
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  console.log(`case ${kind}: ${(bytes / 1024 / 1024).toFixed(2)} MiB gzip on the wire`);
  console.log(`  outcome   ${outcome}`);
  console.log(`  time      ${ms.toFixed(0)} ms`);
  console.log(`  rss before ${mib(before)}, peak rss ${mib(peak)}`);
}

if (process.argv[2] === 'serve') serve(process.argv[3] ?? 'bomb');
else await measure(process.argv[2] ?? 'bomb');
