// Edges of the shape rules and of reading a response, found by mutation testing (npm run mutation):
// what is read as an error name, what counts as a JSON body, which statuses are judged as
// success bodies, and what each finding says and cites. On exchanges made by hand.
import { describe, expect, it } from 'vitest';
import { readErrorName, sanitizeErrorName } from '../src/checks/error-name.js';
import { isThrottled, readResponse, retryAfterMs } from '../src/checks/response-reading.js';
import { judgeShape, shapeRules } from '../src/checks/response-shape.js';
import { validateBody } from '../src/checks/body-validation.js';
import type { Exchange } from '../src/transport/exchange.js';
import { cite } from '../src/contract/sections.js';

function exchange(status: number, headers: Record<string, string>, body: string, truncated = false): Exchange {
  return {
    request: { method: 'DELETE', path: '/v1/accessTokens/abc', headers: {} },
    response: { status, headers, body, bodyBytes: Buffer.byteLength(body), truncated },
    startedAt: 0,
    durationMs: 1,
  };
}

const noAnswer: Exchange = {
  request: { method: 'DELETE', path: '/v1/accessTokens/abc', headers: {} },
  transportError: { kind: 'timeout', message: 'no answer within 100 ms' },
  startedAt: 0,
  durationMs: 100,
};

describe('error names at their edges', () => {
  it('drops a suffix even after a space, and a namespace however short', () => {
    expect(sanitizeErrorName('AccessDeniedException :http://x')).toBe('AccessDeniedException');
    expect(sanitizeErrorName('ns# ConflictException')).toBe('ConflictException');
    expect(sanitizeErrorName('#ConflictException')).toBe('ConflictException');
  });

  it('reads nothing from a header that is only a suffix', () => {
    expect(sanitizeErrorName(':http://internal')).toBe('');
  });

  it('says the name came from the header when it did', () => {
    expect(readErrorName({ 'x-amzn-errortype': 'ConflictException' }, { __type: 'ThrottlingException' })).toEqual({
      name: 'ConflictException',
      from: 'header',
    });
  });

  it('falls back to the body when the header is empty or blank', () => {
    expect(readErrorName({ 'x-amzn-errortype': '' }, { __type: 'ValidationException' })).toEqual({
      name: 'ValidationException',
      from: 'body.__type',
    });
    expect(readErrorName({ 'x-amzn-errortype': '  ' }, { code: 'ConflictException' })).toEqual({
      name: 'ConflictException',
      from: 'body.code',
    });
  });

  it('reads no name from a body that is null or not an object', () => {
    expect(readErrorName({}, null)).toEqual({});
    expect(readErrorName({}, 'ValidationException')).toEqual({});
    expect(readErrorName({}, { __type: 7, code: false })).toEqual({});
  });
});

describe('reading a response', () => {
  it('reads an exchange without an answer as empty, not JSON, with no status', () => {
    expect(readResponse(noAnswer)).toEqual({ empty: true, isJson: false });
  });

  it('does not call an empty or a non-JSON body JSON', () => {
    expect(readResponse(exchange(200, {}, ''))).toMatchObject({ status: 200, empty: true, isJson: false, json: undefined });
    expect(readResponse(exchange(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }, 'not found'))).toMatchObject({
      empty: false,
      isJson: false,
      json: undefined,
    });
    expect(readResponse(exchange(200, {}, '{"a":1}'))).toMatchObject({ empty: false, isJson: true, json: { a: 1 } });
  });

  it('does not parse a body the client stopped reading, even when the part read parses', () => {
    const reading = readResponse(exchange(400, { 'x-amzn-errortype': 'ValidationException' }, '{"message":"x"}', true));
    expect(reading.isJson).toBe(false);
    expect(reading.json).toBeUndefined();
  });

  it('reads an error name from 300 up, never from a success', () => {
    const header = { 'x-amzn-errortype': 'ConflictException' };
    expect(readResponse(exchange(200, header, '{}')).errorName).toBeUndefined();
    expect(readResponse(exchange(299, header, '{}')).errorName).toBeUndefined();
    expect(readResponse(exchange(300, header, '{}'))).toMatchObject({ errorName: 'ConflictException', errorNameFrom: 'header' });
  });

  it('sees a 429 as throttled, and nothing else', () => {
    expect(isThrottled(exchange(429, {}, ''))).toBe(true);
    expect(isThrottled(exchange(503, {}, ''))).toBe(false);
    expect(isThrottled(noAnswer)).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores what is neither', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const waitFor = (value?: string) => retryAfterMs(exchange(429, value === undefined ? {} : { 'retry-after': value }, ''), now);
    expect(waitFor()).toBeUndefined();
    expect(waitFor('')).toBeUndefined();
    expect(waitFor('2')).toBe(2000);
    expect(waitFor('0')).toBe(0);
    expect(waitFor('0.5')).toBe(500);
    expect(waitFor('Tue, 01 Jan 2030 00:00:03 GMT')).toBe(3000);
    expect(waitFor('Mon, 31 Dec 2029 23:59:00 GMT')).toBe(0); // a date in the past: no wait
    expect(waitFor('-1')).toBe(0); // not seconds (negative); read as a date, it is long past
    expect(waitFor('soon')).toBeUndefined();
    expect(retryAfterMs(noAnswer, now)).toBeUndefined();
  });
});

describe('shape rules at their edges', () => {
  const named = (name: string) => ({ 'x-amzn-errortype': name });

  it('judges nothing on an exchange without an answer', () => {
    expect(judgeShape(noAnswer, 'DeleteAccessToken')).toEqual([]);
  });

  it('accepts a well-formed 429 ThrottlingException', () => {
    expect(judgeShape(exchange(429, named('ThrottlingException'), '{"message":"slow down"}'), 'DeleteAccessToken')).toEqual([]);
  });

  it('says what is wrong with each error, and cites the errors section', () => {
    const errors = cite('3.3');
    expect(judgeShape(exchange(404, {}, '{"message":"x","__type":"ResourceNotFoundException"}'), 'DeleteAccessToken')).toEqual([
      {
        rule: shapeRules.errorHeader,
        source: errors,
        message: 'a 404 came without x-amzn-errortype (body names ResourceNotFoundException)',
      },
    ]);
    expect(judgeShape(exchange(403, { 'content-type': 'text/html' }, '<h1>no</h1>'), 'DeleteAccessToken')).toEqual([
      { rule: shapeRules.errorHeader, source: errors, message: 'a 403 came without x-amzn-errortype' },
      { rule: shapeRules.errorJson, source: errors, message: 'the 403 error body is not JSON (content-type text/html)' },
    ]);
    expect(judgeShape(exchange(403, named('AccessDeniedException'), 'denied'), 'DeleteAccessToken')).toEqual([
      { rule: shapeRules.errorJson, source: errors, message: 'the 403 error body is not JSON (content-type none)' },
    ]);
    expect(judgeShape(exchange(403, named('AccessDeniedException'), '{"message":"x"}', true), 'DeleteAccessToken')).toEqual([
      { rule: shapeRules.errorJson, source: errors, message: 'the 403 error body is larger than the client reads' },
    ]);
    expect(judgeShape(exchange(400, named('ResourceNotFoundException'), '{"message":"x"}'), 'DeleteAccessToken')).toEqual([
      { rule: shapeRules.errorNameStatus, source: errors, message: 'ResourceNotFoundException must come with 404, not 400' },
    ]);
    expect(judgeShape(exchange(429, named('TooManyRequests'), '{"message":"x"}'), 'DeleteAccessToken')).toEqual([
      { rule: shapeRules.throttleName, source: errors, message: 'a 429 named TooManyRequests instead of ThrottlingException' },
    ]);
    expect(judgeShape(exchange(429, {}, '{"message":"x"}'), 'DeleteAccessToken').map((f) => f.message)).toEqual([
      'a 429 came without x-amzn-errortype',
      'a 429 named (nothing) instead of ThrottlingException',
    ]);
  });

  it('carries the schema failure of an error body that is JSON but not an error', () => {
    const [finding] = judgeShape(exchange(404, named('ResourceNotFoundException'), '{"message":3}'), 'DeleteAccessToken');
    expect(finding).toMatchObject({ rule: shapeRules.errorJson, schemaFailure: { schema: 'Error', instancePath: '/message' } });
  });

  it.each([300, 302, 304])('does not judge a %i as a success body', (status) => {
    expect(judgeShape(exchange(status, {}, 'moved'), 'ListAccessTokens')).toEqual([]);
  });

  it('judges no success body when the request is not one of the operations', () => {
    expect(judgeShape(exchange(200, {}, 'hello'), undefined)).toEqual([]);
  });

  it('says what is wrong with a success body, and cites the section of its operation', () => {
    expect(judgeShape(exchange(200, {}, '{"deleted":true}'), 'DeleteAccessToken')).toEqual([
      {
        rule: shapeRules.deleteBody,
        source: cite('3.1'),
        message: 'the delete answered 200 with a body of 16 bytes that is not {}',
        schemaFailure: expect.objectContaining({ schema: 'DeleteAccessToken', instancePath: '/' }),
      },
    ]);
    expect(judgeShape(exchange(200, {}, '<html>'), 'ListAccessTokens')).toEqual([
      { rule: shapeRules.successBody, source: cite('3.2'), message: 'ListAccessTokens answered 200 with a body that is not JSON' },
    ]);
    expect(judgeShape(exchange(200, {}, '{"items":{}}'), 'ListAccessTokens')).toEqual([
      {
        rule: shapeRules.successBody,
        source: cite('3.2'),
        message: 'ListAccessTokens: /items must be array',
        schemaFailure: expect.objectContaining({ instancePath: '/items' }),
      },
    ]);
  });
});

describe('response schemas', () => {
  const token = { secret: 's', name: 'n', accessTokenId: 'id-1' };

  it('locates a failure at the root as "/" and names it "body"', () => {
    expect(validateBody('DeleteAccessToken', { a: 1 })).toEqual({
      schema: 'DeleteAccessToken',
      schemaPath: 'DeleteAccessTokenResponse#/maxProperties',
      instancePath: '/',
      message: 'body must NOT have more than 0 properties',
    });
    expect(validateBody('CreateAccessToken', { ...token, accessTokenId: 'a'.repeat(37) })?.message).toBe(
      '/accessTokenId must NOT have more than 36 characters',
    );
  });

  it('holds CreateAccessToken to its required members, lengths and timestamp format', () => {
    expect(validateBody('CreateAccessToken', token)).toBeUndefined();
    expect(validateBody('CreateAccessToken', { ...token, expiresTime: '2030-01-01T00:00:00Z' })).toBeUndefined();
    for (const member of ['secret', 'name', 'accessTokenId'] as const) {
      const { [member]: _, ...without } = token;
      expect(validateBody('CreateAccessToken', without)?.schemaPath, member).toBe('CreateAccessTokenResponse#/required');
      expect(validateBody('CreateAccessToken', { ...token, [member]: '' })?.schemaPath, member).toBe(
        `CreateAccessTokenResponse#/properties/${member}/minLength`,
      );
    }
    expect(validateBody('CreateAccessToken', { ...token, secret: 's'.repeat(4000) })).toBeUndefined();
    expect(validateBody('CreateAccessToken', { ...token, secret: 's'.repeat(4001) })?.schemaPath).toBe(
      'CreateAccessTokenResponse#/properties/secret/maxLength',
    );
    expect(validateBody('CreateAccessToken', { ...token, name: 'n'.repeat(100) })).toBeUndefined();
    expect(validateBody('CreateAccessToken', { ...token, name: 'n'.repeat(101) })?.schemaPath).toBe(
      'CreateAccessTokenResponse#/properties/name/maxLength',
    );
    expect(validateBody('CreateAccessToken', { ...token, expiresTime: 'tomorrow' })?.schemaPath).toBe(
      'CreateAccessTokenResponse#/properties/expiresTime/format',
    );
    expect(validateBody('CreateAccessToken', { ...token, name: 5 })?.schemaPath).toBe('CreateAccessTokenResponse#/properties/name/type');
    expect(validateBody('CreateAccessToken', [])?.schemaPath).toBe('CreateAccessTokenResponse#/type');
  });

  it('holds ListAccessTokens to at most 10 items, each with an id and a name', () => {
    const item = { id: 'a', name: 'n', expiresTime: '2030-01-01T00:00:00Z' };
    expect(validateBody('ListAccessTokens', { items: Array(10).fill(item) })).toBeUndefined();
    expect(validateBody('ListAccessTokens', { items: Array(11).fill(item) })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/maxItems',
    );
    expect(validateBody('ListAccessTokens', {})?.schemaPath).toBe('ListAccessTokensResponse#/required');
    expect(validateBody('ListAccessTokens', { items: [{ name: 'n' }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/required',
    );
    expect(validateBody('ListAccessTokens', { items: [{ id: 'a' }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/required',
    );
    expect(validateBody('ListAccessTokens', { items: [{ id: '', name: 'n' }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/properties/id/minLength',
    );
    expect(validateBody('ListAccessTokens', { items: [{ id: 'a'.repeat(37), name: 'n' }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/properties/id/maxLength',
    );
    expect(validateBody('ListAccessTokens', { items: [{ id: 'a', name: '' }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/properties/name/minLength',
    );
    expect(validateBody('ListAccessTokens', { items: [{ id: 'a', name: 'n'.repeat(101) }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/properties/name/maxLength',
    );
    expect(validateBody('ListAccessTokens', { items: [{ ...item, expiresTime: 'never' }] })?.schemaPath).toBe(
      'ListAccessTokensResponse#/properties/items/items/properties/expiresTime/format',
    );
    expect(validateBody('ListAccessTokens', { items: [], nextToken: 'next' })).toBeUndefined();
  });

  it('accepts only {} as a delete body', () => {
    expect(validateBody('DeleteAccessToken', {})).toBeUndefined();
    expect(validateBody('DeleteAccessToken', [])?.schemaPath).toBe('DeleteAccessTokenResponse#/type');
  });

  it('holds VerifySession to an object whose identity, if any, is a string', () => {
    expect(validateBody('VerifySession', {})).toBeUndefined();
    expect(validateBody('VerifySession', { identity: 'alice' })).toBeUndefined();
    expect(validateBody('VerifySession', { identity: 3 })?.schemaPath).toBe('VerifySessionResponse#/properties/identity/type');
    expect(validateBody('VerifySession', 'alice')?.schemaPath).toBe('VerifySessionResponse#/type');
  });

  it('wants an error to be an object with a string message or Message', () => {
    expect(validateBody('Error', { message: 'x' })).toBeUndefined();
    expect(validateBody('Error', { Message: 'x' })).toBeUndefined();
    expect(validateBody('Error', { Message: 3 })).toBeDefined();
    expect(validateBody('Error', { msg: 'x' })).toBeDefined();
    expect(validateBody('Error', null)?.schemaPath).toBe('ErrorResponse#/type');
  });
});

describe('a page holds at most the maxResults asked for (contract §2.2)', () => {
  const listing = (requestBody: string | undefined, items: number): Exchange => {
    const body = JSON.stringify({ items: Array.from({ length: items }, (_, i) => ({ id: `t${i}`, name: `n${i}` })) });
    return {
      request: { method: 'POST', path: '/v1/accessTokens', headers: {}, ...(requestBody === undefined ? {} : { body: requestBody }) },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body,
        bodyBytes: Buffer.byteLength(body),
        truncated: false,
      },
      startedAt: 0,
      durationMs: 1,
    };
  };

  it('a page longer than asked for is a finding; as long or shorter is not', () => {
    expect(judgeShape(listing('{"maxResults":1}', 3), 'ListAccessTokens')).toEqual([
      { rule: shapeRules.pageSize, source: cite('2.2'), message: 'a page of 3 items answered a request for maxResults 1' },
    ]);
    expect(judgeShape(listing('{"maxResults":3}', 3), 'ListAccessTokens')).toEqual([]);
    expect(judgeShape(listing('{"maxResults":3}', 2), 'ListAccessTokens')).toEqual([]);
  });

  it('no maxResults, or a body that is not JSON, asks for nothing to compare with', () => {
    expect(judgeShape(listing('{}', 10), 'ListAccessTokens')).toEqual([]);
    expect(judgeShape(listing(undefined, 10), 'ListAccessTokens')).toEqual([]);
    expect(judgeShape(listing('not json', 10), 'ListAccessTokens')).toEqual([]);
    expect(judgeShape(listing('{"maxResults":"1"}', 10), 'ListAccessTokens')).toEqual([]);
  });
});
