// The options of the reference implementation, their defaults and their validation.
//
// The same object serves the programmatic API (`startReferenceServer`) and `serve`: the CLI only
// maps flags onto it, so a bad value gets the same one-line reason both ways (a UsageError,
// exit 2 from the CLI).
import { UsageError } from '../exit-codes.js';
import { faultNames, isFaultName, type FaultName } from './faults.js';
import { referenceLimits } from './limits.js';

export type ErrortypeStyle = 'plain' | 'suffixed' | 'namespaced';
export type IdStyle = 'uuid' | 'short' | 'long' | 'sequential' | 'per-identity';
export type DeleteBody = 'empty' | '{}';
export type DuplicateNames = 'allow' | 'reject';
export type LastPageToken = 'absent' | 'null' | 'empty';

export interface ReferenceOptions {
  /** Interface to listen on. */
  host: string;
  /** TCP port; 0 picks a free one (read it back from `ReferenceServer.port`). */
  port: number;
  /** Throttling refill, requests per second per identity; 0 disables throttling. */
  rate: number;
  /** Throttling bucket capacity per identity (the burst a fresh identity may send). */
  burst: number;
  /**
   * Whether a 429 carries `Retry-After` (whole seconds, as the bucket computes it) or none, as
   * many AWS services answer; a client then backs off on its own. Both are conformant.
   */
  retryAfter: 'seconds' | 'none';
  /**
   * Requests of one identity the server works on at once; one more is throttled. Unlike the
   * bucket this does not depend on how fast the machine is: a burst at concurrency 50 is
   * throttled however slowly it arrives, a sequential client never is. 0: no limit.
   */
  maxInFlight: number;
  /** Most items ListAccessTokens answers in one page (1..10); maxResults may lower it. */
  pageSize: number;
  /** Tokens one identity may hold; one more answers 402 ServiceQuotaExceededException. */
  maxTokens: number;
  /** How long a delete holds a token "in progress"; racing deletes of it answer 409. 0: atomic. */
  conflictWindowMs: number;
  /** Milliseconds every request waits before it is handled, like a service across a network. 0: none. */
  latencyMs: number;
  /** What a delete of another identity's token answers (both are conformant). */
  wrongOwnerStatus: 403 | 404;
  /** Body of a successful delete: zero bytes, or the JSON object {} (both are conformant). */
  deleteBody: DeleteBody;
  /** Spelling of x-amzn-errortype: `X`, `X:http://internal.amazon.com/...`, `com.amazonaws.codecatalyst#X`. */
  errortypeStyle: ErrortypeStyle;
  /**
   * Token ID format: 36-char UUID, 8 chars [a-z0-9], 36 chars that are not a UUID, 1, 2, 3, ...
   * across the server, or `per-identity`: 1, 2, 3, ... per identity, IDs scoped to their owner.
   * Under per-identity two identities can both hold "7", and every lookup by ID searches the
   * caller's tokens only, so another identity's ID is simply unknown (404, never 403); the
   * faults that act on another identity's token (no-owner-check, owner-check-after-delete,
   * refused-delete-expires, no-auth's deleting) then have nothing to act on.
   */
  idStyle: IdStyle;
  /** Whether CreateAccessToken may reuse a name the caller holds; reject answers 409 ConflictException. */
  duplicateNames: DuplicateNames;
  /** nextToken on ListAccessTokens' last page: no member, JSON null, or "" (all three end pagination). */
  lastPageToken: LastPageToken;
  /** Makes IDs, secrets and nextTokens reproducible from run to run; undefined: random. */
  seed: number | undefined;
  /** When set, only these bearer tokens are users; any other bearer answers 401. */
  users: readonly string[] | undefined;
  /** Defects to inject (see faults.ts); empty for a conformant server. */
  faults: readonly FaultName[];
  /** Receives one line per request (never the bearer); undefined: no request log. */
  log: ((line: string) => void) | undefined;
}

export const referenceDefaults: ReferenceOptions = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  // 100/s with a bucket of 100. A burst of 200 at concurrency 50 is throttled as long as it
  // finishes within (200 - 100) / 100 = 1 s. Measured on a 2-core machine, in-process: 0.2 s
  // warm, 0.4-0.6 s in a cold process, 0.63 s under CPU load; with a bucket of 150 the limit was
  // 0.5 s and the cold and loaded bursts went unthrottled. A sequential client gets 100 requests
  // back to back and 100/s after that, which covers ordinary use of a local fake; faster loops
  // see a 429 with Retry-After: 1 (the SDK and the runner both retry it).
  rate: 100,
  burst: 100,
  // 16: the race of 16 identical deletes still goes through whole; a burst at concurrency 50
  // (measured: 50-65 of 200 throttled with the bucket out of the way) does not.
  retryAfter: 'seconds',
  maxInFlight: 16,
  pageSize: 10,
  maxTokens: 1000,
  conflictWindowMs: 0,
  latencyMs: 0,
  wrongOwnerStatus: 403,
  deleteBody: 'empty',
  errortypeStyle: 'plain',
  idStyle: 'uuid',
  duplicateNames: 'allow',
  lastPageToken: 'absent',
  seed: undefined,
  users: undefined,
  faults: Object.freeze([]) as readonly FaultName[],
  log: undefined,
});

function fail(reason: string): never {
  throw new UsageError(reason);
}

function integerIn(value: unknown, flag: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${flag} must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
  return value;
}

function oneOf<T extends string | number>(value: unknown, flag: string, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    fail(`${flag} must be one of ${allowed.join(', ')} (got ${describe(value)})`);
  }
  return value as T;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Merges `partial` over the defaults and checks every value, throwing a UsageError whose message
 * names the flag and the accepted range. Returns a frozen, complete option set.
 */
export function resolveReferenceOptions(partial: Partial<ReferenceOptions> = {}): ReferenceOptions {
  // Keys explicitly set to undefined fall back to the default (the CLI passes absent flags so).
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const o = { ...referenceDefaults, ...given } as ReferenceOptions;

  if (typeof o.host !== 'string' || o.host.trim() === '') fail('--host must be a host name or address');
  integerIn(o.port, '--port', 0, 65535);
  if (typeof o.rate !== 'number' || !Number.isFinite(o.rate) || o.rate < 0 || o.rate > 1e9) {
    fail(`--rate must be a number of requests per second, 0 (no throttling) or more (got ${describe(o.rate)})`);
  }
  integerIn(o.burst, '--burst', 1, 1e9);
  integerIn(o.maxInFlight, '--max-in-flight', 0, 1e6);
  oneOf(o.retryAfter, '--retry-after', ['seconds', 'none'] as const);
  integerIn(o.pageSize, '--page-size', referenceLimits.maxResults.min, referenceLimits.maxResults.max);
  integerIn(o.maxTokens, '--max-tokens', 1, 1_000_000);
  integerIn(o.conflictWindowMs, '--conflict-window', 0, 60_000);
  integerIn(o.latencyMs, '--latency', 0, 60_000);
  oneOf(o.wrongOwnerStatus, '--wrong-owner-status', [403, 404] as const);
  oneOf(o.deleteBody, '--delete-body', ['empty', '{}'] as const);
  oneOf(o.errortypeStyle, '--errortype-style', ['plain', 'suffixed', 'namespaced'] as const);
  oneOf(o.idStyle, '--id-style', ['uuid', 'short', 'long', 'sequential', 'per-identity'] as const);
  oneOf(o.duplicateNames, '--duplicate-names', ['allow', 'reject'] as const);
  oneOf(o.lastPageToken, '--last-page-token', ['absent', 'null', 'empty'] as const);
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isSafeInteger(o.seed))) {
    fail(`--seed must be an integer (got ${describe(o.seed)})`);
  }
  if (o.users !== undefined) {
    if (!Array.isArray(o.users) || o.users.length === 0) fail('--users needs at least one bearer token');
    // Never echo a bearer in a message: it is a credential.
    if (o.users.some((u) => typeof u !== 'string' || u.trim() === '' || /\s/.test(u))) {
      fail('--users entries must be non-empty bearer tokens without whitespace');
    }
  }
  if (!Array.isArray(o.faults)) fail('--fault must be a list of fault names');
  for (const f of o.faults) {
    if (typeof f !== 'string' || !isFaultName(f)) {
      fail(`unknown fault ${describe(f)}; valid faults: ${faultNames.join(', ')}`);
    }
  }
  if (o.log !== undefined && typeof o.log !== 'function') fail('log must be a function');

  return Object.freeze({
    ...o,
    users: o.users === undefined ? undefined : Object.freeze([...o.users]),
    faults: Object.freeze([...new Set(o.faults)]),
  });
}
