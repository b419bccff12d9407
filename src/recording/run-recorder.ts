// `run --record DIR`: one segment per case (several open at once under --parallel), each written
// as its exchanges complete (segment-writer.ts), in exactly the files Polly's fs persister would
// have written, so `run --replay` (which does go through Polly, recorder.ts), `check`, `replay`,
// `serve --replay` and the nock export read them as before. Recording through Polly itself cost
// about as much again as the run (its per-request pipeline and its loading); this costs about a
// tenth to a fifth more (bench/README.md, section 2). The recording is moved into place
// atomically, after a last scan for secrets (recording-commit.ts).
import type { SecretRedactor } from '../secrets/registry.js';
import { TrafficRedactor } from '../secrets/recording-redaction.js';
import type { UnmatchedRequest } from './recorder.js';
import { segmentsInTurn, type Segment, type SegmentsInTurn } from './segments-in-turn.js';
import type { RecordingDescription, RecordingSummary } from './recording-format.js';
import { SegmentSet } from './segment-set.js';

export interface RunRecorderOptions {
  dir: string;
  /** The run's redactor: knows the bearers and learns every token secret. */
  redactor: SecretRedactor;
  redactHeaders?: readonly string[];
  redactFields?: readonly string[];
  /** Pseudonyms the run already gave (`<identity-1>` for --token, ...), in order. */
  identities: readonly string[];
  /** Response body bytes a recording keeps (default 1 MiB, the run's cap). */
  maxBodyBytes?: number;
}

/** What a run needs of its recorder, in record mode and (recorder.ts) in replay mode. */
export interface RunRecorder {
  openSegment(id: string): Segment;
  /** Aborted when replay meets a request the recording does not hold; never while recording. */
  readonly signal: AbortSignal;
  unmatched(): UnmatchedRequest | undefined;
  finish(description: RecordingDescription): Promise<RecordingSummary>;
  abort(): Promise<void>;
}

export async function createRunRecorder(options: RunRecorderOptions): Promise<RunRecorder> {
  const traffic = new TrafficRedactor(options.redactor, { headers: options.redactHeaders, fields: options.redactFields });
  for (const identity of options.identities) traffic.noteIdentity(identity);
  // A run's recording is small: the last scan searches what was written without reading it back.
  const segments = await SegmentSet.create({ ...options, traffic, keepWritten: true });
  return {
    signal: new AbortController().signal,
    unmatched: () => undefined,
    openSegment(id) {
      // Numbered as they open: the order of the cases, however many run at once.
      const segment = segments.open(id);
      // The case need not wait for its file to be written and closed: `finish` waits for every
      // segment (and fails the recording if a write failed).
      return {
        tap: segment.tap,
        end: () => {
          void segment.end().catch(() => undefined);
          return Promise.resolve();
        },
      };
    },
    finish: (description) => segments.finish(description),
    abort: () => segments.abort(),
  };
}

/** The recorder's segments one at a time, for traffic that comes in turns (`explore --record`). */
export function recordInTurns(recorder: RunRecorder): SegmentsInTurn {
  // Outside any segment a request is sent and not recorded (nothing is sent there today).
  return segmentsInTurn(
    (id) => recorder.openSegment(id),
    (_wire, perform) => perform(),
  );
}
