// Every named fault of the reference is one defect; the scenario that exists for it must catch
// it: the real CLI, aimed at the faulty reference over loopback, exits 1 with that case failed.
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../src/reference/faults.js';
import { faults } from '../src/reference/faults.js';
import type { ReferenceOptions } from '../src/reference/options.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';
import { citedSections } from './helpers/contract.js';
import { scenarios } from '../suites/index.js';
import type { ContractSection } from '../src/contract/sections.js';

const tempDir = tempDirs();

/**
 * Throttling faults only show when the burst outruns the bucket. The default bucket is sized
 * for an idle machine; a loaded one (CI, parallel tests) sends the burst slower, so these use a
 * bucket that any burst of 200 outruns.
 */
const smallBucket: Partial<ReferenceOptions> = { rate: 20, burst: 30 };

/** fault -> the scenarios run against it (comma-separated) and the cases that must fail. */
type Catch = {
  scenario: string;
  cases: string[];
  /** A section of the contract that a failed check of those cases must cite: the rule meant for the fault. */
  section?: ContractSection;
  extra?: string[];
  server?: Partial<ReferenceOptions>;
  /** The run fails by its leftovers (reasons matching this), not by a case. */
  leftovers?: RegExp;
};

const catches: Record<FaultName, Catch> = {
  'success-204': { scenario: 'valid-delete', cases: ['fresh token'] },
  'body-on-success': { scenario: 'valid-delete', cases: ['fresh token', 'token among more than a page of tokens'] },
  'no-owner-check': { scenario: 'wrong-owner', cases: ["other identity deletes owner's token"] },
  'owner-check-after-delete': { scenario: 'wrong-owner', cases: ["other identity deletes owner's token"] },
  'truncate-long-id': { scenario: 'id-length', cases: ['existing ID with characters appended', 'existing ID with 37 emoji appended'] },
  'no-length-check': { scenario: 'id-length', cases: ['37 characters', '100 characters', '4096 characters'] },
  'utf16-length': { scenario: 'id-length', cases: ['36 emoji (astral code points)'], extra: ['--strict'] },
  'missing-id-500': { scenario: 'missing-id', cases: ['trailing slash, empty label', 'collection path'] },
  'trim-id': {
    scenario: 'missing-id,exact-match,id-injection',
    cases: ['space-only ID (%20)', 'tab-only ID (%09)', 'a character added before', 'a character added after', '%20<id>', '<id>%0A'],
  },
  'id-path-normalize': {
    scenario: 'id-injection',
    cases: ['x%2F<id>', '%2E%2E%2F<id>', '<id>%3Fx', '<id>%23x', '.%2F<id>', 'x%2F..%2F<id>'],
  },
  'race-double-success': { scenario: 'concurrent-conflict', cases: ['identical deletes of one token'] },
  'race-500': { scenario: 'concurrent-conflict', cases: ['identical deletes of one token'] },
  'global-delete-lock': { scenario: 'concurrent-conflict', cases: ['deletes of different tokens'] },
  'id-prefix-match': { scenario: 'unknown-id', cases: ['prefix of an existing ID'] },
  'delete-not-persisted': { scenario: 'valid-delete', cases: ['fresh token'] },
  'missing-token-200': { scenario: 'unknown-id', cases: ['UUID-shaped', 'one character', '36 characters'] },
  'delete-siblings': { scenario: 'valid-delete', cases: ['fresh token'] },
  'no-auth': {
    scenario: 'unauthenticated',
    cases: ['no Authorization header', 'empty bearer', 'Basic scheme', 'no Authorization header, a listing'],
  },
  'burst-503': { scenario: 'throttle-burst', cases: ['burst of lists and deletes'], server: smallBucket },
  'throttle-not-json': { scenario: 'throttle-burst', cases: ['burst of lists and deletes'], server: smallBucket },
  'throttle-deletes-anyway': { scenario: 'throttle-burst', cases: ['burst of lists and deletes'], server: smallBucket },
  'no-recovery': {
    scenario: 'throttle-burst',
    cases: ['burst of lists and deletes'],
    server: smallBucket,
    extra: ['--throttle-budget', '3000'],
  },
  'deletes-stay-throttled': {
    scenario: 'throttle-burst',
    cases: ['burst of lists and deletes'],
    server: smallBucket,
    extra: ['--throttle-budget', '3000'],
  },
  'non-ascii-500': { scenario: 'id-length', cases: ['36 emoji (astral code points)', '36 two-byte characters'] },
  'burst-drop-connection': { scenario: 'throttle-burst', cases: ['burst of lists and deletes'], server: smallBucket },
  'no-errortype-header': { scenario: 'unknown-id', cases: ['UUID-shaped'] },
  'error-name-mismatch': { scenario: 'unknown-id', cases: ['UUID-shaped'] },
  'no-error-message': { scenario: 'unknown-id', cases: ['UUID-shaped'] },
  'error-not-json': { scenario: 'unknown-id', cases: ['UUID-shaped'] },
  'list-ignores-next-token': { scenario: 'valid-delete', cases: ['token among more than a page of tokens'] },
  'list-hides-last-page': { scenario: 'valid-delete', cases: ['token among more than a page of tokens'] },
  // contract §6.1: each class of probe, against a lookup that normalises in that one way. A
  // 36-character ID with a character added is past the length bound, so the probes that add
  // one are shown against 8-character IDs; the numeric ones need IDs that look numeric.
  'id-case-insensitive': { scenario: 'exact-match', section: '6.1', cases: ['another letter case'] },
  'id-unanchored-match': {
    scenario: 'exact-match',
    section: '6.1',
    cases: ['a character added before', 'a character added after'],
    server: { idStyle: 'short' },
  },
  'id-numeric-match': {
    scenario: 'exact-match',
    section: '6.1',
    cases: ['the same number spelled another way'],
    server: { idStyle: 'sequential' },
  },
  'id-double-decode': { scenario: 'exact-match', section: '6.1', cases: ['the ID percent-encoded twice'] },
  'id-strip-trailing-slash': { scenario: 'exact-match', section: '6.1', cases: ['the ID followed by an encoded slash'] },
  // contract §6.2 to §6.7
  'refused-delete-expires': {
    scenario: 'wrong-owner',
    section: '6.2',
    cases: ["other identity deletes owner's token", 'other identity tries twice'],
  },
  'delete-across-identities': {
    scenario: 'identity-isolation',
    section: '6.3',
    cases: ["the owner deletes; the other identity's tokens stay", "the other identity deletes; the owner's tokens stay"],
    server: { idStyle: 'per-identity' },
  },
  'delete-by-name': { scenario: 'valid-delete', section: '6.4', cases: ['token with a same-name sibling'] },
  'lost-delete-under-load': {
    scenario: 'throttle-burst',
    section: '6.5',
    cases: ['burst of lists and deletes'],
    server: { rate: 1000, burst: 100 },
  },
  'reuse-deleted-ids': { scenario: 'valid-delete', section: '6.6', cases: ['a token created after a delete gets a new ID'] },
  'create-lost-in-race': { scenario: 'concurrent-conflict', section: '6.7', cases: ['creates racing deletes'] },
  'id-last-segment': { scenario: 'id-injection', section: '5.6', cases: ['x/<id> (raw slash)'] },
  'id-ignore-punctuation': { scenario: 'exact-match', section: '6.1', cases: ['the ID without its punctuation'] },
  'id-nfkc': { scenario: 'exact-match', section: '6.1', cases: ['a Unicode compatibility form of the ID'] },
  'list-ignores-max-results': { scenario: 'throttle-burst', section: '2.2', cases: ['burst of lists and deletes'] },
  'scheme-ignored': { scenario: 'unauthenticated', section: '5.7', cases: ["the owner's bearer under the Basic scheme"] },
  // No case can see a token nobody was told the ID of: the final cleanup finds it by its name.
  'throttled-create-takes-effect': {
    scenario: 'valid-delete',
    cases: [],
    leftovers: /no create of it was answered 201/,
    server: { rate: 5, burst: 3 },
  },
  // contract §5.2 to §5.7: a fault for each case no fault above fails. <id>%25 is past the
  // length bound with 36-character IDs, so the LIKE pattern is shown against 8-character IDs.
  'id-like-wildcards': { scenario: 'id-injection', section: '5.6', cases: ['<id>%25'], server: { idStyle: 'short' } },
  'id-nul-terminated': { scenario: 'id-injection', section: '5.6', cases: ['<id>%00'] },
  'id-dot-segments': { scenario: 'id-injection', section: '5.6', cases: ['%2E%2E'] },
  'id-strict-pattern': { scenario: 'unknown-id', section: '5.5', cases: ['unreserved punctuation'] },
  'blank-id-500': { scenario: 'missing-id', section: '5.3', cases: ['three spaces (%20%20%20)'] },
  // Only a target with a list of users has bearers it does not know.
  'unknown-bearer-first-user': {
    scenario: 'unauthenticated',
    section: '5.7',
    cases: ['unknown bearer'],
    server: { users: [ownerToken, otherToken] },
  },
  'retry-skips-owner-check': { scenario: 'wrong-owner', section: '5.2', cases: ['other identity tries twice'] },
};

/** Rules whose failure is an absence, shown by a count rather than by one exchange. */
const rulesWithoutExchange = new Set(['the burst is throttled at least once (--expect-throttle)']);

describe('each named fault is caught by the scenario meant for it', { timeout: 180_000 }, () => {
  it('the table covers every fault the reference has', () => {
    expect(Object.keys(catches).sort()).toEqual(faults.map((f) => f.name).sort());
  });

  it('every case of every scenario is shown failing against some fault (each rule proven to catch its defect)', () => {
    const shown = new Set<string>();
    for (const entry of Object.values(catches)) {
      const families = entry.scenario.split(',');
      for (const name of entry.cases) {
        const family = scenarios.find((s) => families.includes(s.name) && s.cases.some((c) => c.name === name));
        expect(family, `"${name}" is a case of ${entry.scenario}`).toBeDefined();
        shown.add(`${family!.name} / ${name}`);
      }
    }
    const all = scenarios.flatMap((s) => s.cases.map((c) => `${s.name} / ${c.name}`));
    expect(all.filter((c) => !shown.has(c))).toEqual([]);
  });

  it.concurrent.each(Object.entries(catches))('%s', async (fault, expected) => {
    const out = await tempDir();
    const result = await withReference({ ...expected.server, faults: [fault as FaultName] }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--scenario', expected.scenario, '--quiet', '--out', out, ...(expected.extra ?? [])]),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.code).toBe(1);
    const report = await readReport(out);
    expect(report.verdict).toBe('non-conformant');
    if (expected.leftovers) {
      expect(report.leftovers.length).toBeGreaterThan(0);
      expect(report.leftovers.every((l) => expected.leftovers!.test(l.reason))).toBe(true);
      return;
    }
    const failed = report.cases.filter((c) => c.status === 'failed').map((c) => c.case);
    for (const name of expected.cases) expect(failed, `case "${name}" must fail`).toContain(name);
    if (expected.section) {
      // Failed for the rule meant for this fault, in every one of those cases.
      for (const name of expected.cases) {
        const sections = report.cases
          .find((c) => c.case === name)!
          .checks.filter((k) => !k.passed)
          .flatMap((k) => citedSections(k.source));
        expect(sections, `case "${name}" must fail a check of contract §${expected.section}`).toContain(expected.section);
      }
    }
    // Every failed check carries the exchange that shows it, but for the few rules about the
    // absence of something (no 429 in the whole burst), which no single exchange can show.
    const failedChecks = report.cases.flatMap((c) => c.checks).filter((c) => !c.passed);
    expect(failedChecks.length).toBeGreaterThan(0);
    const withoutEvidence = failedChecks.filter((c) => !c.evidence?.request.method && !rulesWithoutExchange.has(c.rule));
    expect(withoutEvidence.map((c) => `${c.rule}: ${c.message}`)).toEqual([]);
  });

  it('a should-level finding warns without --strict and fails with it', async () => {
    const out = await tempDir();
    const lenient = await withReference({ faults: ['utf16-length'] }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--scenario', 'id-length', '--quiet', '--out', out]),
    );
    expect(lenient.code).toBe(0);
    const report = await readReport(out);
    expect(report.cases.find((c) => c.case === '36 emoji (astral code points)')?.status).toBe('warned');
    expect(report.verdict).toBe('conformant');

    const strictOut = await tempDir();
    const strict = await withReference({ faults: ['utf16-length'] }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--scenario', 'id-length', '--quiet', '--strict', '--out', strictOut]),
    );
    expect(strict.code).toBe(1);
    const strictReport = await readReport(strictOut);
    expect(strictReport.cases.find((c) => c.case === '36 emoji (astral code points)')?.status).toBe('failed');
    expect(strictReport.verdict).toBe('non-conformant');
    // Only the should-level cases changed their verdict: the must-level ones passed both times.
    expect(strictReport.cases.filter((c) => c.status === 'failed').every((c) => c.level === 'should')).toBe(true);
  });

  it('failure evidence shows the request with secrets redacted, the response and the schema path', async () => {
    const out = await tempDir();
    const result = await withReference({ faults: ['body-on-success'] }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--scenario', 'valid-delete', '--out', out]),
    );
    expect(result.code).toBe(1);
    const report = await readReport(out);
    const check = report.cases[0]!.checks.find((c) => !c.passed)!;
    expect(check.source).toMatch(/^contract §\d/);
    expect(check.evidence?.request.method).toBe('DELETE');
    expect(check.evidence?.request.path).toMatch(/^\/v1\/accessTokens\/.+/);
    expect(check.evidence?.request.headers.authorization).toBe('Bearer <identity-1>');
    expect(check.evidence?.response?.status).toBe(200);
    expect(check.evidence?.response?.body).toBe('{"deleted":true}');
    expect(check.evidence?.schemaPath).toBe('DeleteAccessTokenResponse#/maxProperties');
    // The console shows the same evidence.
    expect(result.stdout).toContain('{"deleted":true}');
    expect(result.stdout).toContain('Bearer <identity-1>');
  });
});
