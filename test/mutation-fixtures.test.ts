// "Refused deletes change nothing" (src/engine/unchanged.ts) as a case records it, and where the
// contract document is found (src/contract): in-process, with an actor made by hand. Found
// missing by mutation testing (npm run mutation).
import { describe, expect, it } from 'vitest';
import { CaseChecks } from '../src/checks/case-checks.js';
import type { Exchange } from '../src/transport/exchange.js';
import { contractPath, readContract } from '../src/contract/document.js';
import { cite, contractDocument } from '../src/contract/sections.js';
import type { Actor, TokenSummary } from '../src/engine/actor.js';
import { differences, expectUnchanged, takeListing, type Listing } from '../src/engine/unchanged.js';
import { SecretRedactor } from '../src/secrets/registry.js';

const lastPage: Exchange = {
  request: { method: 'POST', path: '/v1/accessTokens', headers: {} },
  response: { status: 200, headers: {}, body: '{"items":[]}', bodyBytes: 12, truncated: false },
  startedAt: 0,
  durationMs: 1,
};

/** An actor whose listings come from this queue, one listing per call. */
function actorListing(label: string, ...listings: TokenSummary[][]): Actor {
  return { label, listAll: async () => ({ tokens: listings.shift() ?? [], lastPage }) } as unknown as Actor;
}

const rule = { rule: 'the refused delete changes nothing', source: cite('6.2') };
const t = (id: string, name = `n${id}`): TokenSummary => ({ id, name, expiresTime: '2030-01-01T00:00:00Z' });

describe('listings', () => {
  it('index every token of every page by ID', async () => {
    const actor = actorListing('owner', [t('1'), t('2')]);
    const listing = await takeListing(actor);
    expect(listing.actor).toBe(actor);
    expect([...listing.byId.keys()]).toEqual(['1', '2']);
    expect(listing.byId.get('2')).toEqual(t('2'));
    expect(listing.lastPage).toBe(lastPage);
  });

  it('show a value that appeared or went away as (none)', () => {
    const before: Listing = { actor: {} as Actor, byId: new Map([['1', { id: '1', name: 'a' }]]), lastPage };
    const after: Listing = { actor: {} as Actor, byId: new Map([['1', { id: '1' }]]), lastPage };
    expect(differences(before, after, ['1'])).toEqual(['1 changed its name from "a" to (none)']);
    expect(differences(after, before, ['1'])).toEqual(['1 changed its name from (none) to "a"']);
  });
});

describe('expectUnchanged', () => {
  const checks = () => new CaseChecks('must', new SecretRedactor());

  it('passes when every token of the earlier listing is still there unchanged, and returns the new listing', async () => {
    const actor = actorListing('owner', [t('1'), t('2')], [t('2'), t('1'), t('3')]);
    const before = await takeListing(actor);
    const c = checks();
    const after = await expectUnchanged(c, rule, before);
    expect([...after.byId.keys()]).toEqual(['2', '1', '3']);
    expect(c.results).toEqual([
      {
        rule: rule.rule,
        source: rule.source,
        level: 'must',
        passed: true,
        message: "all 2 of owner's tokens are still listed with the same name and expiresTime",
      },
    ]);
  });

  it('names the one token when it judges one, and adds the note', async () => {
    const before = await takeListing(actorListing('other', [t('1'), t('2')], [t('1')]));
    const c = checks();
    await expectUnchanged(c, rule, before, ['1'], 'after the wrong-owner delete');
    expect(c.results[0]).toMatchObject({
      passed: true,
      message: "other's token 1 is still listed with the same name and expiresTime (after the wrong-owner delete)",
    });
  });

  it('fails with what changed, the new listing as evidence', async () => {
    const before = await takeListing(actorListing('owner', [t('1'), t('2')], [t('1', 'renamed')]));
    const c = checks();
    await expectUnchanged(c, rule, before);
    expect(c.results[0]).toMatchObject({
      passed: false,
      message: 'owner\'s tokens: 1 changed its name from "n1" to "renamed"; 2 is gone',
      evidence: { request: { method: 'POST' }, response: { status: 200 } },
    });
  });

  it('shows at most five differences, and counts the rest', async () => {
    const ids = ['1', '2', '3', '4', '5', '6', '7'];
    const c = checks();
    await expectUnchanged(
      c,
      rule,
      await takeListing(
        actorListing(
          'owner',
          ids.map((id) => t(id)),
          [],
        ),
      ),
      undefined,
      'note',
    );
    expect(c.results[0]?.message).toBe("owner's tokens: 1 is gone; 2 is gone; 3 is gone; 4 is gone; 5 is gone (and 2 more) (note)");
    const five = checks();
    await expectUnchanged(
      five,
      rule,
      await takeListing(
        actorListing(
          'owner',
          ids.slice(0, 5).map((id) => t(id)),
          [],
        ),
      ),
    );
    expect(five.results[0]?.message).toBe("owner's tokens: 1 is gone; 2 is gone; 3 is gone; 4 is gone; 5 is gone");
  });
});

describe('the contract document', () => {
  it('is found from the code and reads as the contract', () => {
    expect(contractPath()?.replaceAll('\\', '/')).toMatch(new RegExp(`/${contractDocument.replace('.', '\\.')}$`));
    expect(readContract()).toContain('§6.2 Refused deletes change nothing');
  });

  it('is cited section by section, with the section titles', () => {
    expect(cite('6.2')).toBe('contract §6.2 Refused deletes change nothing');
    expect(cite('5.5', '6.2')).toBe('contract §5.5 Unknown ID; contract §6.2 Refused deletes change nothing');
  });
});
