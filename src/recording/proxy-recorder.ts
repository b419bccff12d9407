// The proxy's recorder: a tap on the transport that writes each exchange to its segment's HAR
// file as soon as it completes, without Polly. Polly's per-request pipeline (configuration
// merged per request, route lookup, request numbering by linear scan, every entry held until
// the instance stops) capped a recording proxy at a fraction of what its target serves and grew
// with the traffic; load is exactly what a proxy sees. The files are what Polly's fs persister
// writes, entry for entry (`_id`, `_order` and directory names computed as Polly computes them,
// polly-identity.ts), redacted by the same TrafficRedactor, so `check`, `replay`, `serve
// --replay`, the nock export and the recording store read them as before. `run --record` keeps
// recording through Polly (recorder.ts).
//
// Segments: a new one every `segmentSize` requests, counted in send order (requests are never
// held back for a rotation). Entries are written in send order: one that completes early waits,
// in a small buffer, for those sent before it (at most the requests in flight).
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SecretRedactor } from '../secrets/registry.js';
import { TrafficRedactor } from '../secrets/recording-redaction.js';
import { toolName, toolVersion } from '../tool-info.js';
import type { TrafficTap } from '../transport/transport.js';
import type { WireOutcome, WireRequest } from '../transport/wire.js';
import { buildEntry } from './har-entry.js';
import { HarSegmentFile } from './har-segment-file.js';
import { storeError } from './stored-error.js';
import { pathPollyCanRead, pollyRecordingId, pollyRequestId, pollyUrlOfRequest, unmatchedHeaders } from './polly-identity.js';
import { commitRecording, openWorkDir } from './recording-commit.js';
import { recordingFormat, recordingFormatVersion, type RecordingMeta, type SegmentMeta } from './recording-format.js';
import type { RecordingDescription, RecordingSummary } from './recorder.js';

export interface ProxyRecorderOptions {
  /** The recording directory (replaced in `finish`). */
  dir: string;
  redactor: SecretRedactor;
  redactHeaders?: readonly string[];
  redactFields?: readonly string[];
  /** Exchanges per segment (HAR file). */
  segmentSize: number;
  /** Response body bytes a recording keeps (default 1 MiB, the run's cap). */
  maxBodyBytes?: number;
}

export interface ProxyRecorder {
  readonly tap: TrafficTap;
  /** The redaction in force (pseudonyms handed out so far). */
  readonly traffic: TrafficRedactor;
  /** Wait for the requests in flight, close the files, write meta.json, scan, move into place. */
  finish(description: RecordingDescription): Promise<RecordingSummary>;
  /** Drop everything recorded; the previous recording (if any) stays. */
  abort(): Promise<void>;
}

interface Segment {
  meta: SegmentMeta;
  file: HarSegmentFile;
  /** Requests sent in this segment. */
  sent: number;
  /** How many requests of each identity were sent in this segment before (Polly's `_order`). */
  orders: Map<string, number>;
}

/** A completed request waiting to be recorded after those sent before it. */
interface Completed {
  seq: number;
  segment: Segment;
  wire: WireRequest;
  /** The caller's pseudonym, given at send time. */
  caller: string;
  outcome: WireOutcome;
  startedAt: number;
  answeredAt: number;
}

const unmatched = new Set(unmatchedHeaders);

export async function createProxyRecorder(options: ProxyRecorderOptions): Promise<ProxyRecorder> {
  const dir = resolve(options.dir);
  const recordBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const traffic = new TrafficRedactor(options.redactor, {
    headers: options.redactHeaders,
    fields: options.redactFields,
    pseudonymizeBearers: true,
  });
  const workDir = await openWorkDir(dir);
  const segments: Segment[] = [];
  let current: Segment | undefined;
  let sequence = 0;
  /** The next request (by send order) whose entry goes to disk. */
  let nextToWrite = 1;
  const completed = new Map<number, Completed>();
  let inFlight = 0;
  let idle: (() => void) | undefined;
  let closed = false;
  /** A drain after the current answers have gone out: one for all of them. */
  let drainScheduled = false;
  const drainSoon = (): void => {
    if (drainScheduled) return;
    drainScheduled = true;
    setImmediate(() => {
      drainScheduled = false;
      drain();
    });
  };

  const openSegment = (): Segment => {
    const index = segments.length;
    const name = `proxy ${index + 1}`;
    const recordingName = `${String(index).padStart(3, '0')}-${name}`;
    const file = `${pollyRecordingId(recordingName)}/recording.har`;
    const segment: Segment = {
      meta: { index, name, recordingName, exchanges: 0, transportErrors: [] },
      file: new HarSegmentFile(join(workDir, file), recordingName),
      sent: 0,
      orders: new Map(),
    };
    segment.meta.file = file;
    segments.push(segment);
    return segment;
  };

  /** The segment of the last request recorded. */
  let draining: Segment | undefined;

  /** One request, in send order: its identity and number (Polly's), its entry or transport error. */
  const recordOne = (done: Completed): void => {
    const { seq, segment, wire, outcome } = done;
    if (segment !== draining) {
      // Segments follow send order: the one before is complete, its file can be finished and
      // its numbering forgotten.
      if (draining) {
        draining.orders.clear();
        void draining.file.close().catch(() => undefined);
      }
      draining = segment;
    }
    const view = pollyUrlOfRequest(wire.origin, pathPollyCanRead(wire.path));
    const body = wire.body === undefined ? undefined : typeof wire.body === 'string' ? wire.body : wire.body.toString('utf8');
    const headers: Record<string, string> = {};
    for (const name in wire.headers) if (!unmatched.has(name.toLowerCase())) headers[name.toLowerCase()] = wire.headers[name]!;
    const id = pollyRequestId({ method: wire.method, identityUrl: view.identityUrl, headers, body, caller: done.caller });
    const order = segment.orders.get(id) ?? 0;
    segment.orders.set(id, order + 1);
    const response = outcome.response;
    if (!response) {
      // Not an answer: kept apart from the HAR, as the run's recorder keeps it.
      const error = storeError(outcome.error);
      segment.meta.transportErrors.push({
        id,
        order,
        method: wire.method.toUpperCase(),
        path: traffic.text(wire.path),
        error: { ...error, message: traffic.text(error.message) },
      });
      return;
    }
    const { startedAt, answeredAt } = done;
    const built = buildEntry({ id, order, view, wire, body, response, recordBodyBytes, startedAt, answeredAt });
    traffic.entry(built.entry);
    built.entry._patConformance = {
      // The path exactly as sent: a URL parser would resolve %2E%2E and lose what was probed.
      path: traffic.text(wire.path),
      seq,
      ...(built.truncated ? { truncated: true } : {}),
    };
    segment.file.write(built.entry);
    segment.meta.exchanges++;
  };

  /** Record, in send order, every completed request whose predecessors are all recorded. */
  const drain = (): void => {
    for (let next = completed.get(nextToWrite); next; next = completed.get(nextToWrite)) {
      completed.delete(nextToWrite);
      nextToWrite++;
      recordOne(next);
      inFlight--;
    }
    if (inFlight === 0) idle?.();
  };

  const carry = (wire: WireRequest, perform: () => Promise<WireOutcome>): Promise<WireOutcome> => {
    if (closed) return perform();
    const seq = ++sequence;
    // Pseudonyms are handed out in order of first appearance, at send time.
    const caller = wire.headers.authorization === undefined ? '(none)' : traffic.authorization(wire.headers.authorization);
    if (!current || current.sent >= options.segmentSize) current = openSegment();
    const segment = current;
    segment.sent++;
    const startedAt = Date.now();
    inFlight++;
    return perform()
      .catch((error: unknown): WireOutcome => ({ error }))
      .then((outcome) => {
        // Learnt at once, before the answer reaches the client: no later request can carry this
        // secret into an entry redacted without it.
        const response = outcome.response;
        if (response && response.body.length > 0 && response.body.length < 1_000_000) traffic.learnSecrets(response.body.toString('utf8'));
        completed.set(seq, { seq, segment, wire, caller, outcome, startedAt, answeredAt: Date.now() });
        // Everything else (identity, entry, redaction, the write) once the answer is on its way:
        // the client does not wait for the recording.
        drainSoon();
        return outcome;
      });
  };

  const waitIdle = (): Promise<void> =>
    inFlight === 0 ? Promise.resolve() : new Promise<void>((resolveIdle) => (idle = () => inFlight === 0 && resolveIdle()));

  return {
    tap: { carry },
    traffic,
    async finish(description) {
      if (closed) throw new Error('the recorder is finished');
      closed = true;
      await waitIdle();
      drain();
      try {
        // A file that failed to write fails the recording (closing an already closed one says so again).
        for (const segment of segments) await segment.file.close();
      } catch (error) {
        await rm(workDir, { recursive: true, force: true });
        throw error;
      }
      const metaSegments = segments.map((s) => {
        if (s.file.count > 0) return s.meta;
        const { file: _none, ...meta } = s.meta;
        return meta;
      });
      const meta: RecordingMeta = {
        format: recordingFormat,
        formatVersion: recordingFormatVersion,
        kind: description.kind,
        tool: { name: toolName, version: toolVersion },
        createdAt: new Date().toISOString(),
        target: description.target,
        identities: traffic.identities(),
        redaction: { headers: [...(options.redactHeaders ?? [])], fields: [...(options.redactFields ?? [])] },
        segments: metaSegments,
      };
      await commitRecording(workDir, dir, meta, options.redactor);
      return {
        dir,
        segments: metaSegments.length,
        exchanges: metaSegments.reduce((n, s) => n + s.exchanges, 0),
        transportErrors: metaSegments.reduce((n, s) => n + s.transportErrors.length, 0),
      };
    },
    async abort() {
      if (closed) return;
      closed = true;
      for (const segment of segments) segment.file.destroy();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
