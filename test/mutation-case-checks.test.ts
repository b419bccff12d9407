// How one case's checks turn exchanges into results (src/checks/case-checks.ts) and failed
// exchanges into evidence (src/checks/evidence.ts), on exchanges made by hand. Found missing by
// mutation testing (npm run mutation): the CLI tests see these only through whole runs.
import { describe, expect, it } from 'vitest';
import { CaseChecks, describe as describeExchange } from '../src/checks/case-checks.js';
import { evidenceBodyLimit, toEvidence } from '../src/checks/evidence.js';
import { shapeRules } from '../src/checks/response-shape.js';
import type { Exchange } from '../src/transport/exchange.js';
import { cite } from '../src/contract/sections.js';
import { SecretRedactor } from '../src/secrets/registry.js';

function answered(status: number, headers: Record<string, string> = {}, body = '', startedAt = 0): Exchange {
  return {
    request: { method: 'DELETE', path: '/v1/accessTokens/abc', headers: { authorization: 'Bearer owner-bearer-1' } },
    response: { status, headers, body, bodyBytes: Buffer.byteLength(body), truncated: false },
    startedAt,
    durationMs: 5,
  };
}

function unanswered(kind: 'timeout' | 'reset' = 'timeout', startedAt = 0): Exchange {
  return {
    request: { method: 'DELETE', path: '/v1/accessTokens/abc', headers: {} },
    transportError: { kind, message: 'gave up' },
    startedAt,
    durationMs: 100,
  };
}

const notFound = () => answered(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }, '{"message":"no such token"}');
const rule = { rule: 'the delete answers as it must', source: cite('5.1') };

function checks(level: 'must' | 'should' = 'must'): CaseChecks {
  const redactor = new SecretRedactor();
  redactor.add('owner-bearer-1', '<identity-1>');
  return new CaseChecks(level, redactor);
}

describe('status checks', () => {
  it('passes an allowed status and fails any other, with evidence only for the failure', () => {
    const c = checks();
    expect(c.status(answered(204), [200, 204], rule)).toBe(true);
    expect(c.status(notFound(), [200, 204], rule)).toBe(false);
    expect(c.results).toEqual([
      { rule: rule.rule, source: rule.source, level: 'must', passed: true, message: 'answered 204 (0 bytes)' },
      {
        rule: rule.rule,
        source: rule.source,
        level: 'must',
        passed: false,
        message: 'expected 200 or 204, got 404 ResourceNotFoundException',
        evidence: expect.objectContaining({ response: expect.objectContaining({ status: 404 }) }),
      },
    ]);
  });

  it('fails a step that got no answer, whatever is allowed', () => {
    const c = checks();
    expect(c.status(unanswered(), [200], rule, 'a 200')).toBe(false);
    expect(c.results[0]).toMatchObject({
      passed: false,
      message: 'expected a 200, got no answer (timeout: gave up)',
      evidence: { transportError: 'timeout: gave up' },
    });
  });
});

describe('error checks', () => {
  it('passes only the named error with its own status', () => {
    const c = checks();
    expect(c.error(notFound(), ['ResourceNotFoundException'], rule)).toBe(true);
    // The right name with another status, and the right status with another name, both fail.
    expect(
      c.error(answered(400, { 'x-amzn-errortype': 'ResourceNotFoundException' }, '{"message":"x"}'), ['ResourceNotFoundException'], rule),
    ).toBe(false);
    expect(c.error(answered(404, { 'x-amzn-errortype': 'NotFound' }, '{"message":"x"}'), ['ResourceNotFoundException'], rule)).toBe(false);
    expect(c.error(unanswered(), ['ResourceNotFoundException'], rule)).toBe(false);
    expect(c.results.map((r) => r.message)).toEqual([
      'answered 404 ResourceNotFoundException',
      'expected 404 ResourceNotFoundException, got 400 ResourceNotFoundException',
      'expected 404 ResourceNotFoundException, got 404 NotFound',
      'expected 404 ResourceNotFoundException, got no answer (timeout: gave up)',
    ]);
  });

  it('passes any one of several allowed errors', () => {
    const c = checks();
    const allowed = ['AccessDeniedException', 'ResourceNotFoundException'] as const;
    expect(c.error(notFound(), allowed, rule)).toBe(true);
    expect(c.error(answered(403, { 'x-amzn-errortype': 'AccessDeniedException' }, '{"message":"x"}'), allowed, rule)).toBe(true);
    expect(c.error(answered(200), allowed, rule)).toBe(false);
    expect(c.results.at(-1)?.message).toBe('expected 403 AccessDeniedException or 404 ResourceNotFoundException, got 200 (0 bytes)');
  });
});

describe('recorded results', () => {
  it('take the case level unless the rule names its own', () => {
    const c = checks('should');
    c.record(rule, false, 'x');
    c.record({ ...rule, level: 'must' }, false, 'y');
    expect(c.results.map((r) => r.level)).toEqual(['should', 'must']);
  });

  it('carry evidence only when the rule failed and there is an exchange, with the schema location', () => {
    const c = checks();
    c.record(rule, true, 'fine', notFound());
    c.record(rule, false, 'no exchange');
    c.record(rule, false, 'bad', notFound(), { schema: 'Error', schemaPath: 'ErrorResponse#/type', instancePath: '/', message: 'm' });
    expect(c.results[0]).not.toHaveProperty('evidence');
    expect(c.results[1]).not.toHaveProperty('evidence');
    expect(c.results[2]?.evidence).toMatchObject({ schemaPath: 'ErrorResponse#/type', instancePath: '/' });
  });
});

describe('shape checks of a case', () => {
  it('record nothing when the case saw no answer at all', () => {
    const c = checks();
    c.observe(unanswered());
    c.finishShapeChecks();
    expect(c.results).toEqual([]);
  });

  it('record one pass, at must level, counting the answers seen', () => {
    const c = checks('should');
    c.observe(answered(200));
    c.observe(unanswered());
    c.observe(notFound());
    c.finishShapeChecks();
    expect(c.results).toEqual([
      { rule: 'every response of the case is well-formed', source: cite('7'), level: 'must', passed: true, message: '2 responses checked' },
    ]);
  });

  it('record each distinct defect once, counted, with the first exchange as evidence', () => {
    const c = checks('should');
    const first = answered(404, {}, '{"message":"a"}', 1);
    c.observe(first);
    c.observe(answered(404, {}, '{"message":"b"}', 2));
    c.observe(answered(403, {}, '{"message":"c"}', 3));
    c.observe(answered(204));
    c.finishShapeChecks();
    expect(c.results.map(({ rule: r, level, passed, message }) => ({ r, level, passed, message }))).toEqual([
      { r: shapeRules.errorHeader, level: 'must', passed: false, message: 'a 404 came without x-amzn-errortype (2 responses)' },
      { r: shapeRules.errorHeader, level: 'must', passed: false, message: 'a 403 came without x-amzn-errortype' },
    ]);
    expect(c.results[0]?.source).toBe(cite('3.3'));
    expect(c.results[0]?.evidence?.response?.body).toBe('{"message":"a"}');
  });

  it('carry the schema location of a body defect into the evidence', () => {
    const c = checks();
    c.observe(answered(200, {}, '{"deleted":true}'));
    c.finishShapeChecks();
    expect(c.results[0]).toMatchObject({
      rule: shapeRules.deleteBody,
      passed: false,
      evidence: { schemaPath: 'DeleteAccessTokenResponse#/maxProperties', instancePath: '/' },
    });
  });
});

describe('timelines', () => {
  it('time each request from the first one issued, with its status or transport error', () => {
    const c = checks();
    const odd: Exchange = { ...unanswered(), transportError: undefined, startedAt: 1030 };
    c.timeline([answered(429, {}, '', 1010), answered(204, {}, '', 1000), unanswered('reset', 1020), odd]);
    expect(c.timelineData).toEqual([
      { atMs: 10, durationMs: 5, outcome: '429' },
      { atMs: 0, durationMs: 5, outcome: '204' },
      { atMs: 20, durationMs: 100, outcome: 'reset' },
      { atMs: 30, durationMs: 100, outcome: 'other' },
    ]);
  });

  it('are absent until a case hands one over', () => {
    expect(checks().timelineData).toBeUndefined();
  });
});

describe('describing an answer', () => {
  it('names errors from 300 up and counts the bytes of a success', () => {
    expect(describeExchange(answered(200, {}, '{}'))).toBe('200 (2 bytes)');
    expect(describeExchange(answered(299, { 'x-amzn-errortype': 'X' }))).toBe('299 (0 bytes)');
    expect(describeExchange(answered(300, { 'x-amzn-errortype': 'X' }))).toBe('300 X');
    expect(describeExchange(answered(500))).toBe('500 (unnamed error)');
    expect(describeExchange(unanswered('reset'))).toBe('no answer (reset: gave up)');
  });
});

describe('evidence', () => {
  it('redacts the request and the response, and keeps the transport error', () => {
    const redactor = new SecretRedactor();
    redactor.add('owner-bearer-1', '<identity-1>');
    const exchange: Exchange = {
      request: {
        method: 'PUT',
        path: '/v1/accessTokens?x=owner-bearer-1',
        headers: { authorization: 'Bearer owner-bearer-1' },
        body: '{"name":"owner-bearer-1"}',
      },
      response: {
        status: 201,
        headers: { 'x-echo': 'owner-bearer-1' },
        body: '{"secret":"s3cr3t-value"}',
        bodyBytes: 25,
        truncated: false,
      },
      transportError: { kind: 'reset', message: 'after the headers' },
      startedAt: 0,
      durationMs: 1,
    };
    expect(toEvidence(exchange, redactor)).toEqual({
      request: {
        method: 'PUT',
        path: '/v1/accessTokens?x=<identity-1>',
        headers: { authorization: 'Bearer <identity-1>' },
        body: '{"name":"<identity-1>"}',
      },
      response: { status: 201, headers: { 'x-echo': '<identity-1>' }, body: '{"secret":"<redacted:secret>"}', truncated: false },
      transportError: 'reset: after the headers',
    });
  });

  it('leaves out what the exchange does not have', () => {
    const evidence = toEvidence(unanswered(), new SecretRedactor());
    expect(evidence).toEqual({
      request: { method: 'DELETE', path: '/v1/accessTokens/abc', headers: {} },
      transportError: 'timeout: gave up',
    });
  });

  it('cuts long paths and bodies, and marks a response body as cut when either side cut it', () => {
    const long = 'x'.repeat(evidenceBodyLimit + 1);
    const exchange: Exchange = {
      request: { method: 'PUT', path: `/${'p'.repeat(400)}`, headers: {}, body: long },
      response: { status: 400, headers: {}, body: long, bodyBytes: long.length, truncated: false },
      startedAt: 0,
      durationMs: 1,
    };
    const evidence = toEvidence(exchange, new SecretRedactor());
    expect(evidence.request.path).toHaveLength(300);
    expect(evidence.request.body).toHaveLength(evidenceBodyLimit);
    expect(evidence.response).toMatchObject({ truncated: true });
    expect(evidence.response?.body).toHaveLength(evidenceBodyLimit);

    const exact = 'y'.repeat(evidenceBodyLimit);
    const fits = toEvidence(
      { ...exchange, request: { ...exchange.request, path: '/'.repeat(300) }, response: { ...exchange.response!, body: exact } },
      new SecretRedactor(),
    );
    expect(fits.request.path).toHaveLength(300);
    expect(fits.response).toMatchObject({ body: exact, truncated: false });
    const clientCut = toEvidence(
      { ...exchange, response: { ...exchange.response!, body: 'short', truncated: true } },
      new SecretRedactor(),
    );
    expect(clientCut.response).toMatchObject({ body: 'short', truncated: true });
  });
});
