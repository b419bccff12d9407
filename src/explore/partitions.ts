// The history cut into one partition per token (identity, token ID): what each operation says
// about that one token's register (P-compositionality: a set of tokens is the product of its
// members' registers, and an operation on one token touches one partition). A single-page
// listing is a read of every register of its caller: it projects to "present" or "absent" in
// each of them. A 409 create reads "a token of this name is held": it joins the partition of
// the only token that can have that name, and is left to the name check (names.ts) when several
// can. A 403 reads "someone else holds it" where IDs are unique across the service: it joins
// the partition of the only other identity given that ID.

import {
  endOf,
  type CreateOperation,
  type DeleteOperation,
  type History,
  type JudgeOptions,
  type ListOperation,
  type Operation,
} from './history.js';
import { createOutcome, deleteOutcome, listOutcome, type TokenStep } from './model.js';
import { namesOf, usedUp, type Token, type Tokens } from './tokens.js';

/** One operation as seen by one token's register. */
export interface TokenEvent {
  readonly start: number;
  /** Infinity when the operation was never answered. */
  readonly end: number;
  readonly step: TokenStep;
  /** The operation (for an attributed create, each unanswered create that may have made the token). */
  readonly ops: readonly Operation[];
}

export interface Partition {
  readonly token: Token;
  /** The token's create first. */
  readonly events: readonly TokenEvent[];
  /**
   * Its owner's deletes of it that changed nothing whatever the order (429, 409, another 4xx):
   * no part of the search, but the reason a message can give when the token went missing
   * after one (a refused delete changes nothing, §6.2).
   */
  readonly inert: readonly DeleteOperation[];
}

const event = (op: Operation, step: TokenStep): TokenEvent => ({ start: op.sentAt, end: endOf(op), step, ops: [op] });

/** The token a 409 create reads, when only one token can bear its name (and surely does). */
export function soleTokenOfName(tokens: Tokens, op: CreateOperation, unanswered: readonly CreateOperation[]): Token | undefined {
  const named = tokens.of(op.identity).filter((t) => namesOf(t).includes(op.name));
  const token = named[0];
  if (named.length !== 1 || token === undefined || namesOf(token).length !== 1) return undefined;
  // No unanswered create of that name may have made another token, unseen.
  const spent = usedUp(tokens);
  const maybeMade = unanswered.filter((u) => u.identity === op.identity && u.name === op.name && !spent.has(u));
  return maybeMade.length === 0 ? token : undefined;
}

export function partition(history: History, tokens: Tokens, options: JudgeOptions): Partition[] {
  const ops = history.operations;
  const byToken = new Map<Token, TokenEvent[]>();
  const inert = new Map<Token, DeleteOperation[]>();
  for (const token of tokens.all()) {
    byToken.set(token, [{ start: token.start, end: token.end, step: { kind: 'create' }, ops: token.createdBy }]);
    inert.set(token, []);
  }
  const push = (token: Token | undefined, e: TokenEvent): void => void (token && byToken.get(token)?.push(e));
  const unanswered = ops.filter((op): op is CreateOperation => op.kind === 'create' && createOutcome(op) === 'uncertain');

  for (const op of ops) {
    if (op.kind === 'delete') {
      addDelete(op, tokens, options, push);
      const own = tokens.get(op.identity, op.tokenId);
      if (own && deleteOutcome(op) === 'no-effect') inert.get(own)?.push(op);
    } else if (op.kind === 'list' && listOutcome(op) === 'snapshot') {
      addSnapshot(op, tokens, push);
    } else if (op.kind === 'create' && createOutcome(op) === 'duplicate-name') {
      push(soleTokenOfName(tokens, op, unanswered), event(op, { kind: 'observe', present: true }));
    }
  }
  return [...byToken].map(([token, events]) => ({ token, events, inert: inert.get(token) ?? [] }));
}

function addDelete(
  op: DeleteOperation,
  tokens: Tokens,
  options: JudgeOptions,
  push: (token: Token | undefined, e: TokenEvent) => void,
): void {
  const own = tokens.get(op.identity, op.tokenId);
  switch (deleteOutcome(op)) {
    case 'deleted':
      return push(own, event(op, { kind: 'delete' }));
    case 'uncertain':
      return push(own, event(op, { kind: 'maybe-delete' }));
    case 'not-found':
      return push(own, event(op, { kind: 'observe', present: false }));
    case 'denied': {
      push(own, event(op, { kind: 'observe', present: false }));
      // A 403 says the token exists and is someone else's (if nobody held it, 404). Judged
      // where IDs are unique across the service and one other identity of the exploration was
      // given that ID: then only it can hold it. An ID none of them was given may be a third
      // user's, which the explorer cannot list; where IDs are scoped per identity, anyone's.
      if (options.idsScopedPerIdentity) return;
      const others = tokens.withId(op.tokenId).filter((t) => t.identity !== op.identity);
      if (others.length === 1) push(others[0], event(op, { kind: 'observe', present: true }));
      return;
    }
    case 'no-effect':
      return;
  }
}

function addSnapshot(op: ListOperation, tokens: Tokens, push: (token: Token | undefined, e: TokenEvent) => void): void {
  const listed = new Set((op.answer?.items ?? []).map((item) => item.id));
  for (const token of tokens.of(op.identity)) push(token, event(op, { kind: 'observe', present: listed.has(token.tokenId) }));
}
