// Every legitimate variation the reference offers is conformant, so a full run against it must
// pass (exit 0): a conformance tool that fails a correct implementation is as useless as one
// that passes a broken one. The hardest one for safety: IDs scoped per identity, with the second identity holding
// tokens from before the run whose IDs the owner's new tokens will share. None may be touched.
import { describe, expect, it } from 'vitest';
import type { ReferenceOptions } from '../src/reference/options.js';
import { createToken, listTokens } from './helpers/api.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

/** A bucket that refills fast: these tests are about verdicts, not about waiting. */
const quick: Partial<ReferenceOptions> = { rate: 1000, burst: 100 };

/**
 * The exact-match probes that do not apply to an ID are skipped, and say so (contract §6.1):
 * numbers have no letters or punctuation; base-36 IDs have no punctuation (and, by chance, may
 * have no digits).
 */
const numericIds = ['another letter case', 'the ID without its punctuation'];
const noPunctuation = ['the ID without its punctuation'];
const base36 = ['the ID without its punctuation', 'the same number spelled another way'];

/** variation, server options, the cases it must skip, the cases it may skip, extra flags. */
const variations: Array<[string, Partial<ReferenceOptions>, string[], string[], string[]?]> = [
  ['409 for losing racers', { conflictWindowMs: 150 }, [], []],
  ['404 for a wrong owner', { wrongOwnerStatus: 404 }, [], []],
  ['{} success bodies', { deleteBody: '{}' }, [], []],
  ['x-amzn-errortype with a :... suffix', { errortypeStyle: 'suffixed' }, [], []],
  ['namespaced x-amzn-errortype', { errortypeStyle: 'namespaced' }, [], []],
  ['list pages of 3', { pageSize: 3 }, [], []],
  ['IDs scoped per identity (1, 2, 3, ... for each)', { idStyle: 'per-identity' }, numericIds, []],
  ['duplicate names refused with 409', { duplicateNames: 'reject' }, ['token with a same-name sibling'], []],
  ['"nextToken": "" on the last page, 3 to a page', { lastPageToken: 'empty', pageSize: 3 }, [], []],
  ['"nextToken": null on the last page', { lastPageToken: 'null' }, [], []],
  ['sequential IDs (1, 2, 3, ...)', { idStyle: 'sequential' }, numericIds, []],
  ['8-character IDs', { idStyle: 'short' }, noPunctuation, base36],
  ['36-character IDs that are not UUIDs', { idStyle: 'long' }, noPunctuation, base36],
  // The runner backs off on its own; a small, slow bucket makes sure it has to.
  ['429s without Retry-After, a small bucket', { retryAfter: 'none', rate: 200, burst: 20 }, [], []],
  // 5 requests a second throttles setup calls too; they are waited out, never failures.
  [
    'heavy throttling (5 requests a second)',
    { rate: 5, burst: 5 },
    [],
    [],
    ['--scenario', 'valid-delete,wrong-owner,concurrent-conflict,throttle-burst', '--burst', '60'],
  ],
];

describe('a full run against each legitimate variation passes', { timeout: 180_000 }, () => {
  it.concurrent.each(variations)('%s', async (_name, options, mustSkip, maySkip, extra = []) => {
    await withReference({ ...quick, ...options }, async (server) => {
      const out = await tempDir();
      const result = await runCli(['run', ...targetArgs(server.url), '--quiet', '--out', out, ...extra]);
      const report = await readReport(out);
      // A burst that met no 429 on a loaded machine is a should-level warning (contract §5.9),
      // not a verdict on the variation.
      const onlyNoThrottle = (c: (typeof report.cases)[number]) =>
        c.status === 'warned' &&
        c.checks.filter((k) => !k.passed).every((k) => k.rule === 'the burst is throttled at least once (--expect-throttle)');
      const notPassed = report.cases.filter((c) => c.status !== 'passed' && c.status !== 'skipped' && !onlyNoThrottle(c));
      expect(
        notPassed.map(
          (c) =>
            `${c.scenario} > ${c.case}: ${c.status} ${
              c.reason ??
              c.checks
                .filter((k) => !k.passed)
                .map((k) => k.message)
                .join('; ')
            }`,
        ),
      ).toEqual([]);
      expect(result.code).toBe(0);
      expect(report.verdict).toBe('conformant');
      // Only the cases that do not apply to this variation are skipped, each saying why.
      const skipped = report.cases.filter((c) => c.status === 'skipped');
      for (const name of mustSkip) expect(skipped.map((c) => c.case)).toContain(name);
      expect(skipped.filter((c) => !mustSkip.includes(c.case) && !maySkip.includes(c.case)).map((c) => c.case)).toEqual([]);
      for (const c of skipped) expect(c.reason).toMatch(/does not apply|conformant/);
      expect(report.leftovers).toEqual([]);
    });
  });

  it('per-identity IDs with 60 tokens held by the second identity before the run: exit 0, all 60 untouched', async () => {
    await withReference({ ...quick, idStyle: 'per-identity' }, async (server) => {
      // The owner holds two tokens too, so its new IDs start at 3 and the second identity's at 61:
      // every token the owner creates shares its ID with one of the second identity's.
      for (let i = 1; i <= 60; i++) await createToken(server.url, otherToken, `held-before-${i}`);
      for (let i = 1; i <= 2; i++) await createToken(server.url, ownerToken, `mine-before-${i}`);
      const before = { other: await listTokens(server.url, otherToken), owner: await listTokens(server.url, ownerToken) };
      expect(before.other.map((t) => t.id)).toEqual(Array.from({ length: 60 }, (_, i) => String(i + 1)));

      const out = await tempDir();
      const result = await runCli(['run', ...targetArgs(server.url), '--quiet', '--out', out]);
      const report = await readReport(out);
      expect(report.cases.filter((c) => c.status === 'failed' || c.status === 'errored').map((c) => `${c.scenario} > ${c.case}`)).toEqual(
        [],
      );
      expect(result.code).toBe(0);
      expect(await listTokens(server.url, otherToken)).toEqual(before.other);
      expect(await listTokens(server.url, ownerToken)).toEqual(before.owner);
      // The wrong-owner cases were carried out, not given up: with the roles swapped, since the
      // second identity holds every ID the owner was given.
      const wrongOwner = report.cases.filter((c) => c.scenario === 'wrong-owner');
      expect(wrongOwner.map((c) => c.status)).toEqual(['passed', 'passed']);
      // And the identities did share IDs while the owner deleted: the isolation check had teeth.
      const isolation = report.cases.find((c) => c.case === "the owner deletes; the other identity's tokens stay")!;
      expect(isolation.checks.find((k) => k.source === 'contract §6.3 Identities are isolated')?.message).toMatch(
        /IDs both identities held: \d/,
      );
    });
  });
});
