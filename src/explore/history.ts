// What `explore` records and the judge reads: every operation of two (or more) identities with
// its interval (sent, answered) and its answer, as it came back. The judge is handed a History
// and nothing else: no clock, no network. Times are milliseconds on the exploration's clock (any
// origin: only their order matters).
//
// An operation with no answer (timed out, connection dropped) has an interval that never ends:
// it may have taken effect at any moment after it was sent, or never.

/** An identity of the exploration as the explorer names it ('owner', 'other'); messages use it. */
export type Identity = string;

/** Milliseconds on the exploration's clock. */
export type Millis = number;

interface OperationBase {
  /** Unique in the history: a violation names the operations involved by this number. */
  readonly id: number;
  /** Whose bearer the request carried. */
  readonly identity: Identity;
  /** When the request left (for a listing of several pages: when its first page was asked for). */
  readonly sentAt: Millis;
}

/** What came back. Absent on an operation: no answer at all (timeout, reset, refused). */
export interface Answer {
  /** When the answer was complete (for a listing of several pages: its last page). */
  readonly answeredAt: Millis;
  readonly status: number;
}

/** CreateAccessToken (contract §2.1). */
export interface CreateOperation extends OperationBase {
  readonly kind: 'create';
  readonly name: string;
  /** The expiresTime sent, if any. */
  readonly expiresTime?: string;
  readonly answer?: CreateAnswer;
}

export interface CreateAnswer extends Answer {
  /** The accessTokenId of a 201; a 201 without one is treated as a create whose ID nobody learned. */
  readonly tokenId?: string;
  /** The expiresTime the 201 returned: listings must show this one (the one sent when absent). */
  readonly expiresTime?: string;
}

/** DeleteAccessToken (contract §2.3), of an ID the explorer chose (its own token's, the other's, an unknown one). */
export interface DeleteOperation extends OperationBase {
  readonly kind: 'delete';
  /** The ID as the explorer meant it (before label encoding). */
  readonly tokenId: string;
  readonly answer?: Answer;
}

/**
 * ListAccessTokens followed to its last page (contract §2.2). A listing that took one page is an
 * atomic read of the caller's tokens; one that took several is judged by the interval rule only
 * (src/explore/listing-intervals.ts). A listing that did not reach its last page with 200s is
 * recorded with the status that stopped it, and tells the judge nothing.
 */
export interface ListOperation extends OperationBase {
  readonly kind: 'list';
  readonly answer?: ListAnswer;
}

export interface ListAnswer extends Answer {
  /** Every item of every page, in the order listed (read only when status is 200). */
  readonly items: readonly ListedItem[];
  /** Pages followed to the end (1 for a listing that fit in one page). */
  readonly pages: number;
}

export interface ListedItem {
  readonly id: string;
  readonly name: string;
  /** The model lets a listing omit it; when present it must be the created one. */
  readonly expiresTime?: string;
}

export type Operation = CreateOperation | DeleteOperation | ListOperation;

export interface History {
  readonly operations: readonly Operation[];
  /**
   * Which listed tokens belong to the exploration. Others (tokens the identity held before it
   * began) are ignored. Default: a token whose name one of the history's creates sent, or whose
   * ID one of its creates was given. A prefix test (`byNamePrefix`) also catches tokens under
   * the exploration's names that no create explains.
   */
  readonly isExplorationToken?: (item: ListedItem) => boolean;
}

export interface JudgeOptions {
  /**
   * The target may give two identities the same ID (contract §2.5): then only reuse within one
   * identity is a violation. When false, an ID given to one identity and then to another is.
   */
  readonly idsScopedPerIdentity: boolean;
  /**
   * Bound on the linearizability search, in states explored over the whole history (default
   * 1,000,000): past it the verdict is 'unknown' rather than a hang.
   */
  readonly maxStates?: number;
}

/** The exploration's tokens are those named `prefix...` (the runner names its tokens `patc-<run>-<case>-<n>`). */
export function byNamePrefix(prefix: string): (item: ListedItem) => boolean {
  return (item) => item.name.startsWith(prefix);
}

/** When the operation's interval ends: its answer, or never. */
export function endOf(op: Operation): Millis {
  return op.answer ? op.answer.answeredAt : Infinity;
}
