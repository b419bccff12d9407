// docs/contract.md §5.2: a second identity deletes the first identity's token; §6.2: the
// refused delete changes nothing; §9: never a delete for an ID the deleting identity holds.
import {
  cite,
  defineScenario,
  expectUnchanged,
  InconclusiveCase,
  takeListing,
  type Actor,
  type CreatedToken,
  type Rule,
  type ScenarioContext,
} from '../src/scenario-api.js';

const source = cite('5.2');

const rules = {
  refused: { rule: "another identity's delete answers 403 AccessDeniedException or 404 ResourceNotFoundException", source },
  unchanged: { rule: 'the token is still listed for its owner with the same name and expiresTime', source: cite('5.2', '6.2') },
  ownerCanDelete: { rule: 'the owner can still delete it afterwards (200)', source },
} satisfies Record<string, Rule>;

interface Attempt {
  victimOwner: Actor;
  intruder: Actor;
  token: CreatedToken;
}

/**
 * Where IDs are scoped per identity (contract §2.5), the second identity may hold a token with
 * the same ID as the owner's, and a conformant target would rightly delete *that* one. So the
 * intruder's listing is checked first; if it holds the ID, the roles are swapped (the second
 * identity creates, the owner intrudes); if that collides too, the case proves nothing.
 */
async function pickAttempt({ owner, other }: ScenarioContext & { other: Actor }): Promise<Attempt> {
  const mine = await owner.createToken();
  if (!(await other.heldIds()).has(mine.id)) return { victimOwner: owner, intruder: other, token: mine };
  const theirs = await other.createToken();
  if (!(await owner.heldIds()).has(theirs.id)) return { victimOwner: other, intruder: owner, token: theirs };
  throw new InconclusiveCase(
    `each identity already holds a token with the ID the other was given (${mine.id}, ${theirs.id}): a wrong-owner delete would reach the intruder's own token, so none was sent`,
  );
}

export default defineScenario({
  name: 'wrong-owner',
  title: "Another identity cannot delete the owner's token, and its attempt changes nothing",
  source,
  requires: { otherIdentity: true },
  cases: [
    { name: "other identity deletes owner's token", level: 'must', rule: rules.refused.rule, source, repeat: 1 },
    // A second attempt catches implementations that refuse once and then give in (state kept wrongly).
    { name: 'other identity tries twice', level: 'must', rule: rules.refused.rule, source, repeat: 2 },
  ],
  async run(context, testCase) {
    const { other, check } = context;
    if (!other) return;
    const { victimOwner, intruder, token } = await pickAttempt({ ...context, other });
    const before = await takeListing(victimOwner);
    for (let attempt = 0; attempt < testCase.repeat; attempt++) {
      // Checked before every attempt (pickAttempt checked before the first): a delete for an ID
      // the intruder holds is never sent (§9).
      if (attempt > 0 && (await intruder.heldIds()).has(token.id)) {
        throw new InconclusiveCase(`${intruder.label} now holds a token ${token.id} itself; the delete was not sent`);
      }
      const refused = await intruder.deleteToken(token.id);
      check.error(refused, ['AccessDeniedException', 'ResourceNotFoundException'], rules.refused);
    }
    const after = await expectUnchanged(check, rules.unchanged, before, [token.id]);
    if (after.byId.has(token.id)) {
      const deleted = await victimOwner.deleteToken(token.id);
      check.status(deleted, [200], rules.ownerCanDelete);
    }
  },
});
