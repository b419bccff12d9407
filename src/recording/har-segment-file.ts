// One segment's HAR file, written entry by entry as entries complete, byte for byte what
// @pollyjs/persister-fs writes at the end (the HAR stable-stringified, so every object's members
// sorted by name, then written with `JSON.stringify(har, null, 2)` and a newline): a proxy's entries go to disk as they come instead of being held in
// memory until the segment ends. Its directory is made, the file opened, written, flushed to the
// disk and closed off the main thread (a run's recorder has a file per case: made with mkdirSync,
// they held the run up), and flushed as it closes, during the run, so that the commit at the end
// has only meta.json left to sync.
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pollyVersion } from './polly-identity.js';
import type { WrittenBytes } from './written-bytes.js';

/** `[[[` and `]]]` around an entry, as JSON.stringify(..., null, 2) writes them. */
const nestedPrefix = '[\n  [\n    [\n'.length;
const nestedSuffix = '\n    ]\n  ]\n]'.length;

/** Characters of entries gathered before they are written. */
const flushChars = 64 * 1024;

const creator = { comment: 'persister:fs', name: 'Polly.JS', version: pollyVersion };

export class HarSegmentFile {
  /** Every write, in order, after the file is opened: its directory made and the file created off the main thread. */
  private writing: Promise<FileHandle | undefined> | undefined;
  private entries = 0;
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;
  private destroyed = false;
  /** Entries not yet handed to the file: one write per 64 KiB, not one per entry. */
  private pending = '';

  constructor(
    readonly path: string,
    private readonly recordingName: string,
    /** Where the bytes written are kept for the last scan, if anywhere (written-bytes.ts). */
    private readonly written?: WrittenBytes,
  ) {}

  /** Entries written so far. */
  get count(): number {
    return this.entries;
  }

  /** Append one entry (the file is created with the first). */
  write(entry: object): void {
    if (this.failure || this.closed) return;
    if (!this.writing) {
      const path = this.path;
      // Never rejects: a failure is kept for close() (which fails the recording), not left to
      // reject a promise nobody awaits yet (Node ends the process on an unhandled rejection).
      this.writing = mkdir(dirname(path), { recursive: true })
        .then(() => open(path, 'w'))
        .catch((error: Error) => {
          this.failure ??= error;
          return undefined;
        });
      const creatorText = JSON.stringify(creator, null, 2).replace(/\n/g, '\n    ');
      this.pending = `{\n  "log": {\n    "_recordingName": ${JSON.stringify(this.recordingName)},\n    "creator": ${creatorText},\n    "entries": [\n`;
    }
    // An entry sits three levels deep in the file: stringified three levels deep, JSON.stringify
    // indents it itself (cheaper than re-indenting its text).
    const nested = JSON.stringify([[[entry]]], null, 2);
    const text = nested.slice(nestedPrefix, nested.length - nestedSuffix);
    this.pending += this.entries === 0 ? text : `,\n${text}`;
    this.entries++;
    if (this.pending.length >= flushChars) this.flush();
  }

  /** Hand what is pending to the file, after everything handed before it. */
  private flush(): void {
    if (this.pending === '' || !this.writing) return;
    const bytes = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.written?.keep(this.path, bytes);
    this.writing = this.writing.then(async (file) => {
      // Nothing more is written after a failure (the recording fails) or once it is dropped.
      if (!file || this.failure || this.destroyed) return file;
      // writeFile on a handle writes from the current position, all of it (a short write is retried).
      await file.writeFile(bytes).catch((error: Error) => (this.failure ??= error));
      return file;
    });
  }

  /**
   * Write the end of the file, flush it to the disk (the commit then need not sync it) and close
   * it; rejects if any write failed. No file if there was no entry.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (!this.writing) return;
      this.pending += '\n    ],\n    "pages": [],\n    "version": "1.2"\n  }\n}\n';
      this.flush();
      const file = await this.writing.catch(() => undefined);
      if (file) {
        if (!this.failure) await file.sync().catch((error: Error) => (this.failure ??= error));
        await file.close().catch((error: Error) => (this.failure ??= error));
      }
      if (this.failure) throw this.failure;
    })();
    return this.closed;
  }

  /**
   * Stop writing at once (the recording is dropped). Resolves once the file is closed: its
   * directory may still be being made, and removing the recording before that would let it
   * come back.
   */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.closed ??= Promise.resolve();
    const file = await this.writing?.catch(() => undefined);
    await file?.close().catch(() => undefined);
  }
}
