// The proxy's recorder: a tap on the transport that writes each exchange to its segment's HAR
// file as soon as it completes, without Polly (segment-writer.ts). Polly's per-request pipeline (configuration
// merged per request, route lookup, request numbering by linear scan, every entry held until
// the instance stops) capped a recording proxy at a fraction of what its target serves and grew
// with the traffic; load is exactly what a proxy sees. The files are what Polly's fs persister
// writes, entry for entry (`_id`, `_order` and directory names computed as Polly computes them,
// polly-identity.ts), redacted by the same TrafficRedactor, so `check`, `replay`, `serve
// --replay`, the nock export and the recording store read them as before. `run --record` writes
// its segments the same way (run-recorder.ts).
//
// Segments: a new one every `segmentSize` requests, counted in send order (requests are never
// held back for a rotation); a segment cut off finishes the requests it has in flight.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SecretRedactor } from '../secrets/registry.js';
import { TrafficRedactor } from '../secrets/recording-redaction.js';
import type { TrafficTap } from '../transport/transport.js';
import type { WireOutcome, WireRequest } from '../transport/wire.js';
import { SegmentWriter } from './segment-writer.js';
import { commitSegments, openWorkDir } from './recording-commit.js';
import type { RecordingDescription, RecordingSummary } from './recording-format.js';

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

export async function createProxyRecorder(options: ProxyRecorderOptions): Promise<ProxyRecorder> {
  const dir = resolve(options.dir);
  const traffic = new TrafficRedactor(options.redactor, {
    headers: options.redactHeaders,
    fields: options.redactFields,
    pseudonymizeBearers: true,
  });
  const workDir = await openWorkDir(dir);
  const segments: SegmentWriter[] = [];
  /** Segments cut off, finishing the requests they still have in flight. */
  const ending: Array<Promise<void>> = [];
  let current: SegmentWriter | undefined;
  let sequence = 0;
  let closed = false;

  const carry = (wire: WireRequest, perform: () => Promise<WireOutcome>): Promise<WireOutcome> => {
    if (closed) return perform();
    if (!current || current.requests >= options.segmentSize) {
      // Cut by count, never by waiting for a quiet moment: a loaded proxy has none.
      if (current) ending.push(current.end());
      current = new SegmentWriter({
        workDir,
        index: segments.length,
        name: `proxy ${segments.length + 1}`,
        traffic,
        recordBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
        nextSeq: () => ++sequence,
      });
      segments.push(current);
    }
    return current.tap.carry(wire, perform);
  };

  return {
    tap: { carry },
    traffic,
    async finish(description) {
      if (closed) throw new Error('the recorder is finished');
      closed = true;
      try {
        // A file that failed to write fails the recording.
        await Promise.all(ending);
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
