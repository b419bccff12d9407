// Shared helpers for tests that drive the reference implementation over real HTTP.
//
// Servers are started per test (a start costs about a millisecond) and always closed in
// afterEach through `serverPool`, so a failing assertion never leaves a listener behind.
import { CodeCatalystClient } from '@aws-sdk/client-codecatalyst';
import { connect, type Socket } from 'node:net';
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

/** The SDK's error as the suite reads it: exception name and HTTP status. */
export async function sdkError(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the SDK call to fail');
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

export interface WireRequest {
  method: string;
  path: string;
  bearer?: string;
  body?: string;
  headers?: Record<string, string>;
}

export type WireResponse = Pick<RawResponse, 'status' | 'text' | 'json'>;

/** The head of one HTTP/1.1 request, its body framed by content-length. */
function requestHead(server: ReferenceServer, r: WireRequest): string {
  const lines = [
    `${r.method} ${r.path} HTTP/1.1`,
    `host: ${new URL(server.url).host}`,
    `authorization: Bearer ${r.bearer ?? alice}`,
    ...(r.body === undefined ? [] : ['content-type: application/json']),
    `content-length: ${Buffer.byteLength(r.body ?? '')}`,
    ...Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function openSocket(server: ReferenceServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, server.host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function write(socket: Socket, data: string): Promise<void> {
  return new Promise((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
}

/**
 * The responses arriving on a socket, one per next(), in order (a 100 Continue counts as one).
 * Enough HTTP for this server, which frames every body by content-length (a 204 has none).
 */
function responseReader(socket: Socket): { next(): Promise<WireResponse> } {
  let buffer = Buffer.alloc(0);
  const ready: WireResponse[] = [];
  const waiting: { resolve(r: WireResponse): void; reject(e: Error): void }[] = [];
  let ended: Error | undefined;
  const parse = (): void => {
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const text = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      buffer = buffer.subarray(end + 4 + length);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const response = { status, text, json };
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(response);
      else ready.push(response);
    }
  };
  const fail = (error: Error): void => {
    ended ??= error;
    for (const w of waiting.splice(0)) w.reject(ended);
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    parse();
  });
  socket.once('error', fail);
  socket.once('close', () => fail(new Error('connection closed before the response')));
  return {
    next() {
      const response = ready.shift();
      if (response) return Promise.resolve(response);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

/**
 * Sends the head of a request and resolves once the server is working on it: the head says
 * `expect: 100-continue`, and Node's server writes "100 Continue" in the same synchronous step
 * in which it hands the request to the handler, so by the time the 100 arrives the request
 * has passed authentication and throttling and counts as in flight. Its handler then waits for
 * the body, which release() sends. How a test holds requests open without depending on timing.
 */
export async function holdRequest(server: ReferenceServer, r: WireRequest): Promise<{ release(): Promise<WireResponse> }> {
  if (!r.body) throw new Error('a held request needs a body to hold back');
  const socket = await openSocket(server);
  const responses = responseReader(socket);
  await write(socket, requestHead(server, { ...r, headers: { ...r.headers, expect: '100-continue' } }));
  const interim = await responses.next();
  if (interim.status !== 100) throw new Error(`expected 100 Continue, got ${interim.status}: ${interim.text}`);
  return {
    async release() {
      await write(socket, r.body!);
      try {
        return await responses.next();
      } finally {
        socket.destroy();
      }
    },
  };
}

/**
 * Sends every request in one write on one connection (HTTP/1.1 pipelining). The server parses
 * them in order and starts each handler as it is parsed, so request N+1 reaches its handler
 * right after request N has run to its first yield: an ordering that no timing can change.
 */
export async function pipelined(server: ReferenceServer, requests: WireRequest[]): Promise<WireResponse[]> {
  const socket = await openSocket(server);
  try {
    const responses = responseReader(socket);
    await write(socket, requests.map((r) => requestHead(server, r) + (r.body ?? '')).join(''));
    const out: WireResponse[] = [];
    for (let i = 0; i < requests.length; i++) out.push(await responses.next());
    return out;
  } finally {
    socket.destroy();
  }
}
