// A single-page listing is one moment's state of all its caller's tokens, not one moment per
// token. The per-token search places a listing separately in each token's partition, so on its
// own it would accept a listing that shows token B (created late) and misses token A (created
// early, deleted later still): each fits somewhere, together nowhere. This check closes that
// gap by intervals: for each token, the moments at which what the listing says of it can hold
// (shown: after its create was sent and before its delete answered 200; missing: before its
// create answered or after a delete of it was sent); the listing needs one moment of its own
// interval in all of them. Sound (these are necessary conditions of any legal order), not
// complete (it does not ask whether that moment fits the other operations too).

import { describe, finding, span, type Finding } from './findings.js';
import { endOf, type History, type ListOperation, type Operation } from './history.js';
import { listOutcome } from './model.js';
import type { Partition } from './partitions.js';
import type { Token } from './tokens.js';

type Span = readonly [number, number];

interface Constraint {
  readonly token: Token;
  readonly shown: boolean;
  readonly allowed: readonly Span[];
  readonly ops: readonly Operation[];
  readonly says: string;
}

export function checkSnapshots(history: History, partitions: readonly Partition[]): Finding[] {
  const byIdentity = new Map<string, Partition[]>();
  for (const p of partitions) {
    const list = byIdentity.get(p.token.identity) ?? [];
    list.push(p);
    byIdentity.set(p.token.identity, list);
  }
  const findings: Finding[] = [];
  for (const op of history.operations) {
    if (op.kind !== 'list' || listOutcome(op) !== 'snapshot') continue;
    const listed = new Set((op.answer?.items ?? []).map((item) => item.id));
    const constraints = (byIdentity.get(op.identity) ?? []).map((p) => constraintOf(p, listed.has(p.token.tokenId)));
    const own: Span = [op.sentAt, endOf(op)];
    if (fits(own, constraints)) continue;
    findings.push(explain(op, fewest(own, constraints)));
  }
  return findings;
}

function constraintOf(p: Partition, shown: boolean): Constraint {
  const { token, events } = p;
  const create = events.find((e) => e.step.kind === 'create');
  const deletes = events.filter((e) => e.step.kind === 'delete');
  const mayDelete = events.filter((e) => e.step.kind === 'delete' || e.step.kind === 'maybe-delete');
  const createOps = create?.ops ?? [];
  if (shown) {
    const until = deletes.length > 0 ? Math.max(...deletes.map((e) => e.end)) : Infinity;
    const last = deletes.find((e) => e.end === until);
    const says = `it shows token ${token.tokenId}, which existed at most from ${token.start}ms (${describeCreate(token)})${last ? ` until ${until}ms (${describe(last.ops[0] as Operation)})` : ''}`;
    return { token, shown, allowed: [[token.start, until]], ops: [...createOps, ...(last ? last.ops : [])], says };
  }
  const from = mayDelete.length > 0 ? Math.min(...mayDelete.map((e) => e.start)) : Infinity;
  const firstDelete = mayDelete.find((e) => e.start === from);
  const says = `it does not show token ${token.tokenId}, which existed from ${token.end}ms (${describeCreate(token)})${firstDelete ? ` at least until ${from}ms (${describe(firstDelete.ops[0] as Operation)})` : ' on, never deleted'}`;
  const allowed: Span[] = from <= token.end ? [[-Infinity, Infinity]] : [[-Infinity, token.end]];
  if (from > token.end && from < Infinity) allowed.push([from, Infinity]);
  return { token, shown, allowed, ops: [...createOps, ...(firstDelete ? firstDelete.ops : [])], says };
}

function describeCreate(token: Token): string {
  const op = token.createdBy[0] as Operation;
  return token.attributed ? `an unanswered create sent from ${token.start}ms` : `its create answered 201 at ${span(op)}`;
}

function fits(own: Span, constraints: readonly Constraint[]): boolean {
  let moments: Span[] = [own];
  for (const c of constraints) {
    moments = intersect(moments, c.allowed);
    if (moments.length === 0) return false;
  }
  return true;
}

// Drop every constraint the conflict does not need, latest token first.
function fewest(own: Span, constraints: readonly Constraint[]): Constraint[] {
  let kept = [...constraints];
  for (const c of [...constraints].reverse()) {
    const without = kept.filter((k) => k !== c);
    if (!fits(own, without)) kept = without;
  }
  return kept;
}

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [a0, a1] of a) {
    for (const [b0, b1] of b) {
      const lo = Math.max(a0, b0);
      const hi = Math.min(a1, b1);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  // Disjoint pieces stay disjoint, so the list never grows past the pieces it started from.
  return out.sort((x, y) => x[0] - y[0]);
}

function explain(listing: ListOperation, conflict: readonly Constraint[]): Finding {
  return finding(
    '2.2',
    "A listing that fits in one page is the state of the caller's tokens at one moment of its interval",
    `${describe(listing)} is no single moment's state of ${listing.identity}'s tokens: ${conflict.map((c) => c.says).join('; ')}`,
    [listing, ...conflict.flatMap((c) => c.ops)],
  );
}
