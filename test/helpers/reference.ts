// Shared helpers for tests that drive the reference implementation over real HTTP.
//
// Servers are started per test (a start costs about a millisecond) and always closed in
// afterEach through `serverPool`, so a failing assertion never leaves a listener behind.
import { CodeCatalystClient } from '@aws-sdk/client-codecatalyst';
import { Client, getGlobalDispatcher, type Dispatcher } from 'undici';
import { afterEach } from 'vitest';
import type { ReferenceOptions } from '../../src/reference/options.js';
import { startReferenceServer, type ReferenceServer } from '../../src/reference/server.js';

export const alice = 'alice-bearer-token';
export const bob = 'bob-bearer-token';

/** Starts servers for one test and closes them after it, pass or fail. */
export function serverPool(): { start(options?: Partial<ReferenceOptions>): Promise<ReferenceServer> } {
  const running: ReferenceServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  return {
    async start(options) {
      const server = await startReferenceServer(options);
      running.push(server);
      return server;
    },
  };
}

/** An SDK client as a user of the fake would build it; one attempt, so retries hide nothing. */
export function sdk(server: ReferenceServer, bearer: string): CodeCatalystClient {
  return new CodeCatalystClient({
    endpoint: server.url,
    region: 'us-west-2',
    token: { token: bearer },
    maxAttempts: 1,
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawOptions {
  bearer?: string | null;
  body?: string | Buffer;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
}

/** One request on the wire, exactly as given (path not re-encoded). */
export async function raw(server: ReferenceServer, method: string, path: string, o: RawOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.bearer !== null) headers.authorization = `Bearer ${o.bearer ?? alice}`;
  if (o.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  // dispatcher.request sends the path byte for byte; request(url) would run it through WHATWG
  // URL parsing, which resolves %2E%2E as a dot segment and so changes the request under test.
  const dispatcher = o.dispatcher ?? getGlobalDispatcher();
  const res = await dispatcher.request({
    origin: server.url,
    path,
    method: method as Dispatcher.HttpMethod,
    headers,
    body: o.body ?? null,
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export async function createToken(server: ReferenceServer, bearer = alice, name = 'test token'): Promise<string> {
  const res = await raw(server, 'PUT', '/v1/accessTokens', { bearer, body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${res.text}`);
  return (res.json as { accessTokenId: string }).accessTokenId;
}

/** Every token ID the bearer can list, following nextToken (bounded, so a looping target fails). */
export async function listAll(server: ReferenceServer, bearer = alice, maxPages = 200): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await raw(server, 'POST', '/v1/accessTokens', {
      bearer,
      body: JSON.stringify(nextToken ? { maxResults: 10, nextToken } : { maxResults: 10 }),
    });
    if (res.status !== 200) throw new Error(`list answered ${res.status}: ${res.text}`);
    const body = res.json as { items: { id: string }[]; nextToken?: string };
    ids.push(...body.items.map((i) => i.id));
    nextToken = body.nextToken;
    if (!nextToken) return ids;
  }
  throw new Error(`pagination did not end within ${maxPages} pages`);
}

export function errortype(res: RawResponse): string | undefined {
  const v = res.headers['x-amzn-errortype'];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Fires `count` identical requests at once over connections opened beforehand, as the conflict
 * scenario does, and returns the statuses with their error types.
 */
export async function race(
  server: ReferenceServer,
  count: number,
  make: (i: number) => { method: string; path: string; bearer?: string },
): Promise<RawResponse[]> {
  const clients = Array.from({ length: count }, () => new Client(server.url, { pipelining: 1 }));
  try {
    // Warm every connection so the releases are not spread out by TCP handshakes.
    await Promise.all(clients.map((c) => raw(server, 'GET', '/session', { dispatcher: c })));
    return await Promise.all(
      clients.map((c, i) => {
        const r = make(i);
        return raw(server, r.method, r.path, { bearer: r.bearer ?? alice, dispatcher: c });
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}

export function statuses(responses: RawResponse[]): number[] {
  return responses.map((r) => r.status).sort((a, b) => a - b);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
