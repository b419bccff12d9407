// Everything one running reference server holds, and what a handler is given per request.
//
// One object per server (not module globals) so that several servers with different options
// can run in one process, as the project's tests do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultName } from './faults.js';
import type { ReferenceOptions } from './options.js';
import { PageTokens } from './page-tokens.js';
import { RandomSource } from './random.js';
import { TokenBuckets } from './token-bucket.js';
import { TokenStore } from './token-store.js';

/** Who is calling. `key` identifies the owner internally; `name` is safe to show and log. */
export interface Identity {
  readonly key: string;
  readonly name: string;
  /** Only under the no-auth fault: a request without valid credentials. */
  readonly anonymous: boolean;
}

/**
 * Bookkeeping of deletes in flight, for the conflict window and the race faults. Tokens are
 * named by the store's slotKey, so that under per-identity IDs alice's "7" is not bob's "7".
 */
export interface DeleteBookkeeping {
  /** Slots whose delete is inside its conflict window. */
  readonly inProgress: Set<string>;
  /** Slot -> when it was removed (ms, monotonic); kept only while race-500 needs it. */
  readonly recentlyRemoved: Map<string, number>;
  /** global-delete-lock: a delete of any token is in progress. */
  globalBusy: boolean;
  /** reuse-deleted-ids: owner -> ID of its most recently deleted token. */
  readonly lastDeletedId: Map<string, string>;
  /** retry-skips-owner-check: identity + slot of each delete refused to a wrong owner. */
  readonly refusedOnce: Set<string>;
}

export interface ReferenceState {
  readonly options: ReferenceOptions;
  readonly store: TokenStore;
  readonly buckets: TokenBuckets;
  readonly random: RandomSource;
  readonly pageTokens: PageTokens;
  readonly deletes: DeleteBookkeeping;
  /** no-recovery: identities that were throttled once and stay so. */
  readonly throttledForever: Set<string>;
  /** Identity -> requests being worked on now (for maxInFlight). */
  readonly inFlight: Map<string, number>;
  /** Timers of deletes in flight, cleared by close() so it returns promptly. */
  readonly timers: Set<NodeJS.Timeout>;
  fault(name: FaultName): boolean;
}

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly state: ReferenceState;
  readonly identity: Identity;
  /**
   * Requests of the same identity being worked on when this one arrived, itself not counted:
   * the number the in-flight limit compares (throttle.ts), taken once so every use agrees.
   */
  readonly othersInFlight: number;
}

export function createState(options: ReferenceOptions): ReferenceState {
  const random = new RandomSource(options.seed);
  const enabled = new Set(options.faults);
  return {
    options,
    store: new TokenStore(options.idStyle === 'per-identity' ? 'per-owner' : 'global'),
    buckets: new TokenBuckets(options.rate, options.burst),
    random,
    // Drawn from the seeded source, so a seeded server's nextTokens are reproducible too.
    pageTokens: new PageTokens(random.bytes(32)),
    deletes: { inProgress: new Set(), recentlyRemoved: new Map(), globalBusy: false, lastDeletedId: new Map(), refusedOnce: new Set() },
    throttledForever: new Set(),
    inFlight: new Map(),
    timers: new Set(),
    fault: (name) => enabled.has(name),
  };
}

/** A timer that close() can cancel; handlers await it where they deliberately yield. */
export function sleep(state: ReferenceState, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      state.timers.delete(timer);
      resolve();
    }, ms);
    state.timers.add(timer);
  });
}
