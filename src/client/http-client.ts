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

  /**
   * One request on the wire through dispatch() and a handler of our own rather than request():
   * no Readable stream and async reads per response, no abort signal, one promise; the whole
   * request bounded by one timer in the handler. request() plus a capped stream read cost the
   * burst driver more CPU per request than undici itself (see bench/README.md).
   */
  private sendOnWire(
    request: HttpRequest,
    pool: Dispatcher,
    finish: (fields: { response?: HttpResponse; transportError?: TransportError }) => Exchange,
  ): Promise<Exchange> {
    return new Promise<Exchange>((resolve) => {
      const { timeoutMs, maxBodyBytes } = this.options;
      const handler = new ExchangeHandler(maxBodyBytes, timeoutMs, (outcome) => {
        resolve(
          outcome.error === undefined
            ? finish({ response: outcome.response })
            : finish({ transportError: classifyTransportError(outcome.error, timeoutMs) }),
        );
      });
      try {
        pool.dispatch(
          { origin: this.origin, path: this.basePath + request.path, method: request.method, headers: request.headers, body: request.body },
          handler,
        );
      } catch (error) {
        handler.fail(error);
      }
    });
  }

  async close(): Promise<void> {
    // destroy, not close: a target that never answers must not keep the run alive.
    await Promise.allSettled(this.pools.map((pool) => pool.destroy()));
  }
}

type Outcome = { response: HttpResponse; error?: undefined } | { error: unknown; response?: undefined };

/** The reason AbortSignal.timeout() aborts with, so what the error classification sees is unchanged. */
function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** Why the body stopped being read: the cap was reached (never reported, the answer is kept). */
class BodyCapReached extends Error {}

/**
 * One request as an undici dispatch handler (undici 7's handler API): the answer's status,
 * headers and at most `cap` bytes of body (plus the chunk that crossed it), or the error that
 * ended it; the whole request bounded by one timer. Settles exactly once.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: unknown = undefined;
  private settled = false;
  private readonly timer: NodeJS.Timeout;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly cap: number,
    timeoutMs: number,
    private readonly settle: (outcome: Outcome) => void,
  ) {
    this.timer = setTimeout(() => this.abort(timeoutReason()), timeoutMs);
    this.timer.unref();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason as Error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // 1xx informational answers come first; the final answer replaces them.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > this.cap) {
      // Keep what was read, stop reading: aborting releases the socket.
      this.succeed(true);
      controller.abort(new BodyCapReached('body cap reached'));
    }
  }

  onResponseEnd(): void {
    this.succeed(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.fail(error);
  }

  /** The request cannot go on (timeout): settle with the reason and abort what is in flight. */
  private abort(reason: unknown): void {
    if (this.settled) return;
    this.abortReason = reason;
    this.fail(reason);
    this.controller?.abort(reason as Error);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.settle({ error });
  }

  private succeed(truncated: boolean): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const { chunks, bytes, cap } = this;
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
    this.settle({
      response: {
        status: this.status,
        headers: this.headers,
        body: (all.length > cap ? all.subarray(0, cap) : all).toString('utf8'),
        bodyBytes: bytes,
        truncated,
      },
    });
  }
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
