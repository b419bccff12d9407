// One request on the wire with undici: the only module that speaks to the network. It returns
// what came back (status, headers as sent, the body bytes up to a cap) or the error that ended
// the request; it never throws for what the target does (a hang, a reset, garbage).
import { createRequire } from 'node:module';
import type { Dispatcher, Pool } from 'undici';
import { type Deadlines, Expiring } from './deadlines.js';

/** A request as it leaves: path and query exactly as given (percent-encoding kept). */
export interface WireRequest {
  method: string;
  /** scheme://host:port of the target. */
  origin: string;
  /** Path and query as sent, base path of the target included. */
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

/** An answer as it arrived. */
export interface WireResponse {
  status: number;
  statusText: string;
  /** Header names lower-cased; repeated headers (set-cookie) kept as arrays. */
  headers: Record<string, string | string[]>;
  /** What was read: the whole body, or the cap plus the chunk that crossed it. */
  body: Buffer;
  /** The body was longer than the cap and reading stopped. */
  truncated: boolean;
}

/** Exactly one of the two. */
export type WireOutcome = { response: WireResponse; error?: undefined } | { error: unknown; response?: undefined };

/** The bounds every request is held to, set in one place (src/transport/transport.ts). */
export interface WireBounds {
  /** Total time for one request, connect to last body byte: the deadlines of its Transport. */
  deadlines: Deadlines;
  /** Bytes of a body read before reading stops; Infinity reads it whole (the proxy forwards). */
  maxBodyBytes: number;
}

// Only the Pool, not undici's index: the index loads every dispatcher, fetch, WebSocket, the
// mock and the cache layers, about 100 ms of every run's start-up against about 40 for the Pool
// and what it needs (`npm run bench -- --only startup`). undici has no "exports" map, so the
// file is reachable; its version is pinned in package.json, and every transport test uses it.
const UndiciPool: typeof Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js');

export function openPool(origin: string, connections: number, timeoutMs: number): Pool {
  return new UndiciPool(origin, {
    connections,
    pipelining: 1,
    connectTimeout: timeoutMs,
    // Off: every request is already bounded, connect to last body byte, by its Transport's
    // deadline (src/transport/deadlines.ts), which is never later than these would fire. undici
    // keeps them with a timer per socket that it swaps on every request (headers, body, then
    // keep-alive and back): about 5 us of CPU a request, an eighth of the burst driver's.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 10_000,
  });
}

/**
 * One request through dispatch() and a handler of our own rather than request(): no Readable
 * stream and async reads per response, no abort signal, one promise; the whole request bounded
 * by its deadline (src/transport/deadlines.ts: one timer for all of a Transport's requests).
 * request() plus a capped stream read cost the burst driver more CPU per request than undici
 * itself (see bench/README.md).
 */
export function sendOnWire(pool: Dispatcher, request: WireRequest, bounds: WireBounds): Promise<WireOutcome> {
  return new Promise<WireOutcome>((resolve) => dispatchOnWire(pool, request, bounds, resolve));
}

/**
 * sendOnWire() without a promise of its own: `settle` is called exactly once with the outcome.
 * Transport.send() builds its Exchange in `settle` and resolves its one promise with it, so a
 * request costs one promise and one microtask hop, not one per layer.
 */
export function dispatchOnWire(pool: Dispatcher, request: WireRequest, bounds: WireBounds, settle: (outcome: WireOutcome) => void): void {
  const handler = new OutcomeHandler(bounds.maxBodyBytes, bounds.deadlines, settle);
  try {
    pool.dispatch(
      {
        origin: request.origin,
        path: request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: request.headers,
        body: request.body,
      },
      handler,
    );
  } catch (error) {
    handler.fail(error);
  }
}

/** The reason AbortSignal.timeout() aborts with, so what the error classification sees is unchanged. */
function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** Why the body stopped being read: the cap was reached (never reported, the answer is kept). */
class BodyCapReached extends Error {}

/**
 * One request as an undici dispatch handler (undici 7's handler API): the answer's status,
 * headers and at most `cap` bytes of body (plus the chunk that crossed it), or the error that
 * ended it; the whole request bounded by its deadline. Settles exactly once.
 */
class OutcomeHandler extends Expiring implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: unknown = undefined;
  private settled = false;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string | string[]> | undefined = undefined;
  /** The body as read: most answers come in one chunk, so an array only from the second on. */
  private first: Buffer | undefined = undefined;
  private more: Buffer[] | undefined = undefined;
  private bytes = 0;

  constructor(
    private readonly cap: number,
    private readonly deadlines: Deadlines,
    private readonly settle: (outcome: WireOutcome) => void,
  ) {
    super();
    deadlines.add(this);
  }

  override expire(): void {
    this.abort(timeoutReason());
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason as Error);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    // 1xx informational answers come first; the final answer replaces them.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = lowerCaseHeaders(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.first === undefined) this.first = chunk;
    else (this.more ??= [this.first]).push(chunk);
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
    this.deadlines.delete(this);
    this.settle({ error });
  }

  private succeed(truncated: boolean): void {
    if (this.settled) return;
    this.settled = true;
    this.deadlines.delete(this);
    const body = this.more ? Buffer.concat(this.more, this.bytes) : (this.first ?? emptyBody);
    this.settle({ response: { status: this.status, statusText: this.statusText, headers: this.headers ?? {}, body, truncated } });
  }
}

const emptyBody = Buffer.alloc(0);

/**
 * The answer's headers with lower-cased names and no undefined values. undici's own object
 * (fresh for every answer, nobody else holds it) already is that, so it is kept as it is; a
 * copy is made only when a name or value needs it.
 */
function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  return isLowerCased(headers) ? headers : lowerCasedCopy(headers);
}

function isLowerCased(headers: Record<string, string | string[] | undefined>): headers is Record<string, string | string[]> {
  for (const name in headers) {
    if (headers[name] === undefined || name.toLowerCase() !== name) return false;
  }
  return true;
}

function lowerCasedCopy(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}
