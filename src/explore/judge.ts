// The judge of a recorded exploration (docs/contract.md): is there an order of the operations,
// each placed at one moment inside its own interval, that is a legal sequential history of the
// model (per identity, a set of tokens)? Pure: no I/O, no clock.
//
// The history is judged in pieces, each sound on its own (a violation found is a violation):
// 1. IDs are never given twice (freshness.ts): no order needed.
// 2. Every listed token of the exploration is explained (tokens.ts): its caller's, by a 201 or
//    by an unanswered create of that name; another identity's or nobody's is a violation.
// 3. Each token, one by one (partitions.ts, token-check.ts): the Wing & Gong search with Lowe's
//    cache, on that token's register, with single-page listings as reads of it.
// 4. 409 creates whose name several tokens may bear (names.ts).
// 5. Single-page listings as one moment across all their caller's tokens (snapshots.ts).
// 6. Listings of several pages, by the interval rule (listing-intervals.ts).
// The first group that finds something reports its earliest violation (the one whose last
// operation was answered first); the groups are in that order because the earlier ones explain
// more plainly (a reused ID is said as such, not as the listing it confuses).

import { checkFreshIds } from './freshness.js';
import type { Finding } from './findings.js';
import type { History, JudgeOptions } from './history.js';
import { checkPagedListings } from './listing-intervals.js';
import { listOutcome } from './model.js';
import { checkDuplicateNames } from './names.js';
import { partition } from './partitions.js';
import { checkSnapshots } from './snapshots.js';
import { checkToken } from './token-check.js';
import { collectTokens } from './tokens.js';
import type { Judgement, JudgeStats } from './verdict.js';

export const defaultMaxStates = 1_000_000;

export function judgeHistory(history: History, options: JudgeOptions): Judgement {
  validate(history);
  const maxStates = options.maxStates ?? defaultMaxStates;
  const groups: Finding[][] = [checkFreshIds(history, options)];
  const { tokens, findings } = collectTokens(history, options);
  groups.push(findings);

  const partitions = partition(history, tokens, options);
  const tokenFindings: Finding[] = [];
  const unknown: string[] = [];
  let statesExplored = 0;
  let searchedOperations = 0;
  let largestSearch = 0;
  for (const p of partitions) {
    const verdict = checkToken(p, Math.max(0, maxStates - statesExplored));
    statesExplored += verdict.states;
    searchedOperations += verdict.searched;
    largestSearch = Math.max(largestSearch, verdict.searched);
    if (verdict.finding) tokenFindings.push(verdict.finding);
    if (verdict.unknown) unknown.push(verdict.unknown);
  }
  groups.push(
    tokenFindings,
    checkDuplicateNames(history, tokens),
    checkSnapshots(history, partitions),
    checkPagedListings(history, partitions),
  );

  const stats: JudgeStats = {
    operations: history.operations.length,
    partitions: partitions.length,
    searchedOperations,
    largestSearch,
    statesExplored,
    multiPageListings: history.operations.filter((op) => op.kind === 'list' && listOutcome(op) === 'paged').length,
  };
  for (const group of groups) {
    const earliest = [...group].sort((a, b) => a.at - b.at)[0];
    if (earliest) return { ok: false, violation: earliest.violation, stats };
  }
  // A token the search gave up on may hide a violation; nothing else found one.
  const [first] = unknown;
  if (first !== undefined)
    return { ok: 'unknown', reason: unknown.length > 1 ? `${first} (and ${unknown.length - 1} more tokens)` : first, stats };
  return { ok: true, stats };
}

// A malformed history is the caller's bug, not the target's: said at once, never judged.
function validate(history: History): void {
  const ids = new Set<number>();
  for (const op of history.operations) {
    if (ids.has(op.id)) throw new RangeError(`operation id ${op.id} appears twice in the history`);
    ids.add(op.id);
    if (!Number.isFinite(op.sentAt)) throw new RangeError(`operation ${op.id} has no finite sentAt`);
    if (op.answer && !(op.answer.answeredAt >= op.sentAt))
      throw new RangeError(`operation ${op.id} is answered (${op.answer.answeredAt}) before it was sent (${op.sentAt})`);
  }
}
