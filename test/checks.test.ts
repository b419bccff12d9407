// The building blocks of verdicts, on exchanges made by hand: error-name reading, shape rules
// and redaction. (Scenario-level behaviour is tested through the CLI elsewhere.)
import { describe, expect, it } from 'vitest';
import { sanitizeErrorName, readErrorName } from '../src/checks/error-name.js';
import { judgeShape } from '../src/checks/response-shape.js';
import type { Exchange } from '../src/transport/exchange.js';
import { SecretRedactor } from '../src/secrets/registry.js';
import { encodeLabel } from '../src/contract/paths.js';

function exchange(
  method: Exchange['request']['method'],
  path: string,
  status: number,
  headers: Record<string, string>,
  body: string,
): Exchange {
  return {
    request: { method, path, headers: {} },
    response: { status, headers, body, bodyBytes: Buffer.byteLength(body), truncated: false },
    startedAt: 0,
    durationMs: 1,
  };
}

describe('error names are read as clients read them', () => {
  it.each([
    ['AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.codecatalyst/', 'AccessDeniedException'],
    ['com.amazonaws.codecatalyst#ConflictException', 'ConflictException'],
    ['com.amazonaws.codecatalyst#ConflictException:http://x', 'ConflictException'],
    [' ThrottlingException ', 'ThrottlingException'],
  ])('%s', (raw, name) => expect(sanitizeErrorName(raw)).toBe(name));

  it('falls back to __type and code in the body when the header is missing', () => {
    expect(readErrorName({}, { __type: 'x#ValidationException' })).toEqual({ name: 'ValidationException', from: 'body.__type' });
    expect(readErrorName({}, { code: 'ResourceNotFoundException' })).toEqual({ name: 'ResourceNotFoundException', from: 'body.code' });
    expect(readErrorName({}, {})).toEqual({});
  });
});

describe('shape rules', () => {
  const del = '/v1/accessTokens/abc';
  it('accepts the two conformant delete bodies', () => {
    expect(judgeShape(exchange('DELETE', del, 200, {}, ''), 'DeleteAccessToken')).toEqual([]);
    expect(judgeShape(exchange('DELETE', del, 200, { 'content-type': 'application/json' }, '{}'), 'DeleteAccessToken')).toEqual([]);
  });
  it.each(['{"deleted":true}', 'null', 'ok', '[]'])('rejects a delete body of %s', (body) => {
    const findings = judgeShape(exchange('DELETE', del, 200, {}, body), 'DeleteAccessToken');
    expect(findings.map((f) => f.rule)).toEqual(['a successful delete has a zero-byte body or {}']);
  });
  it('accepts a well-formed error, with suffixed and namespaced names', () => {
    for (const name of ['ResourceNotFoundException', 'ResourceNotFoundException:http://x', 'ns#ResourceNotFoundException']) {
      expect(judgeShape(exchange('DELETE', del, 404, { 'x-amzn-errortype': name }, '{"message":"no"}'), 'DeleteAccessToken')).toEqual([]);
    }
    expect(
      judgeShape(exchange('DELETE', del, 400, { 'x-amzn-errortype': 'ValidationException' }, '{"Message":"bad"}'), 'DeleteAccessToken'),
    ).toEqual([]);
  });
  it('names each defect of an error', () => {
    const rules = (status: number, headers: Record<string, string>, body: string) =>
      judgeShape(exchange('DELETE', del, status, headers, body), 'DeleteAccessToken').map((f) => f.rule);
    expect(rules(404, {}, '{"message":"x"}')).toEqual(['every error names itself in the x-amzn-errortype header']);
    expect(rules(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }, 'not found')).toEqual([
      'every error body is a JSON object with a string message',
    ]);
    expect(rules(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }, '{"message":3}')).toEqual([
      'every error body is a JSON object with a string message',
    ]);
    expect(rules(400, { 'x-amzn-errortype': 'ResourceNotFoundException' }, '{"message":"x"}')).toEqual([
      'an error name from the table comes with its status',
    ]);
    expect(rules(429, { 'x-amzn-errortype': 'TooManyRequests' }, '{"message":"x"}')).toEqual(['a 429 is a ThrottlingException']);
  });
  it('accepts names outside the table with any status (scenario rules decide those)', () => {
    expect(
      judgeShape(exchange('DELETE', del, 401, { 'x-amzn-errortype': 'UnauthorizedException' }, '{"message":"x"}'), 'DeleteAccessToken'),
    ).toEqual([]);
  });
  it('accepts a missing, null or empty nextToken on the last page, as the SDKs do (contract §2.2)', () => {
    const list = (body: unknown) => judgeShape(exchange('POST', '/v1/accessTokens', 200, {}, JSON.stringify(body)), 'ListAccessTokens');
    expect(list({ items: [] })).toEqual([]);
    expect(list({ items: [], nextToken: null })).toEqual([]);
    expect(list({ items: [], nextToken: '' })).toEqual([]);
    expect(list({ items: [], nextToken: 7 }).map((f) => f.rule)).toEqual(["every success body matches its operation's schema"]);
  });

  it('checks success bodies against their schema, lengths in code points', () => {
    const ok = { secret: 's', name: 'n', accessTokenId: '\u{1F511}'.repeat(36), expiresTime: '2030-01-02T03:04:05Z' };
    expect(judgeShape(exchange('PUT', '/v1/accessTokens', 201, {}, JSON.stringify(ok)), 'CreateAccessToken')).toEqual([]);
    const long = { ...ok, accessTokenId: 'a'.repeat(37) };
    const [finding] = judgeShape(exchange('PUT', '/v1/accessTokens', 201, {}, JSON.stringify(long)), 'CreateAccessToken');
    expect(finding?.schemaFailure?.schemaPath).toBe('CreateAccessTokenResponse#/properties/accessTokenId/maxLength');
    expect(finding?.schemaFailure?.instancePath).toBe('/accessTokenId');
  });
});

describe('redaction', () => {
  it('replaces registered secrets everywhere, and any secret member whatever its value', () => {
    const r = new SecretRedactor();
    r.add('owner-bearer-123456', '<identity-1>');
    expect(r.headers({ authorization: 'Bearer owner-bearer-123456' })).toEqual({ authorization: 'Bearer <identity-1>' });
    expect(r.headers({ authorization: 'Bearer never-registered' })).toEqual({ authorization: 'Bearer <redacted>' });
    expect(r.text('{"secret":"abc\\"def","name":"x"}')).toBe('{"secret":"<redacted:secret>","name":"x"}');
    expect(r.text('echo owner-bearer-123456 back')).toBe('echo <identity-1> back');
  });
});

describe('redaction of echoed and short secrets', () => {
  it('catches a secret echoed JSON-escaped or percent-encoded, and a bearer of any length', () => {
    const r = new SecretRedactor();
    r.add('se"cr\\et/+=value', '<token-secret>');
    r.add('ab', '<identity-2>');
    const echoed = JSON.stringify({ message: 'bad token se"cr\\et/+=value' });
    expect(r.text(echoed)).toBe('{"message":"bad token <token-secret>"}');
    expect(r.text(`/x?t=${encodeURIComponent('se"cr\\et/+=value')}`)).toBe('/x?t=<token-secret>');
    expect(r.headers({ authorization: 'Bearer ab' })).toEqual({ authorization: 'Bearer <identity-2>' });
    // A short secret is not hunted in free text, where it would match ordinary words.
    expect(r.text('about')).toBe('about');
  });
});

describe('label encoding', () => {
  it('encodes everything outside the unreserved set', () => {
    expect(encodeLabel("a/b?c#d%e f!'()*~._-")).toBe('a%2Fb%3Fc%23d%25e%20f%21%27%28%29%2A~._-');
  });
});
