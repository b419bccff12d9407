// docs/contract.md §5.4: IDs longer than 36 characters are rejected and delete nothing.
import {
  cite,
  defineScenario,
  describe,
  expectUnchanged,
  limits,
  SkipCase,
  takeListing,
  type CreatedToken,
  type ModeledErrorName,
  type Rule,
} from '../src/scenario-api.js';

// Probes of 37 or more code points cannot name a live token (IDs are 1 to 36, contract §2.5);
// the 36-code-point ones are made of emoji or accented letters no implementation hands out and
// are checked against the owner's listing all the same.
const source = cite('5.4');

/** The longest ID (contract §2.5), and the shortest that is too long. */
const longest = limits.idLength.max;
const tooLong = longest + 1;

const rules = {
  unchanged: { rule: 'the existing token is not deleted or changed (same name and expiresTime)', source: cite('5.4', '6.2') },
} satisfies Record<string, Rule>;

interface LengthCase {
  name: string;
  level: 'must' | 'should';
  rule: string;
  source: string;
  id: (existing: CreatedToken) => string;
  expect: ModeledErrorName;
}

/** The existing ID first, so that truncation to 36 finds it, then 'x' up to 37 code points at least. */
function appendPastBound(id: string): string {
  return id + 'x'.repeat(Math.max(1, tooLong - [...id].length));
}

const cases: LengthCase[] = [
  {
    name: `${tooLong} characters`,
    level: 'must',
    rule: `a ${tooLong}-character ID answers 400 ValidationException`,
    source,
    id: () => 'a'.repeat(tooLong),
    expect: 'ValidationException',
  },
  {
    name: '100 characters',
    level: 'must',
    rule: 'a 100-character ID answers 400 ValidationException',
    source,
    id: () => 'b'.repeat(100),
    expect: 'ValidationException',
  },
  {
    name: '4096 characters',
    level: 'must',
    rule: 'a 4096-character ID answers 400 ValidationException',
    source,
    id: () => 'c'.repeat(4096),
    expect: 'ValidationException',
  },
  // An implementation that truncates to 36 and then deletes is caught here: the first 36
  // characters are an existing token's ID (when the implementation's IDs are 36 long).
  {
    name: 'existing ID with characters appended',
    level: 'must',
    rule: `an existing ID plus characters (over ${longest}) answers 400 and deletes nothing`,
    source,
    id: (t) => appendPastBound(t.id),
    expect: 'ValidationException',
  },
  {
    name: `existing ID with ${tooLong} emoji appended`,
    level: 'must',
    rule: 'an existing ID plus astral characters answers 400 and deletes nothing',
    source,
    id: (t) => t.id + '\u{1F511}'.repeat(tooLong),
    expect: 'ValidationException',
  },
  // Lengths are code points (Smithy): 36 emoji are 72 UTF-16 units and 144 UTF-8 bytes, yet within the bound.
  {
    name: `${longest} emoji (astral code points)`,
    level: 'should',
    rule: `a ${longest}-code-point ID of astral characters is within the bound: 404, not 400`,
    source: cite('5.4', '2.5'),
    id: () => '\u{1F511}'.repeat(longest),
    expect: 'ResourceNotFoundException',
  },
  {
    name: `${longest} two-byte characters`,
    level: 'should',
    rule: `a ${longest}-code-point ID of 2-byte UTF-8 characters is within the bound: 404, not 400`,
    source: cite('5.4', '2.5'),
    id: () => 'é'.repeat(longest),
    expect: 'ResourceNotFoundException',
  },
];

export default defineScenario({
  name: 'id-length',
  title: `IDs longer than ${longest} code points are rejected with 400 and delete nothing`,
  source,
  cases,
  async run({ owner, check }, testCase) {
    const existing = await owner.createToken();
    const before = await takeListing(owner);
    const probe = testCase.id(existing);
    if (before.byId.has(probe)) throw new SkipCase(`the owner holds a token whose ID is the probe ${probe}; it was not sent`);
    const answer = await owner.deleteToken(probe);
    check.error(answer, [testCase.expect], { rule: testCase.rule, source: testCase.source });
    if (testCase.level === 'should') {
      // Counting length in UTF-16 units or bytes (a 400) is what should-level forgives; a 5xx
      // or no answer to a well-formed ID is a failure whatever the count.
      const status = answer.response?.status;
      const answered = status !== undefined && status < 500;
      check.record(
        { rule: 'a well-formed ID is answered without a 5xx', source: cite('5.4', '3.3'), level: 'must' },
        answered,
        answered ? `answered ${status}` : `got ${describe(answer)}`,
        answer,
      );
    }
    await expectUnchanged(check, { ...rules.unchanged, level: 'must' }, before, [existing.id]);
  },
});
