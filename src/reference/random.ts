// Where IDs, secrets and the nextToken key come from.
//
// With a seed, every byte is derived from it (SHA-256 in counter mode), so a fake started twice
// with the same seed and driven the same way hands out the same IDs and secrets: recordings and
// snapshot tests of other people's code stay stable. Without one, bytes come from the OS CSPRNG.
import { createHash, randomBytes } from 'node:crypto';
import type { IdStyle } from './options.js';

export class RandomSource {
  private counter = 0;

  constructor(private readonly seed: number | undefined) {}

  bytes(n: number): Buffer {
    if (this.seed === undefined) return randomBytes(n);
    const chunks: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const block = createHash('sha256')
        .update(`pat-conformance:${this.seed}:${this.counter++}`)
        .digest();
      chunks.push(block);
      have += block.length;
    }
    return Buffer.concat(chunks).subarray(0, n);
  }

  /** A bearer-like secret: 32 random bytes, base64url (43 characters). */
  secret(): string {
    return this.bytes(32).toString('base64url');
  }

  private sequence = 0;
  /** per-identity: owner -> the last number handed out to it (never reused, even after deletes). */
  private readonly ownerSequences = new Map<string, number>();

  /** A new ID of the style; `owner` numbers per-identity IDs and is ignored by the others. */
  id(style: IdStyle, owner: string): string {
    switch (style) {
      case 'uuid':
        return this.uuid();
      case 'short':
        return this.base36(8);
      case 'sequential':
        // 1, 2, 3, ...: short, guessable and prefixes of one another (1 of 12): a runner that
        // invents "unknown" IDs must make sure they really are unknown.
        return String(++this.sequence);
      case 'per-identity': {
        // The same numbers as sequential, but counted per owner: two identities both get "1",
        // so an ID alone does not name a token and a lookup must stay within the caller's.
        const next = (this.ownerSequences.get(owner) ?? 0) + 1;
        this.ownerSequences.set(owner, next);
        return String(next);
      }
      case 'long':
        // Exactly at the 36-character bound, and without dashes so it can never parse as a UUID:
        // proves a client does not assume the UUID format.
        return this.base36(36);
    }
  }

  private uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40; // version 4
    b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private base36(length: number): string {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
    let out = '';
    while (out.length < length) {
      for (const byte of this.bytes(length)) {
        // Rejection sampling keeps the characters uniform (252 = 7 * 36).
        if (byte < 252 && out.length < length) out += alphabet[byte % 36];
      }
    }
    return out;
  }
}
