// One recording segment written without Polly: a tap that numbers each request at send time
// and, once its answer has gone back to the caller, turns it into the HAR entry Polly's
// persister would have written (the same `_id` and `_order`, polly-identity.ts), redacts it and
// appends it to the segment's file, in send order (an entry that completes early waits, in a
// small buffer, for those sent before it). A request that got no answer is kept apart, in the
// segment's meta, as the error it was. Used by the run's recorder (one segment per case, several
// open at once under --parallel) and by the proxy's (a segment every N requests).
import { join } from 'node:path';
import type { TrafficRedactor } from '../secrets/recording-redaction.js';
import type { TrafficTap } from '../transport/transport.js';
import type { WireOutcome, WireRequest } from '../transport/wire.js';
import { buildEntry } from './har-entry.js';
import { HarSegmentFile } from './har-segment-file.js';
import { pathPollyCanRead, pollyRecordingId, pollyRequestId, pollyUrlOfRequest, unmatchedHeaders } from './polly-identity.js';
import type { SegmentMeta } from './recording-format.js';
import { storeError } from './stored-error.js';
import type { WrittenBytes } from './written-bytes.js';

const unmatched = new Set(unmatchedHeaders);
/** What `learnSecrets` looks for first, as bytes. */
const secretMember = Buffer.from('"secret"');

/** A completed request waiting to be recorded after those sent before it. */
interface Completed {
  /** Send order across the whole recording (`_patConformance.seq`). */
  seq: number;
  wire: WireRequest;
  /** The caller's pseudonym, given at send time. */
  caller: string;
  outcome: WireOutcome;
  startedAt: number;
  answeredAt: number;
}

export interface SegmentWriterOptions {
  workDir: string;
  index: number;
  /** The segment's name in meta.json ("preflight", "valid-delete / fresh token", "proxy 3"). */
  name: string;
  traffic: TrafficRedactor;
  recordBodyBytes: number;
  /** The next number in the recording's send order. */
  nextSeq: () => number;
  /** Where the bytes written are kept for the last scan, if anywhere. */
  written?: WrittenBytes;
}

export class SegmentWriter {
  readonly meta: SegmentMeta;
  readonly tap: TrafficTap;
  private readonly file: HarSegmentFile;
  /** Requests sent so far in this segment. */
  private sent = 0;
  /** The next request, by the segment's send order, whose entry goes to disk. */
  private nextToWrite = 1;
  private readonly completed = new Map<number, Completed>();
  /** How many requests of each identity were recorded before (Polly's `_order`). */
  private readonly orders = new Map<string, number>();
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private drainScheduled = false;
  private ending: Promise<void> | undefined;

  constructor(private readonly options: SegmentWriterOptions) {
    const recordingName = `${String(options.index).padStart(3, '0')}-${options.name.replace(/[\\/]/g, '-')}`;
    const file = `${pollyRecordingId(recordingName)}/recording.har`;
    this.meta = { index: options.index, name: options.name, recordingName, exchanges: 0, transportErrors: [], file };
    this.file = new HarSegmentFile(join(options.workDir, file), recordingName, options.written);
    this.tap = { carry: (wire, perform) => this.carry(wire, perform) };
  }

  /** Requests sent through this segment. */
  get requests(): number {
    return this.sent;
  }

  /** Wait for the requests in flight, record them, close the file. */
  end(): Promise<void> {
    this.ending ??= (async () => {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.drain();
      // Its numbering is no longer needed: a proxy keeps hundreds of ended segments' meta.
      this.orders.clear();
      await this.file.close();
      // A segment nothing was recorded in has no file.
      if (this.file.count === 0) delete this.meta.file;
    })();
    return this.ending;
  }

  /** Drop the file (the recording is abandoned); resolves once nothing more can be written. */
  destroy(): Promise<void> {
    return this.file.destroy();
  }

  private carry(wire: WireRequest, perform: () => Promise<WireOutcome>): Promise<WireOutcome> {
    if (this.ending) return perform();
    const local = ++this.sent;
    const seq = this.options.nextSeq();
    // Pseudonyms are handed out in order of first appearance, at send time.
    const caller = wire.headers.authorization === undefined ? '(none)' : this.options.traffic.authorization(wire.headers.authorization);
    const startedAt = Date.now();
    this.inFlight++;
    // One handler for either end (not a .catch() then a .then()): a proxy carries every request here.
    return perform().then(
      (outcome) => this.complete(local, seq, wire, caller, startedAt, outcome),
      (error: unknown) => this.complete(local, seq, wire, caller, startedAt, { error }),
    );
  }

  private complete(local: number, seq: number, wire: WireRequest, caller: string, startedAt: number, outcome: WireOutcome): WireOutcome {
    // Learnt at once, before the answer reaches the caller: no later request can carry this
    // secret into an entry redacted without it. Only an answer with a `secret` member can teach
    // one: its bytes are searched, not decoded.
    const response = outcome.response;
    if (response && response.body.length < 1_000_000 && response.body.includes(secretMember))
      this.options.traffic.learnSecrets(response.body.toString('utf8'));
    this.completed.set(local, { seq, wire, caller, outcome, startedAt, answeredAt: Date.now() });
    // Everything else (identity, entry, redaction, the write) once the answer is on its way.
    this.drainSoon();
    return outcome;
  }

  private drainSoon(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Record, in send order, every completed request whose predecessors are all recorded. */
  private drain(): void {
    for (let next = this.completed.get(this.nextToWrite); next; next = this.completed.get(this.nextToWrite)) {
      this.completed.delete(this.nextToWrite);
      this.nextToWrite++;
      this.recordOne(next);
      this.inFlight--;
    }
    if (this.inFlight === 0) this.idle?.();
  }

  /** One request: its identity and number (Polly's), its entry or its transport error. */
  private recordOne(done: Completed): void {
    const { seq, wire, outcome } = done;
    const traffic = this.options.traffic;
    const view = pollyUrlOfRequest(wire.origin, pathPollyCanRead(wire.path));
    const body = wire.body === undefined ? undefined : typeof wire.body === 'string' ? wire.body : wire.body.toString('utf8');
    const headers: Record<string, string> = {};
    for (const name in wire.headers) {
      const lower = name.toLowerCase();
      if (!unmatched.has(lower)) headers[lower] = wire.headers[name]!;
    }
    const id = pollyRequestId({ method: wire.method, identityUrl: view.identityUrl, headers, body, caller: done.caller });
    const order = this.orders.get(id) ?? 0;
    this.orders.set(id, order + 1);
    const response = outcome.response;
    if (!response) {
      // Not an answer: kept apart from the HAR, and given back as the error it was on replay.
      const error = storeError(outcome.error);
      this.meta.transportErrors.push({
        id,
        order,
        method: wire.method.toUpperCase(),
        path: traffic.text(wire.path),
        error: { ...error, message: traffic.text(error.message) },
      });
      return;
    }
    const built = buildEntry({
      id,
      order,
      view,
      wire,
      body,
      response,
      recordBodyBytes: this.options.recordBodyBytes,
      startedAt: done.startedAt,
      answeredAt: done.answeredAt,
    });
    traffic.entry(built.entry);
    built.entry._patConformance = {
      // The path exactly as sent: a URL parser would resolve %2E%2E and lose what was probed.
      path: traffic.text(wire.path),
      seq,
      ...(built.truncated ? { truncated: true } : {}),
    };
    this.file.write(built.entry);
    this.meta.exchanges++;
  }
}
