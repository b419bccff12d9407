// A create answered 409 is legal only while its caller holds a token of that name (contract
// §2.1). Where only one token can bear the name, the 409 joins that token's partition and the
// search judges it exactly (partitions.ts). Where several can (duplicate names the target
// accepted, or unanswered creates of that name that may have made tokens nobody saw), this
// simpler check judges it: some token of that name must be able to exist at some moment of the
// 409's interval (an unanswered create counts as a token of that name from when it was sent,
// unless it is known to have made another, or a later listing would show what it made).
// Sound, not complete: it does not ask whether that moment fits the rest.

import { endOf, type CreateOperation, type DeleteOperation, type History, type Operation } from './history.js';
import { describe, finding, type Finding } from './findings.js';
import { createOutcome, deleteOutcome, listOutcome } from './model.js';
import { soleTokenOfName } from './partitions.js';
import { explorationTokens, namesOf, usedUp, type Tokens } from './tokens.js';

export function checkDuplicateNames(history: History, tokens: Tokens): Finding[] {
  const ops = history.operations;
  const unanswered = ops.filter((op): op is CreateOperation => op.kind === 'create' && createOutcome(op) === 'uncertain');
  const deleted = ops.filter((op): op is DeleteOperation => op.kind === 'delete' && deleteOutcome(op) === 'deleted');
  const spent = usedUp(tokens);
  const isExploration = explorationTokens(history);
  const findings: Finding[] = [];
  for (const op of ops) {
    if (op.kind !== 'create' || createOutcome(op) !== 'duplicate-name') continue;
    if (soleTokenOfName(tokens, op, unanswered)) continue;
    // Each window is when one candidate token may have existed: from its create's start to
    // the end of the delete answered 200 that removed it (or forever).
    const windows: { from: number; to: number; ops: Operation[] }[] = [];
    for (const token of tokens.of(op.identity)) {
      if (!namesOf(token).includes(op.name)) continue;
      const removal = deleted.filter((d) => d.identity === op.identity && d.tokenId === token.tokenId);
      const to = removal.length > 0 ? Math.max(...removal.map(endOf)) : Infinity;
      windows.push({ from: token.start, to, ops: [...token.createdBy, ...removal] });
    }
    // A token an unanswered create made that no listing ever showed: it would still be there
    // (nothing knows its ID to delete it, except a delete that got no answer), so a listing
    // sent after the 409 shows it (if the exploration lists that name at all). One that does
    // not, with no such delete before it, rules these out.
    const ruledOut = ops.some(
      (l) =>
        l.kind === 'list' &&
        l.identity === op.identity &&
        listOutcome(l) !== 'none' &&
        l.sentAt > endOf(op) &&
        !ops.some((d) => d.kind === 'delete' && d.identity === op.identity && deleteOutcome(d) === 'uncertain' && d.sentAt <= endOf(l)),
    );
    const listable = isExploration({ id: '', name: op.name });
    for (const u of unanswered) {
      if ((ruledOut && listable) || u.identity !== op.identity || u.name !== op.name || spent.has(u)) continue;
      windows.push({ from: u.sentAt, to: Infinity, ops: [u] });
    }
    if (windows.some((w) => w.from <= endOf(op) && w.to >= op.sentAt)) continue;
    const why =
      windows.length === 0
        ? `${op.identity} was never given a token of that name`
        : `no token of that name could exist in its interval (${windows.map((w) => `${w.ops.map(describe).join(', ')}`).join('; ')})`;
    findings.push(
      finding(
        '2.1',
        'A create is refused with 409 only while its caller holds a token of that name',
        `${describe(op)}, but ${op.identity} held no token named "${op.name}" then: ${why}`,
        [op, ...windows.flatMap((w) => w.ops)],
      ),
    );
  }
  return findings;
}
