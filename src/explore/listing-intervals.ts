// A listing of several pages is not one moment's state: each page is read at its own moment, and
// tokens written while it runs may be on a page already read or on one still to come. It stays
// out of the search and is judged by the interval rule (contract §2.2, §6.5, §6.7):
// - a token whose create was answered before the listing started, and no delete of which (200,
//   or one whose fate is unknown) was sent before it ended, is listed;
// - a token whose delete was answered 200 before the listing started is not;
// - a token whose create was sent only after the listing ended is not;
// - any other token (written during the listing) may go either way.
// What the listing shows about identities and names is judged with every listing (tokens.ts).

import { describe, finding, type Finding } from './findings.js';
import { endOf, type History, type ListOperation, type Operation } from './history.js';
import { listOutcome } from './model.js';
import type { Partition } from './partitions.js';
import { madeBy } from './explain-token.js';

export function checkPagedListings(history: History, partitions: readonly Partition[]): Finding[] {
  const findings: Finding[] = [];
  for (const op of history.operations) {
    if (op.kind !== 'list' || listOutcome(op) !== 'paged') continue;
    const listed = new Set((op.answer?.items ?? []).map((item) => item.id));
    for (const p of partitions) {
      if (p.token.identity !== op.identity) continue;
      const found = judgeToken(op, p, listed.has(p.token.tokenId));
      if (found) findings.push(found);
    }
  }
  return findings;
}

function judgeToken(listing: ListOperation, { token, events }: Partition, shown: boolean): Finding | undefined {
  const from = listing.sentAt;
  const to = endOf(listing);
  const createOps = token.createdBy;
  const label = token.name === undefined ? `token ${token.tokenId}` : `token ${token.tokenId} ("${token.name}")`;
  if (shown) {
    if (token.start > to) {
      return finding(
        '2.2',
        'A listing shows only tokens that exist',
        `${describe(listing)} shows ${label} before any create could have made it: ${madeBy(token)}`,
        [...createOps, listing],
      );
    }
    const removed = events.find((e) => e.step.kind === 'delete' && e.end < from);
    if (removed) {
      const del = removed.ops[0] as Operation;
      return finding(
        '6.5',
        'A delete answered 200 has removed its token: it is never listed again',
        `${describe(listing)} shows ${label}, but ${describe(del)} had deleted it before the listing began`,
        [del, listing],
      );
    }
    return undefined;
  }
  if (token.end >= from) return undefined;
  const excuse = events.find((e) => (e.step.kind === 'delete' || e.step.kind === 'maybe-delete') && e.start <= to);
  if (excuse) return undefined;
  return finding(
    '6.7',
    'A token whose create answered 201 is listed until a delete of it is sent',
    `${describe(listing)} does not show ${label}, yet ${madeBy(token)} before the listing began, and no delete of it was sent before the listing ended`,
    [...createOps, listing],
  );
}
