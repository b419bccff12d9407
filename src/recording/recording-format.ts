// What a recording directory holds (recordings/README.md):
//
//   DIR/meta.json                        this file's RecordingMeta: what made the recording and
//                                        what replay needs (seed, clock, options, tool version)
//   DIR/<NNN-segment>_<hash>/recording.har
//                                        HAR 1.2, written by @pollyjs/persister-fs, one per
//                                        segment (a scenario case, pre-flight, cleanup, or a
//                                        stretch of proxied traffic)
//
// Everything in it is already redacted: no bearer token, no token secret.
import type { StoredTransportError } from './stored-error.js';
import type { RunConfig } from '../run-config.js';

export const recordingFormat = 'pat-conformance-recording';
export const recordingFormatVersion = 1;
export const metaFileName = 'meta.json';

/** A transport error of the recorded run, kept apart from the HAR (it is not a response). */
export interface RecordedTransportError {
  /** Polly's request identity and its number among identical requests. */
  id: string;
  order: number;
  method: string;
  path: string;
  error: StoredTransportError;
}

/**
 * A segment's name as a report's scenario and case: "valid-delete / fresh token" is
 * ["valid-delete", "fresh token"]; any other segment (pre-flight, a stretch of proxied traffic,
 * a HAR file) is a case of its own under "recording".
 */
export function splitSegmentName(name: string): [scenario: string, testCase: string] {
  const at = name.indexOf(' / ');
  return at > 0 ? [name.slice(0, at), name.slice(at + 3)] : ['recording', name];
}

export interface SegmentMeta {
  index: number;
  /** "preflight", "<scenario> / <case>", "cleanup", or "proxy <n>". */
  name: string;
  /** Polly's recording name (the HAR's directory is derived from it). */
  recordingName: string;
  /** The HAR file, relative to the recording directory (POSIX separators); absent when empty. */
  file?: string;
  /** Entries in the HAR. */
  exchanges: number;
  transportErrors: RecordedTransportError[];
}

export interface RunRecordingInfo {
  seed: number;
  /** The recorded run's start time: expiry times derive from it (RFC 3339). */
  clock: string;
  /** Scenario names in run order. */
  scenarios: string[];
  /** The recorded run's options that shape its requests and verdicts (no secrets, no paths). */
  options: Pick<RunConfig, 'strict' | 'expectThrottle' | 'concurrency' | 'burst' | 'burstConcurrency' | 'timeoutMs' | 'throttleBudgetMs'>;
  /** Whether a second identity took part (`<identity-2>`). */
  otherIdentity: boolean;
  /** What the recorded run concluded, so a replay that disagrees can say so. */
  verdict: string;
  exitCode: number;
}

export interface RecordingMeta {
  format: typeof recordingFormat;
  formatVersion: typeof recordingFormatVersion;
  /** 'run': `run --record`; 'proxy': traffic of any client through `proxy --record`. */
  kind: 'run' | 'proxy' | 'explore';
  tool: { name: string; version: string };
  createdAt: string;
  target: { url: string; embedded: boolean };
  /** Only for kind 'run'. */
  run?: RunRecordingInfo;
  /** Pseudonyms in use, in order of first appearance (`<identity-1>`, ...). */
  identities: string[];
  /** Extra header and JSON member names that were redacted (names only). */
  redaction: { headers: string[]; fields: string[] };
  segments: SegmentMeta[];
}

/** What a recorder's `finish` needs beyond what it saw itself. */
export type RecordingDescription = Pick<RecordingMeta, 'kind' | 'target' | 'run'>;

/** What `finish` wrote. */
export interface RecordingSummary {
  dir: string;
  segments: number;
  exchanges: number;
  transportErrors: number;
}
