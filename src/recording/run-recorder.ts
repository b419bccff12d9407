// `run --record DIR`: one segment per case (several open at once under --parallel), each written
// as its exchanges complete (segment-writer.ts), in exactly the files Polly's fs persister would
// have written, so `run --replay` (which does go through Polly, recorder.ts), `check`, `replay`,
// `serve --replay` and the nock export read them as before. Recording through Polly itself cost
// about as much again as the run (its per-request pipeline and its loading); this costs a few
// percent. The recording is moved into place atomically, after a last scan for secrets
// (recording-commit.ts).
import { resolve } from 'node:path';
import type { SecretRedactor } from '../secrets/registry.js';
import { TrafficRedactor } from '../secrets/recording-redaction.js';
import { commitSegments, openWorkDir } from './recording-commit.js';
import type { Segment, UnmatchedRequest } from './recorder.js';
import type { RecordingDescription, RecordingSummary } from './recording-format.js';
import { rm } from 'node:fs/promises';
import { SegmentWriter } from './segment-writer.js';

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
  const dir = resolve(options.dir);
  const traffic = new TrafficRedactor(options.redactor, { headers: options.redactHeaders, fields: options.redactFields });
  for (const identity of options.identities) traffic.noteIdentity(identity);
  const workDir = await openWorkDir(dir);
  const segments: SegmentWriter[] = [];
  let sequence = 0;
  let closed = false;

  return {
    signal: new AbortController().signal,
    unmatched: () => undefined,
    openSegment(id) {
      if (closed) throw new Error('the recorder is finished');
      // Numbered as they open: the order of the cases, however many run at once.
      const segment = new SegmentWriter({
        workDir,
        index: segments.length,
        name: id,
        traffic,
        recordBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
        nextSeq: () => ++sequence,
      });
      segments.push(segment);
      return { tap: segment.tap, end: () => segment.end() };
    },
    async finish(description) {
      if (closed) throw new Error('the recorder is finished');
      closed = true;
      try {
        // A file that failed to write fails the recording.
        for (const segment of segments) await segment.end();
      } catch (error) {
        await rm(workDir, { recursive: true, force: true });
        throw error;
      }
      return commitSegments(
        workDir,
        dir,
        {
          description,
          identities: traffic.identities(),
          redactHeaders: options.redactHeaders,
          redactFields: options.redactFields,
          segments: segments.map((s) => s.meta),
        },
        options.redactor,
      );
    },
    async abort() {
      if (closed) return;
      closed = true;
      for (const segment of segments) segment.destroy();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
