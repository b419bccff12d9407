// The bytes a recorder handed to its files, kept so that the last scan for secrets
// (recording-commit.ts) searches them where they already are instead of reading every file back:
// the same bytes, since each file is written only by its HarSegmentFile, chunk after chunk, in
// full or not at all (a failed write fails the recording before any scan). Kept up to a bound:
// past it everything kept is let go and every file is read back, as for a proxy's recordings.

/** A run's recording is a few MiB; past this, the files are read back. */
const defaultLimitBytes = 16 * 1024 * 1024;

export class WrittenBytes {
  private readonly files = new Map<string, Buffer[]>();
  private total = 0;
  private overflowed = false;

  constructor(private readonly limitBytes = defaultLimitBytes) {}

  /** The next chunk written to `path`, after those kept before it. */
  keep(path: string, chunk: Buffer): void {
    if (this.overflowed) return;
    this.total += chunk.length;
    if (this.total > this.limitBytes) {
      this.overflowed = true;
      this.files.clear();
      return;
    }
    const chunks = this.files.get(path);
    if (chunks) chunks.push(chunk);
    else this.files.set(path, [chunk]);
  }

  /** The whole content of `path` as written, when it was kept. */
  contentOf(path: string): Buffer | undefined {
    const chunks = this.files.get(path);
    if (!chunks) return undefined;
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}
