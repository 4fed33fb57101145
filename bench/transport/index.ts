// Transport overhead: client CPU per request and requests/s against a loopback stub in another
// process, for elastiq, @elastic/elasticsearch 9 and a bare undici Pool, measured in one run.
// Run: npx tsx bench/transport/index.ts [requestsPerRound] [rounds]

import { type ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import { Pool } from 'undici';
import { Client } from '../../src/core/index.js';

const CONCURRENCY = 64;
const CONNECTIONS = 64;
const BODY = JSON.stringify({
  _index: 'bench',
  _id: '1',
  _version: 1,
  _seq_no: 0,
  _primary_term: 1,
  found: true,
  _source: { title: 'hello', n: 42 },
});

type Send = () => Promise<unknown>;

interface Contender {
  readonly name: string;
  readonly send: Send;
  readonly close: () => Promise<void>;
}

interface Measure {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
}

function serve(): void {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/vnd.elasticsearch+json;compatible-with=9',
      'x-elastic-product': 'Elasticsearch',
      'content-length': Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: process.execArgv });
  return new Promise((resolve) =>
    child.once('message', (port) => resolve({ child, url: `http://127.0.0.1:${port}` })),
  );
}

const QUERY = {
  query: {
    bool: { filter: [{ term: { status: 'published' } }, { range: { views: { gte: 10 } } }] },
  },
  size: 10,
};

/** 'get': GET without a body; 'search': POST with a small JSON body. */
type Scenario = 'get' | 'search';

function contenders(url: string, scenario: Scenario): Contender[] {
  const elastiq = new Client({ node: url, connections: CONNECTIONS, maxRetries: 0 });
  const elastic = new ElasticClient({ node: url, maxRetries: 0, compression: false });
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1 });
  const get = scenario === 'get';
  const method = get ? 'GET' : 'POST';
  const path = get ? '/bench/_doc/1' : '/bench/_search';
  const params = get ? ({ method, path } as const) : ({ method, path, body: QUERY } as const);
  const headers = get
    ? { accept: 'application/json' }
    : { accept: 'application/json', 'content-type': 'application/json' };
  return [
    {
      name: 'elastiq',
      send: () => elastiq.transport.request(params),
      close: () => elastiq.close(),
    },
    {
      name: '@elastic/elasticsearch',
      send: () => elastic.transport.request(params),
      close: () => elastic.close(),
    },
    {
      name: 'undici Pool',
      send: async () => {
        const { body } = await pool.request({
          method,
          path,
          headers,
          body: get ? null : JSON.stringify(QUERY),
        });
        return body.json();
      },
      close: () => pool.close(),
    },
  ];
}

async function run(send: Send, total: number): Promise<Measure> {
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      await send();
    }
  };
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    requestsPerSecond: total / seconds,
    cpuMicrosPerRequest: (used.user + used.system) / total,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const perRound = Number(process.argv[2] ?? 30_000);
  const rounds = Number(process.argv[3] ?? 5);
  const { child, url } = await startServer();
  for (const scenario of ['get', 'search'] as const) await bench(url, scenario, perRound, rounds);
  child.kill();
}

async function bench(
  url: string,
  scenario: Scenario,
  perRound: number,
  rounds: number,
): Promise<void> {
  const list = contenders(url, scenario);
  for (const contender of list) await run(contender.send, 5_000); // warm up sockets and JIT
  const results = new Map<string, Measure[]>(list.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Interleaved rounds so that machine noise falls on every contender alike.
    for (const contender of list)
      results.get(contender.name)!.push(await run(contender.send, perRound));
  }
  const summary = list.map((c) => {
    const measures = results.get(c.name)!;
    return {
      name: c.name,
      rps: median(measures.map((m) => m.requestsPerSecond)),
      cpu: median(measures.map((m) => m.cpuMicrosPerRequest)),
    };
  });
  const [ours, elastic, undici] = summary as [
    (typeof summary)[0],
    (typeof summary)[0],
    (typeof summary)[0],
  ];
  const what = scenario === 'get' ? 'GET, no body' : 'POST _search, small JSON body';
  console.log(
    `transport bench (${what}): ${CONCURRENCY} concurrent callers, ${perRound} requests x ${rounds} rounds (median)`,
  );
  for (const row of summary) {
    console.log(
      `  ${row.name.padEnd(24)} ${row.rps.toFixed(0).padStart(7)} req/s  ${row.cpu.toFixed(1).padStart(6)} µs CPU/request`,
    );
  }
  console.log(
    `  elastiq / @elastic/elasticsearch CPU: ${(ours.cpu / elastic.cpu).toFixed(2)}x (target <= 0.60x)`,
  );
  console.log(
    `  elastiq / undici Pool CPU:           ${(ours.cpu / undici.cpu).toFixed(2)}x (target <= 1.30x)`,
  );
  console.log(`  elastiq / @elastic/elasticsearch req/s: ${(ours.rps / elastic.rps).toFixed(2)}x`);
  await Promise.all(list.map((c) => c.close()));
}

if (process.argv.includes('--serve')) serve();
else await main();
