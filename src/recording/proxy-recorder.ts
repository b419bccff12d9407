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
import type { SecretRedactor } from '../secrets/registry.js';
import { TrafficRedactor } from '../secrets/recording-redaction.js';
import type { TrafficTap } from '../transport/transport.js';
import type { WireOutcome, WireRequest } from '../transport/wire.js';
import { SegmentSet } from './segment-set.js';
import type { SegmentWriter } from './segment-writer.js';
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
  const traffic = new TrafficRedactor(options.redactor, {
    headers: options.redactHeaders,
    fields: options.redactFields,
    pseudonymizeBearers: true,
  });
  const segments = await SegmentSet.create({ ...options, traffic });
  let current: SegmentWriter | undefined;
  let count = 0;

  const carry = (wire: WireRequest, perform: () => Promise<WireOutcome>): Promise<WireOutcome> => {
    if (segments.finished) return perform();
    if (!current || current.requests >= options.segmentSize) {
      // Cut by count, never by waiting for a quiet moment: a loaded proxy has none. The segment
      // cut off finishes the requests it has in flight on its own.
      void current?.end().catch(() => undefined);
      current = segments.open(`proxy ${++count}`);
    }
    return current.tap.carry(wire, perform);
  };

  return {
    tap: { carry },
    traffic,
    finish: (description) => segments.finish(description),
    abort: () => segments.abort(),
  };
}
