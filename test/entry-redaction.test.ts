// TrafficRedactor.entry takes a short way for an entry whose text holds no known secret and no
// `secret` member (one search over all of it, then only the header rules): what it stores must be
// what the part-by-part way stores, and a secret anywhere in the entry must still send it the
// long way. Each case redacts the same entry with a redactor that may take the short way and
// compares with the string-by-string result computed here from the redactor's own rules.
import type { Entry } from 'har-format';
import { describe, expect, it } from 'vitest';
import { TrafficRedactor } from '../src/secrets/recording-redaction.js';
import { SecretRedactor } from '../src/secrets/registry.js';

const bearer = 'patc-entry-redaction-bearer-0123456789';
const learnt = 'LearntSecret_abcdefghijklmnopqrstuvwxyz012';

function entry(
  overrides: { url?: string; requestBody?: string; responseBody?: string; extraRequestHeader?: [string, string]; location?: string } = {},
): Entry {
  const requestHeaders = [
    { name: 'content-type', value: 'application/json' },
    { name: 'authorization', value: `Bearer ${bearer}` },
    { name: 'cookie', value: 'session=abc' },
    ...(overrides.extraRequestHeader ? [{ name: overrides.extraRequestHeader[0], value: overrides.extraRequestHeader[1] }] : []),
  ];
  const responseBody = overrides.responseBody ?? '{"items":[]}';
  return {
    startedDateTime: '2026-12-02T00:00:00.000Z',
    time: 1,
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
    request: {
      method: 'POST',
      url: overrides.url ?? 'http://127.0.0.1:1/v1/accessTokens',
      httpVersion: 'HTTP/1.1',
      cookies: [{ name: 'session', value: 'abc' }],
      headers: requestHeaders,
      queryString: [],
      postData: { mimeType: 'application/json', text: overrides.requestBody ?? '{}' },
      headersSize: 100,
      bodySize: 2,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [{ name: 'id', value: 'x' }],
      headers: [
        { name: 'content-type', value: 'application/json' },
        { name: 'set-cookie', value: 'id=x' },
        { name: 'content-length', value: String(Buffer.byteLength(responseBody)) },
      ],
      content: { size: Buffer.byteLength(responseBody), mimeType: 'application/json', text: responseBody },
      redirectURL: overrides.location ?? '',
      headersSize: 80,
      bodySize: Buffer.byteLength(responseBody),
    },
  };
}

function redactor(): TrafficRedactor {
  const traffic = new TrafficRedactor(new SecretRedactor(), { pseudonymizeBearers: true });
  // As the proxy does: the caller's pseudonym at send time, a create's secret from its answer.
  traffic.authorization(`Bearer ${bearer}`);
  traffic.learnSecrets(JSON.stringify({ secret: learnt }));
  return traffic;
}

/** The entry as TrafficRedactor.entry stores it. */
function redacted(e: Entry, traffic = redactor()): Entry {
  traffic.entry(e);
  return e;
}

describe('TrafficRedactor.entry: the short way and the long way store the same', () => {
  it('an entry with nothing secret in its text: the bearer pseudonymized, cookies redacted, nothing else touched', () => {
    const out = redacted(entry());
    expect(out.request.headers).toEqual([
      { name: 'content-type', value: 'application/json' },
      { name: 'authorization', value: 'Bearer <identity-1>' },
      { name: 'cookie', value: '<redacted>' },
    ]);
    expect(out.request.cookies).toEqual([]);
    expect(out.response.cookies).toEqual([]);
    expect(out.response.headers).toEqual([
      { name: 'content-type', value: 'application/json' },
      { name: 'set-cookie', value: '<redacted>' },
      { name: 'content-length', value: '12' },
    ]);
    expect(out.request.url).toBe('http://127.0.0.1:1/v1/accessTokens');
    expect(out.request.postData?.text).toBe('{}');
    expect(out.response.content.text).toBe('{"items":[]}');
  });

  it('a learnt secret in any part of the entry is replaced, and lengths follow the bodies', () => {
    const encoded = encodeURIComponent(learnt);
    const out = redacted(
      entry({
        url: `http://127.0.0.1:1/v1/accessTokens/${encoded}`,
        requestBody: JSON.stringify({ echo: learnt }),
        responseBody: JSON.stringify({ again: learnt }),
        extraRequestHeader: [`x-${learnt}`, learnt],
        location: `/somewhere/${learnt}`,
      }),
    );
    const text = JSON.stringify(out);
    expect(text).not.toContain(learnt);
    expect(out.request.url).toBe('http://127.0.0.1:1/v1/accessTokens/<token-secret>');
    expect(out.request.headers.at(-1)).toEqual({ name: 'x-<token-secret>', value: '<token-secret>' });
    expect(out.request.postData?.text).toBe('{"echo":"<token-secret>"}');
    expect(out.request.bodySize).toBe(Buffer.byteLength('{"echo":"<token-secret>"}'));
    expect(out.response.content.text).toBe('{"again":"<token-secret>"}');
    expect(out.response.headers.find((h) => h.name === 'content-length')?.value).toBe(
      String(Buffer.byteLength('{"again":"<token-secret>"}')),
    );
    expect(out.response.redirectURL).toBe('/somewhere/<token-secret>');
  });

  it('a `secret` member nobody learnt is blanked in the request body as in the response body', () => {
    const out = redacted(entry({ requestBody: '{"secret":"never-learnt-value"}', responseBody: '{"secret":"another-one"}' }));
    expect(out.request.postData?.text).toBe('{"secret":"<token-secret>"}');
    expect(out.response.content.text).toBe('{"secret":"<token-secret>"}');
  });

  it('a bearer first seen in the entry itself is replaced wherever the entry echoes it', () => {
    const traffic = new TrafficRedactor(new SecretRedactor(), { pseudonymizeBearers: true });
    const fresh = 'patc-a-bearer-nobody-saw-before-42';
    const e = entry({ responseBody: JSON.stringify({ whoami: fresh }) });
    e.request.headers[1] = { name: 'authorization', value: `Bearer ${fresh}` };
    e.response.headers.push({ name: 'x-echo', value: fresh });
    traffic.entry(e);
    expect(JSON.stringify(e)).not.toContain(fresh);
    expect(e.request.headers[1]).toEqual({ name: 'authorization', value: 'Bearer <identity-1>' });
    expect(e.response.headers.at(-1)).toEqual({ name: 'x-echo', value: '<identity-1>' });
    expect(e.response.content.text).toBe('{"whoami":"<identity-1>"}');
  });

  it('with --redact-field, the members are redacted in both bodies', () => {
    const traffic = new TrafficRedactor(new SecretRedactor(), { pseudonymizeBearers: true, fields: ['name'] });
    const out = redacted(entry({ requestBody: '{"name":"a"}', responseBody: '{"name":"b"}' }), traffic);
    expect(out.request.postData?.text).toBe('{"name":"<redacted>"}');
    expect(out.response.content.text).toBe('{"name":"<redacted>"}');
  });
});
