// The rule on tokens held before an exploration (contract §10, §6.3, §6.2), on hand-written
// listings: missing or changed is a finding; one that expires during the exploration is not.
import { describe, expect, it } from 'vitest';
import { type HeldBefore, heldTokensAfter, heldTokensFinding } from '../src/explore/held-before.js';
import type { ListedItem, ListOperation, Operation } from '../src/explore/history.js';

const held: HeldBefore = {
  owner: new Map(),
  other: new Map([
    ['7', { id: '7', name: 'kept', expiresTime: '2099-01-01T00:00:00Z' }],
    ['8', { id: '8', name: 'short-lived', expiresTime: '2000-01-01T00:00:00Z' }],
  ]),
};
const horizon = Date.parse('2030-01-01T00:00:00Z');

function listing(id: number, items: ListedItem[], status = 200): ListOperation {
  return { id, identity: 'other', sentAt: 10, kind: 'list', answer: { answeredAt: 12, status, items, pages: 1 } };
}

describe('tokens held before the exploration', () => {
  it('a complete listing that shows them unchanged is fine; one that expired may be gone', () => {
    const ops: Operation[] = [listing(1, [{ id: '7', name: 'kept', expiresTime: '2099-01-01T00:00:00Z' }])];
    expect(heldTokensFinding(ops, held, horizon)).toBeUndefined();
  });

  it('a listing that misses one is a finding naming the listing (§6.3)', () => {
    const finding = heldTokensFinding([listing(1, [])], held, horizon);
    expect(finding).toMatchObject({ section: '6.3', operations: [1] });
    expect(finding!.message).toBe(`other's listing at [10ms, 12ms] does not show token 7 ("kept"), which it held before the exploration`);
  });

  it('a changed name or expiresTime is a finding; a listing without expiresTime is not judged on it', () => {
    expect(heldTokensFinding([listing(1, [{ id: '7', name: 'renamed' }])], held, horizon)!.message).toMatch(
      /renamed from "kept" to "renamed"/,
    );
    expect(
      heldTokensFinding([listing(1, [{ id: '7', name: 'kept', expiresTime: '2098-01-01T00:00:00Z' }])], held, horizon)!.message,
    ).toMatch(/with expiresTime 2098-01-01T00:00:00Z instead of 2099-01-01T00:00:00Z/);
    expect(heldTokensFinding([listing(1, [{ id: '7', name: 'kept' }])], held, horizon)).toBeUndefined();
  });

  it('a listing that did not end with 200 tells nothing', () => {
    expect(heldTokensFinding([listing(1, [], 0), listing(2, [], 429)], held, horizon)).toBeUndefined();
  });

  it('the listing after the exploration is held to the same rule', () => {
    expect(heldTokensAfter({ other: [{ id: '7', name: 'kept' }] }, held, horizon)).toBeUndefined();
    expect(heldTokensAfter({ other: [] }, held, horizon)!.message).toBe(
      `other's listing after the exploration does not show token 7 ("kept"), which it held before the exploration`,
    );
    expect(heldTokensAfter({}, held, horizon)).toBeUndefined();
  });
});
