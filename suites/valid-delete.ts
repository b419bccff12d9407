// SPEC.md, scenario 1: the owner deletes a token it created.
import { defineScenario } from '../src/scenario.js';
import type { Rule } from '../src/checks/case-checks.js';

const source = 'SPEC.md, scenario 1 (valid delete)';

const rules = {
  answers200: { rule: 'the owner\'s delete answers 200', source: `${source}; The three operations` },
  goneFromList: { rule: 'the deleted token is absent from ListAccessTokens (all pages)', source },
  secondDelete404: { rule: 'a second delete of the same ID answers 404 ResourceNotFoundException', source },
  othersUntouched: { rule: 'the owner\'s other tokens are untouched', source },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'valid-delete',
  title: 'The owner deletes a token it created: 200, gone, a second delete is 404',
  source,
  cases: [
    // The ID is whatever the implementation produced, at whatever length it chose (up to 36).
    { name: 'fresh token', level: 'must', rule: 'delete answers 200 with an empty body; the token is gone; re-delete is 404', source, siblings: 1 },
    // With more than a page of tokens, presence and absence are only proved across pages.
    { name: 'token among more than a page of tokens', level: 'must', rule: 'the same, with the owner holding more tokens than one page lists', source, siblings: 11 },
  ],
  async run({ owner, check }, testCase) {
    const siblings = [];
    for (let i = 0; i < Math.ceil(testCase.siblings / 2); i++) siblings.push(await owner.createToken());
    const token = await owner.createToken();
    for (let i = Math.ceil(testCase.siblings / 2); i < testCase.siblings; i++) siblings.push(await owner.createToken());

    const deleted = await owner.deleteToken(token.id);
    check.status(deleted, [200], rules.answers200);
    // The body rule (zero bytes or {}) is a shape rule, judged on every delete the case sees.

    const { tokens, lastPage } = await owner.listAll();
    const listedIds = new Set(tokens.map((t) => t.id));
    check.record(
      rules.goneFromList,
      !listedIds.has(token.id),
      listedIds.has(token.id) ? `token ${token.id} (${[...token.id].length} chars) is still listed after its delete answered` : `token ${token.id} (${[...token.id].length} chars) is no longer listed`,
      lastPage,
    );
    const missing = siblings.filter((s) => !listedIds.has(s.id));
    check.record(
      rules.othersUntouched,
      missing.length === 0,
      missing.length === 0 ? `all ${siblings.length} other tokens still listed` : `${missing.length} of ${siblings.length} other tokens disappeared: ${missing.map((m) => m.id).join(', ')}`,
      lastPage,
    );

    const again = await owner.deleteToken(token.id);
    check.error(again, ['ResourceNotFoundException'], rules.secondDelete404);
  },
});
