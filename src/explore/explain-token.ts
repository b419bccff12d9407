// Why one token's operations fit no order: the message of a failed partition. It is given the
// fewest operations that still fit no order (token-check.ts finds them), which nearly always
// make one of a few shapes: two 200s for one delete, a token seen after its delete or before its
// create, a token missing from a listing with no delete to explain it, a refusal while the caller
// held the token. Anything else is told as it is: these operations, and no order fits them.

import type { ContractSection } from '../contract/sections.js';
import { describe, finding, span, type Finding } from './findings.js';
import type { CreateOperation, DeleteOperation, Operation } from './history.js';
import type { TokenEvent } from './partitions.js';
import type { Token } from './tokens.js';

type Role = 'create' | 'delete' | 'maybe-delete' | 'listing' | 'refused' | 'duplicate' | 'denied-elsewhere';

function roleOf(token: Token, e: TokenEvent): Role {
  if (e.step.kind !== 'observe') return e.step.kind;
  const op = e.ops[0] as Operation;
  if (op.kind === 'list') return 'listing';
  if (op.kind === 'create') return 'duplicate';
  return op.identity === token.identity ? 'refused' : 'denied-elsewhere';
}

const first = (e: TokenEvent): Operation => e.ops[0] as Operation;

function label(token: Token): string {
  return token.name === undefined ? `token ${token.tokenId}` : `token ${token.tokenId} ("${token.name}")`;
}

/** How the token came to be: its 201, or the unanswered create(s) it is attributed to. */
export function madeBy(token: Token): string {
  if (!token.attributed) return describe(token.createdBy[0] as CreateOperation);
  if (token.createdBy.length === 1) return `${describe(token.createdBy[0] as CreateOperation)} (the token was seen later, so it made it)`;
  return `one of ${token.createdBy.length} unanswered creates sent from ${token.start}ms (the token was seen later, so one made it)`;
}

export function explainToken(token: Token, events: readonly TokenEvent[], inert: readonly DeleteOperation[] = []): Finding {
  const sorted = [...events].sort((a, b) => a.start - b.start || a.end - b.end);
  const create = sorted.find((e) => e.step.kind === 'create');
  const withRole = (role: Role): TokenEvent[] => sorted.filter((e) => roleOf(token, e) === role);
  const deletes = withRole('delete').sort((a, b) => a.end - b.end);
  const removals = sorted.filter((e) => e.step.kind === 'delete' || e.step.kind === 'maybe-delete');
  /** No delete that may have removed the token was sent before `e` ended. */
  const undeleted = (e: TokenEvent): boolean => removals.every((d) => d.start > e.end);
  const who = token.identity;
  const say = (
    section: ContractSection,
    rule: string,
    message: string,
    involved: (TokenEvent | undefined)[],
    extra: Operation[] = [],
  ): Finding => finding(section, rule, message, [...involved.flatMap((e) => (e ? e.ops : [])), ...extra]);

  // Two 200s for one token.
  const [d1, d2] = deletes;
  if (d1 && d2) {
    if (d1.end < d2.start) {
      return say(
        '6.5',
        'A delete answered 200 has removed its token: a second delete of it cannot succeed',
        `${describe(first(d2))}, but token ${token.tokenId} was already deleted by the delete answered 200 at ${span(first(d1))}`,
        [d1, d2],
      );
    }
    return say(
      '5.8',
      'Of concurrent deletes of one token, exactly one answers 200',
      `${who}'s deletes of token ${token.tokenId} at ${span(first(d1))} and ${span(first(d2))} both answered 200, but a token is deleted once`,
      [d1, d2],
    );
  }

  // Something saw the token before it could exist.
  const seers = sorted.filter((e) => e.step.kind === 'observe' && e.step.present);
  const early = create && seers.find((e) => e.end < create.start);
  if (create && early) {
    const op = first(early);
    switch (roleOf(token, early)) {
      case 'listing':
        return say(
          '2.2',
          'A listing shows only tokens that exist',
          `${describe(op)} shows ${label(token)} before any create could have made it: ${madeBy(token)}`,
          [create, early],
        );
      case 'duplicate':
        return say(
          '2.1',
          'A create is refused with 409 only while its caller holds a token of that name',
          `${describe(op)}, but ${who} held no token named "${token.name ?? ''}" yet: the only one, token ${token.tokenId}, came from ${madeBy(token)}`,
          [create, early],
        );
      default:
        return say(
          '5.5',
          'A delete of an ID that names no token answers 404',
          `${describe(op)}, but token ${token.tokenId} did not exist yet: ${madeBy(token)}`,
          [create, early],
        );
    }
  }

  // Something saw the token after its delete answered 200.
  const late = d1 && seers.find((e) => e.start > d1.end);
  if (d1 && late) {
    const op = first(late);
    switch (roleOf(token, late)) {
      case 'listing':
        return say(
          '6.5',
          'A delete answered 200 has removed its token: it is never listed again',
          `${describe(op)} shows ${label(token)}, but ${describe(first(d1))} had deleted it`,
          [d1, late],
        );
      case 'duplicate':
        return say(
          '2.1',
          'A create is refused with 409 only while its caller holds a token of that name',
          `${describe(op)}, but ${who} held no token named "${token.name ?? ''}" then: ${describe(first(d1))} had deleted token ${token.tokenId}, the only one of that name`,
          [create, d1, late],
        );
      default:
        return say(
          '5.5',
          'A delete of an ID that names no token answers 404',
          `${describe(op)}, but nobody held token ${token.tokenId} then: ${describe(first(d1))} had deleted it`,
          [d1, late],
        );
    }
  }

  // Listings after the token's create answered: missing from one, then shown by a later one.
  const missing = withRole('listing').filter(
    (e) => e.step.kind === 'observe' && !e.step.present && create !== undefined && create.end < e.start,
  );
  for (const gone of missing) {
    const back = seers.find((e) => roleOf(token, e) === 'listing' && e.start > gone.end);
    if (!back) continue;
    // A delete (answered 200 or never) may have removed it before the first listing: then the
    // second is wrong (§6.5); with none, the first lost it (§6.7). Either way, not both.
    const removal = removals[0];
    const by = removal ? ` (the delete that may have removed it: ${describe(first(removal))})` : '';
    return say(
      removal ? '6.5' : '6.7',
      'A token that is gone does not come back: nothing makes a token again',
      `${describe(first(back))} shows ${label(token)} again, but ${describe(first(gone))} had not shown it${by}, after ${madeBy(token)}`,
      [create, gone, back, removal],
    );
  }

  // A listing misses the token, with no delete that could explain it.
  const lost = missing.find(undeleted);
  if (create && lost) {
    const shown = seers.find((e) => e.end < lost.start && roleOf(token, e) === 'listing');
    const evidence = shown ? `${describe(first(shown))} showed it` : madeBy(token);
    const refused = inert.find((d) => d.sentAt <= lost.end && d.sentAt >= token.start);
    if (refused) {
      return say(
        '6.2',
        'A refused delete changes nothing: the token is still listed',
        `${describe(first(lost))} does not show ${label(token)}, yet ${evidence}, and the only delete of it sent before was refused: ${describe(refused)}`,
        [shown ?? create, lost],
        [refused],
      );
    }
    return say(
      '6.7',
      'A token whose create answered 201 is listed until a delete of it is sent',
      `${describe(first(lost))} does not show ${label(token)}, yet ${evidence}, and no delete of it was sent`,
      [shown ?? create, lost],
    );
  }

  // A refusal while the caller held the token.
  const refused = withRole('refused').find((e) => create !== undefined && create.end < e.start && undeleted(e));
  if (create && refused) {
    return say(
      '2.3',
      'A delete of a token its caller holds answers 200: 403 and 404 are for IDs it does not hold',
      `${describe(first(refused))}, but ${who} held token ${token.tokenId} then: ${madeBy(token)}, and no delete of it had been sent`,
      [create, refused],
    );
  }

  const last = [...sorted].sort((a, b) => a.end - b.end).at(-1) as TokenEvent;
  return say(
    fallbackSection(roleOf(token, last), last),
    'Each operation takes effect at one moment inside its interval, in an order the model allows',
    `no order of these operations, each placed inside its interval, is a legal history of ${who}'s ${label(token)}: ${sorted.map((e) => describe(first(e))).join('; ')}`,
    sorted,
  );
}

function fallbackSection(role: Role, e: TokenEvent): ContractSection {
  switch (role) {
    case 'listing':
      return e.step.kind === 'observe' && e.step.present ? '6.5' : '6.7';
    case 'refused':
      return '2.3';
    case 'duplicate':
      return '2.1';
    case 'denied-elsewhere':
      return '5.5';
    default:
      return '6.5';
  }
}
