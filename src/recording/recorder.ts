// Records (or replays) the traffic of a run or a proxy with @pollyjs/core, as a tap on the
// transport (polly-adapter.ts). One Polly instance per segment (a scenario case, pre-flight, cleanup, a
// stretch of proxied traffic): Polly's request numbering and entry lookup are linear scans, so
// small instances keep record and replay fast (recordings/README.md, Cost).
//
// Recording is written into a hidden temporary directory next to DIR and moved into place in
// `finish`, after every written byte was searched for every secret the redactor knows: an
// interrupted run leaves the previous recording or none, never a broken one, and a recording in
// which a known secret appears is never left behind.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { Polly, type Request as PollyRequest } from '@pollyjs/core';
import type * as FSPersisterModule from '@pollyjs/persister-fs';
import type { Entry } from 'har-format';
import { RecordingError } from './errors.js';
import type { SecretRedactor } from '../secrets/registry.js';
import type { RecordedTransportError, RecordingDescription, RecordingSummary, SegmentMeta } from './recording-format.js';
import { TrafficRedactor } from '../secrets/recording-redaction.js';
import { commitSegments, openWorkDir } from './recording-commit.js';
import { segmentsInTurn, type Segment } from './segments-in-turn.js';
import { unmatchedHeaders } from './polly-identity.js';
import type { OpenedRecording } from './recording-store.js';
import { PollyAdapter, PollyTap, UnmatchedRequestError, type StoredTransportError, type TappedCall } from './polly-adapter.js';
import type { TrafficTap } from '../transport/transport.js';
import type { WireRequest } from '../transport/wire.js';

// CommonJS with an `export default` declaration: see polly-adapter.ts.
const FSPersister = createRequire(import.meta.url)('@pollyjs/persister-fs') as typeof FSPersisterModule.default.default;

export { unmatchedHeaders };

export { RecordingError };

export interface RecorderOptions {
  /** The recording directory (written in record mode, read in replay mode). */
  dir: string;
  mode: 'record' | 'replay';
  /** The run's redactor: knows the bearers and learns every token secret. */
  redactor: SecretRedactor;
  redactHeaders?: readonly string[];
  redactFields?: readonly string[];
  /** Proxy: bearers get pseudonyms in order of first appearance. */
  pseudonymizeBearers?: boolean;
  /** Pseudonyms the caller already gave (`<identity-1>` for --token, ...), in order. */
  identities?: readonly string[];
  /** Response body cap (default 1 MiB, the client's). */
  maxBodyBytes?: number;
  /** Replay: the recording, opened and validated (recording-store.ts). */
  recording?: OpenedRecording;
}

/** What `finish` needs beyond what the recorder saw itself. */
export type { RecordingDescription, RecordingSummary };

/** The first request replay could not answer. */
export interface UnmatchedRequest {
  method: string;
  path: string;
  segment: string;
  detail: string;
}

export interface Recorder {
  readonly mode: 'record' | 'replay';
  /** For the transport: every request it carries goes through it. */
  readonly tap: TrafficTap;
  /** Aborted when replay meets a request the recording does not hold (the run should stop). */
  readonly signal: AbortSignal;
  /** Start a segment (one Polly instance) that the recorder's `tap` feeds. The one before is ended first. */
  beginCase(id: string): Promise<void>;
  /** End the segment `beginCase` opened (its HAR is written to the temporary directory). */
  endCase(): Promise<void>;
  /**
   * Open a segment with a tap of its own, alongside any others open (`run --parallel`). Segments
   * are numbered in the order they open; replay answers each from the segment of its number.
   */
  openSegment(id: string): Segment;
  /** Record mode: write meta.json, scan for secrets, move the recording into place. */
  finish(description: RecordingDescription): Promise<RecordingSummary>;
  /** Drop everything recorded; the previous recording (if any) stays. */
  abort(): Promise<void>;
  /** Replay: the first request the recording did not hold, if any. */
  unmatched(): UnmatchedRequest | undefined;
  /** Exchanges recorded or replayed so far. */
  readonly exchanges: number;
  /** The redaction in force (pseudonyms handed out so far). */
  readonly traffic: TrafficRedactor;
}

interface ActiveSegment {
  meta: SegmentMeta;
  polly: Polly;
  tap: PollyTap;
}

export type { Segment };

export async function createRecorder(options: RecorderOptions): Promise<Recorder> {
  const dir = resolve(options.dir);
  const mode = options.mode;
  const traffic = new TrafficRedactor(options.redactor, {
    headers: options.redactHeaders,
    fields: options.redactFields,
    pseudonymizeBearers: options.pseudonymizeBearers,
  });
  for (const identity of options.identities ?? []) traffic.noteIdentity(identity);
  const recording = options.recording;
  if (mode === 'replay' && !recording) throw new Error('replay needs an opened recording');
  for (const pseudonym of recording?.meta.identities ?? []) traffic.acceptPseudonym(pseudonym);
  const workDir = mode === 'record' ? await openWorkDir(dir) : dir;

  const segments: SegmentMeta[] = [];
  const stop = new AbortController();
  let firstUnmatched: UnmatchedRequest | undefined;
  let exchanges = 0;
  let closed = false;

  const callerOf = (wire: WireRequest): string => {
    const value = wire.headers.authorization;
    return value === undefined ? '(none)' : traffic.authorization(value);
  };

  /** Requests each Polly instance answered: recorded, or replayed. */
  const answered = new WeakMap<Polly, { recorded: number; replayed: number }>();
  /** Send order across the recorder's life, whichever segment a request belongs to. */
  let sequence = 0;

  /** A tap of its own for each segment: with `run --parallel`, several are open at once. */
  const tapFor = (segment: SegmentMeta): PollyTap =>
    new PollyTap({
      recordBodyBytes: options.maxBodyBytes,
      nextSeq: () => ++sequence,
      onAnswered(polly, pollyRequest) {
        const counts = answered.get(polly) ?? { recorded: 0, replayed: 0 };
        if (pollyRequest.action === 'record') counts.recorded++;
        if (pollyRequest.action === 'replay') counts.replayed++;
        answered.set(polly, counts);
      },
      onRequest(wire) {
        // Pseudonyms are handed out in order of first appearance, at send time.
        if (wire.headers.authorization !== undefined) traffic.authorization(wire.headers.authorization);
      },
      onResponse(_wire, response) {
        if (response.body.length > 0 && response.body.length < 1_000_000) traffic.learnSecrets(response.body.toString('utf8'));
      },
      identify: (wire) => ({ caller: callerOf(wire) }),
      onTransportError(pollyRequest, error) {
        if (pollyRequest.id === undefined) return;
        segment.transportErrors.push({
          id: pollyRequest.id,
          order: pollyRequest.order ?? 0,
          method: pollyRequest.method,
          path: traffic.text(wirePathOf(pollyRequest)),
          error: { ...error, message: traffic.text(error.message) },
        });
      },
      recordedError(pollyRequest): StoredTransportError | undefined {
        const found = segment.transportErrors.find((e) => e.id === pollyRequest.id && e.order === pollyRequest.order);
        return found?.error;
      },
      onUnmatched(wire, pollyRequest) {
        noteUnmatched(
          wire,
          segment.name,
          pollyRequest ? `request number ${(pollyRequest.order ?? 0) + 1} of its kind` : 'after its segment ended',
        );
      },
    });

  const noteUnmatched = (wire: WireRequest, segment: string, detail: string): void => {
    if (firstUnmatched) return;
    firstUnmatched = { method: wire.method, path: traffic.text(wire.path), segment, detail };
    stop.abort(new Error(`replay: the recording holds no answer for ${firstUnmatched.method} ${firstUnmatched.path}`));
  };

  const pollyFor = (recordingName: string, segmentTap: PollyTap): Polly => {
    // A subclass per segment, so the tap travels with the adapter class and not through Polly's
    // deep-merged configuration.
    class BoundAdapter extends PollyAdapter {
      static override tap: PollyTap | undefined = segmentTap;
    }
    const polly = new Polly(recordingName, {
      mode,
      adapters: [BoundAdapter as never],
      persister: FSPersister as never,
      persisterOptions: { fs: { recordingsDir: workDir }, keepUnusedRequests: false, disableSortingHarEntries: true },
      recordIfMissing: false,
      recordFailedRequests: true,
      flushRequestsOnStop: true,
      expiresIn: null,
      logLevel: 'silent',
      timing: () => Promise.resolve(),
      matchRequestsBy: {
        method: true,
        headers: { exclude: unmatchedHeaders },
        body: true,
        order: true,
        // The target's address is not part of a request's identity: a recording replays at any URL.
        url: { protocol: false, username: false, password: false, hostname: false, port: false, pathname: true, query: true, hash: false },
      },
    });
    polly.server.any().on('beforePersist', (req: PollyRequest, entry: unknown) => {
      const harEntry = entry as Entry & { _patConformance?: Record<string, unknown> };
      const call = (req as PollyRequest<{ call?: TappedCall }>).requestArguments.call;
      traffic.entry(harEntry);
      harEntry._patConformance = {
        seq: call?.seq,
        // The path exactly as sent: a URL parser would resolve %2E%2E and lose what was probed.
        path: call ? traffic.text(call.wire.path) : undefined,
        ...(call?.recordedTruncated ? { truncated: true } : {}),
      };
    });
    return polly;
  };

  const open = new Set<ActiveSegment>();

  const openSegment = (id: string): Segment => {
    if (closed) throw new Error('the recorder is finished');
    // The index is taken now, synchronously: segments are numbered in the order they open,
    // which is the order of the cases however many run at once.
    const index = segments.length;
    const recordingName = `${String(index).padStart(3, '0')}-${id.replace(/[\\/]/g, '-')}`;
    let meta: SegmentMeta;
    if (mode === 'replay') {
      const recorded = recording!.meta.segments[index];
      if (!recorded || recorded.name !== id) {
        // The run does not follow the recording (another tool version, other options): the
        // segment's requests cannot be answered; the first one names what happened.
        meta = { index, name: id, recordingName: `${recordingName}-not-recorded`, exchanges: 0, transportErrors: [] };
        if (!firstUnmatched) {
          firstUnmatched = {
            method: '-',
            path: '-',
            segment: id,
            detail: recorded
              ? `the recording's segment ${index} is "${recorded.name}"`
              : `the recording has only ${recording!.meta.segments.length} segments`,
          };
          stop.abort(new Error(`replay: the run does not follow the recording at segment "${id}"`));
        }
      } else {
        meta = { ...recorded, transportErrors: [...recorded.transportErrors] };
      }
    } else {
      meta = { index, name: id, recordingName, exchanges: 0, transportErrors: [] };
    }
    segments.push(meta);
    const segmentTap = tapFor(meta);
    const segment: ActiveSegment = { meta, polly: pollyFor(meta.recordingName, segmentTap), tap: segmentTap };
    open.add(segment);
    let ending: Promise<void> | undefined;
    return { tap: segmentTap, end: () => (ending ??= endSegment(segment)) };
  };

  const endSegment = async (segment: ActiveSegment): Promise<void> => {
    if (!open.delete(segment)) return;
    // Stopping waits for the requests in flight (flushRequestsOnStop), so the counts are final.
    await segment.polly.stop();
    const counts = answered.get(segment.polly) ?? { recorded: 0, replayed: 0 };
    exchanges += counts.recorded + counts.replayed;
    if (mode === 'record') {
      segment.meta.exchanges = counts.recorded;
      const file = join(workDir, segment.polly.recordingId, 'recording.har');
      if (existsSync(file)) segment.meta.file = relative(workDir, file).split(sep).join('/');
    }
  };

  // One segment at a time, for callers that take their traffic in turns (proxy, explore): the
  // recorder's own tap hands each request to the segment open now.
  const inTurn = segmentsInTurn(openSegment, (wire) => {
    noteUnmatched(wire, '(no segment open)', 'outside any segment');
    return Promise.resolve({ error: new UnmatchedRequestError(wire, 'no recording segment is open') });
  });
  const beginCase = async (id: string): Promise<void> => {
    if (closed) throw new Error('the recorder is finished');
    await inTurn.beginCase(id);
  };
  const endCase = inTurn.endCase;
  const tap = inTurn.tap;

  const abort = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    // Stop without persisting: what the open segments saw is dropped with the rest.
    for (const segment of open) segment.polly.disconnect();
    open.clear();
    if (mode === 'record') await rm(workDir, { recursive: true, force: true });
  };

  const finish = async (description: RecordingDescription): Promise<RecordingSummary> => {
    if (mode !== 'record') throw new Error('finish() is for record mode');
    if (closed) throw new Error('the recorder is finished');
    await endCase();
    for (const segment of [...open]) await endSegment(segment);
    closed = true;
    try {
      return await commitSegments(
        workDir,
        dir,
        {
          description,
          identities: traffic.identities(),
          redactHeaders: options.redactHeaders,
          redactFields: options.redactFields,
          segments,
        },
        options.redactor,
      );
    } catch (error) {
      await rm(workDir, { recursive: true, force: true });
      throw error;
    }
  };

  return {
    mode,
    tap,
    signal: stop.signal,
    beginCase,
    endCase,
    openSegment,
    finish,
    abort,
    unmatched: () => firstUnmatched,
    get exchanges() {
      return exchanges;
    },
    traffic,
  };
}

function wirePathOf(pollyRequest: PollyRequest): string {
  const call = (pollyRequest as PollyRequest<{ call?: TappedCall }>).requestArguments.call;
  return call?.wire.path ?? pollyRequest.url;
}

export type { RecordedTransportError };
