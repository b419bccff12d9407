// docs/contract.md §5.5: an unknown but well-formed ID answers 404, and deletes nothing.
import { defineScenario, InconclusiveCase, type ScenarioContext } from '../src/scenario.js';
import type { Rule } from '../src/checks/case-checks.js';
import { cite } from '../src/contract/sections.js';
import type { CreatedToken } from '../src/fixtures/actor.js';
import { expectUnchanged, takeListing, type Listing } from '../src/fixtures/unchanged.js';
import type { Random } from '../src/random.js';

const source = cite('5.5');

const rules = {
  unchanged: { rule: 'the owner\'s existing token is not deleted or changed (same name and expiresTime)', source: cite('5.5', '6.2') },
} satisfies Record<string, Rule>;

/** Candidate unknown IDs, best first; the first that names no token of either identity is sent. */
type Candidates = (random: Random, existing: CreatedToken) => string[];

const tries = (make: (r: Random) => string): Candidates => (r) => Array.from({ length: 20 }, () => make(r));

/** IDs that are not the existing one but built from it (catches prefix or fuzzy matching). */
function prefixesOf(id: string): string[] {
  const points = [...id];
  return points.slice(1).map((_, i) => points.slice(0, points.length - 1 - i).join(''));
}

/**
 * Every ID either identity holds now. An "unknown" ID must really be unknown: token IDs are
 * opaque and may be short or sequential, and a probe that named a live token would delete it.
 */
async function liveIds(context: ScenarioContext, ownerListing: Listing): Promise<Set<string>> {
  const ids = new Set(ownerListing.byId.keys());
  if (context.other) for (const id of await context.other.heldIds()) ids.add(id);
  return ids;
}

export default defineScenario({
  name: 'unknown-id',
  title: 'A well-formed ID that names no token answers 404 ResourceNotFoundException',
  source,
  cases: [
    { name: 'UUID-shaped', level: 'must', rule: 'an unknown UUID answers 404 ResourceNotFoundException', source, ids: tries((r) => r.uuid()) },
    { name: 'one character', level: 'must', rule: 'an unknown 1-character ID (the lower bound) answers 404 ResourceNotFoundException', source, ids: tries((r) => r.string(1)) },
    { name: '36 characters', level: 'must', rule: 'an unknown 36-character ID (the upper bound) answers 404 ResourceNotFoundException', source, ids: tries((r) => r.string(36)) },
    // Token IDs are opaque strings with no pattern: punctuation that needs no escaping is valid.
    { name: 'unreserved punctuation', level: 'must', rule: 'an unknown ID of letters and -._~ answers 404 ResourceNotFoundException', source, ids: tries((r) => `${r.string(6)}-._~${r.string(6)}`) },
    // An implementation that matches IDs by prefix would delete the existing token here.
    { name: 'prefix of an existing ID', level: 'must', rule: 'an unknown prefix of an existing ID answers 404, and the existing token survives', source, ids: ((_r, t) => prefixesOf(t.id)) as Candidates },
  ],
  async run(context, testCase) {
    const { owner, check, random } = context;
    const existing = await owner.createToken();
    const before = await takeListing(owner);
    const live = await liveIds(context, before);
    const probe = testCase.ids(random, existing).find((id) => !live.has(id));
    if (probe === undefined) throw new InconclusiveCase('every candidate ID names a live token; nothing unknown to probe with');
    const answer = await owner.deleteToken(probe);
    check.error(answer, ['ResourceNotFoundException'], { rule: testCase.rule, source });
    await expectUnchanged(check, rules.unchanged, before, [existing.id]);
  },
});
