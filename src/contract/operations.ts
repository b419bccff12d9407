// The three operations of the access-token API (docs/contract.md §2) and
// VerifySession, as requests on the wire, and which operation a request on the wire is.
import type { HttpRequest } from '../transport/exchange.js';
import { barePath, collectionPath, deletePath, sessionPath } from './paths.js';

export type OperationName = 'CreateAccessToken' | 'ListAccessTokens' | 'DeleteAccessToken' | 'VerifySession';

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
  return { method: 'GET', path: sessionPath, headers: { accept: 'application/json' } };
}

/** Which operation a request is, judged from the wire (for checks and recordings). */
export function operationOf(method: string, path: string): OperationName | undefined {
  const bare = barePath(path);
  if (bare === sessionPath && method === 'GET') return 'VerifySession';
  if (bare === collectionPath && method === 'PUT') return 'CreateAccessToken';
  if (bare === collectionPath && method === 'POST') return 'ListAccessTokens';
  if (method === 'DELETE' && (bare === collectionPath || bare.startsWith(`${collectionPath}/`))) return 'DeleteAccessToken';
  return undefined;
}
