// Recording and replay as a tap on the transport (src/transport/transport.ts), through a Polly
// adapter of the project's own (no stock adapter fits: they patch node:http or fetch, and the
// transport uses neither). Every request the transport carries is handed to the adapter of the
// Polly instance that is active, which
//   - in record mode performs it on the wire (the transport's own `perform`), hands Polly the
//     answer (its body cut at the recording's cap, with a marker saying so) and gives the
//     transport the answer whole, as it arrived;
//   - in replay mode answers from the recording with no network at all; a request the
//     recording does not hold fails loudly, naming its method and path.
// Transport errors (timeouts, resets, refused connections) reach the transport as the errors
// they were, and are never recorded as responses (the tap reports them so a recorder can keep
// them apart from the HAR).
import { createRequire } from 'node:module';
import type * as AdapterModule from '@pollyjs/adapter';
import type { Polly, Request as PollyRequest, Response as PollyResponse } from '@pollyjs/core';
import type { TrafficTap } from '../transport/transport.js';
import type { WireOutcome, WireRequest, WireResponse } from '../transport/wire.js';
import { utf8OrUndefined } from './utf8.js';
import { pathPollyCanRead } from './polly-identity.js';
import { restoreError, storeError, type StoredTransportError } from './stored-error.js';

export { pathPollyCanRead, restoreError, storeError, type StoredTransportError };

// The package is CommonJS (`module.exports = Adapter`) whose declaration says `export default`:
// required, it is the class itself.
const Adapter = createRequire(import.meta.url)('@pollyjs/adapter') as typeof AdapterModule.default.default;

type Headers = Record<string, string | string[]>;

export interface PollyTapOptions {
  /** Bytes of a body a recording keeps (default 1 MiB, the run's cap); one more is stored so a reader sees it was longer. */
  recordBodyBytes?: number;
  /** The next send-order number, when several taps share one count (default: the tap's own). */
  nextSeq?: () => number;
  /** Sees every request at send time, in send order (e.g. to give bearers pseudonyms). */
  onRequest?: (request: WireRequest) => void;
  /** Sees every answer that came off the wire before Polly does (e.g. to learn the secrets it carries). */
  onResponse?: (request: WireRequest, response: WireResponse) => void;
  /** A request Polly answered (recorded or replayed), by the Polly instance that did. */
  onAnswered?: (polly: Polly, pollyRequest: PollyRequest) => void;
  /** A real request ended in a transport error (record mode): not recorded as a response. */
  onTransportError?: (pollyRequest: PollyRequest, error: StoredTransportError) => void;
  /** Replay: an error recorded for this request, to be given back instead of an answer. */
  recordedError?: (pollyRequest: PollyRequest) => StoredTransportError | undefined;
  /** Replay: the recording holds no answer for this request. */
  onUnmatched?: (request: WireRequest, pollyRequest: PollyRequest | undefined) => void;
  /** Extra identifiers for matching, e.g. the pseudonym of the caller (never the bearer). */
  identify?: (request: WireRequest) => Record<string, string>;
}

/** Raised when replay cannot answer a request. */
export class UnmatchedRequestError extends Error {
  readonly code = 'PAT_REPLAY_UNMATCHED';
  constructor(
    readonly request: { method: string; path: string },
    detail: string,
  ) {
    super(`the recording holds no answer for ${request.method} ${request.path}${detail ? ` (${detail})` : ''}`);
    this.name = 'UnmatchedRequestError';
  }
}

/** One request in the tap's hands. */
export interface TappedCall {
  /** Send order across the tap's life (1, 2, ...). */
  seq: number;
  wire: WireRequest;
  perform: () => Promise<WireOutcome>;
  /** Record mode: the answer as it arrived. */
  fetched?: WireResponse;
  /** Record mode: the recorded body was cut at the recording's cap. */
  recordedTruncated: boolean;
  settle: (outcome: WireOutcome) => void;
}

/** The tap and its connection to the Polly instance currently in charge (one per segment). */
export class PollyTap implements TrafficTap {
  private adapter: PollyAdapter | undefined;
  private sequence = 0;
  readonly recordBodyBytes: number;

  constructor(readonly options: PollyTapOptions = {}) {
    this.recordBodyBytes = options.recordBodyBytes ?? 1024 * 1024;
  }

  attach(adapter: PollyAdapter): void {
    this.adapter = adapter;
  }

  detach(adapter: PollyAdapter): void {
    if (this.adapter === adapter) this.adapter = undefined;
  }

  carry(wire: WireRequest, perform: () => Promise<WireOutcome>): Promise<WireOutcome> {
    return new Promise<WireOutcome>((resolve) => {
      let settled = false;
      const call: TappedCall = {
        seq: this.options.nextSeq ? this.options.nextSeq() : ++this.sequence,
        wire,
        perform,
        recordedTruncated: false,
        settle: (outcome) => {
          if (settled) return;
          settled = true;
          resolve(outcome);
        },
      };
      this.options.onRequest?.(wire);
      const adapter = this.adapter;
      if (!adapter) {
        this.options.onUnmatched?.(wire, undefined);
        call.settle({ error: new UnmatchedRequestError(wire, 'no recording segment is open') });
        return;
      }
      // Registration is synchronous inside handleRequest, so identical requests are numbered in
      // the order they were sent (Polly's `order`): what makes replay deterministic.
      // Polly's router decodes every path segment and throws on a `%` that starts no escape
      // (`%u0061`, `%zz`): such a `%` is written `%25` in the URL Polly sees and records. The
      // request itself leaves with its own path, byte for byte.
      adapter
        .handleRequest({
          url: `${wire.origin}${pathPollyCanRead(wire.path)}`,
          method: wire.method,
          headers: wire.headers,
          body: bodyText(wire.body),
          requestArguments: { call },
        })
        // Whatever else Polly throws fails this request, never the process.
        .catch((error: unknown) => call.settle({ error: error instanceof Error ? error : new Error(String(error)) }));
    });
  }
}

/** Polly's request plus what its declaration leaves out. */
type IdentifiedRequest = PollyRequest<{ call: TappedCall }> & { identifiers: Record<string, unknown> };

export class PollyAdapter extends Adapter<{ tap?: PollyTap }> {
  static override get id(): string {
    return 'pat-conformance';
  }

  /** Set on a subclass to bind the adapter to a tap without going through Polly's config. */
  static tap: PollyTap | undefined;

  private get tap(): PollyTap {
    const tap = (this.constructor as typeof PollyAdapter).tap ?? this.options.tap;
    if (!tap) throw new Error('the adapter needs a tap');
    return tap;
  }

  override onConnect(): void {
    this.tap.attach(this);
  }

  override onDisconnect(): void {
    this.tap.detach(this);
  }

  override async onIdentifyRequest(pollyRequest: PollyRequest): Promise<void> {
    await super.onIdentifyRequest(pollyRequest);
    const extra = this.tap.options.identify?.(callOf(pollyRequest).wire);
    if (extra) Object.assign((pollyRequest as IdentifiedRequest).identifiers, extra);
  }

  override async onFetchResponse(pollyRequest: PollyRequest): Promise<Pick<PollyResponse, 'statusCode' | 'headers' | 'body' | 'encoding'>> {
    const call = callOf(pollyRequest);
    const outcome = await call.perform();
    const fetched = outcome.response;
    if (!fetched) {
      // A timeout is the transport giving up: still a transport error that replay must give back.
      this.tap.options.onTransportError?.(pollyRequest, storeError(outcome.error));
      throw outcome.error;
    }
    call.fetched = fetched;
    this.tap.options.onResponse?.(call.wire, fetched);
    // A reader of the recording sees a body was longer than the cap by its one extra byte.
    const cap = this.tap.recordBodyBytes;
    call.recordedTruncated = fetched.truncated || fetched.body.length > cap;
    const kept = fetched.body.length > cap + 1 ? fetched.body.subarray(0, cap + 1) : fetched.body;
    const text = utf8OrUndefined(kept);
    return {
      statusCode: fetched.status,
      headers: fetched.headers,
      body: text ?? kept.toString('base64'),
      encoding: text === undefined ? 'base64' : undefined,
    } as Pick<PollyResponse, 'statusCode' | 'headers' | 'body' | 'encoding'>;
  }

  override async onRespond(pollyRequest: PollyRequest, error?: Error): Promise<void> {
    const call = callOf(pollyRequest);
    if (error) {
      if (this.polly.mode === 'replay' && !pollyRequest.didRespond && pollyRequest.id !== undefined) {
        // Replay found no entry (Polly asserts): either a transport error the recording kept
        // apart, given back as the error it was, or a request the recording does not hold.
        const stored = this.tap.options.recordedError?.(pollyRequest);
        if (stored) return call.settle({ error: restoreError(stored) });
        if (!(error instanceof UnmatchedRequestError)) {
          this.tap.options.onUnmatched?.(call.wire, pollyRequest);
          const detail = `request number ${(pollyRequest.order ?? 0) + 1} of its kind in this segment`;
          return call.settle({ error: new UnmatchedRequestError(call.wire, detail) });
        }
      }
      return call.settle({ error });
    }
    const response = pollyRequest.response;
    if (!response) return call.settle({ error: new Error('Polly produced no response') });
    this.tap.options.onAnswered?.(this.polly, pollyRequest);
    // Record mode: the answer as it arrived, whole. Replay: the recorded answer.
    call.settle({ response: call.fetched ?? replayedResponse(response) });
  }
}

function callOf(pollyRequest: PollyRequest): TappedCall {
  return (pollyRequest as PollyRequest<{ call: TappedCall }>).requestArguments.call;
}

function replayedResponse(response: PollyResponse): WireResponse {
  return {
    status: response.statusCode,
    statusText: response.statusText,
    headers: plainHeaders(response.headers),
    body: bodyBytes(response),
    truncated: false,
  };
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

/** The body as text for matching and recording (this API sends JSON). */
function bodyText(body: string | Buffer | undefined): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : body.toString('utf8');
}
