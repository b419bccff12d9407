// The three operations of the access-token API (docs/contract.md §2) and
// VerifySession, as requests on the wire.
import type { HttpRequest } from '../transport/exchange.js';

export type OperationName = 'CreateAccessToken' | 'ListAccessTokens' | 'DeleteAccessToken' | 'VerifySession';

export const collectionPath = '/v1/accessTokens';

/** The success status each operation's model fixes. */
export const successStatus: Record<OperationName, number> = {
  CreateAccessToken: 201,
  ListAccessTokens: 200,
  DeleteAccessToken: 200,
  VerifySession: 200,
};

/**
 * Percent-encode an HTTP label as Smithy requires: everything outside the unreserved set
 * (A-Z a-z 0-9 - . _ ~) is encoded, including / ? # % and the characters encodeURIComponent
 * leaves alone (! ' ( ) *).
 */
export function encodeLabel(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function deletePath(id: string): string {
  return `${collectionPath}/${encodeLabel(id)}`;
}

const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json' };

export function createRequest(name: string, expiresTime: string | undefined): HttpRequest {
  const body: Record<string, string> = { name };
  if (expiresTime) body.expiresTime = expiresTime;
  return { method: 'PUT', path: collectionPath, headers: { ...jsonHeaders }, body: JSON.stringify(body) };
}

export function listRequest(maxResults: number | undefined, nextToken: string | undefined): HttpRequest {
  const body: Record<string, unknown> = {};
  if (maxResults !== undefined) body.maxResults = maxResults;
  if (nextToken !== undefined) body.nextToken = nextToken;
  return { method: 'POST', path: collectionPath, headers: { ...jsonHeaders }, body: JSON.stringify(body) };
}

/** A delete of a raw, already-encoded path: for probes that are not a well-formed label. */
export function deleteRawRequest(rawPath: string): HttpRequest {
  return { method: 'DELETE', path: rawPath, headers: { accept: 'application/json' } };
}

export function deleteRequest(id: string): HttpRequest {
  return deleteRawRequest(deletePath(id));
}

export function sessionRequest(): HttpRequest {
  return { method: 'GET', path: '/session', headers: { accept: 'application/json' } };
}

/** Which operation a request is, judged from the wire (for checks and recordings). */
export function operationOf(method: string, path: string): OperationName | undefined {
  const bare = path.split('?')[0] ?? path;
  if (bare === '/session' && method === 'GET') return 'VerifySession';
  if (bare === collectionPath && method === 'PUT') return 'CreateAccessToken';
  if (bare === collectionPath && method === 'POST') return 'ListAccessTokens';
  if (method === 'DELETE' && (bare === collectionPath || bare.startsWith(`${collectionPath}/`))) return 'DeleteAccessToken';
  return undefined;
}
