// docs/contract.md §5.6: IDs that could reach another resource. Each is sent by the owner of an
// existing token, percent-encoded as an HTTP label must be; none may touch that token (§6.2).
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

const source = cite('5.6');

const rules = {
  unchanged: { rule: 'the existing token survives, with the same name and expiresTime', source: cite('5.6', '6.2') },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'id-injection',
  title: 'Encoded /, .., ?, #, %, NUL and whitespace inside an ID answer 4xx and reach no other token',
  source,
  cases: [
    {
      name: 'x%2F<id>',
      level: 'must',
      rule: 'an ID with an encoded slash before an existing ID answers 4xx',
      source,
      label: (id: string) => `x%2F${encodeLabel(id)}`,
    },
    {
      name: '%2E%2E%2F<id>',
      level: 'must',
      rule: 'an ID of encoded ../ before an existing ID answers 4xx',
      source,
      label: (id: string) => `%2E%2E%2F${encodeLabel(id)}`,
    },
    {
      name: '<id>%3Fx',
      level: 'must',
      rule: 'an existing ID followed by an encoded ? answers 4xx',
      source,
      label: (id: string) => `${encodeLabel(id)}%3Fx`,
    },
    {
      name: '<id>%23x',
      level: 'must',
      rule: 'an existing ID followed by an encoded # answers 4xx',
      source,
      label: (id: string) => `${encodeLabel(id)}%23x`,
    },
    {
      name: '<id>%25',
      level: 'must',
      rule: 'an existing ID followed by an encoded % answers 4xx',
      source,
      label: (id: string) => `${encodeLabel(id)}%25`,
    },
    {
      name: '<id>%00',
      level: 'must',
      rule: 'an existing ID followed by an encoded NUL answers 4xx',
      source,
      label: (id: string) => `${encodeLabel(id)}%00`,
    },
    { name: '%2E%2E', level: 'must', rule: 'an ID of encoded .. answers 4xx', source, label: () => '%2E%2E' },
    // Dot segments that a path normaliser resolves to the existing ID itself.
    {
      name: '.%2F<id>',
      level: 'must',
      rule: 'an ID of ./ before an existing ID answers 4xx',
      source,
      label: (id: string) => `.%2F${encodeLabel(id)}`,
    },
    {
      name: 'x%2F..%2F<id>',
      level: 'must',
      rule: 'an ID of x/../ before an existing ID answers 4xx',
      source,
      label: (id: string) => `x%2F..%2F${encodeLabel(id)}`,
    },
    // Sent raw, the slash makes a path of more segments than the operation has: no operation
    // matches it, and a router that takes the last segment as the ID would reach the token.
    {
      name: 'x/<id> (raw slash)',
      level: 'must',
      rule: 'a path with an extra raw segment before an existing ID answers 4xx',
      source,
      label: (id: string) => `x/${encodeLabel(id)}`,
    },
    // An implementation that trims the ID (contract §5.3 names the risk) would reach the token.
    {
      name: '%20<id>',
      level: 'must',
      rule: 'an existing ID after a space answers 4xx',
      source,
      label: (id: string) => `%20${encodeLabel(id)}`,
    },
    {
      name: '<id>%0A',
      level: 'must',
      rule: 'an existing ID followed by a newline answers 4xx',
      source,
      label: (id: string) => `${encodeLabel(id)}%0A`,
    },
  ],
  async run({ owner, check }, testCase) {
    const existing = await owner.createToken();
    const before = await takeListing(owner);
    const label = testCase.label(existing.id);
    if (namesLiveToken(label, [before]))
      throw new SkipCase(`decoded, the probe names a live token of the owner (${label}); it was not sent`);
    const answer = await owner.deletePath(rawDeletePath(label));
    const status = answer.response?.status;
    const ok = status !== undefined && status >= 400 && status < 500;
    check.record(
      { rule: testCase.rule, source },
      ok,
      ok ? `answered ${status}` : `expected a 4xx, got ${status ?? answer.transportError?.message}`,
      answer,
    );
    await expectUnchanged(check, rules.unchanged, before, [existing.id]);
  },
});
