// SPEC.md, scenario 2: a second identity deletes the first identity's token.
import { defineScenario } from '../src/scenario.js';
import type { Rule } from '../src/checks/case-checks.js';

const source = 'SPEC.md, scenario 2 (wrong owner)';

const rules = {
  refused: { rule: 'another identity\'s delete answers 403 AccessDeniedException or 404 ResourceNotFoundException', source },
  survives: { rule: 'the token still exists after another identity tried to delete it', source },
  ownerCanDelete: { rule: 'the owner can still delete it afterwards (200)', source },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'wrong-owner',
  title: 'Another identity cannot delete the owner\'s token',
  source,
  requires: { otherIdentity: true },
  cases: [
    { name: 'other identity deletes owner\'s token', level: 'must', rule: rules.refused.rule, source, repeat: 1 },
    // A second attempt catches implementations that refuse once and then give in (state kept wrongly).
    { name: 'other identity tries twice', level: 'must', rule: rules.refused.rule, source, repeat: 2 },
  ],
  async run({ owner, other, check }, testCase) {
    if (!other) return;
    const token = await owner.createToken();
    for (let attempt = 0; attempt < testCase.repeat; attempt++) {
      const refused = await other.deleteToken(token.id);
      check.error(refused, ['AccessDeniedException', 'ResourceNotFoundException'], rules.refused);
    }
    const { listed, lastPage } = await owner.isListed(token.id);
    check.record(rules.survives, listed, listed ? `token ${token.id} is still listed for its owner` : `token ${token.id} is gone after another identity's delete`, lastPage);
    if (listed) {
      const deleted = await owner.deleteToken(token.id);
      check.status(deleted, [200], rules.ownerCanDelete);
    }
  },
});
