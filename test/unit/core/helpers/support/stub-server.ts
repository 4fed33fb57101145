// A loopback HTTP stub answering what a real node cannot be made to do on demand.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

export interface StubAnswer {
  readonly status?: number;
  readonly body?: unknown;
  /** Destroy the socket instead of answering (a connection failure). */
  readonly destroy?: boolean;
  readonly delayMs?: number;
}

export type StubHandler = (request: StubRequest) => StubAnswer | Promise<StubAnswer>;

export interface Stub {
  readonly url: string;
  readonly requests: StubRequest[];
  /** Highest number of requests the stub was handling at the same time. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

export async function startStub(handler: StubHandler): Promise<Stub> {
  const requests: StubRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer(async (req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const url = new URL(req.url ?? '/', 'http://stub');
      const request = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: await readBody(req),
      };
      requests.push(request);
      const answer = await handler(request);
      if (answer.delayMs !== undefined) await new Promise((r) => setTimeout(r, answer.delayMs));
      if (answer.destroy === true) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status ?? 200, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
      });
      res.end(JSON.stringify(answer.body ?? {}));
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One operation of a bulk body, as the stub sees it. */
export interface BulkLine {
  readonly operation: string;
  readonly meta: Record<string, unknown>;
  readonly source: unknown;
}

/** Parses an NDJSON bulk body into operations (delete has no source line). */
export function parseBulk(body: string): BulkLine[] {
  const lines = body.split('\n').filter((line) => line.length > 0);
  const operations: BulkLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = JSON.parse(lines[i]!) as Record<string, Record<string, unknown>>;
    const operation = Object.keys(header)[0]!;
    const source = operation === 'delete' ? undefined : JSON.parse(lines[++i]!);
    operations.push({ operation, meta: header[operation]!, source });
  }
  return operations;
}

/** A bulk response for `operations` where `statusOf` picks each item's status. */
export function bulkResponse(
  operations: readonly BulkLine[],
  statusOf: (line: BulkLine, index: number) => number,
): { errors: boolean; items: Record<string, unknown>[] } {
  let errors = false;
  const items = operations.map((line, index) => {
    const status = statusOf(line, index);
    const item: Record<string, unknown> = {
      _index: line.meta._index ?? 'stub',
      _id: line.meta._id ?? `auto-${index}`,
      status,
    };
    if (status >= 400) {
      errors = true;
      item.error = {
        type: status === 429 ? 'es_rejected_execution_exception' : 'mapper_parsing_exception',
        reason: `status ${status}`,
      };
    } else {
      item.result =
        line.operation === 'delete'
          ? 'deleted'
          : line.operation === 'update'
            ? 'updated'
            : 'created';
    }
    return { [line.operation]: item };
  });
  return { errors, items };
}
