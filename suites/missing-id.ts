// docs/contract.md §5.3: deletes with no ID, or an ID an implementation could trim to nothing.
import {
  cite,
  collectionPath,
  defineScenario,
  expectCanariesSurvive,
  labelOf,
  missingIdStatuses,
  namesLiveToken,
  plantCanaries,
  rawDeletePath,
  SkipCase,
  type Rule,
} from '../src/scenario-api.js';

const source = cite('5.3');

const rules = {
  unchanged: { rule: 'no token of either identity changes (still listed, same name and expiresTime)', source: cite('5.3', '6.2') },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'missing-id',
  title: 'A delete without an ID is a 4xx error and deletes nothing',
  source,
  // Under --parallel no other scenario runs beside these cases: a target that takes a missing ID
  // for "every token" would also delete the tokens of cases running beside them, and those would
  // fail for a defect that is this scenario's to report (its cases beside each other all report it).
  exclusive: 'scenario',
  cases: [
    {
      name: 'trailing slash, empty label',
      level: 'must',
      rule: 'DELETE /v1/accessTokens/ answers 400, 403, 404 or 405, never 2xx or 5xx',
      source,
      path: rawDeletePath(''),
      allowed: missingIdStatuses,
      expected: '400, 403, 404 or 405',
    },
    {
      name: 'collection path',
      level: 'must',
      rule: 'DELETE /v1/accessTokens answers 400, 403, 404 or 405, never 2xx or 5xx',
      source,
      path: collectionPath,
      allowed: missingIdStatuses,
      expected: '400, 403, 404 or 405',
    },
    // Whitespace-only IDs are well-formed labels; an unknown ID's 404 is as good as a 400.
    {
      name: 'space-only ID (%20)',
      level: 'must',
      rule: 'a space-only ID answers a 4xx, never 2xx or 5xx',
      source,
      path: rawDeletePath('%20'),
      allowed: fourXX(),
      expected: 'a 4xx',
    },
    {
      name: 'tab-only ID (%09)',
      level: 'must',
      rule: 'a tab-only ID answers a 4xx, never 2xx or 5xx',
      source,
      path: rawDeletePath('%09'),
      allowed: fourXX(),
      expected: 'a 4xx',
    },
    {
      name: 'three spaces (%20%20%20)',
      level: 'must',
      rule: 'a whitespace-only ID answers a 4xx, never 2xx or 5xx',
      source,
      path: rawDeletePath('%20%20%20'),
      allowed: fourXX(),
      expected: 'a 4xx',
    },
  ],
  async run(context, testCase) {
    const canaries = await plantCanaries(context);
    // IDs are opaque: a whitespace-only ID is possible, and the owner's would be deleted (§9).
    const label = labelOf(testCase.path);
    if (label !== '' && namesLiveToken(label, [canaries[0]!.before]))
      throw new SkipCase(`the owner holds a token whose ID is ${JSON.stringify(decodeURIComponent(label))}; the probe was not sent`);
    const answer = await context.owner.deletePath(testCase.path);
    context.check.status(answer, testCase.allowed, { rule: testCase.rule, source }, testCase.expected);
    await expectCanariesSurvive(context, canaries, rules.unchanged);
  },
});

/** Every 4xx but 429, which the runner waits out before judging. */
function fourXX(): number[] {
  return Array.from({ length: 100 }, (_, i) => 400 + i).filter((s) => s !== 429);
}
