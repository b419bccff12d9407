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
import { Deadlines } from './deadlines.js';
import { dispatchOnWire, openPool, sendOnWire, type WireBounds, type WireOutcome, type WireRequest, type WireResponse } from './wire.js';

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

/** What a transport and its views (`withTap`) share: connections, deadlines, the failures in a row. */
interface Shared {
  pools: Pool[];
  defaultPool: ConnectionPool;
  /** What every request is held to on the wire: one deadline table for all of them, the body cap. */
  wireBounds: WireBounds;
  health: { consecutiveFailures: number; lastFailure: TransportError | undefined };
}

export class Transport {
  readonly origin: string;
  private readonly basePath: string;
  private readonly pools: Pool[];
  private readonly defaultPool: ConnectionPool;
  private readonly wireBounds: WireBounds;
  private readonly health: Shared['health'];

  constructor(
    private readonly baseUrl: string,
    readonly bounds: TransportBounds = defaultTransportBounds,
    private readonly options: TransportOptions = {},
    shared?: Shared,
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pools = shared?.pools ?? [];
    this.wireBounds = shared?.wireBounds ?? { deadlines: new Deadlines(bounds.timeoutMs), maxBodyBytes: bounds.maxBodyBytes };
    this.health = shared?.health ?? { consecutiveFailures: 0, lastFailure: undefined };
    this.defaultPool = shared?.defaultPool ?? this.connections(bounds.connections);
  }

  /**
   * The same transport (connections, deadlines, signal, the count of failures in a row) with a
   * tap of its own: each case of a parallel run records into its own segment. Closing the
   * transport it came from closes it.
   */
  withTap(tap: TrafficTap | undefined): Transport {
    const shared: Shared = { pools: this.pools, defaultPool: this.defaultPool, wireBounds: this.wireBounds, health: this.health };
    return new Transport(this.baseUrl, this.bounds, { ...this.options, tap }, shared);
  }

  /** A pool of its own, e.g. N connections opened before a race is released. */
  connections(count: number): ConnectionPool {
    const pool = openPool(this.origin, count, this.bounds.timeoutMs);
    this.pools.push(pool);
    return new ConnectionPool(pool);
  }

  send(request: HttpRequest, via: ConnectionPool = this.defaultPool): Promise<Exchange> {
    const startedAt = Date.now();
    const refused = this.refusal(request, startedAt);
    if (refused) return Promise.resolve(refused);
    const wire = this.wireOf(request, request.body);
    const tap = this.options.tap;
    // No await before the tap: it must see requests in the order they were sent.
    if (tap)
      return tap
        .carry(wire, () => sendOnWire(via.pool, wire, this.wireBounds))
        .then((outcome) => this.exchangeOf(request, startedAt, outcome, false));
    // Without a tap (every run that does not record or replay, and the burst): one promise,
    // resolved with the Exchange by the handler itself, rather than a promise per layer. The
    // answer goes to no one else, so its headers can become the Exchange's.
    return new Promise<Exchange>((resolve, reject) =>
      dispatchOnWire(via.pool, wire, this.wireBounds, (outcome) => {
        try {
          resolve(this.exchangeOf(request, startedAt, outcome, true));
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  /**
   * The proxy's send: the request body as bytes, and the answer kept as it arrived (no Exchange:
   * nobody judges a forwarded answer, and making its body text would cost every request).
   */
  forward(request: Omit<HttpRequest, 'body'>, body: Buffer | undefined): Promise<Forwarded> {
    // The body goes on as the bytes it came as: only the tap (the recorder) ever needs it as text.
    const refused = this.refusal(request, Date.now());
    if (refused) return Promise.resolve({ transportError: refused.transportError! });
    const wire = this.wireOf(request, body);
    const perform = (): Promise<WireOutcome> => sendOnWire(this.defaultPool.pool, wire, this.wireBounds);
    // No await before the tap: it must see requests in the order they were sent.
    const outcome = this.options.tap ? this.options.tap.carry(wire, perform) : perform();
    return outcome.then((o) => {
      const transportError = this.noteOutcome(o);
      return transportError ? { transportError } : { answer: o.response! };
    });
  }

  /**
   * The Exchange of a request that is not sent at all: the run was interrupted (those in flight
   * finish, bounded by the timeout: an aborted create could leave a token behind whose ID the
   * run never learnt), or the target is taken as gone.
   */
  private refusal(request: HttpRequest, startedAt: number): Exchange | undefined {
    if (this.options.signal?.aborted) {
      return notSent(request, startedAt, { kind: 'interrupted', message: 'not sent: the run was interrupted' });
    }
    const limit = this.bounds.giveUpAfterFailures;
    if (limit > 0 && this.health.consecutiveFailures >= limit && this.health.lastFailure) {
      const message = `not sent: the last ${limit} requests got no answer (last: ${this.health.lastFailure.message})`;
      return notSent(request, startedAt, { kind: this.health.lastFailure.kind, message });
    }
    return undefined;
  }

  private wireOf(request: HttpRequest, body: string | Buffer | undefined): WireRequest {
    return { method: request.method, origin: this.origin, path: this.basePath + request.path, headers: request.headers, body };
  }

  /** What came of a request that was sent. */
  private exchangeOf(request: HttpRequest, startedAt: number, outcome: WireOutcome, owned: boolean): Exchange {
    const transportError = this.noteOutcome(outcome);
    if (transportError) return { request, transportError, startedAt, durationMs: Date.now() - startedAt };
    return { request, response: this.responseOf(outcome.response!, owned), startedAt, durationMs: Date.now() - startedAt };
  }

  /** Keeps the count of requests in a row without an answer; the transport error, if there was no answer. */
  private noteOutcome(outcome: WireOutcome): TransportError | undefined {
    if (outcome.response) {
      this.health.consecutiveFailures = 0;
      return undefined;
    }
    const transportError = classifyTransportError(outcome.error, this.bounds.timeoutMs);
    if (transportError.kind !== 'interrupted') {
      this.health.consecutiveFailures++;
      this.health.lastFailure = transportError;
    }
    return transportError;
  }

  /**
   * The answer as checks read it: headers flattened, the body as text up to the cap. `owned`:
   * nobody else holds the answer, so its headers object is kept when nothing needs joining.
   */
  private responseOf(answer: WireResponse, owned: boolean): HttpResponse {
    const cap = this.bounds.maxBodyBytes;
    const truncated = answer.truncated || answer.body.length > cap;
    return {
      status: answer.status,
      headers: owned && isFlat(answer.headers) ? answer.headers : flattened(answer.headers),
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

function notSent(request: HttpRequest, startedAt: number, transportError: TransportError): Exchange {
  return { request, transportError, startedAt, durationMs: Date.now() - startedAt };
}

/** No header repeated (no array to join). */
function isFlat(headers: Record<string, string | string[]>): headers is Record<string, string> {
  for (const name in headers) if (typeof headers[name] !== 'string') return false;
  return true;
}

/** Repeated headers joined with ", ". */
function flattened(headers: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name]!;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
