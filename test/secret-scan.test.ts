// The last line of defence of recordings: after redaction, every written byte is scanned for
// every known secret in every spelling, and a finding names the file and which secret (never
// the secret itself). Redaction covers every place the project knows of (header names
// included), so no real target reaches this scan through the CLI any more; it is held to its
// contract here, directly.
import { describe, expect, it } from 'vitest';
import { scanForSecrets } from '../src/secrets/recording-redaction.js';
import { SecretRedactor } from '../src/secrets/registry.js';

const secret = 'bearer-with/slash+plus"quote';

describe('scanForSecrets', () => {
  it('finds a secret raw, JSON-escaped, percent-encoded, and JSON-escaped once more inside a HAR string', () => {
    const spellings = [
      secret,
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret),
      JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
    ];
    for (const spelling of spellings) {
      const found = scanForSecrets([{ path: 'a.har', data: Buffer.from(`{"x":"${spelling}"}`) }], ['other-secret', secret]);
      expect(found, spelling).toEqual({ path: 'a.har', secretIndex: 1 });
    }
  });

  it('names the first file that holds one, and finds nothing in clean files', () => {
    const files = [
      { path: 'clean.har', data: Buffer.from('{"authorization":"Bearer <identity-1>"}') },
      { path: 'leaky.har', data: Buffer.from(`{"x-echo":"${secret}"}`) },
    ];
    expect(scanForSecrets(files, [secret])).toEqual({ path: 'leaky.har', secretIndex: 0 });
    expect(scanForSecrets(files.slice(0, 1), [secret])).toBeUndefined();
    expect(scanForSecrets(files, [])).toBeUndefined();
  });
});

describe('SecretRedactor', () => {
  it('redacts header names as well as values', () => {
    const redactor = new SecretRedactor();
    redactor.add('test-owner-token-0123456789', '<identity-1>');
    expect(redactor.headers({ 'x-echo-test-owner-token-0123456789': 'test-owner-token-0123456789' })).toEqual({
      'x-echo-<identity-1>': '<identity-1>',
    });
  });
});
