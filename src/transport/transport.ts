// The one way onto the network, for every command: run, replay, proxy, pre-flight and cleanup
// all send through a Transport and get an Exchange back. Its bounds (time for a request, bytes
// of a body kept) are set here and nowhere else. It never throws for what the target does (a
// hang, a reset, garbage): it returns an Exchange that says what happened, because those are
// verdicts, not crashes.
//
// Recording and replay are a tap on the transport (src/recording/polly-adapter.ts): every request
// is handed to the tap with a way to perform it on the wire; recording performs it and keeps
// what came back, replay answers from the recording and never performs it.
import type { Pool } from 'undici';
import type { Exchange, HttpRequest, HttpResponse, TransportError } from './exchange.js';
import { classifyTransportError } from './transport-errors.js';
import { openPool, sendOnWire, type WireOutcome, type WireRequest, type WireResponse } from './wire.js';

export interface TransportBounds {
  /** Total time for one request, connect to last body byte. */
  timeoutMs: number;
  /** Bytes of a response body kept; the rest is not read (a multi-gigabyte body costs nothing). Infinity: read it whole. */
  maxBodyBytes: number;
  /** Connections in the default pool. */
  connections: number;
  /**
   * After this many requests in a row got no HTTP answer, the target is taken as gone and
   * further requests fail at once: a run against a dead or hanging target ends in a few
   * timeouts, not one per request. 0 disables.
   */
  giveUpAfterFailures: number;
}

export const defaultTransportBounds: TransportBounds = {
  timeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  connections: 8,
  giveUpAfterFailures: 3,
};

/** Sees every request the transport carries; decides whether it goes on the wire. */
export interface TrafficTap {
  /**
   * Called synchronously at send time, in send order (what makes replay deterministic). Returns
   * the outcome: `perform()`'s (record), or one of its own (replay).
   */
  carry(request: WireRequest, perform: () => Promise<WireOutcome>): Promise<WireOutcome>;
}

export interface TransportOptions {
  /** Once aborted, no new request leaves (those in flight finish, bounded by the timeout). */
  signal?: AbortSignal;
  tap?: TrafficTap;
}

/** Connections of their own, e.g. opened before a race is released. Opaque outside this module. */
export class ConnectionPool {
  /** @internal */
  constructor(readonly pool: Pool) {}

  /** Close its connections at once (a target that never answers must not keep them open). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** What forwarding gets: the answer exactly as it arrived, or why there was none. */
export type Forwarded = { answer: WireResponse; transportError?: undefined } | { answer?: undefined; transportError: TransportError };

export class Transport {
  readonly origin: string;
  private readonly basePath: string;
  private readonly pools: Pool[] = [];
  private readonly defaultPool: ConnectionPool;
  private consecutiveFailures = 0;
  private lastFailure: TransportError | undefined;

  constructor(
    baseUrl: string,
    readonly bounds: TransportBounds = defaultTransportBounds,
    private readonly options: TransportOptions = {},
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.defaultPool = this.connections(bounds.connections);
  }

  /** A pool of its own, e.g. N connections opened before a race is released. */
  connections(count: number): ConnectionPool {
    const pool = openPool(this.origin, count, this.bounds.timeoutMs);
    this.pools.push(pool);
    return new ConnectionPool(pool);
  }

  async send(request: HttpRequest, via: ConnectionPool = this.defaultPool): Promise<Exchange> {
    const startedAt = Date.now();
    const outcome = await this.carry(request, request.body, via);
    return {
      request,
      ...('response' in outcome ? { response: this.responseOf(outcome.response) } : { transportError: outcome.transportError }),
      startedAt,
      durationMs: Date.now() - startedAt,
    };
  }

  /**
   * The proxy's send: the request body as bytes, and the answer kept as it arrived (no Exchange:
   * nobody judges a forwarded answer, and making its body text would cost every request).
   */
  async forward(request: Omit<HttpRequest, 'body'>, body: Buffer | undefined): Promise<Forwarded> {
    const outcome = await this.carry(
      { ...request, ...(body && body.length > 0 ? { body: body.toString('utf8') } : {}) },
      body,
      this.defaultPool,
    );
    return 'response' in outcome ? { answer: outcome.response } : { transportError: outcome.transportError };
  }

  private async carry(
    request: HttpRequest,
    body: string | Buffer | undefined,
    via: ConnectionPool,
  ): Promise<{ response: WireResponse } | { transportError: TransportError }> {
    // An interruption stops new requests but lets those in flight finish (bounded by the
    // timeout): an aborted create could leave a token behind whose ID the run never learnt.
    if (this.options.signal?.aborted) {
      return { transportError: { kind: 'interrupted', message: 'not sent: the run was interrupted' } };
    }
    const limit = this.bounds.giveUpAfterFailures;
    if (limit > 0 && this.consecutiveFailures >= limit && this.lastFailure) {
      const message = `not sent: the last ${limit} requests got no answer (last: ${this.lastFailure.message})`;
      return { transportError: { kind: this.lastFailure.kind, message } };
    }
    const wire: WireRequest = {
      method: request.method,
      origin: this.origin,
      path: this.basePath + request.path,
      headers: request.headers,
      body,
    };
    const perform = (): Promise<WireOutcome> => sendOnWire(via.pool, wire, this.bounds);
    // No await before the tap: it must see requests in the order they were sent.
    const outcome = await (this.options.tap ? this.options.tap.carry(wire, perform) : perform());
    if (outcome.response) {
      this.consecutiveFailures = 0;
      return { response: outcome.response };
    }
    const transportError = classifyTransportError(outcome.error, this.bounds.timeoutMs);
    if (transportError.kind !== 'interrupted') {
      this.consecutiveFailures++;
      this.lastFailure = transportError;
    }
    return { transportError };
  }

  /** The answer as checks read it: headers flattened, the body as text up to the cap. */
  private responseOf(answer: WireResponse): HttpResponse {
    const cap = this.bounds.maxBodyBytes;
    const headers: Record<string, string> = {};
    for (const name in answer.headers) {
      const value = answer.headers[name]!;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const truncated = answer.truncated || answer.body.length > cap;
    return {
      status: answer.status,
      headers,
      body: (answer.body.length > cap ? answer.body.subarray(0, cap) : answer.body).toString('utf8'),
      bodyBytes: answer.body.length,
      truncated,
    };
  }

  async close(): Promise<void> {
    // destroy, not close: a target that never answers must not keep the run alive.
    await Promise.allSettled(this.pools.map((pool) => pool.destroy()));
  }
}
