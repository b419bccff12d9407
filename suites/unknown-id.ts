// SPEC.md, "Beyond the six": an unknown but well-formed ID answers 404, and deletes nothing.
import { defineScenario } from '../src/scenario.js';
import type { Rule } from '../src/checks/case-checks.js';
import type { CreatedToken } from '../src/fixtures/actor.js';
import type { Random } from '../src/random.js';

const source = 'SPEC.md, Beyond the six (an unknown but well-formed ID)';

const rules = {
  survives: { rule: 'the owner\'s existing token is not deleted', source },
} satisfies Record<string, Rule>;

type IdMaker = (random: Random, existing: CreatedToken) => string;

/** An ID that is not the existing one but is built from it: catches prefix or fuzzy matching. */
function prefixOf(id: string, random: Random): string {
  const points = [...id];
  return points.length > 1 ? points.slice(0, points.length - 1).join('') : `${id}${random.string(1)}`;
}

export default defineScenario({
  name: 'unknown-id',
  title: 'A well-formed ID that names no token answers 404 ResourceNotFoundException',
  source,
  cases: [
    { name: 'UUID-shaped', level: 'must', rule: 'an unknown UUID answers 404 ResourceNotFoundException', source, id: ((r) => r.uuid()) as IdMaker },
    { name: 'one character', level: 'must', rule: 'an unknown 1-character ID (the lower bound) answers 404 ResourceNotFoundException', source, id: ((r) => r.string(1)) as IdMaker },
    { name: '36 characters', level: 'must', rule: 'an unknown 36-character ID (the upper bound) answers 404 ResourceNotFoundException', source, id: ((r) => r.string(36)) as IdMaker },
    // Token IDs are opaque strings with no pattern: punctuation that needs no escaping is valid.
    { name: 'unreserved punctuation', level: 'must', rule: 'an unknown ID of letters and -._~ answers 404 ResourceNotFoundException', source, id: ((r) => `${r.string(6)}-._~${r.string(6)}`) as IdMaker },
    // An implementation that matches IDs by prefix would delete the existing token here.
    { name: 'prefix of an existing ID', level: 'must', rule: 'an existing ID less its last character is unknown: 404, and the existing token survives', source, id: ((r, t) => prefixOf(t.id, r)) as IdMaker },
  ],
  async run({ owner, check, random }, testCase) {
    const existing = await owner.createToken();
    const answer = await owner.deleteToken(testCase.id(random, existing));
    check.error(answer, ['ResourceNotFoundException'], { rule: testCase.rule, source });
    const { listed, lastPage } = await owner.isListed(existing.id);
    check.record(rules.survives, listed, listed ? `token ${existing.id} still listed` : `token ${existing.id} was deleted by a delete of an unknown ID`, lastPage);
  },
});
