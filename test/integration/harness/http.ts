import { Agent, request } from 'undici';

export interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: any;
}

/**
 * One plain HTTP(S) request, deliberately not through elastiq's client: these tests prove the
 * harness the client's own tests rely on. `ca` set means TLS is verified against that CA only.
 */
export async function plainRequest(
  url: string,
  options: {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    headers?: Record<string, string>;
    body?: unknown;
    /** A body sent as it is (NDJSON), instead of `body` as JSON. */
    raw?: string;
    ca?: string;
  } = {},
): Promise<PlainResponse> {
  const dispatcher = new Agent({ connect: options.ca ? { ca: options.ca } : {} });
  try {
    const response = await request(url, {
      dispatcher,
      method: options.method ?? 'GET',
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.raw !== undefined ? { body: options.raw } : {}),
    });
    const text = await response.body.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an empty 401 body, say): keep the text.
    }
    return { status: response.statusCode, headers: response.headers, body };
  } finally {
    await dispatcher.close();
  }
}
