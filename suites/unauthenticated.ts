// docs/contract.md §5.7: deletes without valid credentials, and a bearer the target does not
// know. Identity comes only from the bearer token (contract §1, §3.4).
import { defineScenario } from '../src/scenario.js';
import { cite } from '../src/contract/sections.js';
import { expectCanariesSurvive, plantCanaries } from '../src/fixtures/canaries.js';
import type { Rule } from '../src/checks/case-checks.js';

const source = cite('5.7', '3.4');

const rules = {
  unchanged: { rule: 'nothing changes: every token of either identity still listed with the same name and expiresTime', source: cite('5.7', '6.2') },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'unauthenticated',
  title: 'Deletes without valid credentials answer 401 or 403 and change nothing',
  source,
  cases: [
    { name: 'no Authorization header', level: 'must', rule: 'a delete without Authorization answers 401 or 403', source, authorization: () => undefined, allowed: [401, 403] },
    { name: 'empty bearer', level: 'must', rule: 'a delete with an empty bearer answers 401 or 403', source, authorization: () => 'Bearer ', allowed: [401, 403] },
    { name: 'Basic scheme', level: 'must', rule: 'a delete with Basic credentials answers 401 or 403', source, authorization: () => 'Basic cGF0LWNvbmZvcm1hbmNlOnByb2Jl', allowed: [401, 403] },
    // A target that treats every bearer as a user answers as for a wrong owner (403 or 404).
    { name: 'unknown bearer', level: 'must', rule: 'a delete with a bearer the target does not know answers 401, 403 or 404', source, authorization: (random: () => string) => `Bearer patc-unknown-${random()}`, allowed: [401, 403, 404] },
  ],
  async run(context, testCase) {
    const canaries = await plantCanaries(context);
    const stranger = context.stranger(testCase.authorization(() => context.random.string(32)), testCase.name);
    const answer = await stranger.deleteToken(canaries[0]!.token.id);
    context.check.status(answer, testCase.allowed, { rule: testCase.rule, source });
    await expectCanariesSurvive(context, canaries, rules.unchanged);
  },
});
