// docs/contract.md §5.1: the owner deletes a token it created; also §6.4 (names are not keys)
// and §6.6 (IDs are not reused), which are about what a valid delete leaves behind.
import {
  cite,
  defineScenario,
  expectUnchanged,
  idsNotReused,
  SkipCase,
  takeListing,
  type Rule,
  type ScenarioContext,
} from '../src/scenario-api.js';

const source = cite('5.1');

const rules = {
  answers200: { rule: "the owner's delete answers 200", source: cite('5.1', '2.3') },
  goneFromList: { rule: 'the deleted token is absent from ListAccessTokens (all pages)', source },
  secondDelete404: { rule: 'a second delete of the same ID answers 404 ResourceNotFoundException', source },
  othersUntouched: { rule: "the owner's other tokens are untouched", source },
  sameNameSurvives: { rule: "deleting a token leaves the owner's other token with the same name listed, unchanged", source: cite('6.4') },
} satisfies Record<string, Rule>;

type Kind = 'plain' | 'same-name' | 'new-id';

export default defineScenario({
  name: 'valid-delete',
  title: 'The owner deletes a token it created: 200, gone, a second delete is 404',
  source,
  cases: [
    // The ID is whatever the implementation produced, at whatever length it chose (up to 36).
    {
      name: 'fresh token',
      level: 'must',
      rule: 'delete answers 200 with an empty body; the token is gone; re-delete is 404',
      source,
      siblings: 1,
      kind: 'plain' as Kind,
    },
    // With more than a page of tokens, presence and absence are only proved across pages.
    {
      name: 'token among more than a page of tokens',
      level: 'must',
      rule: 'the same, with the owner holding more tokens than one page lists',
      source,
      siblings: 11,
      kind: 'plain' as Kind,
      // Alone under --parallel: tokens other cases create and delete meanwhile would shift the
      // pages. Staying correct while others write is explore's to judge (contract §10), not this case's.
      exclusive: true,
    },
    // An implementation that deletes by name (or keys its store by name) removes the sibling too.
    {
      name: 'token with a same-name sibling',
      level: 'must',
      rule: rules.sameNameSurvives.rule,
      source: cite('6.4'),
      siblings: 0,
      kind: 'same-name' as Kind,
    },
    // A store that hands out freed IDs (a free list, "count + 1") makes an idempotent retry dangerous.
    {
      name: 'a token created after a delete gets a new ID',
      level: 'must',
      rule: idsNotReused.rule,
      source: cite('6.6'),
      siblings: 0,
      kind: 'new-id' as Kind,
    },
  ],
  async run(context, testCase) {
    if (testCase.kind === 'same-name') return sameNameSibling(context);
    if (testCase.kind === 'new-id') return newIdAfterDelete(context);
    const { owner, check } = context;
    // Siblings created before and after it: the token sits inside the listing, not at an end.
    const siblings = await owner.createTokens(Math.ceil(testCase.siblings / 2));
    const token = await owner.createToken();
    siblings.push(...(await owner.createTokens(testCase.siblings - siblings.length)));

    const deleted = await owner.deleteToken(token.id);
    check.status(deleted, [200], rules.answers200);
    // The body rule (zero bytes or {}) is a shape rule, judged on every delete the case sees.

    const { tokens, lastPage } = await owner.listAll();
    const listedIds = new Set(tokens.map((t) => t.id));
    check.record(
      rules.goneFromList,
      !listedIds.has(token.id),
      listedIds.has(token.id)
        ? `token ${token.id} (${[...token.id].length} chars) is still listed after its delete answered`
        : `token ${token.id} (${[...token.id].length} chars) is no longer listed`,
      lastPage,
    );
    const missing = siblings.filter((s) => !listedIds.has(s.id));
    check.record(
      rules.othersUntouched,
      missing.length === 0,
      missing.length === 0
        ? `all ${siblings.length} other tokens still listed`
        : `${missing.length} of ${siblings.length} other tokens disappeared: ${missing.map((m) => m.id).join(', ')}`,
      lastPage,
    );

    const again = await owner.deleteToken(token.id);
    check.error(again, ['ResourceNotFoundException'], rules.secondDelete404);
  },
});

async function sameNameSibling({ owner, check }: ScenarioContext): Promise<void> {
  const first = await owner.createToken();
  const second = await owner.tryCreateToken({ name: first.name });
  if (!('token' in second)) {
    throw new SkipCase(
      'the target refuses a duplicate name with 409 ConflictException, which is conformant (contract §2.1): names cannot be keys there',
    );
  }
  const before = await takeListing(owner);
  const deleted = await owner.deleteToken(first.id);
  check.status(deleted, [200], rules.answers200);
  await expectUnchanged(check, rules.sameNameSurvives, before, [second.token.id]);
}

async function newIdAfterDelete({ owner, check }: ScenarioContext): Promise<void> {
  const first = await owner.createToken();
  const deleted = await owner.deleteToken(first.id);
  check.status(deleted, [200], rules.answers200);
  // A reused ID fails the case through the run-wide check every create goes through (the
  // actor records it, with the create's exchange as evidence); here the good outcome is said.
  // Under the deleted token's own name: an ID derived from the name (a hash, a name-keyed
  // store) would come back here, exactly where a target that refuses duplicate names allows it.
  const next = await owner.createToken({ name: first.name });
  if (next.id !== first.id) check.record(idsNotReused, true, `the new token of the same name got ${next.id}, not the deleted ${first.id}`);
}
