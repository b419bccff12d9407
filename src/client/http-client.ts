// The runner's only way onto the network: undici with a bounded time for every request and a
// cap on every body read. It never throws for what the target does (a hang, a reset, garbage);
// it returns an Exchange that says what happened, because those are verdicts, not crashes.
import { Pool, type Dispatcher } from 'undici';
import type { Exchange, HttpRequest, HttpResponse, TransportError } from './exchange.js';

export interface HttpClientOptions {
  /** Total time for one request, connect to last body byte. */
  timeoutMs: number;
  /** Bytes of a response body kept; the rest is not read (a multi-gigabyte body costs nothing). */
  maxBodyBytes: number;
  /** Connections in the default pool. */
  connections: number;
  /** undici interceptors applied to every pool (recording and replay: src/record/). */
  interceptors?: Dispatcher.DispatcherComposeInterceptor[];
  /**
   * After this many requests in a row got no HTTP answer, the target is taken as gone and
   * further requests fail at once: a run against a dead or hanging target ends in a few
   * timeouts, not one per request. 0 disables.
   */
  giveUpAfterFailures?: number;
}

export const defaultHttpClientOptions: HttpClientOptions = {
  timeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  connections: 8,
  giveUpAfterFailures: 3,
};

export class HttpClient {
  readonly origin: string;
  private readonly basePath: string;
  private readonly pools: Pool[] = [];
  private readonly defaultPool: Pool;
  private consecutiveFailures = 0;
  private lastFailure: TransportError | undefined;

  constructor(
    baseUrl: string,
    readonly options: HttpClientOptions = defaultHttpClientOptions,
    private readonly runSignal?: AbortSignal,
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.defaultPool = this.createPool(options.connections);
  }

  /** A pool of its own, e.g. N connections opened before a race is released. */
  createPool(connections: number): Pool {
    const pool = new Pool(this.origin, {
      connections,
      pipelining: 1,
      connectTimeout: this.options.timeoutMs,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
      keepAliveTimeout: 10_000,
    });
    this.pools.push(pool);
    const interceptors = this.options.interceptors ?? [];
    // compose() returns a proxy of the pool whose dispatch runs through the interceptors.
    return interceptors.length > 0 ? (pool.compose(interceptors) as unknown as Pool) : pool;
  }

  async send(request: HttpRequest, pool: Dispatcher = this.defaultPool): Promise<Exchange> {
    const startedAt = Date.now();
    const finish = (fields: { response?: HttpResponse; transportError?: TransportError }): Exchange => ({
      request,
      ...fields,
      startedAt,
      durationMs: Date.now() - startedAt,
    });
    // An interruption stops new requests but lets those in flight finish (bounded by the
    // timeout): an aborted create could leave a token behind whose ID the run never learnt.
    if (this.runSignal?.aborted) return finish({ transportError: { kind: 'interrupted', message: 'not sent: the run was interrupted' } });
    const limit = this.options.giveUpAfterFailures ?? 0;
    if (limit > 0 && this.consecutiveFailures >= limit && this.lastFailure) {
      return finish({
        transportError: { kind: this.lastFailure.kind, message: `not sent: the last ${limit} requests got no answer (last: ${this.lastFailure.message})` },
      });
    }
    const exchange = await this.sendOnWire(request, pool, finish);
    if (exchange.transportError && exchange.transportError.kind !== 'interrupted') {
      this.consecutiveFailures++;
      this.lastFailure = exchange.transportError;
    } else if (exchange.response) {
      this.consecutiveFailures = 0;
    }
    return exchange;
  }

  private async sendOnWire(
    request: HttpRequest,
    pool: Dispatcher,
    finish: (fields: { response?: HttpResponse; transportError?: TransportError }) => Exchange,
  ): Promise<Exchange> {
    // The bound on the whole request (connect to last body byte): one plain timer per request,
    // cleared when it is done, and the smallest signal undici accepts. AbortSignal.timeout()
    // keeps its timer and a weak reference alive until it fires or is collected, and an
    // AbortController is an EventTarget per request: together they were most of the driver's
    // overhead over a bare undici Pool (see bench/README.md).
    const signal = new RequestDeadline();
    const timer = setTimeout(abortOnTimeout, this.options.timeoutMs, signal);
    timer.unref();
    try {
      const answer = await pool.request({
        origin: this.origin,
        path: this.basePath + request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
      });
      const body = await readCapped(answer.body, this.options.maxBodyBytes);
      return finish({
        response: {
          status: answer.statusCode,
          headers: flattenHeaders(answer.headers),
          body: body.text,
          bodyBytes: body.bytes,
          truncated: body.truncated,
        },
      });
    } catch (error) {
      return finish({ transportError: classifyTransportError(error, this.options.timeoutMs) });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    // destroy, not close: a target that never answers must not keep the run alive.
    await Promise.allSettled(this.pools.map((pool) => pool.destroy()));
  }
}

/**
 * The abort signal of one request, in the EventEmitter shape undici's request() accepts besides
 * AbortSignal (`signal: AbortSignal | EventEmitter`): `aborted`, `reason`, `on`/`once`/
 * `removeListener('abort')`. undici adds two listeners and removes them when the request ends.
 */
class RequestDeadline {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] = [];

  on(event: string, listener: () => void): this {
    if (event === 'abort' && !this.aborted) this.listeners.push(listener);
    return this;
  }

  once(event: string, listener: () => void): this {
    // Abort happens at most once, so every listener is a once-listener.
    return this.on(event, listener);
  }

  removeListener(event: string, listener: () => void): this {
    if (event === 'abort') {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    }
    return this;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

/** The reason AbortSignal.timeout() aborts with, so what undici rejects with is unchanged. */
function abortOnTimeout(signal: RequestDeadline): void {
  signal.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
}

/**
 * Reads at most `cap` bytes (plus the chunk that crossed it) of a response body, then destroys
 * the stream so the socket is released. Plain stream events rather than `for await`, which
 * costs an async generator, an end-of-stream watcher and a promise per chunk for every
 * response. Rejects as the iterator did: with the stream's error, or a premature-close error.
 */
function readCapped(
  body: Dispatcher.ResponseData['body'],
  cap: number,
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const done = (truncated: boolean): void => {
      if (settled) return;
      settled = true;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
      resolve({ text: (all.length > cap ? all.subarray(0, cap) : all).toString('utf8'), bytes, truncated });
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > cap) {
        done(true);
        body.destroy();
      }
    });
    body.once('end', () => done(false));
    body.once('error', fail);
    body.once('close', () => {
      if (!settled) fail(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function classifyTransportError(error: unknown, timeoutMs: number): TransportError {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.message ?? String(error);
  if (e.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || e.name === 'AbortError') {
    return { kind: 'timeout', message: `no complete answer within ${timeoutMs} ms` };
  }
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: 'connection refused (nothing listens there)' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { kind: 'dns', message: 'the host name does not resolve' };
  }
  if (e.name === 'HTTPParserError' || code.startsWith('HPE_') || /parse|does not match the HTTP|invalid (status|header|chunk|response)/i.test(message)) {
    return { kind: 'protocol', message: `the answer is not valid HTTP (${code || message})` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return { kind: 'reset', message: 'the connection was closed before a complete answer' };
  }
  return { kind: 'other', message: code ? `${code}: ${message}` : message };
}
