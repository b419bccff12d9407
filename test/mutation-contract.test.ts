// The contract as code (src/contract/), in-process: which operation a request is, the paths and
// labels of deletes, the statuses each operation may answer and the error table's pairs. The CLI
// tests see these only through whole runs and recordings; mutation testing (npm run mutation)
// needs them said here.
import { describe, expect, it } from 'vitest';
import { isErrorAnswer, isModeledError } from '../src/contract/errors.js';
import { createRequest, deleteRawRequest, deleteRequest, listRequest, operationOf, sessionRequest } from '../src/contract/operations.js';
import { barePath, collectionPath, deletePath, labelOf, namesNoId, rawDeletePath, sessionPath } from '../src/contract/paths.js';
import { credentialStatuses, documentedStatuses, missingIdStatuses, successStatus } from '../src/contract/statuses.js';

describe('paths', () => {
  it('puts a label under the collection, encoded for an ID and as given for a probe', () => {
    expect(deletePath('a/b c')).toBe('/v1/accessTokens/a%2Fb%20c');
    expect(rawDeletePath('x%2F..%2Fy')).toBe('/v1/accessTokens/x%2F..%2Fy');
    expect(rawDeletePath('')).toBe('/v1/accessTokens/');
  });

  it('reads the label back as it went on the wire, still encoded', () => {
    expect(labelOf('/v1/accessTokens/a%2Fb')).toBe('a%2Fb');
    expect(labelOf('/v1/accessTokens/')).toBe('');
    expect(labelOf(collectionPath)).toBe('');
  });

  it('tells a delete that names no token: the collection or an empty label, with or without a query', () => {
    expect(namesNoId('/v1/accessTokens')).toBe(true);
    expect(namesNoId('/v1/accessTokens/')).toBe(true);
    expect(namesNoId('/v1/accessTokens/?x=1')).toBe(true);
    expect(namesNoId('/v1/accessTokens/%20')).toBe(false);
    expect(namesNoId('/v1/accessTokens/a')).toBe(false);
    expect(barePath('/session?a=b?c')).toBe('/session');
    expect(barePath('/session')).toBe('/session');
  });
});

describe('operations', () => {
  it('builds each request as the wire contract has it', () => {
    expect(createRequest('n', undefined)).toEqual({
      method: 'PUT',
      path: '/v1/accessTokens',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"name":"n"}',
    });
    expect(createRequest('n', '2030-01-02T03:04:05Z').body).toBe('{"name":"n","expiresTime":"2030-01-02T03:04:05Z"}');
    expect(listRequest(undefined, undefined)).toEqual({
      method: 'POST',
      path: '/v1/accessTokens',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    });
    expect(listRequest(3, 't').body).toBe('{"maxResults":3,"nextToken":"t"}');
    expect(deleteRequest('a b')).toEqual({ method: 'DELETE', path: '/v1/accessTokens/a%20b', headers: { accept: 'application/json' } });
    expect(deleteRawRequest('/v1/accessTokens/x/y')).toEqual({
      method: 'DELETE',
      path: '/v1/accessTokens/x/y',
      headers: { accept: 'application/json' },
    });
    expect(sessionRequest()).toEqual({ method: 'GET', path: sessionPath, headers: { accept: 'application/json' } });
  });

  it('names the operation of a request from its method and path, and nothing else', () => {
    expect(operationOf('GET', '/session')).toBe('VerifySession');
    expect(operationOf('GET', '/session?x')).toBe('VerifySession');
    expect(operationOf('POST', '/session')).toBeUndefined();
    expect(operationOf('PUT', '/v1/accessTokens')).toBe('CreateAccessToken');
    expect(operationOf('POST', '/v1/accessTokens?a=1')).toBe('ListAccessTokens');
    expect(operationOf('DELETE', '/v1/accessTokens')).toBe('DeleteAccessToken');
    expect(operationOf('DELETE', '/v1/accessTokens/abc')).toBe('DeleteAccessToken');
    expect(operationOf('DELETE', '/v1/accessTokensX')).toBeUndefined();
    expect(operationOf('PUT', '/v1/accessTokens/abc')).toBeUndefined();
    expect(operationOf('GET', '/v1/accessTokens')).toBeUndefined();
    expect(operationOf('GET', '/other')).toBeUndefined();
  });
});

describe('statuses', () => {
  it("documents each operation's success status, the six modelled errors and 401, in order", () => {
    expect(documentedStatuses('DeleteAccessToken', '/v1/accessTokens/a')).toEqual([200, 400, 401, 402, 403, 404, 409, 429]);
    expect(documentedStatuses('CreateAccessToken', '/v1/accessTokens')).toEqual([201, 400, 401, 402, 403, 404, 409, 429]);
    expect(documentedStatuses('ListAccessTokens', '/v1/accessTokens')).toEqual([200, 400, 401, 402, 403, 404, 409, 429]);
    expect(documentedStatuses('VerifySession', '/session')).toEqual([200, 400, 401, 402, 403, 404, 409, 429]);
  });

  it('documents a delete without an ID as a 400, 403, 404 or 405, refused credentials or throttled', () => {
    expect(documentedStatuses('DeleteAccessToken', '/v1/accessTokens')).toEqual([400, 401, 403, 404, 405, 429]);
    expect(documentedStatuses('DeleteAccessToken', '/v1/accessTokens/')).toEqual([400, 401, 403, 404, 405, 429]);
  });

  it('states the lists the scenarios allow', () => {
    expect(successStatus).toEqual({ CreateAccessToken: 201, ListAccessTokens: 200, DeleteAccessToken: 200, VerifySession: 200 });
    expect(credentialStatuses).toEqual([401, 403]);
    expect(missingIdStatuses).toEqual([400, 403, 404, 405]);
  });
});

describe('the error table', () => {
  it('knows its six names, and nothing inherited', () => {
    expect(isModeledError('ConflictException')).toBe(true);
    expect(isModeledError('UnauthorizedException')).toBe(false);
    expect(isModeledError('toString')).toBe(false);
  });

  it('takes an answer for one of the errors only when the name and its status are a pair', () => {
    expect(isErrorAnswer(404, 'ResourceNotFoundException', ['ResourceNotFoundException', 'ConflictException'])).toBe(true);
    expect(isErrorAnswer(409, 'ConflictException', ['ResourceNotFoundException', 'ConflictException'])).toBe(true);
    expect(isErrorAnswer(409, 'ResourceNotFoundException', ['ResourceNotFoundException', 'ConflictException'])).toBe(false);
    expect(isErrorAnswer(403, 'AccessDeniedException', ['ResourceNotFoundException'])).toBe(false);
    expect(isErrorAnswer(undefined, undefined, ['ResourceNotFoundException'])).toBe(false);
    expect(isErrorAnswer(404, 'ResourceNotFoundException', [])).toBe(false);
  });
});
