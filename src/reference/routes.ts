// Mapping method + path to an operation, as a restJson1 server's router does.
//
// Pure (no state, no I/O) so it can run before authentication without side effects. The label
// is returned still percent-encoded: decoding belongs to the delete handler, where a bad
// encoding is a ValidationException and where the ID faults act on the decoded value.

export type Route =
  | { kind: 'create' }
  | { kind: 'list' }
  | { kind: 'delete'; label: string }
  | { kind: 'session' }
  /** DELETE /v1/accessTokens/ : the label is there but empty. */
  | { kind: 'empty-label' }
  /** DELETE /v1/accessTokens : the operation's label is missing altogether. */
  | { kind: 'no-label' }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'unknown' };

// Independent of src/contract/paths.ts on purpose: the router is part of the oracle the checks
// are tested against, so it states its own path (see limits.ts for why).
const referenceCollectionPath = '/v1/accessTokens';

/**
 * @param lastSegment the id-last-segment fault: extra raw segments are dropped and the last one
 *   taken as the label, as a router matching `/v1/accessTokens/*` and splitting on `/` does.
 */
export function resolveRoute(method: string | undefined, url: string | undefined, lastSegment = false): Route {
  const raw = url ?? '/';
  // Query strings select nothing here; `#` never reaches a server, but cut it like a URL parser.
  const cut = raw.search(/[?#]/);
  const path = cut < 0 ? raw : raw.slice(0, cut);

  if (path === referenceCollectionPath) {
    if (method === 'PUT') return { kind: 'create' };
    if (method === 'POST') return { kind: 'list' };
    if (method === 'DELETE') return { kind: 'no-label' };
    return { kind: 'method-not-allowed', allow: 'PUT, POST' };
  }
  if (path.startsWith(`${referenceCollectionPath}/`)) {
    let label = path.slice(referenceCollectionPath.length + 1);
    // A raw `/` means more segments than the template has: no operation matches.
    if (label.includes('/')) {
      if (!lastSegment || method !== 'DELETE') return { kind: 'unknown' };
      label = label.slice(label.lastIndexOf('/') + 1);
    }
    if (method !== 'DELETE') return { kind: 'method-not-allowed', allow: 'DELETE' };
    return label === '' ? { kind: 'empty-label' } : { kind: 'delete', label };
  }
  if (path === '/session') {
    return method === 'GET' ? { kind: 'session' } : { kind: 'method-not-allowed', allow: 'GET' };
  }
  return { kind: 'unknown' };
}
