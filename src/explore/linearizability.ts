// The linearizability search: Wing & Gong's depth-first search for an order of the operations,
// each placed inside its own interval, that the sequential model accepts, with Lowe's
// memoisation (a cache of (set of operations placed so far, model state) pairs already
// explored), as Porcupine does it. Model-agnostic: the token model lives in model.ts.
//
// The history is a list of call and return events sorted by time. The search walks it: at a
// call, it tries to place that operation now (the model must accept it); at a return, the
// operation returning has not been placed yet, which no order can fix any more, so it
// backtracks. Placed operations are lifted out of the list, so "the first event of the list" is
// always the earliest operation still to place.
//
// One addition: a read (an operation that changes no state) that the model accepts where the
// search stands is placed there for good, never tried later instead. That loses nothing: in
// any way of finishing from here, the read can be moved to the front (it is callable now, so
// nothing left had to come before it, and it changes nothing that follows). Without it, a
// token's partition with hundreds of overlapping listings makes the search try their orders
// among themselves, which cannot matter, and a history that has no order takes exponential time
// to say so.

export interface SequentialModel<S, O> {
  readonly init: S;
  /** The states `op` can lead to from `state` (none: illegal there; several: the model does not know which). */
  step(state: S, op: O): readonly S[];
  /** A key equal for equal states (the cache compares states by it). */
  key(state: S): string;
  /** True for an operation that never changes the state (placed at once where legal, see above). */
  readOnly?(op: O): boolean;
}

export interface TimedOperation<O> {
  readonly start: number;
  /** Infinity for an operation that was never answered. */
  readonly end: number;
  readonly op: O;
}

export type SearchResult =
  | { readonly ok: true; readonly states: number }
  | { readonly ok: false; readonly states: number }
  /** The bound was reached before either answer. */
  | { readonly ok: 'unknown'; readonly states: number };

interface Entry {
  readonly index: number;
  readonly isCall: boolean;
  readonly time: number;
  /** A call's return (a return's is itself, unused). */
  match: Entry | null;
  prev: Entry | null;
  next: Entry | null;
}

interface Frame<S> {
  readonly entry: Entry;
  readonly before: S;
  readonly successors: readonly S[];
  readonly chosen: number;
  /** A read placed for good: undoing it means undoing what came before it too. */
  readonly forced: boolean;
}

export function searchLinearization<S, O>(
  ops: readonly TimedOperation<O>[],
  model: SequentialModel<S, O>,
  maxStates: number,
): SearchResult {
  const head = buildEntries(ops);
  const placed = new Uint32Array(Math.ceil(ops.length / 32) || 1);
  const cache = new Set<string>();
  const stack: Frame<S>[] = [];
  let state = model.init;
  let states = 0;
  let entry = head.next;

  // Places `from`'s operation with the first of its successor states (from index `first`)
  // whose (placed set, state) pair is new: 'placed'; 'seen' when every one was explored before.
  const tryPlace = (from: Entry, successors: readonly S[], first: number, forced: boolean): 'placed' | 'seen' => {
    for (let i = first; i < successors.length; i++) {
      const next = successors[i] as S;
      setBit(placed, from.index);
      const key = `${bitsKey(placed)}|${model.key(next)}`;
      if (!cache.has(key)) {
        cache.add(key);
        states++;
        stack.push({ entry: from, before: state, successors, chosen: i, forced });
        state = next;
        lift(from);
        return 'placed';
      }
      clearBit(placed, from.index);
    }
    return 'seen';
  };

  // Undoes placements, latest first, until one has another option left; false when none has.
  const backtrack = (): boolean => {
    for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
      state = frame.before;
      clearBit(placed, frame.entry.index);
      unlift(frame.entry);
      if (frame.forced) continue;
      // Another successor state of that operation, or else the operation after it.
      if (tryPlace(frame.entry, frame.successors, frame.chosen + 1, false) === 'placed') entry = head.next;
      else entry = frame.entry.next;
      return true;
    }
    return false;
  };

  while (head.next !== null) {
    if (states > maxStates) return { ok: 'unknown', states };
    if (entry === null) throw new Error('linearizability search ran off its list');
    if (!entry.isCall) {
      // An operation returns before it was placed: no order from here can place it.
      if (!backtrack()) return { ok: false, states };
      continue;
    }
    const op = ops[entry.index] as TimedOperation<O>;
    const successors = model.step(state, op.op);
    if (successors.length > 0 && model.readOnly?.(op.op)) {
      // A legal read is placed for good; if that state was explored already, so was this one.
      if (tryPlace(entry, successors, 0, true) === 'placed') entry = head.next;
      else if (!backtrack()) return { ok: false, states };
      continue;
    }
    if (tryPlace(entry, successors, 0, false) === 'placed') entry = head.next;
    else entry = entry.next;
  }
  return { ok: true, states };
}

// Calls before returns at equal times: operations that merely touch count as concurrent, so the
// search never depends on which of two equal timestamps the clock happened to write first.
function buildEntries<O>(ops: readonly TimedOperation<O>[]): Entry {
  const entries: Entry[] = [];
  ops.forEach((op, index) => {
    if (!(op.end >= op.start)) throw new RangeError(`operation ${index} ends (${op.end}) before it starts (${op.start})`);
    const call: Entry = { index, isCall: true, time: op.start, match: null, prev: null, next: null };
    const ret: Entry = { index, isCall: false, time: op.end, match: null, prev: null, next: null };
    call.match = ret;
    entries.push(call, ret);
  });
  entries.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.index - b.index : a.isCall ? -1 : 1));
  const head: Entry = { index: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let last = head;
  for (const e of entries) {
    last.next = e;
    e.prev = last;
    last = e;
  }
  return head;
}

function lift(call: Entry): void {
  unlink(call);
  unlink(call.match as Entry);
}

// Undoes lift in reverse order, so that each entry's neighbours are the ones it had.
function unlift(call: Entry): void {
  relink(call.match as Entry);
  relink(call);
}

function unlink(e: Entry): void {
  (e.prev as Entry).next = e.next;
  if (e.next) e.next.prev = e.prev;
}

function relink(e: Entry): void {
  (e.prev as Entry).next = e;
  if (e.next) e.next.prev = e;
}

function setBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] = (bits[i >>> 5] as number) | (1 << (i & 31));
}

function clearBit(bits: Uint32Array, i: number): void {
  bits[i >>> 5] = (bits[i >>> 5] as number) & ~(1 << (i & 31));
}

function bitsKey(bits: Uint32Array): string {
  return bits.join(',');
}
