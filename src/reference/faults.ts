// The named defects the reference implementation can inject (`serve --fault NAME`).
//
// Each fault is exactly one defect, so that a test of the suite can switch one on and prove that
// the scenario written for it catches it (and, with it off, that the scenario passes). The
// description is what `serve --help` shows; keep it one line and say what a client observes.
export const faults = [
  { name: 'success-204', description: 'a successful delete answers 204 instead of 200' },
  { name: 'body-on-success', description: 'a successful delete answers 200 with the body {"deleted":true}' },
  { name: 'no-owner-check', description: 'any identity may delete any token' },
  {
    name: 'owner-check-after-delete',
    description: 'a wrong owner gets the correct 403, but the token is deleted anyway',
  },
  {
    name: 'truncate-long-id',
    description: 'IDs over 36 code points are cut to 36 and processed (existing ID + "x" deletes it)',
  },
  { name: 'non-ascii-500', description: 'a delete whose ID has a character outside ASCII answers 500' },
  { name: 'no-length-check', description: 'no ID length validation (a 37-character unknown ID answers 404, not 400)' },
  { name: 'utf16-length', description: 'ID length counted in UTF-16 units (36 emoji answer 400, not 404)' },
  {
    name: 'missing-id-500',
    description: 'DELETE /v1/accessTokens/ and DELETE /v1/accessTokens answer 500 InternalServerException',
  },
  { name: 'trim-id', description: 'the decoded ID is trimmed; an ID empty after trimming answers 200' },
  {
    name: 'id-path-normalize',
    description: 'the decoded ID is treated as a path (x%2F<id> and <id>%3Fx delete <id>)',
  },
  {
    name: 'race-double-success',
    description: 'delete is not atomic (check, yield ~25 ms, remove): racing deletes all answer 200',
  },
  { name: 'race-500', description: 'losers of a concurrent delete answer 500 instead of 404/409' },
  {
    name: 'global-delete-lock',
    description: 'one global lock (~20 ms a delete): overlapping deletes of different tokens answer 409',
  },
  { name: 'id-prefix-match', description: "an unknown ID that is a prefix of exactly one of the caller's token IDs deletes that token" },
  { name: 'delete-not-persisted', description: 'delete answers 200 but the token stays listed and deletable' },
  { name: 'missing-token-200', description: 'deleting an unknown or already deleted ID answers 200' },
  { name: 'delete-siblings', description: "deleting a token also deletes the owner's other tokens" },
  {
    name: 'no-auth',
    description: 'requests without valid credentials are served as "anonymous", who may delete any token',
  },
  { name: 'burst-503', description: 'throttled requests answer 503 ServiceUnavailableException instead of 429' },
  { name: 'throttle-not-json', description: 'the 429 body is text/plain "Rate exceeded" (error type header still sent)' },
  { name: 'throttle-deletes-anyway', description: 'a throttled delete still deletes the token (the answer is still 429)' },
  { name: 'no-recovery', description: 'an identity once throttled stays throttled (every later request 429)' },
  {
    name: 'deletes-stay-throttled',
    description: 'once a delete of an identity was throttled, its later deletes are too (lists and creates recover)',
  },
  { name: 'burst-drop-connection', description: 'throttled requests get their connection destroyed instead of a 429' },
  { name: 'no-errortype-header', description: 'errors omit x-amzn-errortype (the body carries __type instead)' },
  { name: 'error-name-mismatch', description: '404 errors carry the error type ValidationException' },
  { name: 'no-error-message', description: 'error bodies are {} (no message member)' },
  { name: 'error-not-json', description: 'error bodies are text/plain' },
  {
    name: 'list-ignores-next-token',
    description: 'ListAccessTokens ignores nextToken and always answers the first page (pagination never ends)',
  },
  { name: 'list-hides-last-page', description: 'ListAccessTokens never answers tokens beyond the first page (no nextToken)' },
  { name: 'id-case-insensitive', description: "IDs are compared ignoring letter case (the owner's ID in upper case deletes it)" },
  {
    name: 'id-unanchored-match',
    description: "an unknown ID containing exactly one of the caller's token IDs deletes it (x<id>, <id>x)",
  },
  { name: 'id-numeric-match', description: 'IDs that parse as numbers are compared as numbers (07, +7 and 7.0 delete token 7)' },
  { name: 'id-double-decode', description: 'the ID is percent-decoded twice (%2537 deletes token 7)' },
  { name: 'id-strip-trailing-slash', description: 'a trailing / of the decoded ID is dropped (<id>%2F deletes <id>)' },
  {
    name: 'refused-delete-expires',
    description: "a wrong owner gets the correct 403/404, but the token's expiresTime becomes now",
  },
  {
    name: 'delete-across-identities',
    description: "a delete also removes other identities' tokens with that ID (seen with --id-style per-identity)",
  },
  { name: 'delete-by-name', description: "a delete also removes the owner's other tokens with the same name" },
  {
    name: 'lost-delete-under-load',
    description: "an owner's delete while 4+ of its other requests are in flight answers 200, deletes nothing",
  },
  { name: 'reuse-deleted-ids', description: "CreateAccessToken hands out the ID of the caller's last deleted token again" },
  {
    name: 'create-lost-in-race',
    description: 'creates during a delete (~25 ms) of the same identity answer 201 but the token is lost',
  },
  { name: 'id-like-wildcards', description: 'IDs are matched with SQL LIKE unescaped: % and _ are wildcards (<id>%25 deletes <id>)' },
  { name: 'id-nul-terminated', description: 'the decoded ID ends at its first NUL, as a C string does (<id>%00 deletes <id>)' },
  {
    name: 'id-dot-segments',
    description: "the ID . or .. resolves to the caller's token folder: 200, and all the caller's tokens are deleted",
  },
  {
    name: 'id-strict-pattern',
    description: 'IDs are checked against [A-Za-z0-9_.-]+: a valid ID with ~ or non-ASCII answers 400, not 404',
  },
  { name: 'blank-id-500', description: 'an ID of two or more whitespace characters answers 500 (one space or tab answers 404)' },
  { name: 'unknown-bearer-first-user', description: 'with --users, a bearer not in the list is served as the first user instead of 401' },
  {
    name: 'retry-skips-owner-check',
    description: "a wrong owner's delete is refused once; the same identity's repeat is let through as a retry",
  },
  {
    name: 'id-last-segment',
    description: 'the router takes the last raw path segment as the ID (DELETE /v1/accessTokens/x/<id> deletes <id>)',
  },
  { name: 'id-ignore-punctuation', description: 'IDs are compared with - . _ ~ removed (a UUID without its dashes deletes it)' },
  { name: 'id-nfkc', description: 'IDs are compared after Unicode NFKC normalisation (a fullwidth letter finds the plain one)' },
  { name: 'throttled-create-takes-effect', description: 'a create answered 429 still creates its token (nobody is told its ID)' },
  { name: 'list-ignores-max-results', description: 'ListAccessTokens ignores maxResults and answers pages of up to 10' },
  { name: 'scheme-ignored', description: "any scheme is read as Bearer (Basic <token> authenticates as the token's user)" },
] as const;

export type FaultName = (typeof faults)[number]['name'];

export const faultNames: readonly FaultName[] = faults.map((f) => f.name);

export function isFaultName(value: string): value is FaultName {
  return (faultNames as readonly string[]).includes(value);
}
