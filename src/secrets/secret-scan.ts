// The last line of defence of recordings: every written byte searched for every known secret in
// every spelling, before the recording is moved into place. One pass over each file whatever the
// number of secrets (secret-index.ts), read in chunks: a proxy's recording can be hundreds of
// megabytes and know tens of thousands of secrets.
import { open } from 'node:fs/promises';
import { spellings } from './registry.js';
import { SecretIndex } from './secret-index.js';

/** Text whose characters are the bytes of `text`'s UTF-8: searching it is searching bytes. */
export function latin1Of(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A finding: which file, and which secret (its index in the list given), never the secret itself. */
export interface SecretFinding {
  path: string;
  secretIndex: number;
}

/**
 * Bytes read at a time: large enough that the overlap between chunks costs nothing, small
 * enough that each chunk's text is a young object the garbage collector frees at once (chunks of
 * 1 MiB went to the large-object space and added 80 MiB to the proxy's peak RSS at stop).
 */
export const scanChunkBytes = 64 * 1024;

export class SecretScanner {
  private readonly index = new SecretIndex<number>();

  constructor(secrets: readonly string[]) {
    // A body is a JSON string inside the HAR file: its JSON-escaped spellings are escaped once more there.
    secrets.forEach((secret, secretIndex) => {
      for (const spelling of spellings(secret)) {
        this.index.add(latin1Of(spelling), secretIndex);
        this.index.add(latin1Of(JSON.stringify(spelling).slice(1, -1)), secretIndex);
      }
    });
  }

  /** The index of the first secret found in these bytes, or undefined. */
  scanBytes(data: Buffer): number | undefined {
    return this.index.find(data.toString('latin1'))?.value;
  }

  /** The same for a file, read in chunks; a secret that straddles two chunks is found too. */
  async scanFile(path: string): Promise<number | undefined> {
    if (this.index.size === 0) return undefined;
    // Each chunk is searched with the end of the one before it, one byte short of the longest
    // needle: every needle is whole in one of the searched windows. Read into one buffer, the
    // kept end moved to its front (no read stream, no window built by concatenation: both cost
    // more than the search itself on a run's recording).
    const overlap = this.index.maxLength - 1;
    const buffer = Buffer.allocUnsafe(overlap + scanChunkBytes);
    const file = await open(path, 'r');
    try {
      let kept = 0;
      for (;;) {
        const { bytesRead } = await file.read(buffer, kept, scanChunkBytes, null);
        if (bytesRead === 0) return undefined;
        const end = kept + bytesRead;
        const found = this.index.find(buffer.toString('latin1', 0, end));
        if (found) return found.value;
        kept = Math.min(overlap, end);
        buffer.copy(buffer, 0, end - kept, end);
      }
    } finally {
      await file.close();
    }
  }
}

/**
 * Every secret, in every spelling, searched in every byte given. Returns the first finding
 * (file and which secret, never the secret itself), or undefined when the bytes are clean.
 */
export function scanForSecrets(files: Array<{ path: string; data: Buffer }>, secrets: readonly string[]): SecretFinding | undefined {
  const scanner = new SecretScanner(secrets);
  for (const file of files) {
    const secretIndex = scanner.scanBytes(file.data);
    if (secretIndex !== undefined) return { path: file.path, secretIndex };
  }
  return undefined;
}
