// The segments of one recording written without Polly (segment-writer.ts), from the temporary
// directory to the recording moved into place: numbered as they open, one send order across all
// of them, and finished or dropped together. The run's recorder opens one per case, the proxy's
// one every N requests.
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SecretRedactor } from '../secrets/registry.js';
import type { TrafficRedactor } from '../secrets/recording-redaction.js';
import { commitSegments, openWorkDir } from './recording-commit.js';
import type { RecordingDescription, RecordingSummary } from './recording-format.js';
import { SegmentWriter } from './segment-writer.js';
import { WrittenBytes } from './written-bytes.js';

export interface SegmentSetOptions {
  /** The recording directory (replaced in `finish`). */
  dir: string;
  redactor: SecretRedactor;
  traffic: TrafficRedactor;
  redactHeaders?: readonly string[];
  redactFields?: readonly string[];
  /** Response body bytes a recording keeps (default 1 MiB, the run's cap). */
  maxBodyBytes?: number;
  /**
   * Keep what is written (up to a bound) so that the last scan need not read it back: a run's
   * recording, small. Not a proxy's, which may be far larger than memory allows.
   */
  keepWritten?: boolean;
}

export class SegmentSet {
  private readonly segments: SegmentWriter[] = [];
  private sequence = 0;
  private closed = false;
  private readonly written: WrittenBytes | undefined;

  private constructor(
    private readonly options: SegmentSetOptions,
    private readonly dir: string,
    private readonly workDir: string,
  ) {
    this.written = options.keepWritten ? new WrittenBytes() : undefined;
  }

  static async create(options: SegmentSetOptions): Promise<SegmentSet> {
    const dir = resolve(options.dir);
    return new SegmentSet(options, dir, await openWorkDir(dir));
  }

  get finished(): boolean {
    return this.closed;
  }

  /** A new segment, numbered after those opened before it. */
  open(name: string): SegmentWriter {
    if (this.closed) throw new Error('the recorder is finished');
    const segment = new SegmentWriter({
      workDir: this.workDir,
      index: this.segments.length,
      name,
      traffic: this.options.traffic,
      recordBodyBytes: this.options.maxBodyBytes ?? 1024 * 1024,
      nextSeq: () => ++this.sequence,
      written: this.written,
    });
    this.segments.push(segment);
    return segment;
  }

  /** End every segment (their requests in flight first), write meta.json, scan, move into place. */
  async finish(description: RecordingDescription): Promise<RecordingSummary> {
    if (this.closed) throw new Error('the recorder is finished');
    this.closed = true;
    try {
      // A file that failed to write fails the recording.
      await Promise.all(this.segments.map((segment) => segment.end()));
    } catch (error) {
      await rm(this.workDir, { recursive: true, force: true });
      throw error;
    }
    const { traffic, redactHeaders, redactFields, redactor } = this.options;
    const segments = this.segments.map((s) => s.meta);
    // Each segment's file was synced when it closed: only meta.json is left to sync.
    const synced = new Set(segments.flatMap((s) => (s.file ? [join(this.workDir, s.file)] : [])));
    return commitSegments(
      this.workDir,
      this.dir,
      { description, identities: traffic.identities(), redactHeaders, redactFields, segments, synced, written: this.written },
      redactor,
    );
  }

  /** Drop everything recorded; the previous recording (if any) stays. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.segments.map((segment) => segment.destroy()));
    await rm(this.workDir, { recursive: true, force: true });
  }
}
