// Where the operations live on the wire (docs/contract.md §2): one collection path for all
// three, the token ID as an HTTP label under it (§2.3, §2.5), and VerifySession (§2.4).
// Every module that builds or reads a path takes it from here.

/** CreateAccessToken (PUT), ListAccessTokens (POST) and, with a label, DeleteAccessToken. */
export const collectionPath = '/v1/accessTokens';

/** VerifySession (GET), the pre-flight. */
export const sessionPath = '/session';

/**
 * Percent-encode an HTTP label as Smithy requires: everything outside the unreserved set
 * (A-Z a-z 0-9 - . _ ~) is encoded, including / ? # % and the characters encodeURIComponent
 * leaves alone (! ' ( ) *).
 */
export function encodeLabel(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path of a delete whose label goes on the wire as given: already encoded, or a probe. */
export function rawDeletePath(rawLabel: string): string {
  return `${collectionPath}/${rawLabel}`;
}

/** The path of a delete of this ID. */
export function deletePath(id: string): string {
  return rawDeletePath(encodeLabel(id));
}

/** The label of a delete path (one under collectionPath) as it went on the wire, still encoded. */
export function labelOf(path: string): string {
  return path.slice(collectionPath.length + 1);
}

/** The path without its query string. */
export function barePath(path: string): string {
  return path.split('?')[0] ?? path;
}

/** A delete path that names no token at all: the collection, or an empty label (§5.3). */
export function namesNoId(path: string): boolean {
  const bare = barePath(path);
  return bare === collectionPath || bare === `${collectionPath}/`;
}
