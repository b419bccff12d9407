// SPEC.md, "Beyond the six": IDs that could reach another resource. Each is sent by the owner
// of an existing token, percent-encoded as an HTTP label must be; none may touch that token.
import { defineScenario } from '../src/scenario.js';
import type { Rule } from '../src/checks/case-checks.js';
import { collectionPath, encodeLabel } from '../src/api/operations.js';

const source = 'SPEC.md, Beyond the six (IDs that could reach another resource)';

const rules = {
  survives: { rule: 'the existing token survives', source },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'id-injection',
  title: 'Encoded /, .., ?, #, %, NUL and whitespace inside an ID answer 4xx and reach no other token',
  source,
  cases: [
    { name: 'x%2F<id>', level: 'must', rule: 'an ID with an encoded slash before an existing ID answers 4xx', source, label: (id: string) => `x%2F${encodeLabel(id)}` },
    { name: '%2E%2E%2F<id>', level: 'must', rule: 'an ID of encoded ../ before an existing ID answers 4xx', source, label: (id: string) => `%2E%2E%2F${encodeLabel(id)}` },
    { name: '<id>%3Fx', level: 'must', rule: 'an existing ID followed by an encoded ? answers 4xx', source, label: (id: string) => `${encodeLabel(id)}%3Fx` },
    { name: '<id>%23x', level: 'must', rule: 'an existing ID followed by an encoded # answers 4xx', source, label: (id: string) => `${encodeLabel(id)}%23x` },
    { name: '<id>%25', level: 'must', rule: 'an existing ID followed by an encoded % answers 4xx', source, label: (id: string) => `${encodeLabel(id)}%25` },
    { name: '<id>%00', level: 'must', rule: 'an existing ID followed by an encoded NUL answers 4xx', source, label: (id: string) => `${encodeLabel(id)}%00` },
    { name: '%2E%2E', level: 'must', rule: 'an ID of encoded .. answers 4xx', source, label: () => '%2E%2E' },
    // An implementation that trims the ID (SPEC.md scenario 3 names the risk) would reach the token.
    { name: '%20<id>', level: 'must', rule: 'an existing ID after a space answers 4xx', source, label: (id: string) => `%20${encodeLabel(id)}` },
    { name: '<id>%0A', level: 'must', rule: 'an existing ID followed by a newline answers 4xx', source, label: (id: string) => `${encodeLabel(id)}%0A` },
  ],
  async run({ owner, check }, testCase) {
    const existing = await owner.createToken();
    const answer = await owner.deletePath(`${collectionPath}/${testCase.label(existing.id)}`);
    const status = answer.response?.status;
    const ok = status !== undefined && status >= 400 && status < 500;
    check.record({ rule: testCase.rule, source }, ok, ok ? `answered ${status}` : `expected a 4xx, got ${status ?? answer.transportError?.message}`, answer);
    const { listed, lastPage } = await owner.isListed(existing.id);
    check.record(rules.survives, listed, listed ? `token ${existing.id} still listed` : `token ${existing.id} was deleted by ${testCase.name}`, lastPage);
  },
});
