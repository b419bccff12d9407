// docs/contract.md §6.1: the ID is the label after one percent-decoding, compared code point for
// code point. A delete by the owner naming a string that is not its token's ID (but that a
// normalising, fuzzy or twice-decoding lookup would take for it) deletes nothing and answers a
// well-formed 4xx. Probes are built from the owner's own token and adapted to its ID.
import {
  cite,
  defineScenario,
  encodeLabel,
  expectUnchanged,
  namesLiveToken,
  rawDeletePath,
  SkipCase,
  takeListing,
  type Rule,
} from '../src/scenario-api.js';

const source = cite('6.1');

const rules = {
  unchanged: { rule: 'the token is still listed with the same name and expiresTime after every probe', source: cite('6.1', '6.2') },
} satisfies Record<string, Rule>;

/** One probe: the label as sent on the wire, and what it is, for the evidence. */
interface Probe {
  label: string;
  what: string;
}

/** The probes for an ID; an empty list means the class does not apply, for the reason given. */
type ProbesFor = (id: string) => Probe[] | { notApplicable: string };

const encoded = (value: string, what: string): Probe => ({ label: encodeLabel(value), what });

/** Upper case to lower and lower to upper, letter by letter. */
function flipCase(id: string): string {
  return [...id].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** The first character's UTF-8 bytes as %XX, with each % encoded again as %25. */
function encodedTwice(id: string): string {
  const [first = '', ...rest] = [...id];
  const once = [...Buffer.from(first, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return once.replaceAll('%', '%25') + encodeLabel(rest.join(''));
}

const looksNumeric = (id: string): boolean => /^[0-9]+$/.test(id);

/** The ID with a 0 before its last run of digits (tok-7 -> tok-07), or undefined without digits. */
function zeroBeforeLastNumber(id: string): string | undefined {
  const match = /[0-9]+(?!.*[0-9])/.exec(id);
  return match ? `${id.slice(0, match.index)}0${id.slice(match.index)}` : undefined;
}

/** The first character as a legacy %uXXXX escape (what JavaScript's unescape() reads), when it is ASCII. */
function percentU(id: string): string | undefined {
  const first = id.codePointAt(0)!;
  return first < 0x80 ? `%u${first.toString(16).toUpperCase().padStart(4, '0')}${encodeLabel(id.slice(1))}` : undefined;
}

/** The first ASCII letter or digit in its fullwidth form (NFKC folds it back): "a1" -> "ａ1". */
function fullwidthFirst(id: string): string | undefined {
  const at = id.search(/[A-Za-z0-9]/);
  if (at < 0) return undefined;
  return `${id.slice(0, at)}${String.fromCodePoint(id.charCodeAt(at) + 0xfee0)}${id.slice(at + 1)}`;
}

const punctuation = /[-._~]/g;

const cases: Array<{ name: string; level: 'must'; rule: string; source: string; probes: ProbesFor }> = [
  {
    name: 'another letter case',
    level: 'must',
    rule: 'the ID in another letter case answers a 4xx and deletes nothing',
    source,
    probes: (id) =>
      flipCase(id) === id
        ? { notApplicable: `the ID ${id} has no letters with a case` }
        : [encoded(flipCase(id), 'the ID in another letter case')],
  },
  {
    // Also past 36 code points when the ID is 36 long: then the expected 4xx is the length rule's 400.
    name: 'a character added before',
    level: 'must',
    rule: 'the ID after an added letter, space or tab, or in quotes, answers a 4xx and deletes nothing',
    source,
    probes: (id) => [
      encoded(`x${id}`, 'a letter, then the ID'),
      encoded(` ${id}`, 'a space, then the ID'),
      encoded(`\t${id}`, 'a tab, then the ID'),
      encoded(`"${id}"`, 'the ID in double quotes'),
    ],
  },
  {
    name: 'a character added after',
    level: 'must',
    rule: 'the ID followed by a letter, a space, a tab, a newline, a carriage return or a file extension answers a 4xx and deletes nothing',
    source,
    probes: (id) => [
      encoded(`${id}x`, 'the ID, then a letter'),
      encoded(`${id} `, 'the ID, then a space'),
      encoded(`${id}\t`, 'the ID, then a tab'),
      encoded(`${id}\n`, 'the ID, then a newline'),
      encoded(`${id}\r`, 'the ID, then a carriage return'),
      encoded(`${id}.json`, 'the ID, then .json'),
    ],
  },
  {
    // A number inside the ID counts too (tok-07 is not tok-7); + and .0 only where the whole ID is a number.
    name: 'the same number spelled another way',
    level: 'must',
    rule: 'an ID with a leading zero before its number (and, where it is all digits, a leading + or a trailing .0) answers a 4xx and deletes nothing',
    source,
    probes: (id) => {
      const zero = zeroBeforeLastNumber(id);
      if (zero === undefined) return { notApplicable: `the ID ${id} has no digits` };
      const probes = [encoded(zero, 'a 0 before its number')];
      if (looksNumeric(id)) probes.push(encoded(`+${id}`, 'a leading +'), encoded(`${id}.0`, 'a trailing .0'));
      return probes;
    },
  },
  {
    name: 'the ID percent-encoded twice',
    level: 'must',
    rule: 'the ID with its first character percent-encoded twice, or as a %u escape, answers a 4xx and deletes nothing',
    source,
    probes: (id) => {
      const probes = [{ label: encodedTwice(id), what: 'the ID percent-encoded twice (decoded once, it is not the ID)' }];
      const legacy = percentU(id);
      if (legacy !== undefined) probes.push({ label: legacy, what: 'the first character as a %u escape (not percent-encoding)' });
      return probes;
    },
  },
  {
    name: 'the ID followed by an encoded slash',
    level: 'must',
    rule: 'the ID followed by %2F answers a 4xx and deletes nothing',
    source,
    probes: (id) => [{ label: `${encodeLabel(id)}%2F`, what: 'the ID followed by an encoded /' }],
  },
  {
    // A lookup that strips separators (a UUID without its dashes) finds the token here.
    name: 'the ID without its punctuation',
    level: 'must',
    rule: 'the ID with its - . _ ~ removed answers a 4xx and deletes nothing',
    source,
    probes: (id) => {
      const bare = id.replace(punctuation, '');
      if (bare === id) return { notApplicable: `the ID ${id} has no punctuation` };
      if (bare === '') return { notApplicable: `the ID ${id} is all punctuation` };
      return [encoded(bare, 'the ID without its punctuation')];
    },
  },
  {
    // Code point for code point: a lookup that normalises Unicode (NFKC) folds a fullwidth letter back.
    name: 'a Unicode compatibility form of the ID',
    level: 'must',
    rule: 'the ID with a letter or digit in its fullwidth form answers a 4xx and deletes nothing',
    source,
    probes: (id) => {
      const wide = fullwidthFirst(id);
      return wide === undefined
        ? { notApplicable: `the ID ${id} has no ASCII letter or digit` }
        : [encoded(wide, 'the ID with a fullwidth character (NFKC folds it back)')];
    },
  },
];

export default defineScenario({
  name: 'exact-match',
  title: 'A delete finds a token only by its exact ID: no case folding, trimming, number parsing or second decoding',
  source,
  cases,
  async run({ owner, check }, testCase) {
    const token = await owner.createToken();
    const probes = testCase.probes(token.id);
    if (!Array.isArray(probes)) throw new SkipCase(`${probes.notApplicable}; this class of probe does not apply`);
    const before = await takeListing(owner);
    // A probe that names a live token of the owner would delete it on a conformant target (§9).
    const safe = probes.filter((p) => !namesLiveToken(p.label, [before]));
    if (safe.length === 0) throw new SkipCase('every probe of this class names a live token of the owner; none was sent');
    for (const probe of safe) {
      const answer = await owner.deletePath(rawDeletePath(probe.label));
      const status = answer.response?.status;
      const ok = status !== undefined && status >= 400 && status < 500;
      check.record(
        { rule: `a delete of ${probe.what} answers a 4xx`, source },
        ok,
        ok
          ? `${probe.label} answered ${status}`
          : `${probe.label} (${probe.what}) answered ${status ?? `nothing (${answer.transportError?.message})`}, not a 4xx`,
        answer,
      );
    }
    await expectUnchanged(check, rules.unchanged, before, [token.id]);
  },
});
