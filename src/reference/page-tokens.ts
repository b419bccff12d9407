// Opaque, tamper-evident nextTokens for ListAccessTokens.
//
// A token says "continue after creation sequence number N, for identity X" and carries an HMAC
// under a key that lives only in this server process, so a client cannot forge a token, edit
// the position, replay one from another server, or use another identity's token: each of those
// answers 400, which is what a client mistake should get (never a 5xx, never someone's tokens).
import { createHmac, timingSafeEqual } from 'node:crypto';

export type DecodedPageToken = { ok: true; afterSeq: number } | { ok: false; reason: string };

/** Generous: ours are ~80 characters. Longer ones are rejected before any work. */
const maxTokenLength = 1024;

export class PageTokens {
  constructor(private readonly key: Buffer) {}

  encode(ownerKey: string, afterSeq: number): string {
    const payload = Buffer.from(JSON.stringify({ o: this.ownerTag(ownerKey), a: afterSeq })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  decode(token: string, ownerKey: string): DecodedPageToken {
    const invalid = { ok: false, reason: 'nextToken is not a token this server issued' } as const;
    if (token.length === 0 || token.length > maxTokenLength) return invalid;
    const dot = token.indexOf('.');
    if (dot < 0) return invalid;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return invalid;
    }
    const { o, a } = (parsed ?? {}) as { o?: unknown; a?: unknown };
    if (typeof a !== 'number' || !Number.isSafeInteger(a) || a < 0) return invalid;
    if (o !== this.ownerTag(ownerKey)) return { ok: false, reason: 'nextToken was issued to another identity' };
    return { ok: true, afterSeq: a };
  }

  /** Names the identity without revealing anything derived from its bearer outside this process. */
  private ownerTag(ownerKey: string): string {
    return createHmac('sha256', this.key).update(`owner:${ownerKey}`).digest('base64url').slice(0, 12);
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`page:${payload}`).digest().subarray(0, 16).toString('base64url');
  }
}
