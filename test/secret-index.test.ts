// Redaction with many secrets known: the one-pass index (src/secrets/secret-index.ts) behind
// SecretRedactor, TrafficRedactor and the scan of written files must find exactly what
// searching for every secret in turn found: every spelling, the longest secret where one
// contains another, nothing shorter than four characters in free text, and a secret that
// straddles two chunks of a file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrafficRedactor } from '../src/secrets/recording-redaction.js';
import { SecretRedactor } from '../src/secrets/registry.js';
import { SecretIndex } from '../src/secrets/secret-index.js';
import { SecretScanner, scanChunkBytes } from '../src/secrets/secret-scan.js';

/** 2,000 secrets shaped like the reference's (base64url, 43 characters), deterministic. */
function manySecrets(count = 2000): string[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`many-secret-${i}-${'x'.repeat(20)}`).toString('base64url'));
}

describe('SecretRedactor with many secrets', () => {
  const inner = 'inner-secret-0123';
  const outer = `outer:${inner}:tail`;
  const quoted = 'with/slash+plus"quote';
  const redactor = new SecretRedactor();
  const secrets = manySecrets();
  secrets.forEach((s, i) => redactor.add(s, i % 2 ? '<token-secret>' : `<identity-${i}>`));
  redactor.add(inner, '<inner>');
  redactor.add(outer, '<outer>');
  redactor.add(quoted, '<quoted>');
  redactor.add('abc', '<short>');

  it('replaces each of them, the first and the last learnt alike', () => {
    expect(redactor.text(`a ${secrets[0]} b ${secrets[1999]} c ${secrets[1000]}`)).toBe(
      'a <identity-0> b <token-secret> c <identity-1000>',
    );
  });

  it('replaces a secret that contains another whole, and the other where it stands alone', () => {
    expect(redactor.text(`[${outer}] [${inner}] [${inner}${outer}]`)).toBe('[<outer>] [<inner>] [<inner><outer>]');
  });

  it('replaces the JSON-escaped and percent-encoded spellings', () => {
    const json = JSON.stringify({ echo: quoted });
    expect(redactor.text(json)).toBe('{"echo":"<quoted>"}');
    expect(redactor.text(`/v1/x/${encodeURIComponent(quoted)}?q=${encodeURIComponent(outer)}`)).toBe('/v1/x/<quoted>?q=<outer>');
  });

  it('leaves a secret under four characters in free text, but knows it exactly', () => {
    expect(redactor.text('abc abcd')).toBe('abc abcd');
    expect(redactor.placeholderOf('abc')).toBe('<short>');
  });

  it('lists every spelling, in the order learnt', () => {
    const known = redactor.knownSecrets();
    expect(known.slice(0, 2)).toEqual([secrets[0], secrets[1]]);
    expect(known).toContain(JSON.stringify(quoted).slice(1, -1));
    expect(known).toContain(encodeURIComponent(quoted));
    expect(redactor.registeredSince(known.length - 1)).toEqual([[known.at(-1), '<quoted>']]);
  });
});

describe('TrafficRedactor with secrets learnt as it goes', () => {
  it('redacts an entry with the secret learnt from its own answer, and every later one', () => {
    const traffic = new TrafficRedactor(new SecretRedactor(), { pseudonymizeBearers: true });
    const learnt: string[] = [];
    for (let i = 0; i < 500; i++) {
      const secret = `learnt/secret-${i}-"quoted"`;
      learnt.push(secret);
      // What the recorder does: the answer is learnt from before its entry is redacted.
      traffic.learnSecrets(JSON.stringify({ secret, accessTokenId: `id-${i}` }));
      expect(traffic.text(`${JSON.stringify({ echo: secret })} ${encodeURIComponent(secret)}`)).toBe(
        '{"echo":"<token-secret>"} <token-secret>',
      );
    }
    expect(traffic.text(learnt.join(' '))).toBe(learnt.map(() => '<token-secret>').join(' '));
    const bytes = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(learnt[7]!), Buffer.from([0xfe])]);
    expect(traffic.bytes(bytes)).toEqual(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from('<token-secret>'), Buffer.from([0xfe])]));
  });
});

describe('SecretIndex', () => {
  it('finds the leftmost, then longest, needle; short needles too', () => {
    const index = new SecretIndex<string>();
    index.add('ab', 'S');
    index.add('abcdef', 'L');
    index.add('bcde', 'M');
    expect(index.replace('xxabcdefxxabxbcdex', (v) => `<${v}>`)).toBe('xx<L>xx<S>x<M>x');
    expect(index.find('zzbcdeab')).toEqual({ at: 2, needle: 'bcde', value: 'M' });
    expect(index.find('nothing here')).toBeUndefined();
  });

  it('finds what looking at every position finds, however the needles are added (moving windows on past most positions)', () => {
    /** Leftmost, then longest, matches, never overlapping: every position looked at. */
    const everyPosition = (text: string, needles: string[]): string => {
      const longestFirst = [...new Set(needles)].sort((a, b) => b.length - a.length);
      let out = '';
      for (let at = 0; at < text.length; ) {
        const needle = longestFirst.find((n) => text.startsWith(n, at));
        out += needle === undefined ? text[at] : `<${needle}>`;
        at += needle === undefined ? 1 : needle.length;
      }
      return out;
    };
    // Few characters, so that needles overlap, repeat and share grams; `é` and `"` as in secrets' spellings.
    const char = fc.constantFrom('a', 'b', 'c', 'd', '"', '%', 'é');
    const needle = fc.string({ unit: char, minLength: 4, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(needle, { minLength: 1, maxLength: 8 }),
        fc.array(fc.oneof(char, fc.nat(7)), { maxLength: 60 }),
        fc.nat(8),
        (needles, parts, searchedAfter) => {
          // Texts made of needles and stray characters; some searches before every needle is known.
          const text = parts.map((p) => (typeof p === 'number' ? (needles[p % needles.length] ?? '') : p)).join('');
          const index = new SecretIndex<string>();
          needles.forEach((n, i) => {
            index.add(n, n);
            if (i === searchedAfter) expect(index.replace(text, (v) => `<${v}>`)).toBe(everyPosition(text, needles.slice(0, i + 1)));
          });
          expect(index.replace(text, (v) => `<${v}>`)).toBe(everyPosition(text, needles));
          let firstAt: number | undefined;
          for (let at = text.length - 1; at >= 0; at--) if (needles.some((n) => text.startsWith(n, at))) firstAt = at;
          expect(index.find(text)?.at).toBe(firstAt);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('keeps the first value of a needle added twice', () => {
    const index = new SecretIndex<number>();
    index.add('needle', 1);
    index.add('needle', 2);
    expect(index.find('a needle')?.value).toBe(1);
  });
});

describe('SecretScanner', () => {
  it('finds a secret in any of its forms, and one that straddles two chunks of a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patc-scan-'));
    try {
      const secrets = [...manySecrets(), 'straddling-secret-0123456789'];
      const scanner = new SecretScanner(secrets);
      const file = join(dir, 'recording.har');
      // The secret starts 10 bytes before the end of the third chunk read.
      await writeFile(
        file,
        Buffer.concat([Buffer.alloc(3 * scanChunkBytes - 10, 'a'), Buffer.from('straddling-secret-0123456789'), Buffer.alloc(100, 'b')]),
      );
      expect(await scanner.scanFile(file)).toBe(secrets.length - 1);
      await writeFile(file, Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 'a')]));
      expect(await scanner.scanFile(file)).toBeUndefined();
      await writeFile(file, `{"text":"${JSON.stringify(JSON.stringify(secrets[5])).slice(1, -1)}"}`);
      expect(await scanner.scanFile(file)).toBe(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
