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
    const signal = AbortSignal.timeout(this.options.timeoutMs);
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
    }
  }

  async close(): Promise<void> {
    // destroy, not close: a target that never answers must not keep the run alive.
    await Promise.allSettled(this.pools.map((pool) => pool.destroy()));
  }
}

async function readCapped(
  body: Dispatcher.ResponseData['body'],
  cap: number,
): Promise<{ text: string; bytes: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    bytes += buffer.length;
    if (bytes > cap) {
      truncated = true;
      break;
    }
  }
  // Leaving the loop early does not finish the stream; destroy it so the socket is released.
  if (truncated) body.destroy();
  const all = Buffer.concat(chunks);
  return { text: all.subarray(0, cap).toString('utf8'), bytes, truncated };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
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
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return { kind: 'reset', message: 'the connection was closed before a complete answer' };
  }
  return { kind: 'other', message: code ? `${code}: ${message}` : message };
}
