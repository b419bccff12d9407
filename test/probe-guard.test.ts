// The runner's own safety and comparison helpers, on hand-made inputs: a probe that would name a
// live token once decoded is recognised as such (contract §9), and a listing comparison notices
// every way a token can change (contract §6.2).
import { describe, expect, it } from 'vitest';
import { decodedLabel, namesLiveToken } from '../src/engine/probe-guard.js';
import { differences, type Listing } from '../src/engine/unchanged.js';
import type { Actor, TokenSummary } from '../src/engine/actor.js';

const listing = (...tokens: TokenSummary[]): Listing => ({
  actor: {} as Actor,
  byId: new Map(tokens.map((t) => [t.id, t])),
  lastPage: {} as Listing['lastPage'],
});

describe('probe guard', () => {
  it('decodes a label once, as a server does, and refuses what does not decode', () => {
    expect(decodedLabel('%2537')).toBe('%37');
    expect(decodedLabel('a%20b')).toBe('a b');
    expect(decodedLabel('%E0%A4%A')).toBeUndefined();
  });

  it('sees a probe that names a live token of any listing given, and only then', () => {
    const owner = listing({ id: 'ABC' }, { id: ' 7' });
    expect(namesLiveToken('ABC', [owner])).toBe(true);
    expect(namesLiveToken('%41BC', [owner])).toBe(true); // encoded, still ABC on the server
    expect(namesLiveToken('%207', [owner])).toBe(true);
    expect(namesLiveToken('abc', [owner])).toBe(false);
    expect(namesLiveToken('%2541BC', [owner])).toBe(false); // decoded once: %41BC
    expect(namesLiveToken('x', [owner, new Set(['x'])])).toBe(true);
    expect(namesLiveToken('%zz', [owner])).toBe(false);
  });
});

describe('listing comparison', () => {
  const before = listing(
    { id: '1', name: 'a', expiresTime: '2030-01-01T00:00:00Z' },
    { id: '2', name: 'b', expiresTime: '2030-01-01T00:00:00Z' },
  );

  it('finds nothing when every token is there unchanged', () => {
    expect(differences(before, listing(...before.byId.values()), ['1', '2'])).toEqual([]);
  });

  it('reports a token gone, renamed, or given another expiresTime', () => {
    const after = listing({ id: '1', name: 'a', expiresTime: '2026-12-01T00:00:00Z' });
    expect(differences(before, after, ['1', '2'])).toEqual([
      '1 changed its expiresTime from "2030-01-01T00:00:00Z" to "2026-12-01T00:00:00Z"',
      '2 is gone',
    ]);
    expect(differences(before, listing({ id: '1', name: 'z', expiresTime: '2030-01-01T00:00:00Z' }), ['1'])).toEqual([
      '1 changed its name from "a" to "z"',
    ]);
  });

  it('reports a token that was not listed even before, instead of passing it', () => {
    expect(differences(before, before, ['3'])).toEqual(['3 was not listed even before the delete']);
  });
});
