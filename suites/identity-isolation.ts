// docs/contract.md §6.3: the owner's deletes never remove or change another identity's tokens,
// even one with the same ID. An implementation may scope IDs per identity (§2.5), so tokens of
// both identities are created early in the run and interleaved: there, IDs are then shared, and
// a delete that is not scoped to its caller shows. The family runs first for that reason.
import { cite, defineScenario, expectUnchanged, takeListing, type Actor, type CreatedToken, type Rule } from '../src/scenario-api.js';

const source = cite('6.3');

/** Pairs of tokens created, one per identity, alternating. */
const pairs = 3;

const rules = {
  deleted: { rule: "each identity's delete of its own token answers 200", source: cite('6.3', '5.1') },
  isolated: {
    rule: 'the identity that did not delete still has every token it held (before the run too), with the same name and expiresTime',
    source,
  },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'identity-isolation',
  title: "One identity's deletes never touch another identity's tokens, even ones with the same ID",
  source,
  // Under --parallel each case runs alone: it judges everything the bystander holds, and the
  // tokens cases beside it create and delete would read as harm done by this case's delete.
  exclusive: 'case',
  requires: { otherIdentity: true },
  cases: [
    {
      name: "the owner deletes; the other identity's tokens stay",
      level: 'must',
      rule: rules.isolated.rule,
      source,
      deleter: 'owner' as const,
    },
    {
      name: "the other identity deletes; the owner's tokens stay",
      level: 'must',
      rule: rules.isolated.rule,
      source,
      deleter: 'other' as const,
    },
  ],
  async run(context, testCase) {
    const { owner, other, check } = context;
    if (!other) return;
    const [deleter, bystander] = testCase.deleter === 'owner' ? [owner, other] : [other, owner];
    // The bystander's account before anything is created: a create that overwrites another
    // identity's token with the same ID (one map keyed by ID alone) shows here too.
    const before = await takeListing(bystander);
    const created = await createInterleaved(deleter, bystander);
    const own = created.get(deleter)!;
    const theirs = created.get(bystander)!;
    for (const token of own) {
      const answer = await deleter.deleteToken(token.id);
      check.status(answer, [200], rules.deleted);
    }
    // Said in the result, so that a pass on a target whose IDs never collided is not over-read.
    const shared = own.filter((t) => before.byId.has(t.id) || theirs.some((b) => b.id === t.id)).map((t) => t.id);
    const note = shared.length ? `IDs both identities held: ${shared.join(', ')}` : 'no ID was held by both identities';
    // The bystander's new tokens are judged too: still listed, with the names they were given
    // (their expiresTime was not listed before, so it is not compared).
    for (const token of theirs) before.byId.set(token.id, { id: token.id, name: token.name });
    await expectUnchanged(check, rules.isolated, before, undefined, note);
  },
});

/**
 * d, b, d, b, ...: on per-identity numbering both identities get 1, 2, 3 (when they start
 * fresh), and the bystander's tokens take the deleter's names, so that a delete by ID or by
 * name that is not scoped to its caller reaches them.
 */
async function createInterleaved(deleter: Actor, bystander: Actor): Promise<Map<Actor, CreatedToken[]>> {
  const created = new Map<Actor, CreatedToken[]>([
    [deleter, []],
    [bystander, []],
  ]);
  for (let i = 0; i < pairs; i++) {
    const mine = await deleter.createToken({ sharedName: true });
    created.get(deleter)!.push(mine);
    // Names are unique per identity at most; a target that refuses the same name across
    // identities (409) gets a fresh one.
    const outcome = await bystander.tryCreateToken({ name: mine.name });
    created.get(bystander)!.push('token' in outcome ? outcome.token : await bystander.createToken());
  }
  return created;
}
