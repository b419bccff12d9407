// A Polly adapter for undici, the project's own (no stock adapter sees undici: the node-http and
// fetch adapters patch other layers). It is hooked in through undici's `compose()`: the hub's
// interceptor hands every request to the adapter of the Polly instance that is active, which
//   - in record mode performs the real request through the original `dispatch`, collects the
//     answer (body capped like the client's, so a multi-gigabyte body cannot fill memory),
//     hands it to Polly and then plays Polly's response to the caller's handler;
//   - in replay mode answers from the recording with no network at all; a request the
//     recording does not hold fails loudly, naming its method and path.
// Transport errors (timeouts, resets, refused connections) reach the caller as the errors they
// were, and are never recorded as responses (the hub reports them so a recorder can keep them
// apart from the HAR).
//
// The caller's handler follows undici 7's handler API (onRequestStart, onResponseStart,
// onResponseData, onResponseEnd, onResponseError with a DispatchController): `compose()` wraps
// legacy handlers into that shape before an interceptor sees them.
import * as AdapterModule from '@pollyjs/adapter';
import type { Request as PollyRequest, Response as PollyResponse } from '@pollyjs/core';
import type { Dispatcher } from 'undici';
import { utf8OrUndefined } from './utf8.js';

// The package is CommonJS (`module.exports = Adapter`) whose declaration says `export default`:
// TypeScript (NodeNext) sees `module.exports` as the declaration module, whose `default` is the
// class; at run time `module.exports` is the class itself.
const Adapter = AdapterModule.default as unknown as typeof AdapterModule.default.default;

type Headers = Record<string, string | string[]>;

/** What a request looked like on the wire, as the interceptor saw it. */
export interface WireRequest {
  method: string;
  origin: string;
  /** Path and query exactly as sent (percent-encoding kept). */
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body as text (UTF-8), or undefined. */
  body: string | undefined;
}

/** What came back, as collected before Polly sees it. */
export interface WireResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** At most the cap plus one byte: enough for a reader to see that the body was longer. */
  body: Buffer;
  /** The body was longer than the cap and was cut. */
  truncated: boolean;
}

/** A transport error as it can be stored and re-created. */
export interface StoredTransportError {
  name: string;
  code?: string;
  message: string;
  causeCode?: string;
}

export interface UndiciHubOptions {
  /** Bytes of a response body kept (default 1 MiB, the client's cap). */
  maxBodyBytes?: number;
  /** Sees every request at dispatch time, in send order (e.g. to give bearers pseudonyms). */
  onRequest?: (request: WireRequest) => void;
  /** Sees every recorded answer before Polly does (e.g. to learn the secrets it carries). */
  onResponse?: (request: WireRequest, response: WireResponse) => void;
  /** A real request ended in a transport error (record mode): not recorded as a response. */
  onTransportError?: (pollyRequest: PollyRequest, error: StoredTransportError) => void;
  /** Replay: an error recorded for this request, to be given to the caller instead of an answer. */
  recordedError?: (pollyRequest: PollyRequest) => StoredTransportError | undefined;
  /** Replay: the recording holds no answer for this request. */
  onUnmatched?: (request: WireRequest, pollyRequest: PollyRequest | undefined) => void;
  /** Extra identifiers for matching, e.g. the pseudonym of the caller (never the bearer). */
  identify?: (request: WireRequest) => Record<string, string>;
}

/** Raised to the caller when replay cannot answer a request. */
export class UnmatchedRequestError extends Error {
  readonly code = 'PAT_REPLAY_UNMATCHED';
  constructor(readonly request: { method: string; path: string }, detail: string) {
    super(`the recording holds no answer for ${request.method} ${request.path}${detail ? ` (${detail})` : ''}`);
    this.name = 'UnmatchedRequestError';
  }
}

/** Reading stopped at the cap; the request is aborted with this and the body kept as read. */
class BodyCapReached extends Error {}

/** Everything the adapter needs to answer one intercepted request. */
interface InterceptedCall {
  /** Dispatch order across the hub's life (1, 2, ...). */
  seq: number;
  wire: WireRequest;
  dispatch: Dispatcher['dispatch'];
  opts: Dispatcher.DispatchOptions;
  /** The body as given by the caller, to be sent unchanged. */
  rawBody: Dispatcher.DispatchOptions['body'];
  controller: CallerController;
  handler: Dispatcher.DispatchHandler;
  /** Set by onFetchResponse: the exact bytes received (record mode). */
  fetched?: WireResponse;
  settled: boolean;
}

/**
 * The controller the caller's handler gets. Aborting it aborts the real request (record mode)
 * or fails the call at once (replay mode).
 */
class CallerController implements Dispatcher.DispatchController {
  aborted = false;
  paused = false;
  reason: Error | null = null;
  /** The real request's controller, once it started (record mode). */
  upstream: Dispatcher.DispatchController | undefined;
  onAbort: ((reason: Error) => void) | undefined;

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.upstream?.abort(reason);
    this.onAbort?.(reason);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }
}

/**
 * The interceptor and its connection to the Polly instance currently in charge. One hub serves
 * every dispatcher of a run; Polly instances come and go (one per scenario case).
 */
export class UndiciHub {
  private adapter: UndiciAdapter | undefined;
  private sequence = 0;
  readonly maxBodyBytes: number;

  constructor(readonly options: UndiciHubOptions = {}) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  }

  attach(adapter: UndiciAdapter): void {
    this.adapter = adapter;
  }

  detach(adapter: UndiciAdapter): void {
    if (this.adapter === adapter) this.adapter = undefined;
  }

  /** `(dispatch) => (opts, handler) => boolean`, for `dispatcher.compose(hub.interceptor)`. */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => {
    const controller = new CallerController();
    const wire = toWireRequest(opts);
    const call: InterceptedCall = { seq: ++this.sequence, wire, dispatch, opts, rawBody: opts.body, controller, handler, settled: false };
    controller.onAbort = (reason) => {
      // Nothing upstream to abort yet (replay, or record before the real request left):
      // the caller hears of its own abort at once.
      if (!controller.upstream) fail(call, reason);
    };
    try {
      handler.onRequestStart?.(controller, {});
    } catch (error) {
      fail(call, error as Error);
      return true;
    }
    if (controller.aborted) {
      fail(call, controller.reason ?? new Error('aborted'));
      return true;
    }
    this.options.onRequest?.(wire);
    const adapter = this.adapter;
    if (!adapter) {
      this.options.onUnmatched?.(wire, undefined);
      fail(call, new UnmatchedRequestError(wire, 'no recording segment is open'));
      return true;
    }
    // Registration is synchronous inside handleRequest, so identical requests are numbered in
    // the order they were dispatched (Polly's `order`): what makes replay deterministic.
    // Polly's router decodes every path segment and throws on a `%` that starts no escape
    // (`%u0061`, `%zz`): such a `%` is written `%25` in the URL Polly sees and records. The
    // request itself leaves with its own path (the call), byte for byte.
    adapter
      .handleRequest({
        url: `${wire.origin}${pathPollyCanRead(wire.path)}`,
        method: wire.method,
        headers: wire.headers,
        body: wire.body,
        requestArguments: { call },
      })
      // Whatever else Polly throws fails this request, never the process.
      .catch((error: unknown) => fail(call, error instanceof Error ? error : new Error(String(error))));
    return true;
  };

  /** @internal performs a real request for the adapter (record and passthrough modes). */
  fetch(call: InterceptedCall): Promise<WireResponse> {
    return performRequest(call, this.maxBodyBytes);
  }
}

/** The path with every `%` that does not start a valid escape written as `%25`. */
export function pathPollyCanRead(path: string): string {
  const escaped = path.replace(/%(?![0-9A-Fa-f]{2})/g, '%25');
  // Valid escapes of bytes that are not UTF-8 also make decodeURIComponent throw.
  return escaped.split('/').map((segment) => {
    try {
      decodeURIComponent(segment);
      return segment;
    } catch {
      return segment.replace(/%/g, '%25');
    }
  }).join('/');
}

export class UndiciAdapter extends Adapter<{ hub?: UndiciHub }> {
  static override get id(): string {
    return 'undici';
  }

  /** Set on a subclass to bind the adapter to a hub without going through Polly's config. */
  static hub: UndiciHub | undefined;

  private get hub(): UndiciHub {
    const hub = (this.constructor as typeof UndiciAdapter).hub ?? this.options.hub;
    if (!hub) throw new Error('the undici adapter needs adapterOptions.undici.hub');
    return hub;
  }

  override onConnect(): void {
    this.hub.attach(this);
  }

  override onDisconnect(): void {
    this.hub.detach(this);
  }

  override async onIdentifyRequest(pollyRequest: PollyRequest): Promise<void> {
    await super.onIdentifyRequest(pollyRequest);
    const extra = this.hub.options.identify?.(callOf(pollyRequest).wire);
    if (extra) Object.assign((pollyRequest as unknown as { identifiers: Record<string, unknown> }).identifiers, extra);
  }

  override async onFetchResponse(pollyRequest: PollyRequest): Promise<Pick<PollyResponse, 'statusCode' | 'headers' | 'body' | 'encoding'>> {
    const call = callOf(pollyRequest);
    let fetched: WireResponse;
    try {
      fetched = await this.hub.fetch(call);
    } catch (error) {
      // A timeout is the caller aborting: still a transport error that replay must give back.
      this.hub.options.onTransportError?.(pollyRequest, storeError(error));
      throw error;
    }
    call.fetched = fetched;
    this.hub.options.onResponse?.(call.wire, fetched);
    const text = utf8OrUndefined(fetched.body);
    return {
      statusCode: fetched.status,
      headers: fetched.headers,
      body: text ?? fetched.body.toString('base64'),
      encoding: text === undefined ? 'base64' : undefined,
    } as Pick<PollyResponse, 'statusCode' | 'headers' | 'body' | 'encoding'>;
  }

  override async onRespond(pollyRequest: PollyRequest, error?: Error): Promise<void> {
    const call = callOf(pollyRequest);
    if (error) {
      if (this.polly.mode === 'replay' && !pollyRequest.didRespond && pollyRequest.id !== undefined) {
        // Replay found no entry (Polly asserts): either a transport error the recording kept
        // apart, given back as the error it was, or a request the recording does not hold.
        const stored = this.hub.options.recordedError?.(pollyRequest);
        if (stored) return fail(call, restoreError(stored));
        if (!(error instanceof UnmatchedRequestError) && !call.controller.aborted) {
          this.hub.options.onUnmatched?.(call.wire, pollyRequest);
          return fail(call, new UnmatchedRequestError(call.wire, `request number ${(pollyRequest.order ?? 0) + 1} of its kind in this segment`));
        }
      }
      return fail(call, error);
    }
    const response = pollyRequest.response;
    if (!response) return fail(call, new Error('Polly produced no response'));
    deliver(call, response);
  }
}

function callOf(pollyRequest: PollyRequest): InterceptedCall {
  return (pollyRequest.requestArguments as { call: InterceptedCall }).call;
}

/** Give the caller's handler an error, once. */
function fail(call: InterceptedCall, error: Error): void {
  if (call.settled) return;
  call.settled = true;
  try {
    call.handler.onResponseError?.(call.controller, error);
  } catch {
    // onResponseError may not throw; a handler that does has nothing left to tell.
  }
}

/** Play a response to the caller's handler: status and headers, the body, the end. */
function deliver(call: InterceptedCall, response: PollyResponse): void {
  if (call.settled) return;
  const { controller, handler } = call;
  if (controller.aborted) return fail(call, controller.reason ?? new Error('aborted'));
  // Record mode: the exact bytes received. Replay: the recorded text, decoded as stored.
  const fetched = call.fetched;
  const status = fetched?.status ?? response.statusCode;
  const body = fetched?.body ?? bodyBytes(response);
  const headers = fetched?.headers ?? plainHeaders(response.headers);
  const statusText = fetched ? fetched.statusText : response.statusText;
  try {
    handler.onResponseStart?.(controller, status, headers, statusText || undefined);
    if (controller.aborted) return fail(call, controller.reason ?? new Error('aborted'));
    if (body.length > 0) handler.onResponseData?.(controller, body);
    if (controller.aborted) return fail(call, controller.reason ?? new Error('aborted'));
    call.settled = true;
    handler.onResponseEnd?.(controller, {});
  } catch (error) {
    call.settled = false;
    fail(call, error as Error);
  }
}

function bodyBytes(response: PollyResponse): Buffer {
  const body = response.body as unknown;
  if (body === undefined || body === null || body === '') return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body !== 'string') return Buffer.from(JSON.stringify(body), 'utf8');
  return Buffer.from(body, response.encoding === 'base64' ? 'base64' : 'utf8');
}

function plainHeaders(headers: Headers): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/** The request as undici was asked to send it. */
function toWireRequest(opts: Dispatcher.DispatchOptions): WireRequest {
  const origin = String(opts.origin ?? '').replace(/\/+$/, '');
  return {
    method: String(opts.method).toUpperCase(),
    origin,
    path: opts.path,
    headers: lowerCaseHeaders(opts.headers),
    body: bodyText(opts.body),
  };
}

function lowerCaseHeaders(headers: Dispatcher.DispatchOptions['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: unknown, value: unknown): void => {
    if (value === undefined || value === null) return;
    const key = String(name).toLowerCase();
    const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
    out[key] = out[key] === undefined ? text : `${out[key]}, ${text}`;
  };
  if (!headers) return out;
  if (Array.isArray(headers)) {
    // undici's flat form: [name, value, name, value, ...]
    for (let i = 0; i + 1 < headers.length; i += 2) put(headers[i], headers[i + 1]);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const pair of headers as Iterable<[string, string | string[] | undefined]>) put(pair[0], pair[1]);
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) put(name, value);
  return out;
}

function bodyText(body: Dispatcher.DispatchOptions['body']): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  // Streams and form data are not what this API sends; they are forwarded but not matched on.
  return undefined;
}

/** Perform the real request, collecting at most cap + 1 body bytes. */
function performRequest(call: InterceptedCall, cap: number): Promise<WireResponse> {
  return new Promise<WireResponse>((resolve, reject) => {
    const { controller } = call;
    if (controller.aborted) return reject(controller.reason ?? new Error('aborted'));
    let status = 0;
    let statusText = '';
    let headers: Headers = {};
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    const finish = (): void => {
      const body = Buffer.concat(chunks);
      resolve({ status, statusText, headers, body: truncated ? body.subarray(0, cap + 1) : body, truncated });
    };
    const upstream: Dispatcher.DispatchHandler = {
      onRequestStart(upstreamController) {
        controller.upstream = upstreamController;
        if (controller.aborted) upstreamController.abort(controller.reason ?? new Error('aborted'));
      },
      onResponseStart(_c, statusCode, responseHeaders, statusMessage) {
        // 1xx informational answers come first; the final answer replaces them.
        status = statusCode;
        statusText = statusMessage ?? '';
        headers = { ...(responseHeaders as Headers) };
      },
      onResponseData(upstreamController, chunk) {
        if (truncated) return;
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes > cap) {
          truncated = true;
          upstreamController.abort(new BodyCapReached());
        }
      },
      onResponseEnd() {
        finish();
      },
      onResponseError(_c, error) {
        if (truncated && error instanceof BodyCapReached) finish();
        else reject(error);
      },
    };
    try {
      call.dispatch({ ...call.opts, body: call.rawBody }, upstream);
    } catch (error) {
      reject(error);
    }
  });
}

/** Enough of an error to re-create what the client classifies (name, code, cause code). */
export function storeError(error: unknown): StoredTransportError {
  const e = error as { name?: string; code?: unknown; message?: string; cause?: { code?: unknown } };
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.cause?.code === 'string' ? { causeCode: e.cause.code } : {}),
  };
}

export function restoreError(stored: StoredTransportError): Error {
  const error = new Error(stored.message) as Error & { code?: string; cause?: unknown };
  Object.defineProperty(error, 'name', { value: stored.name, enumerable: false, configurable: true, writable: true });
  if (stored.code) error.code = stored.code;
  if (stored.causeCode) error.cause = { code: stored.causeCode };
  return error;
}
