// docs/contract.md §6.3: the owner's deletes never remove or change another identity's tokens,
// even one with the same ID. An implementation may scope IDs per identity (§2.5), so tokens of
// both identities are created early in the run and interleaved: there, IDs are then shared, and
// a delete that is not scoped to its caller shows. The family runs first for that reason.
import { defineScenario } from '../src/scenario.js';
import type { Rule } from '../src/checks/case-checks.js';
import { cite } from '../src/contract/sections.js';
import type { Actor, CreatedToken } from '../src/fixtures/actor.js';
import { expectUnchanged, takeListing } from '../src/fixtures/unchanged.js';

const source = cite('6.3');

/** Pairs of tokens created, one per identity, alternating. */
const pairs = 3;

const rules = {
  deleted: { rule: 'each identity\'s delete of its own token answers 200', source: cite('6.3', '5.1') },
  isolated: { rule: 'the identity that did not delete still has every token it held (before the run too), with the same name and expiresTime', source },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'identity-isolation',
  title: 'One identity\'s deletes never touch another identity\'s tokens, even ones with the same ID',
  source,
  requires: { otherIdentity: true },
  cases: [
    { name: 'the owner deletes; the other identity\'s tokens stay', level: 'must', rule: rules.isolated.rule, source, deleter: 'owner' as const },
    { name: 'the other identity deletes; the owner\'s tokens stay', level: 'must', rule: rules.isolated.rule, source, deleter: 'other' as const },
  ],
  async run(context, testCase) {
    const { owner, other, check } = context;
    if (!other) return;
    const created = await createInterleaved(owner, other);
    const [deleter, bystander] = testCase.deleter === 'owner' ? [owner, other] : [other, owner];
    const own = created.get(deleter)!;
    // The bystander's whole account as it is now: its tokens from before the run, and the ones
    // just created, some of which may share an ID with the deleter's.
    const before = await takeListing(bystander);
    for (const token of own) {
      const answer = await deleter.deleteToken(token.id);
      check.status(answer, [200], rules.deleted);
    }
    // Said in the result, so that a pass on a target whose IDs never collided is not over-read.
    const shared = own.filter((t) => before.byId.has(t.id)).map((t) => t.id);
    const note = shared.length ? `IDs both identities held: ${shared.join(', ')}` : 'no ID was held by both identities';
    await expectUnchanged(check, rules.isolated, before, undefined, note);
  },
});

/** o, t, o, t, ...: on per-identity numbering both identities get 1, 2, 3 (when they start fresh). */
async function createInterleaved(owner: Actor, other: Actor): Promise<Map<Actor, CreatedToken[]>> {
  const created = new Map<Actor, CreatedToken[]>([
    [owner, []],
    [other, []],
  ]);
  for (let i = 0; i < pairs; i++) {
    created.get(owner)!.push(await owner.createToken());
    created.get(other)!.push(await other.createToken());
  }
  return created;
}
