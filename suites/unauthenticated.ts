// docs/contract.md §5.7: deletes without valid credentials, and a bearer the target does not
// know. Identity comes only from the bearer token (contract §1, §3.4).
import {
  cite,
  credentialStatuses,
  defineScenario,
  expectCanariesSurvive,
  limits,
  listRequest,
  plantCanaries,
  type Actor,
  type Rule,
  type ScenarioContext,
} from '../src/scenario-api.js';

const source = cite('5.7', '3.4');

const rules = {
  unchanged: {
    rule: 'nothing changes: every token of either identity still listed with the same name and expiresTime',
    source: cite('5.7', '6.2'),
  },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'unauthenticated',
  title: 'Deletes without valid credentials answer 401 or 403 and change nothing',
  source,
  cases: [
    {
      name: 'no Authorization header',
      level: 'must',
      rule: 'a delete without Authorization answers 401 or 403',
      source,
      caller: 'none' as Caller,
      allowed: credentialStatuses,
    },
    {
      name: 'empty bearer',
      level: 'must',
      rule: 'a delete with an empty bearer answers 401 or 403',
      source,
      caller: 'empty' as Caller,
      allowed: credentialStatuses,
    },
    {
      name: 'Basic scheme',
      level: 'must',
      rule: 'a delete with Basic credentials answers 401 or 403',
      source,
      caller: 'basic' as Caller,
      allowed: credentialStatuses,
    },
    // The owner's own bearer under another scheme: a target that ignores the scheme (or reads
    // a Basic user name as the identity) would take it for the owner.
    {
      name: "the owner's bearer under the Basic scheme",
      level: 'must',
      rule: "a delete with the owner's bearer sent as Basic credentials (raw, and as a Basic user name) answers 401 or 403",
      source,
      caller: 'owner-as-basic' as Caller,
      allowed: credentialStatuses,
    },
    // A target that treats every bearer as a user answers as for a wrong owner (403 or 404).
    // The bearer is the owner's with characters appended: a prefix or fuzzy match of
    // credentials would take it for the owner's, and nothing else would.
    {
      name: 'unknown bearer',
      level: 'must',
      rule: 'a delete with a bearer the target does not know answers 401, 403 or 404',
      source,
      caller: 'impostor' as Caller,
      allowed: [...credentialStatuses, 404],
    },
    // A delete refused with 403 cannot tell "not authenticated" from "a user who is not the
    // owner"; a listing can: served to an anonymous or shared user, it answers 200.
    {
      name: 'no Authorization header, a listing',
      level: 'must',
      rule: 'a listing without Authorization answers 401 or 403',
      source,
      caller: 'none' as Caller,
      allowed: credentialStatuses,
      list: true,
    },
  ],
  async run(context, testCase) {
    const canaries = await plantCanaries(context);
    for (const stranger of strangersFor(context, testCase.caller)) {
      const answer =
        'list' in testCase
          ? await stranger.sendOnce(listRequest(limits.maxResults.max, undefined))
          : await stranger.deleteToken(canaries[0]!.token.id);
      context.check.status(answer, testCase.allowed, { rule: testCase.rule, source });
    }
    await expectCanariesSurvive(context, canaries, rules.unchanged);
  },
});

type Caller = 'none' | 'empty' | 'basic' | 'impostor' | 'owner-as-basic';

function strangersFor(context: ScenarioContext, caller: Caller): Actor[] {
  switch (caller) {
    case 'none':
      return [context.stranger(undefined, 'no Authorization header')];
    case 'empty':
      return [context.stranger('Bearer ', 'empty bearer')];
    case 'basic':
      return [context.stranger('Basic cGF0LWNvbmZvcm1hbmNlOnByb2Jl', 'Basic scheme')];
    case 'impostor':
      return [context.impostor(`-${context.random.string(8)}`, 'unknown bearer')];
    case 'owner-as-basic':
      return [context.ownerCredentialAs('Basic', 'raw'), context.ownerCredentialAs('Basic', 'user name')];
  }
}
