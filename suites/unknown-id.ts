// docs/contract.md §5.5: an unknown but well-formed ID answers 404, and deletes nothing.
import {
  cite,
  defineScenario,
  expectUnchanged,
  InconclusiveCase,
  isErrorAnswer,
  limits,
  readResponse,
  takeListing,
  type CreatedToken,
  type Random,
  type Rule,
} from '../src/scenario-api.js';

const source = cite('5.5');

const rules = {
  unchanged: { rule: "the owner's existing token is not deleted or changed (same name and expiresTime)", source: cite('5.5', '6.2') },
} satisfies Record<string, Rule>;

/** Candidate unknown IDs, best first; the first that names no token of either identity is sent. */
type Candidates = (random: Random, existing: CreatedToken) => string[];

const tries =
  (make: (r: Random) => string): Candidates =>
  (r) =>
    Array.from({ length: 20 }, () => make(r));

/** IDs that are not the existing one but built from it (catches prefix or fuzzy matching). */
function prefixesOf(id: string): string[] {
  const points = [...id];
  return points.slice(1).map((_, i) => points.slice(0, points.length - 1 - i).join(''));
}

/**
 * Short IDs (one character, a prefix of an existing ID) may well be another identity's token,
 * one the runner cannot list (a third user's): a target with IDs unique across the service then
 * rightly answers 403, as to a wrong owner (contract §5.2). Such a 403 sends the runner to the
 * next candidate, a few times at most. A random UUID or 36-character ID is nobody's: a 403 there
 * is a wrong answer.
 */
const triesWhenForeign = 4;

export default defineScenario({
  name: 'unknown-id',
  title: 'A well-formed ID that names no token answers 404 ResourceNotFoundException',
  source,
  cases: [
    {
      name: 'UUID-shaped',
      level: 'must',
      rule: 'an unknown UUID answers 404 ResourceNotFoundException',
      source,
      ids: tries((r) => r.uuid()),
    },
    {
      name: 'one character',
      level: 'must',
      rule: `an unknown ${limits.idLength.min}-character ID (the lower bound) answers 404 ResourceNotFoundException`,
      source,
      ids: tries((r) => r.string(limits.idLength.min)),
      mayBeForeign: true,
    },
    {
      name: `${limits.idLength.max} characters`,
      level: 'must',
      rule: `an unknown ${limits.idLength.max}-character ID (the upper bound) answers 404 ResourceNotFoundException`,
      source,
      ids: tries((r) => r.string(limits.idLength.max)),
    },
    // Token IDs are opaque strings with no pattern: punctuation that needs no escaping is valid.
    {
      name: 'unreserved punctuation',
      level: 'must',
      rule: 'an unknown ID of letters and -._~ answers 404 ResourceNotFoundException',
      source,
      ids: tries((r) => `${r.string(6)}-._~${r.string(6)}`),
    },
    // An implementation that matches IDs by prefix would delete the existing token here.
    {
      name: 'prefix of an existing ID',
      level: 'must',
      rule: 'an unknown prefix of an existing ID answers 404, and the existing token survives',
      source,
      ids: ((_r, t) => prefixesOf(t.id)) as Candidates,
      mayBeForeign: true,
    },
  ],
  async run(context, testCase) {
    const { owner, other, check, random } = context;
    const existing = await owner.createToken();
    const before = await takeListing(owner);
    // Never one of the owner's own live tokens: a conformant target would delete it. Nor one the
    // other identity holds: a conformant target would refuse the owner, but a target without an
    // owner check would delete that identity's token, and the runner never sends a delete that
    // could reach another identity's token (§9). A third user's token cannot be listed: that is
    // what the 403 rule below is for.
    const othersIds = other ? (await takeListing(other)).byId : new Map<string, unknown>();
    const candidates = testCase.ids(random, existing).filter((id) => !before.byId.has(id) && !othersIds.has(id));
    if (candidates.length === 0)
      throw new InconclusiveCase('every candidate ID names a live token of the owner or the other identity; nothing unknown to probe with');
    const foreign: string[] = [];
    for (const probe of candidates.slice(0, 'mayBeForeign' in testCase ? triesWhenForeign : 1)) {
      const answer = await owner.deleteToken(probe);
      const reading = readResponse(answer);
      if ('mayBeForeign' in testCase && isErrorAnswer(reading.status, reading.errorName, ['AccessDeniedException'])) {
        foreign.push(probe);
        continue;
      }
      check.error(answer, ['ResourceNotFoundException'], { rule: testCase.rule, source });
      await expectUnchanged(check, rules.unchanged, before, [existing.id]);
      return;
    }
    await expectUnchanged(check, rules.unchanged, before, [existing.id]);
    throw new InconclusiveCase(
      `every candidate (${foreign.join(', ')}) answered 403 AccessDeniedException, as for another identity's token: none was unknown to the target`,
    );
  },
});
