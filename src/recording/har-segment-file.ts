// One segment's HAR file, written entry by entry as entries complete, byte for byte what
// @pollyjs/persister-fs writes at the end (the HAR stable-stringified, so every object's members
// sorted by name, then written with `JSON.stringify(har, null, 2)` and a newline): a proxy's entries go to disk as they come instead of being held in
// memory until the segment ends.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { pollyVersion } from './polly-identity.js';

/** `[[[` and `]]]` around an entry, as JSON.stringify(..., null, 2) writes them. */
const nestedPrefix = '[\n  [\n    [\n'.length;
const nestedSuffix = '\n    ]\n  ]\n]'.length;

/** Characters of entries gathered before they are written. */
const flushChars = 64 * 1024;

const creator = { comment: 'persister:fs', name: 'Polly.JS', version: pollyVersion };

export class HarSegmentFile {
  private stream: WriteStream | undefined;
  private entries = 0;
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;
  /** Entries not yet handed to the stream: one write per 64 KiB, not one per entry. */
  private pending = '';

  constructor(
    readonly path: string,
    private readonly recordingName: string,
  ) {}

  /** Entries written so far. */
  get count(): number {
    return this.entries;
  }

  /** Append one entry (the file is created with the first). */
  write(entry: object): void {
    if (this.failure || this.closed) return;
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path);
      this.stream.on('error', (error) => (this.failure ??= error));
      const creatorText = JSON.stringify(creator, null, 2).replace(/\n/g, '\n    ');
      this.stream.write(
        `{\n  "log": {\n    "_recordingName": ${JSON.stringify(this.recordingName)},\n    "creator": ${creatorText},\n    "entries": [\n`,
      );
    }
    // An entry sits three levels deep in the file: stringified three levels deep, JSON.stringify
    // indents it itself (cheaper than re-indenting its text).
    const nested = JSON.stringify([[[entry]]], null, 2);
    const text = nested.slice(nestedPrefix, nested.length - nestedSuffix);
    this.pending += this.entries === 0 ? text : `,\n${text}`;
    this.entries++;
    if (this.pending.length >= flushChars) this.flush();
  }

  private flush(): void {
    if (this.pending === '') return;
    this.stream?.write(this.pending);
    this.pending = '';
  }

  /** Write the end of the file and close it; rejects if any write failed. No file if there was no entry. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => {
      const stream = this.stream;
      if (!stream) return resolve();
      if (stream.closed) return this.failure ? reject(this.failure) : resolve();
      this.flush();
      stream.end('\n    ],\n    "pages": [],\n    "version": "1.2"\n  }\n}\n');
      stream.once('close', () => (this.failure ? reject(this.failure) : resolve()));
    });
    return this.closed;
  }

  /** Stop writing at once (the recording is dropped). */
  destroy(): void {
    this.closed ??= Promise.resolve();
    this.stream?.destroy();
  }
}
