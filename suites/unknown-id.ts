// SPEC.md, "Beyond the six": an unknown but well-formed ID answers 404.
import { defineScenario } from '../src/scenario.js';
import type { Random } from '../src/random.js';

const source = 'SPEC.md, Beyond the six (an unknown but well-formed ID)';

export default defineScenario({
  name: 'unknown-id',
  title: 'A well-formed ID that names no token answers 404 ResourceNotFoundException',
  source,
  cases: [
    { name: 'UUID-shaped', level: 'must', rule: 'an unknown UUID answers 404 ResourceNotFoundException', source, id: (r: Random) => r.uuid() },
    { name: 'one character', level: 'must', rule: 'an unknown 1-character ID (the lower bound) answers 404 ResourceNotFoundException', source, id: (r: Random) => r.string(1) },
    { name: '36 characters', level: 'must', rule: 'an unknown 36-character ID (the upper bound) answers 404 ResourceNotFoundException', source, id: (r: Random) => r.string(36) },
    // Token IDs are opaque strings with no pattern: punctuation that needs no escaping is valid.
    { name: 'unreserved punctuation', level: 'must', rule: 'an unknown ID of letters and -._~ answers 404 ResourceNotFoundException', source, id: (r: Random) => `${r.string(6)}-._~${r.string(6)}` },
  ],
  async run({ owner, check, random }, testCase) {
    const answer = await owner.deleteToken(testCase.id(random));
    check.error(answer, ['ResourceNotFoundException'], { rule: testCase.rule, source });
  },
});
