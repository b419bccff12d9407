// Which tokens the exploration made, and whose each is: the tokens the search judges one by one.
// A token is made by a create answered 201 with its ID; or, when a listing (or a delete answered
// 200) reveals an ID nobody was given, by one of its identity's creates that got no answer,
// the only ones that may have made a token nobody learned of. Listed tokens that nothing
// explains are violations found here, whatever the order of operations: another identity's
// token (isolation), a token nobody created, a token listed under another name or expiresTime.

import {
  endOf,
  type CreateOperation,
  type DeleteOperation,
  type History,
  type Identity,
  type JudgeOptions,
  type ListedItem,
  type ListOperation,
} from './history.js';
import { describe, finding, sameTime, span, type Finding } from './findings.js';
import { createOutcome, deleteOutcome, listOutcome } from './model.js';

export interface Token {
  readonly identity: Identity;
  readonly tokenId: string;
  /** Unknown for a token only a delete answered 200 revealed. */
  readonly name: string | undefined;
  /** What a listing must show, when known. */
  readonly expiresTime: string | undefined;
  /**
   * The create answered 201 with this ID; or, for an attributed token, the unanswered creates
   * one of which made it (it was seen, so one did).
   */
  readonly createdBy: readonly CreateOperation[];
  readonly attributed: boolean;
  /** The interval in which the token came to exist (for an attributed token, the span of its candidates). */
  readonly start: number;
  readonly end: number;
}

export interface Tokens {
  /** The token of this identity with this ID. */
  get(identity: Identity, tokenId: string): Token | undefined;
  /** Every token of one identity. */
  of(identity: Identity): readonly Token[];
  /** Every identity's token with this ID (several only where IDs are scoped per identity). */
  withId(tokenId: string): readonly Token[];
  all(): readonly Token[];
}

const key = (identity: Identity, tokenId: string): string => `${identity}\u0000${tokenId}`;

/** The names a token may bear: its own, or, when only a delete revealed it, those of the creates that may have made it. */
export function namesOf(token: Token): string[] {
  return token.name !== undefined ? [token.name] : [...new Set(token.createdBy.map((op) => op.name))];
}

/** Unanswered creates that made a known token (its only candidate): each makes one token at most, so no other. */
export function usedUp(tokens: Tokens): Set<CreateOperation> {
  return new Set(tokens.all().flatMap((t) => (t.attributed && t.createdBy.length === 1 ? t.createdBy : [])));
}

/** The default membership: a name some create sent, or an ID some create was given. */
export function explorationTokens(history: History): (item: ListedItem) => boolean {
  if (history.isExplorationToken) return history.isExplorationToken;
  const names = new Set<string>();
  const ids = new Set<string>();
  for (const op of history.operations) {
    if (op.kind !== 'create') continue;
    names.add(op.name);
    if (op.answer?.tokenId !== undefined) ids.add(op.answer.tokenId);
  }
  return (item) => names.has(item.name) || ids.has(item.id);
}

export function collectTokens(history: History, options: JudgeOptions): { tokens: Tokens; findings: Finding[] } {
  const findings: Finding[] = [];
  const byKey = new Map<string, Token>();
  const add = (token: Token): void => void byKey.set(key(token.identity, token.tokenId), token);
  const ops = history.operations;
  const creates = ops.filter((op): op is CreateOperation => op.kind === 'create');

  // Tokens given by a 201, the first create of an ID per identity (a second one is a reuse,
  // freshness.ts says so).
  const given = creates.filter((op) => createOutcome(op) === 'created').sort((a, b) => a.sentAt - b.sentAt);
  for (const op of given) {
    const tokenId = op.answer?.tokenId as string;
    if (byKey.has(key(op.identity, tokenId))) continue;
    add({
      identity: op.identity,
      tokenId,
      name: op.name,
      expiresTime: op.answer?.expiresTime ?? op.expiresTime,
      createdBy: [op],
      attributed: false,
      start: op.sentAt,
      end: endOf(op),
    });
  }
  // Where IDs are unique across the service, an ID another identity holds (given by a 201, or
  // seen) is never this one's.
  const heldElsewhere = (identity: Identity, tokenId: string): CreateOperation | undefined => {
    if (options.idsScopedPerIdentity) return undefined;
    for (const token of byKey.values()) if (token.identity !== identity && token.tokenId === tokenId) return token.createdBy[0];
    return undefined;
  };
  /** Unanswered creates that made a token already seen (its only candidate): they made no other. */
  const spent = new Set<CreateOperation>();
  const unanswered = creates.filter((op) => createOutcome(op) === 'uncertain');
  const attributed = (candidates: CreateOperation[], tokenId: string, identity: Identity, name: string | undefined): Token => {
    const sent = new Set(candidates.map((op) => op.expiresTime));
    return {
      identity,
      tokenId,
      name,
      expiresTime: sent.size === 1 ? candidates[0]?.expiresTime : undefined,
      createdBy: candidates,
      attributed: true,
      start: Math.min(...candidates.map((op) => op.sentAt)),
      end: Math.max(...candidates.map(endOf)),
    };
  };

  // Listed tokens, earliest listing first (an unknown ID is attributed to the unanswered creates
  // sent before the first listing that shows it ended).
  const isExploration = explorationTokens(history);
  const listings = ops
    .filter((op): op is ListOperation => op.kind === 'list' && listOutcome(op) !== 'none')
    .sort((a, b) => endOf(a) - endOf(b));
  /** IDs of tokens each identity listed that are not the exploration's (its own, from before). */
  const foreignListed = new Map<Identity, Set<string>>();
  /** Per identity and name, the unknown IDs attributed to its unanswered creates of that name. */
  const attributedByName = new Map<string, Set<string>>();
  for (const listing of listings) {
    const seen = new Set<string>();
    for (const item of listing.answer?.items ?? []) {
      if (seen.has(item.id)) {
        // A set holds a token once. Across pages a token may come twice (written while the
        // listing ran), so only a single page is held to it.
        if (listOutcome(listing) === 'snapshot' && isExploration(item)) findings.push(listedTwice(listing, item));
        continue;
      }
      seen.add(item.id);
      const identity = listing.identity;
      if (!isExploration(item)) {
        let foreign = foreignListed.get(identity);
        if (!foreign) foreignListed.set(identity, (foreign = new Set()));
        foreign.add(item.id);
        continue;
      }
      const known = byKey.get(key(identity, item.id));
      if (known) {
        const mismatch = listedAsCreated(known, item, listing);
        if (mismatch) findings.push(mismatch);
        continue;
      }
      const elsewhere = heldElsewhere(identity, item.id);
      if (elsewhere) {
        findings.push(isolation(listing, item, elsewhere));
        continue;
      }
      const candidates = unanswered.filter((op) => op.identity === identity && op.name === item.name && op.sentAt <= endOf(listing));
      if (candidates.length > 0) {
        const nameKey = key(identity, item.name);
        let ids = attributedByName.get(nameKey);
        if (!ids) attributedByName.set(nameKey, (ids = new Set()));
        ids.add(item.id);
        add(attributed(candidates, item.id, identity, item.name));
        if (candidates.length === 1) spent.add(candidates[0] as CreateOperation);
        continue;
      }
      const sameName = creates.find((op) => op.identity !== identity && op.name === item.name);
      if (sameName) findings.push(isolation(listing, item, sameName));
      else findings.push(nobodyCreated(listing, item));
    }
  }

  // Each unanswered create made at most one token.
  for (const [nameKey, ids] of attributedByName) {
    const [identity, name] = nameKey.split('\u0000') as [string, string];
    const candidates = unanswered.filter((op) => op.identity === identity && op.name === name);
    if (ids.size <= candidates.length) continue;
    const listedThem = listings.filter((l) => l.identity === identity && l.answer?.items.some((item) => ids.has(item.id)));
    findings.push(
      finding(
        '2.2',
        "Every token of the exploration listed was made by one of the caller's creates",
        `${identity}'s listings show ${ids.size} tokens named "${name}" whose IDs no create was given (${[...ids].join(', ')}), but only ${candidates.length} create(s) of that name went unanswered, and each makes one token at most`,
        [...candidates, ...listedThem.slice(0, 1)],
      ),
    );
  }

  // Deletes answered 200 of an ID their caller was never seen to hold.
  const deleted = ops
    .filter((op): op is DeleteOperation => op.kind === 'delete' && deleteOutcome(op) === 'deleted')
    .sort((a, b) => endOf(a) - endOf(b));
  for (const del of deleted) {
    if (byKey.has(key(del.identity, del.tokenId))) continue;
    if (foreignListed.get(del.identity)?.has(del.tokenId)) continue;
    const elsewhere = heldElsewhere(del.identity, del.tokenId);
    const candidates = unanswered.filter((op) => op.identity === del.identity && op.sentAt <= endOf(del) && !spent.has(op));
    if (!elsewhere && candidates.length > 0) {
      add(attributed(candidates, del.tokenId, del.identity, undefined));
      if (candidates.length === 1) spent.add(candidates[0] as CreateOperation);
      continue;
    }
    const owner = elsewhere ?? given.find((op) => op.identity !== del.identity && op.answer?.tokenId === del.tokenId);
    findings.push(owner ? wrongOwner(del, owner) : neverHeld(del));
  }

  const all = [...byKey.values()];
  const tokens: Tokens = {
    get: (identity, tokenId) => byKey.get(key(identity, tokenId)),
    of: (identity) => all.filter((t) => t.identity === identity),
    withId: (tokenId) => all.filter((t) => t.tokenId === tokenId),
    all: () => all,
  };
  return { tokens, findings };
}

function listedAsCreated(token: Token, item: ListedItem, listing: ListOperation): Finding | undefined {
  const rule = "A listing shows each of the caller's tokens as it was created (ID, name, expiresTime)";
  const made = token.attributed
    ? `the unanswered create(s) it is attributed to (sent from ${token.start}ms)`
    : `the create answered 201 at ${span(token.createdBy[0] as CreateOperation)}`;
  if (token.name !== undefined && item.name !== token.name) {
    return finding(
      '2.2',
      rule,
      `${describe(listing)} shows token ${item.id} named "${item.name}", but ${made} made token ${item.id} as "${token.name}"`,
      [...token.createdBy.slice(0, 1), listing],
    );
  }
  if (item.expiresTime !== undefined && token.expiresTime !== undefined && !sameTime(item.expiresTime, token.expiresTime)) {
    return finding(
      '2.2',
      rule,
      `${describe(listing)} shows token ${item.id} expiring at ${item.expiresTime}, but ${made} made it to expire at ${token.expiresTime}`,
      [...token.createdBy.slice(0, 1), listing],
    );
  }
  return undefined;
}

function listedTwice(listing: ListOperation, item: ListedItem): Finding {
  return finding(
    '2.2',
    "A listing holds each of the caller's tokens once",
    `${describe(listing)} shows token ${item.id} ("${item.name}") twice in one page`,
    [listing],
  );
}

function isolation(listing: ListOperation, item: ListedItem, owner: CreateOperation): Finding {
  return finding(
    '6.3',
    "A listing holds only the caller's tokens: another identity's token never shows in it",
    `${describe(listing)} shows token ${item.id} ("${item.name}"), which is ${owner.identity}'s: ${describe(owner)}`,
    [owner, listing],
  );
}

function nobodyCreated(listing: ListOperation, item: ListedItem): Finding {
  return finding(
    '2.2',
    "Every token of the exploration listed was made by one of the caller's creates",
    `${describe(listing)} shows token ${item.id} ("${item.name}"), a token nobody created: no create of ${listing.identity}'s was given that ID, and none named "${item.name}" went unanswered before the listing ended`,
    [listing],
  );
}

function wrongOwner(del: DeleteOperation, owner: CreateOperation): Finding {
  return finding(
    '6.3',
    "A delete never removes another identity's token: only its owner may delete it",
    `${describe(del)}, but token ${del.tokenId} is ${owner.identity}'s (${describe(owner)}) and ${del.identity} never held it: the right answers were 403 or 404`,
    [owner, del],
  );
}

function neverHeld(del: DeleteOperation): Finding {
  return finding(
    '5.5',
    'A delete of an ID that names no token of the caller answers 404',
    `${describe(del)}, but no identity of the exploration was given token ${del.tokenId}, and ${del.identity} had no unanswered create that could have made it`,
    [del],
  );
}
