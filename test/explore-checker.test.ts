// The judge of explore histories, on histories written by hand: the classic small
// counterexamples of linearizability for this API, each next to the nearest history that is
// fine, then a generated history of some 2000 operations (linearizable by construction) and
// the same with one double success injected.
import { describe, expect, it } from 'vitest';
import {
  byNamePrefix,
  type CreateOperation,
  type DeleteOperation,
  type History,
  type JudgeOptions,
  type ListOperation,
  type Operation,
} from '../src/explore/history.js';
import { judgeHistory } from '../src/explore/judge.js';
import type { Judgement } from '../src/explore/verdict.js';
import { searchLinearization, type SequentialModel } from '../src/explore/linearizability.js';
import { createRandom } from '../src/random.js';

const unscoped: JudgeOptions = { idsScopedPerIdentity: false };
const scoped: JudgeOptions = { idsScopedPerIdentity: true };

/** Operations numbered as they are written, from 1. */
function recorder() {
  const ops: Operation[] = [];
  const push = <T extends Operation>(op: Omit<T, 'id'>): number => {
    const id = ops.length + 1;
    ops.push({ ...op, id } as T);
    return id;
  };
  const answer = (answeredAt: number | null, status: number): { answer?: { answeredAt: number; status: number } } =>
    answeredAt === null ? {} : { answer: { answeredAt, status } };
  return {
    history: (extra: Partial<History> = {}): History => ({ operations: ops, ...extra }),
    /** A create answered 201 with `tokenId`. */
    created: (identity: string, name: string, tokenId: string, sentAt: number, answeredAt: number): number =>
      push<CreateOperation>({ kind: 'create', identity, name, sentAt, answer: { answeredAt, status: 201, tokenId } }),
    /** A create answered otherwise (null: never answered). */
    create: (identity: string, name: string, sentAt: number, answeredAt: number | null, status: number): number =>
      push<CreateOperation>({ kind: 'create', identity, name, sentAt, ...answer(answeredAt, status) }),
    del: (identity: string, tokenId: string, sentAt: number, answeredAt: number | null, status = 200): number =>
      push<DeleteOperation>({ kind: 'delete', identity, tokenId, sentAt, ...answer(answeredAt, status) }),
    list: (identity: string, sentAt: number, answeredAt: number, items: [string, string][], pages = 1, status = 200): number =>
      push<ListOperation>({
        kind: 'list',
        identity,
        sentAt,
        answer: { answeredAt, status, pages, items: items.map(([id, name]) => ({ id, name })) },
      }),
  };
}

function violation(judgement: Judgement) {
  if (judgement.ok !== false) throw new Error(`expected a violation, got ${JSON.stringify(judgement)}`);
  return judgement.violation;
}

describe('deletes of one token', () => {
  it('two overlapping deletes both answered 200 are a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    const a = r.del('owner', '7', 100, 130);
    const b = r.del('owner', '7', 105, 125);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('5.8');
    expect(v.operations).toEqual([a, b]);
    expect(v.message).toBe(
      "owner's deletes of token 7 at [105ms, 125ms] and [100ms, 130ms] both answered 200, but a token is deleted once",
    );
  });

  it('the same one after the other is a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    const a = r.del('owner', '7', 100, 110);
    const b = r.del('owner', '7', 120, 130);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.5');
    expect(v.operations).toEqual([a, b]);
    expect(v.message).toBe(
      "owner's delete of token 7 answered 200 at [120ms, 130ms], but token 7 was already deleted by the delete answered 200 at [100ms, 110ms]",
    );
  });

  it('overlapping deletes where one answered 404 are fine, in either order of answers', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 100, 130, 404);
    r.del('owner', '7', 105, 125);
    r.list('owner', 140, 150, []);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a delete answered 404 while its caller held the token for the whole interval is a violation', () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const d = r.del('owner', '7', 20, 30, 404);
    r.list('owner', 40, 50, [['7', 'patc-1']]);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('2.3');
    expect(v.operations).toEqual([c, d]);
    expect(v.message).toContain("owner's delete of token 7 answered 404 at [20ms, 30ms], but owner held token 7 then");
  });

  it('a delete answered 404 overlapping the create is fine (placed before it)', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 30);
    r.del('owner', '7', 10, 20, 404);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a 409 ConflictException on a delete has no effect, legal anytime', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 20, 30, 409);
    r.list('owner', 40, 50, [['7', 'patc-1']]);
    r.del('owner', '7', 60, 70);
    r.del('owner', '7', 80, 90, 409);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a 429 has no effect, on any operation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.create('owner', 'patc-2', 5, 15, 429);
    r.del('owner', '7', 20, 30, 429);
    r.list('owner', 40, 50, [['7', 'patc-1']]);
    r.list('owner', 41, 49, [], 1, 429);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a throttled delete that took effect is a violation (§6.2)', () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const d = r.del('owner', '7', 20, 30, 429);
    const l = r.list('owner', 40, 50, []);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.2');
    expect(v.operations).toEqual([c, d, l]);
    expect(v.message).toContain("the only delete of it sent before was refused: owner's delete of token 7 answered 429 at [20ms, 30ms]");
  });
});

describe('listings against creates and deletes', () => {
  it('a single-page listing that misses a created token with no delete in between is a lost write', () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const l = r.list('owner', 20, 30, []);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.7');
    expect(v.operations).toEqual([c, l]);
    expect(v.message).toBe(
      'owner\'s listing at [20ms, 30ms] does not show token 7 ("patc-1"), yet owner\'s create "patc-1" answered 201 at [0ms, 10ms], and no delete of it was sent',
    );
  });

  it('the same listing overlapping a delete of that token is fine', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 25, 40);
    r.list('owner', 20, 30, []);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a token whose delete answered 200 reappearing in a later listing is a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    const d = r.del('owner', '7', 20, 30);
    const l = r.list('owner', 40, 50, [['7', 'patc-1']]);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.5');
    expect(v.operations).toEqual([d, l]);
    expect(v.message).toBe(
      'owner\'s listing at [40ms, 50ms] shows token 7 ("patc-1"), but owner\'s delete of token 7 answered 200 at [20ms, 30ms] had deleted it',
    );
  });

  it('a listing overlapping the create may show the token or not', () => {
    for (const items of [[], [['7', 'patc-1']]] as [string, string][][]) {
      const r = recorder();
      r.created('owner', 'patc-1', '7', 0, 30);
      r.list('owner', 10, 20, items);
      expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
    }
  });

  it('two overlapping listings that disagree are fine when both overlap the write; a token that comes back is not', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 20, 60);
    r.list('owner', 25, 35, []);
    r.list('owner', 30, 40, [['7', 'patc-1']]);
    // The second listing ended after the first began: the first may be placed after it.
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);

    const s = recorder();
    s.created('owner', 'patc-1', '7', 0, 10);
    s.del('owner', '7', 20, 60);
    const gone = s.list('owner', 25, 35, []);
    const back = s.list('owner', 40, 50, [['7', 'patc-1']]);
    const v = violation(judgeHistory(s.history(), unscoped));
    expect(v.operations).toEqual(expect.arrayContaining([gone, back]));
  });

  it('a listing showing a token under another name than its create is a violation', () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const l = r.list('owner', 20, 30, [['7', 'patc-2']]);
    r.create('owner', 'patc-2', 1, 2, 400);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('2.2');
    expect(v.operations).toEqual([c, l]);
  });

  it('a single-page listing is one moment for all tokens, not one moment per token', () => {
    // A is missing: true only after its delete was sent (100ms). B is shown: true only from its
    // create (60ms) until its delete answered (90ms here). Each fits the listing's interval on
    // its own, so each token's search accepts it; no one moment fits both.
    const s = recorder();
    const a = s.created('owner', 'patc-a', 'A', 0, 10);
    const da = s.del('owner', 'A', 100, 110);
    const b = s.created('owner', 'patc-b', 'B', 60, 70);
    const db = s.del('owner', 'B', 80, 90);
    const l = s.list('owner', 5, 105, [['B', 'patc-b']]);
    const v = violation(judgeHistory(s.history(), unscoped));
    expect(v.section).toBe('2.2');
    expect(v.operations).toEqual([a, l, b, db, da]);
    expect(v.message).toBe(
      "owner's listing at [5ms, 105ms] is no single moment's state of owner's tokens: " +
        "it does not show token A, which existed from 10ms (its create answered 201 at [0ms, 10ms]) at least until 100ms (owner's delete of token A answered 200 at [100ms, 110ms]); " +
        "it shows token B, which existed at most from 60ms (its create answered 201 at [60ms, 70ms]) until 90ms (owner's delete of token B answered 200 at [80ms, 90ms])",
    );

    // B deleted later (120ms): from 100ms to 105ms A is gone and B is there. Fine.
    const r = recorder();
    r.created('owner', 'patc-a', 'A', 0, 10);
    r.del('owner', 'A', 100, 110);
    r.created('owner', 'patc-b', 'B', 60, 70);
    r.del('owner', 'B', 120, 130);
    r.list('owner', 5, 105, [['B', 'patc-b']]);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a known limit: two listings that each fit a moment but disagree on the order of two creates are accepted', () => {
    // Creates of A and B both run from 0 to 100ms; one listing shows only A, the other only
    // B. No order has both (A before B for the first, B before A for the second), but each
    // listing alone fits a moment and each token alone fits an order: the partitions do not
    // compare one listing with another across tokens.
    const r = recorder();
    r.created('owner', 'patc-a', 'A', 0, 100);
    r.created('owner', 'patc-b', 'B', 0, 100);
    r.list('owner', 10, 90, [['A', 'patc-a']]);
    r.list('owner', 10, 90, [['B', 'patc-b']]);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a listing that shows the same token twice in one page is a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    const l = r.list('owner', 20, 30, [
      ['7', 'patc-1'],
      ['7', 'patc-1'],
    ]);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('2.2');
    expect(v.operations).toEqual([l]);
  });
});

describe('IDs are not reused', () => {
  it('an ID given again after its token was deleted is a violation', () => {
    const r = recorder();
    const a = r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 20, 30);
    const b = r.created('owner', 'patc-2', '7', 40, 50);
    const v = violation(judgeHistory(r.history(), scoped));
    expect(v.section).toBe('6.6');
    expect(v.operations).toEqual([a, b]);
    expect(v.message).toContain('returned token ID 7, already given to owner by owner\'s create "patc-1" answered 201 at [0ms, 10ms]');
  });

  it('another identity given the same ID is fine where IDs are scoped per identity, a violation where not', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.created('other', 'patc-2', '7', 20, 30);
    r.list('owner', 40, 50, [['7', 'patc-1']]);
    r.list('other', 40, 50, [['7', 'patc-2']]);
    r.del('owner', '7', 60, 70);
    r.list('other', 80, 90, [['7', 'patc-2']]);
    expect(judgeHistory(r.history(), scoped).ok).toBe(true);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.6');
    expect(v.operations).toEqual([1, 2]);
  });
});

describe('identities are isolated', () => {
  it("a wrong owner's delete answered 200 is a violation", () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const d = r.del('other', '7', 20, 30);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.3');
    expect(v.operations).toEqual([c, d]);
    expect(v.message).toContain("other's delete of token 7 answered 200 at [20ms, 30ms], but token 7 is owner's");
  });

  it("a wrong owner's 403 or 404 is fine while the owner holds the token; a 403 once nobody holds it is not", () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('other', '7', 20, 30, 403);
    r.del('other', '7', 20, 30, 404);
    r.list('owner', 40, 50, [['7', 'patc-1']]);
    const d = r.del('owner', '7', 60, 70);
    r.del('other', '7', 80, 90, 404);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
    const late = r.del('other', '7', 100, 110, 403);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('5.5');
    expect(v.operations).toEqual([d, late]);
  });

  it("a listing that shows another identity's token of the exploration is a violation", () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const l = r.list('other', 20, 30, [['7', 'patc-1']]);
    const v = violation(judgeHistory(r.history(), scoped));
    expect(v.section).toBe('6.3');
    expect(v.operations).toEqual([c, l]);
    expect(v.message).toContain('other\'s listing at [20ms, 30ms] shows token 7 ("patc-1"), which is owner\'s');
    expect(violation(judgeHistory(r.history(), unscoped)).section).toBe('6.3');
  });

  it("tokens that are not the exploration's are ignored", () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.list('owner', 20, 30, [
      ['7', 'patc-1'],
      ['old-1', 'my laptop'],
    ]);
    expect(judgeHistory(r.history({ isExplorationToken: byNamePrefix('patc-') }), unscoped).ok).toBe(true);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });
});

describe('operations that got no answer', () => {
  it('a timed-out delete followed by listings that show the token gone, or still there, is fine', () => {
    for (const items of [[], [['7', 'patc-1']]] as [string, string][][]) {
      const r = recorder();
      r.created('owner', 'patc-1', '7', 0, 10);
      r.del('owner', '7', 20, null);
      r.list('owner', 40, 50, items);
      r.list('owner', 60, 70, items);
      expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
    }
  });

  it('a timed-out delete cannot bring a token back: gone, then listed again, is a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 20, null);
    r.list('owner', 40, 50, []);
    r.list('owner', 60, 70, [['7', 'patc-1']]);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(false);
  });

  it('a timed-out create whose token shows up later is fine (attributed to it), and the token then lives by the rules', () => {
    const r = recorder();
    r.create('owner', 'patc-1', 0, null, 0);
    r.list('owner', 5, 8, []);
    r.list('owner', 40, 50, [['x9', 'patc-1']]);
    r.del('owner', 'x9', 60, 70);
    r.list('owner', 80, 90, []);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
    const d = r.del('owner', 'x9', 100, 110);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.5');
    expect(v.operations).toEqual([4, d]);
  });

  it('a create answered 5xx may have made a token too', () => {
    const r = recorder();
    r.create('owner', 'patc-1', 0, 10, 503);
    r.list('owner', 40, 50, [['x9', 'patc-1']]);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a token nobody created is a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    const l = r.list('owner', 20, 30, [
      ['7', 'patc-1'],
      ['8', 'patc-2'],
    ]);
    const v = violation(judgeHistory(r.history({ isExplorationToken: byNamePrefix('patc-') }), unscoped));
    expect(v.section).toBe('2.2');
    expect(v.operations).toEqual([l]);
    expect(v.message).toContain('shows token 8 ("patc-2"), a token nobody created');
  });

  it('an unanswered create sent after the listing ended explains nothing', () => {
    const r = recorder();
    r.list('owner', 20, 30, [['8', 'patc-2']]);
    r.create('owner', 'patc-2', 40, null, 0);
    expect(violation(judgeHistory(r.history(), unscoped)).section).toBe('2.2');
  });
});

describe('creates refused as duplicate names', () => {
  it('a 409 while the caller holds a token of that name is fine', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.create('owner', 'patc-1', 20, 30, 409);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('a 409 while it does not is a violation', () => {
    const r = recorder();
    const q = r.create('owner', 'patc-1', 20, 30, 409);
    r.created('owner', 'patc-2', '7', 0, 10);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('2.1');
    expect(v.operations).toEqual([q]);
    expect(v.message).toContain('owner held no token named "patc-1" then');
  });

  it('a 409 after the only token of that name was deleted is a violation; overlapping the delete it is fine', () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const d = r.del('owner', '7', 20, 30);
    r.create('owner', 'patc-1', 25, 40, 409);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
    const late = r.create('owner', 'patc-1', 50, 60, 409);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('2.1');
    expect(v.operations).toEqual([c, d, late]);
  });

  it('names are not keys: two tokens of one name, and a 409 judged against both', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.created('owner', 'patc-1', '8', 5, 15);
    r.del('owner', '7', 20, 30);
    r.list('owner', 40, 50, [['8', 'patc-1']]);
    r.create('owner', 'patc-1', 60, 70, 409);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
    r.del('owner', '8', 80, 90);
    const late = r.create('owner', 'patc-1', 100, 110, 409);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('2.1');
    expect(v.operations).toContain(late);
  });
});

describe('listings of several pages', () => {
  it('missing a token created well before the listing is a violation', () => {
    const r = recorder();
    const c = r.created('owner', 'patc-1', '7', 0, 10);
    const l = r.list('owner', 20, 60, [], 3);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.7');
    expect(v.operations).toEqual([c, l]);
    expect(v.message).toContain("owner's listing (3 pages) at [20ms, 60ms] does not show token 7");
  });

  it('missing one created during it is fine (not an atomic read)', () => {
    const r = recorder();
    r.created('owner', 'patc-a', 'A', 0, 10);
    r.created('owner', 'patc-b', 'B', 30, 40);
    r.del('owner', 'A', 35, 45);
    // One page read A, then B was created and A deleted, then the next page: A shown, B missed.
    r.list('owner', 20, 60, [['A', 'patc-a']], 2);
    expect(judgeHistory(r.history(), unscoped).ok).toBe(true);
  });

  it('showing a token deleted before it began is a violation', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    const d = r.del('owner', '7', 12, 15);
    const l = r.list('owner', 20, 60, [['7', 'patc-1']], 2);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.section).toBe('6.5');
    expect(v.operations).toEqual([d, l]);
  });
});

describe('the search', () => {
  // A register with a write of a value and a read of one: the textbook model.
  type RegisterOp = { write: number } | { read: number };
  const register: SequentialModel<number, RegisterOp> = {
    init: 0,
    step: (s, op) => ('write' in op ? [op.write] : op.read === s ? [s] : []),
    key: String,
  };

  it('finds the order that explains overlapping writes and reads, and none for a stale read', () => {
    const ok = searchLinearization(
      [
        { start: 0, end: 10, op: { write: 1 } },
        { start: 5, end: 15, op: { write: 2 } },
        { start: 12, end: 20, op: { read: 1 } },
      ],
      register,
      1000,
    );
    expect(ok.ok).toBe(true);
    const stale = searchLinearization(
      [
        { start: 0, end: 10, op: { write: 1 } },
        { start: 11, end: 15, op: { write: 2 } },
        { start: 16, end: 20, op: { read: 1 } },
      ],
      register,
      1000,
    );
    expect(stale.ok).toBe(false);
  });

  it('says unknown, not a verdict, past its bound', () => {
    // Many concurrent writes, and a read no order explains: the search has to try them all.
    const ops = [
      ...Array.from({ length: 10 }, (_, i) => ({ start: 0, end: 100, op: { write: i + 1 } })),
      { start: 101, end: 102, op: { read: 99 } },
    ];
    expect(searchLinearization(ops, register, 50).ok).toBe('unknown');
    expect(searchLinearization(ops, register, 1_000_000).ok).toBe(false);
  });

  it('a pathological history judged with a small bound is unknown, and says so', () => {
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    for (let i = 0; i < 12; i++) r.del('owner', '7', 20 + i, null);
    for (let i = 0; i < 12; i++) r.list('owner', 20 + i, 200, i % 2 ? [] : [['7', 'patc-1']]);
    const judgement = judgeHistory(r.history(), { ...unscoped, maxStates: 20 });
    expect(judgement.ok).toBe('unknown');
    if (judgement.ok === 'unknown') expect(judgement.reason).toContain("owner's token 7");
  });

  it('a delete never answered, then a thousand overlapping listings: judged, and a token that comes back found', () => {
    // Every listing after the lost delete joins the token's search (its state is never fixed
    // again); the listings show the token until about 750ms, then not.
    const r = recorder();
    r.created('owner', 'patc-1', '7', 0, 10);
    r.del('owner', '7', 20, null);
    const random = createRandom(3);
    const clock = Array.from({ length: 8 }, () => 20);
    for (let i = 0; i < 1000; i++) {
      const client = i % 8;
      const sentAt = (clock[client] as number) + random.int(3);
      const answeredAt = sentAt + 1 + random.int(20);
      clock[client] = answeredAt;
      r.list('owner', sentAt, answeredAt, (sentAt + answeredAt) / 2 < 750 ? [['7', 'patc-1']] : []);
    }
    const judgement = judgeHistory(r.history(), unscoped);
    expect(judgement.ok).toBe(true);
    expect(judgement.stats.largestSearch).toBe(1002);
    const end = Math.max(...clock);
    const back = r.list('owner', end + 5, end + 8, [['7', 'patc-1']]);
    const v = violation(judgeHistory(r.history(), unscoped));
    expect(v.message).toContain('shows token 7 ("patc-1") again');
    expect(v.operations).toHaveLength(4);
    expect(v.operations).toEqual(expect.arrayContaining([1, 2, back]));
  });

  it('a malformed history is an error, not a verdict', () => {
    const r = recorder();
    r.del('owner', '7', 20, 10);
    expect(() => judgeHistory(r.history(), unscoped)).toThrow(RangeError);
  });
});

interface Plan {
  seed: number;
  operations: number;
  clients: number;
  tokens: number;
  /** One operation in `lost` gets no answer (it took effect or not, at random). */
  lost: number;
  idsScopedPerIdentity: boolean;
  /** The share of operations that are creates, while there are tokens left to make (default 0.1). */
  createShare?: number;
}

// Clients of two identities, each sending one operation at a time. Every operation takes
// effect at a random moment inside its interval and is answered as the model says at that
// moment (the target refuses duplicate names with 409), so the history is linearizable by
// construction. Some answers are 429 (no effect), some never come (effect or not).
function generate(plan: Plan): History {
  const random = createRandom(plan.seed);
  const clock = Array.from({ length: plan.clients }, () => random.int(5));
  const names: string[][] = [[], []];
  const planned: { op: Operation; at: number }[] = [];
  let made = 0;
  for (let id = 1; id <= plan.operations; id++) {
    const client = id % plan.clients;
    const identity = client % 2 === 0 ? 'owner' : 'other';
    const sentAt = (clock[client] as number) + random.int(4);
    const answeredAt = sentAt + 1 + random.int(30);
    clock[client] = answeredAt;
    const at = sentAt + 0.01 + random.next() * (answeredAt - sentAt - 0.02);
    const roll = random.next();
    const mine = names[client % 2] as string[];
    let op: Operation;
    const creates = plan.createShare ?? 0.1;
    if (made < plan.tokens && roll < creates) {
      // Now and then a name the identity used before: the target may refuse it (409).
      const name = mine.length > 0 && random.int(5) === 0 ? (mine[random.int(mine.length)] as string) : `patc-${made}`;
      mine.push(name);
      // Where IDs are scoped, both identities count from 1: the same IDs on both sides.
      const tokenId = plan.idsScopedPerIdentity ? String(mine.length) : `t${made}`;
      made++;
      op = { id, kind: 'create', identity, name, sentAt, answer: { answeredAt, status: 201, tokenId } };
    } else if (roll < creates + 0.45) {
      const tokenId = plan.idsScopedPerIdentity ? String(1 + random.int(Math.max(mine.length, 1))) : `t${random.int(Math.max(made, 1))}`;
      op = { id, kind: 'delete', identity, tokenId, sentAt, answer: { answeredAt, status: 0 } };
    } else {
      op = { id, kind: 'list', identity, sentAt, answer: { answeredAt, status: 200, pages: random.int(10) === 0 ? 2 : 1, items: [] } };
    }
    planned.push({ op, at });
  }

  const held = new Map<string, { identity: string; tokenId: string; name: string }>();
  const heldKey = (identity: string, tokenId: string): string => `${identity}/${tokenId}`;
  const operations: Operation[] = [];
  const noAnswer = (op: Operation): Operation => ({ ...op, answer: undefined }) as Operation;
  for (const { op } of [...planned].sort((a, b) => a.at - b.at)) {
    const fate = random.int(plan.lost);
    const answeredAt = op.answer?.answeredAt as number;
    if (op.kind === 'create') {
      if (fate === 1) {
        operations.push({ ...op, answer: { answeredAt, status: 429 } });
      } else if ([...held.values()].some((t) => t.identity === op.identity && t.name === op.name)) {
        operations.push({ ...op, answer: { answeredAt, status: 409 } });
      } else {
        const tokenId = op.answer?.tokenId as string;
        held.set(heldKey(op.identity, tokenId), { identity: op.identity, tokenId, name: op.name });
        operations.push(fate === 0 ? noAnswer(op) : op);
      }
    } else if (op.kind === 'delete') {
      const own = held.has(heldKey(op.identity, op.tokenId));
      const elsewhere = [...held.values()].some((t) => t.identity !== op.identity && t.tokenId === op.tokenId);
      if (fate === 0) {
        if (own && random.int(2) === 0) held.delete(heldKey(op.identity, op.tokenId));
        operations.push(noAnswer(op));
      } else if (fate === 1) {
        operations.push({ ...op, answer: { answeredAt, status: random.int(2) === 0 ? 429 : 409 } });
      } else if (own) {
        held.delete(heldKey(op.identity, op.tokenId));
        operations.push({ ...op, answer: { answeredAt, status: 200 } });
      } else {
        operations.push({ ...op, answer: { answeredAt, status: elsewhere && random.int(2) === 0 ? 403 : 404 } });
      }
    } else {
      const items = [...held.values()].filter((t) => t.identity === op.identity).map((t) => ({ id: t.tokenId, name: t.name }));
      operations.push({ ...op, answer: { ...(op.answer as NonNullable<ListOperation['answer']>), items } });
    }
  }
  return { operations: operations.sort((a, b) => a.id - b.id), isExplorationToken: byNamePrefix('patc-') };
}

describe('a generated exploration', () => {
  /** A later delete answered 404 of a token its caller deleted with a 200 before, turned into a second 200. */
  function injectDoubleSuccess(history: History): { history: History; first: number; second: number } {
    const ops = history.operations;
    for (const deleted of ops) {
      if (deleted.kind !== 'delete' || deleted.answer?.status !== 200) continue;
      const again = ops.find(
        (op) =>
          op.kind === 'delete' &&
          op.identity === deleted.identity &&
          op.tokenId === deleted.tokenId &&
          op.answer?.status === 404 &&
          op.sentAt > (deleted.answer?.answeredAt as number),
      );
      if (!again?.answer) continue;
      const changed = { ...again, answer: { ...again.answer, status: 200 } } as Operation;
      return { history: { ...history, operations: ops.map((op) => (op === again ? changed : op)) }, first: deleted.id, second: again.id };
    }
    throw new Error('the generated history has no 404 after a 200 to turn into a second success');
  }

  const large: Plan = { seed: 7, operations: 2000, clients: 8, tokens: 40, lost: 60, idsScopedPerIdentity: false };
  const history = generate(large);

  it('of 2000 operations over 40 tokens, 8 at a time, is judged linearizable', () => {
    const judgement = judgeHistory(history, unscoped);
    expect(judgement.ok).toBe(true);
    expect(judgement.stats.operations).toBe(2000);
    expect(judgement.stats.partitions).toBeGreaterThanOrEqual(35);
    expect(judgement.stats.multiPageListings).toBeGreaterThan(10);
    // Most reads are judged without the search: their token's state is fixed by their interval.
    expect(judgement.stats.searchedOperations).toBeLessThan(judgement.stats.partitions * 2000);
  });

  it('with one double success injected, the double success is found', () => {
    const injected = injectDoubleSuccess(history);
    const v = violation(judgeHistory(injected.history, unscoped));
    expect(v.section).toBe('6.5');
    expect(v.operations).toEqual([injected.first, injected.second]);
    expect(v.message).toMatch(/answered 200 at .*, but token \S+ was already deleted by the delete answered 200 at/);
  });

  it('small crowded ones (few tokens, many clients, many lost answers, IDs scoped or not) are all judged linearizable', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const plan: Plan = { seed, operations: 150, clients: 6, tokens: 6, lost: 8, idsScopedPerIdentity: seed % 2 === 0 };
      const judgement = judgeHistory(generate(plan), { idsScopedPerIdentity: plan.idsScopedPerIdentity });
      expect(judgement, `seed ${seed}`).toMatchObject({ ok: true });
    }
  });
});

describe('against a brute-force judge, on tiny random histories', () => {
  // The whole model, without partitions or shortcuts: try every order of the operations that
  // keeps each after those answered before it was sent. A create that got no answer may have
  // made nothing, or a token under any ID never given: one the history names (a listing shows
  // it, a delete names it) or one it never mentions.
  function bruteForce(ops: readonly Operation[], options: JudgeOptions): boolean {
    const mentioned = (identity: string): string[] => [
      ...new Set(
        ops.flatMap((o) =>
          o.identity !== identity
            ? []
            : o.kind === 'list'
              ? (o.answer?.items ?? []).map((i) => i.id)
              : o.kind === 'delete'
                ? [o.tokenId]
                : [],
        ),
      ),
    ];
    // Who may have held an ID at some point: a 201 gave it, or a listing or a delete answered 200 shows it was held.
    const heldBy = (id: string): Set<string> =>
      new Set(
        ops
          .filter(
            (o) =>
              (o.kind === 'create' && o.answer?.status === 201 && o.answer.tokenId === id) ||
              (o.kind === 'list' && (o.answer?.items ?? []).some((i) => i.id === id)) ||
              (o.kind === 'delete' && o.tokenId === id && o.answer?.status === 200),
          )
          .map((o) => o.identity),
      );
    const place = (remaining: readonly Operation[], held: Map<string, Map<string, string>>, given: Set<string>): boolean => {
      if (remaining.length === 0) return true;
      for (const op of remaining) {
        // Only an operation no other remaining one was answered before can go first.
        if (remaining.some((o) => o !== op && o.answer !== undefined && o.answer.answeredAt < op.sentAt)) continue;
        const rest = remaining.filter((o) => o !== op);
        const mine = held.get(op.identity) ?? new Map<string, string>();
        const withMine = (next: Map<string, string>): Map<string, Map<string, string>> => new Map([...held, [op.identity, next]]);
        const status = op.answer?.status;
        if (op.kind === 'create') {
          const make = (id: string): boolean => {
            const scope = options.idsScopedPerIdentity ? `${op.identity}/${id}` : id;
            return !given.has(scope) && place(rest, withMine(new Map([...mine, [id, op.name]])), new Set([...given, scope]));
          };
          if (status === 201) {
            if (make(op.answer?.tokenId as string)) return true;
          } else if (status === undefined) {
            if (place(rest, held, given) || [...mentioned(op.identity), `unseen-${op.id}`].some(make)) return true;
          } else if (status === 409) {
            if ([...mine.values()].includes(op.name) && place(rest, held, given)) return true;
          } else if (place(rest, held, given)) return true;
        } else if (op.kind === 'delete') {
          const holds = mine.has(op.tokenId);
          const without = new Map([...mine].filter(([id]) => id !== op.tokenId));
          const elsewhere = [...held].some(([who, tokens]) => who !== op.identity && tokens.has(op.tokenId));
          const nobodyElseEver = [...heldBy(op.tokenId)].every((who) => who === op.identity);
          if (status === undefined) {
            if (place(rest, withMine(without), given) || (holds && place(rest, held, given))) return true;
          } else if (status === 200) {
            if (holds && place(rest, withMine(without), given)) return true;
          } else if (status === 404) {
            if (!holds && place(rest, held, given)) return true;
          } else if (status === 403) {
            // Someone else's token, where IDs are unique; where scoped, only "not the caller's".
            const someoneElses = options.idsScopedPerIdentity || elsewhere || nobodyElseEver;
            if (!holds && someoneElses && place(rest, held, given)) return true;
          } else if (place(rest, held, given)) return true;
        } else {
          const items = op.answer?.items ?? [];
          const same =
            new Set(items.map((item) => item.id)).size === items.length &&
            items.length === mine.size &&
            items.every((item) => mine.get(item.id) === item.name);
          if (same && place(rest, held, given)) return true;
        }
      }
      return false;
    };
    const judged = ops.filter((op) => !(op.kind === 'list' && op.answer?.status !== 200));
    return place(judged, new Map(), new Set());
  }

  function tiny(seed: number): Operation[] {
    const random = createRandom(seed);
    const ids = ['a', 'b', 'c'];
    const who = (): string => (random.int(2) === 0 ? 'owner' : 'other');
    const pick = <T>(xs: readonly T[]): T => xs[random.int(xs.length)] as T;
    const ops: Operation[] = [];
    const count = 2 + random.int(5);
    for (let id = 1; id <= count; id++) {
      const identity = who();
      const sentAt = random.int(20);
      const answeredAt = sentAt + 1 + random.int(8);
      const tokenId = pick(ids);
      const kind = random.int(3);
      if (kind === 0) {
        const status = pick([201, 201, 201, 409, 429, undefined]);
        const answer = status === undefined ? {} : { answer: { answeredAt, status, ...(status === 201 ? { tokenId } : {}) } };
        ops.push({ id, kind: 'create', identity, name: `patc-${tokenId}`, sentAt, ...answer });
      } else if (kind === 1) {
        const status = pick([200, 200, 404, 404, 403, 409, 429, undefined]);
        ops.push({ id, kind: 'delete', identity, tokenId, sentAt, ...(status === undefined ? {} : { answer: { answeredAt, status } }) });
      } else {
        const items = ids.filter(() => random.int(2) === 0).map((x) => ({ id: x, name: `patc-${x}` }));
        ops.push({ id, kind: 'list', identity, sentAt, answer: { answeredAt, status: 200, pages: 1, items } });
      }
    }
    return ops;
  }

  // A linearizable history of a few operations with one answer changed at random: most become
  // impossible, some subtly (a 404 that should have been a 200 while a delete overlaps it).
  function mutated(seed: number): Operation[] {
    const plan: Plan = {
      seed,
      operations: 3 + (seed % 5),
      clients: 3,
      tokens: 3,
      lost: 6,
      idsScopedPerIdentity: seed % 2 === 0,
      createShare: 0.35,
    };
    const ops = generate(plan).operations.map((op) =>
      op.kind === 'list' && op.answer ? { ...op, answer: { ...op.answer, pages: 1 } } : op,
    );
    const random = createRandom(seed * 7919);
    const at = random.int(ops.length);
    const op = ops[at] as Operation;
    if (random.int(4) === 0 || !op.answer) return ops;
    let changed: Operation = op;
    if (op.kind === 'delete' && op.answer)
      changed = { ...op, answer: { ...op.answer, status: [200, 404, 403, 409][random.int(4)] as number } };
    if (op.kind === 'create' && op.answer)
      changed = {
        ...op,
        answer: op.answer.status === 409 ? { ...op.answer, status: 201, tokenId: 'z' } : { answeredAt: op.answer.answeredAt, status: 409 },
      };
    if (op.kind === 'list' && op.answer) {
      const items = op.answer.items;
      changed = {
        ...op,
        answer: {
          ...op.answer,
          items: items.length > 0 && random.int(2) === 0 ? items.slice(1) : [...items, { id: 't0', name: 'patc-0' }],
        },
      };
    }
    return ops.map((o, i) => (i === at ? changed : o));
  }

  it('never calls impossible a history that some order explains, and finds most that none does', () => {
    const tally = { legal: 0, impossible: 0, found: 0 };
    for (let seed = 1; seed <= 4000; seed++) {
      const operations = seed % 2 === 0 ? tiny(seed) : mutated(seed);
      const options = { idsScopedPerIdentity: seed % 4 < 2 };
      const legal = bruteForce(operations, options);
      const judgement = judgeHistory({ operations, isExplorationToken: byNamePrefix('patc-') }, options);
      if (legal) {
        tally.legal++;
        expect(judgement.ok, `seed ${seed}: ${JSON.stringify(judgement)}`).toBe(true);
      } else {
        tally.impossible++;
        if (judgement.ok === false) tally.found++;
      }
    }
    expect(tally.legal).toBeGreaterThan(500);
    expect(tally.impossible).toBeGreaterThan(500);
    expect(tally.found / tally.impossible).toBeGreaterThan(0.99);
  });
});
