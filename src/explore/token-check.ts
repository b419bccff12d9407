// One token's partition judged: is there an order of its operations, each inside its interval,
// that its register accepts?
//
// Most reads need no search. A read (a listing, a refusal, a 409) that no write of the token
// overlaps sees a state its interval fixes: every write is wholly before it or wholly after, so
// in any order the writes before it are placed before it. It is judged directly against that
// state, and left out of the search, which changes nothing: a read has no effect, so it fits
// any order of the rest exactly when it agrees with that state. What is left for the search is
// the token's writes and the reads that overlap one: a handful of operations, or, after a
// delete that was never answered, every later read of the token (the search places reads for
// good, so that stays cheap).
//
// When the search finds no order, its reads are cut down to a set that still fits no order
// with the token's writes, so that the message names the few that matter.

import { explainToken } from './explain-token.js';
import type { Finding } from './findings.js';
import { searchLinearization, type TimedOperation } from './linearizability.js';
import { changes, tokenRegister, type TokenStep } from './model.js';
import type { Partition, TokenEvent } from './partitions.js';

export interface TokenVerdict {
  readonly finding?: Finding;
  /** Set when the search reached its bound on this token without an answer. */
  readonly unknown?: string;
  readonly states: number;
  /** Operations the search had to place. */
  readonly searched: number;
}

export function checkToken(partition: Partition, maxStates: number): TokenVerdict {
  const { token, events } = partition;
  const writes = events.filter((e) => changes(e.step));
  const findings: Finding[] = [];
  const searched: TokenEvent[] = [...writes];

  for (const read of events) {
    if (changes(read.step)) continue;
    const fixed = fixedState(writes, read);
    if (fixed === undefined) {
      searched.push(read);
      continue;
    }
    if (read.step.kind === 'observe' && read.step.present !== fixed.present)
      findings.push(explainToken(token, [...fixed.because, read], partition.inert));
  }

  const result = searchLinearization(timed(searched), tokenRegister, maxStates);
  let states = result.states;
  let unknown: string | undefined;
  if (result.ok === false) {
    const minimal = minimise(searched, maxStates - states);
    states += minimal.states;
    findings.push(explainToken(token, minimal.events, partition.inert));
  } else if (result.ok === 'unknown') {
    unknown = `the search for an order of ${token.identity}'s token ${token.tokenId} (${searched.length} operations) reached its bound of ${maxStates} states`;
  }
  const finding = findings.sort((a, b) => a.at - b.at)[0];
  return { ...(finding ? { finding } : {}), ...(unknown ? { unknown } : {}), states, searched: searched.length };
}

/**
 * The state a read must see when no write overlaps it, with the writes that fix it; undefined
 * when a write overlaps it or one whose effect is unknown precedes it (the search decides).
 */
function fixedState(writes: readonly TokenEvent[], read: TokenEvent): { present: boolean; because: TokenEvent[] } | undefined {
  let create: TokenEvent | undefined;
  let deleted: TokenEvent | undefined;
  let createAfter: TokenEvent | undefined;
  for (const w of writes) {
    if (w.start > read.end) {
      if (w.step.kind === 'create') createAfter = w;
      continue;
    }
    if (w.end >= read.start || w.step.kind === 'maybe-delete') return undefined;
    if (w.step.kind === 'create') create = w;
    else if (w.step.kind === 'delete' && (!deleted || w.end > deleted.end)) deleted = w;
  }
  if (create && deleted) return { present: false, because: [create, deleted] };
  if (create) return { present: true, because: [create] };
  return { present: false, because: createAfter ? [createAfter] : [] };
}

// Reads only: taking a write away can make an impossibility of its own (a listing that missed a
// deleted token, once the delete is gone, is a lost write) and the message would blame what did
// not happen. Reads are dropped in halves, then quarters, down to one at a time (a partition
// may hold hundreds of listings), latest first, so that of several impossibilities an early
// one tends to remain. Within the budget: past it, what is left still fits no order, only more
// of it.
function minimise(events: readonly TokenEvent[], budget: number): { events: TokenEvent[]; states: number } {
  let current = [...events];
  let states = 0;
  const reads = (): TokenEvent[] => current.filter((e) => !changes(e.step)).sort((a, b) => b.end - a.end || b.start - a.start);
  let chunk = Math.max(1, Math.ceil(reads().length / 2));
  for (;;) {
    let dropped = false;
    const candidates = reads();
    for (let i = 0; i < candidates.length; i += chunk) {
      if (states >= budget) return { events: current, states };
      const group = new Set(candidates.slice(i, i + chunk));
      const without = current.filter((e) => !group.has(e));
      const result = searchLinearization(timed(without), tokenRegister, budget - states);
      states += result.states;
      if (result.ok === false) {
        current = without;
        dropped = true;
      }
    }
    if (!dropped && chunk === 1) return { events: current, states };
    if (!dropped) chunk = Math.ceil(chunk / 2);
  }
}

function timed(events: readonly TokenEvent[]): TimedOperation<TokenStep>[] {
  return events.map((e) => ({ start: e.start, end: e.end, op: e.step }));
}
