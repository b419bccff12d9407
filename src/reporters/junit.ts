// JUnit XML for CI systems: one <testsuite> per scenario, one <testcase> per scenario case.
// failed → <failure>, errored → <error>, skipped and inconclusive → <skipped message>,
// warned passes with its should-level findings in <system-out>.
import { join } from 'node:path';
import type { Builder, TestCase } from 'junit-report-builder';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CaseResult, RunReport } from '../verdict.js';
import type { Reporter, ReporterFactory } from './reporter.js';
import { checkLines, failedChecks, firstFailedCheck, printable, verdictText } from './evidence-text.js';

export const JUNIT_REPORT_FILE = 'junit.xml';

// The package is CommonJS but typed as an ES module: under Node's ESM loader the default import
// is `module.exports` (the builder itself), while TypeScript believes it is `{ default: builder }`.
// Whichever of the two is the builder is taken, so both readings hold without a cast.
function isBuilder(value: object): value is Builder {
  return 'newBuilder' in value && typeof value.newBuilder === 'function';
}
let rootBuilder: Builder | undefined;

/** The library, loaded on first use: a run that writes no JUnit does not pay for loading it. */
async function junitBuilder(): Promise<Builder> {
  if (!rootBuilder) {
    const junitModule = (await import('junit-report-builder')).default;
    rootBuilder = isBuilder(junitModule) ? junitModule : junitModule.default;
  }
  return rootBuilder;
}

/** An xmlbuilder element, as the library hands them around (its own typings, through the library's). */
type XmlElement = ReturnType<TestCase['build']>;

interface CaseExtras {
  /** Text content of <failure> or <error>. */
  detail?: string;
  /** message attribute of <skipped>. */
  skippedMessage?: string;
  systemOut?: string;
}

/**
 * junit-report-builder 5.1.2 writes failure details and system-out as CDATA, but escapes only
 * the first `]]>` in it (String.replace with a string), so a body holding two of them would
 * break the XML; it also cannot give <skipped> a message. Both are fixed by adding that content
 * to the elements it built, through xmlbuilder, which escapes text and attributes correctly.
 * Counts (failures=, skipped=, errors=) still come from the library's own failure()/error()/
 * skipped() flags.
 */
function addExtras(testCase: TestCase, extras: CaseExtras): void {
  const build = testCase.build.bind(testCase);
  testCase.build = (parent) => {
    const node: XmlElement = build(parent);
    const child = (name: string) => node.children.find((c) => 'name' in c && c.name === name);
    if (extras.detail !== undefined) (child('failure') ?? child('error'))?.txt(extras.detail);
    if (extras.skippedMessage !== undefined) child('skipped')?.att('message', extras.skippedMessage);
    if (extras.systemOut !== undefined) node.ele('system-out').txt(extras.systemOut);
    return node;
  };
}

function checksText(result: CaseResult): string | undefined {
  const failed = failedChecks(result);
  if (failed.length === 0) return undefined;
  return failed.map((check) => checkLines(check).join('\n')).join('\n\n');
}

function addCase(testCase: TestCase, result: CaseResult): void {
  testCase
    .className(printable(result.scenario))
    .name(printable(result.case))
    .time(result.durationMs / 1000);
  const details = checksText(result);
  const reason = result.reason === undefined ? '' : `: ${printable(result.reason)}`;

  switch (result.status) {
    case 'passed':
      return;
    case 'failed': {
      const first = firstFailedCheck(result);
      const message = first ? `${printable(first.rule)} — ${printable(first.message)}` : printable(result.rule);
      testCase.failure(message, first?.level ?? result.level);
      addExtras(testCase, { detail: details ?? printable(result.rule) });
      return;
    }
    case 'warned':
      addExtras(testCase, {
        systemOut: `should-level findings (reported; they fail only under --strict):\n\n${details ?? ''}`,
      });
      return;
    case 'skipped':
    case 'inconclusive':
      testCase.skipped();
      addExtras(testCase, { skippedMessage: `${result.status}${reason}`, systemOut: details });
      return;
    case 'errored':
      testCase.error(`errored${reason}`, 'errored');
      if (details !== undefined) addExtras(testCase, { detail: details });
      return;
  }
}

/** The whole report as a JUnit XML string. */
export async function renderJunit(report: RunReport): Promise<string> {
  const builder = (await junitBuilder()).newBuilder().name('pat-conformance');
  const byScenario = new Map<string, CaseResult[]>();
  for (const result of report.cases) {
    const list = byScenario.get(result.scenario) ?? [];
    list.push(result);
    byScenario.set(result.scenario, list);
  }
  for (const [scenario, results] of byScenario) {
    const suite = builder
      .testSuite()
      .name(printable(scenario))
      .timestamp(new Date(report.startedAt))
      .time(results.reduce((sum, result) => sum + result.durationMs, 0) / 1000)
      // CI test views show little else of the run, so say where it ran and how it ended.
      .property('target', report.target.url)
      .property('verdict', verdictText(report));
    for (const result of results) addCase(suite.testCase(), result);
  }
  return builder.build();
}

export const junitReporter: ReporterFactory = (context): Reporter => ({
  name: 'junit',
  async finish(report: RunReport): Promise<string[]> {
    const path = join(context.outDir, JUNIT_REPORT_FILE);
    await writeFileAtomic(path, `${await renderJunit(report)}\n`);
    return [path];
  },
});
