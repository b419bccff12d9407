// pat-conformance/vitest: the conformance run as vitest tests, for an implementer's own suite.
// defineConformanceTests() registers a describe per scenario and a test per case when the test
// file is collected; the run itself happens once, in a beforeAll, through runConformance(); each
// test then reads its case's result. vitest is an optional peer dependency: this module alone
// imports it.
import { beforeAll, describe, it, type TestContext } from 'vitest';
import { scenarios } from '../suites/index.js';
import { resolveConformanceConfig, runResolvedConformance, type RunConformanceOptions } from './api/run-conformance.js';
import { checkLines, failedChecks, printable } from './reporters/evidence-text.js';
import type { CaseResult, RunReport } from './verdict.js';

export interface ConformanceTestOptions extends RunConformanceOptions {
  /** The outer describe's name (default "pat-conformance"). */
  name?: string;
  /** Milliseconds the whole run may take in its beforeAll (default 600000: ten minutes). */
  runTimeout?: number;
}

/** The failure message of a case: its rule, its source, and every failed check with its evidence. */
function failureMessage(result: CaseResult): string {
  const lines = [
    `${result.scenario} / ${result.case}: ${result.status}`,
    `rule: ${printable(result.rule)}`,
    `source: ${printable(result.source)}`,
  ];
  if (result.reason) lines.push(`reason: ${printable(result.reason)}`);
  for (const check of failedChecks(result)) lines.push('', ...checkLines(check));
  return lines.join('\n');
}

async function annotate(context: TestContext, message: string): Promise<void> {
  // TestContext.annotate came with vitest 3.2; a reporter shows it beside the test.
  await context.annotate?.(message, 'notice');
}

/**
 * Registers the conformance run as vitest tests: a describe per scenario, a test per case, named
 * after the case and its rule, plus a last test that every token the run created was deleted
 * (contract §9). Options are runConformance()'s (the embedded reference when there is no
 * `target`). A failed or errored case fails its test with the rule, the contract source and the
 * evidence; a passed case passes; a warned case (a should-level finding, without `strict`)
 * passes with an annotation; a skipped or inconclusive case is skipped with its reason as the note.
 * Bad options throw at once, when the file is collected.
 */
export function defineConformanceTests(options: ConformanceTestOptions = {}): void {
  const config = resolveConformanceConfig(options);
  const selected = scenarios.filter((s) => config.scenarios.includes(s.name));
  let report: RunReport | undefined;
  const resultOf = (scenario: string, name: string): CaseResult | undefined =>
    report?.cases.find((c) => c.scenario === scenario && c.case === name);

  describe(options.name ?? 'pat-conformance', () => {
    beforeAll(async () => {
      report = await runResolvedConformance(config, options);
    }, options.runTimeout ?? 600_000);

    for (const scenario of selected) {
      describe(`${scenario.name}: ${scenario.title}`, () => {
        for (const testCase of scenario.cases) {
          it(`${testCase.name}: ${testCase.rule} [${testCase.level}]`, async (context) => {
            if (!report) throw new Error('the conformance run did not finish (see the beforeAll error)');
            const result = resultOf(scenario.name, testCase.name);
            if (!result) return context.skip(report.complete ? 'not run' : `not run: the run was interrupted (${report.interrupted})`);
            switch (result.status) {
              case 'passed':
                return;
              case 'warned':
                await annotate(context, failureMessage(result));
                return;
              case 'skipped':
              case 'inconclusive':
                return context.skip(`${result.status}: ${result.reason ?? 'no reason given'}`);
              default:
                throw new Error(failureMessage(result));
            }
          });
        }
      });
    }

    it('deletes every token the run created (contract §9)', () => {
      if (!report) throw new Error('the conformance run did not finish (see the beforeAll error)');
      if (report.leftovers.length > 0)
        throw new Error(
          `tokens the run created and could not delete:\n${report.leftovers.map((l) => `  ${l.identity} ${l.id}: ${printable(l.reason)}`).join('\n')}`,
        );
    });
  });
}

export type { RunConformanceOptions } from './api/run-conformance.js';
export type { RunReport, CaseResult } from './verdict.js';
