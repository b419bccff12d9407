// `pat-conformance check DIR`: judge a recording's exchanges against the schema rules of
// docs/contract.md, offline, and report like `run` (same reporters, same exit codes).
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../exit-codes.js';
import { reporterNames, resolveReporterNames } from '../reporters/names.js';
import { runDefaults } from '../run-defaults.js';
import { toolName, toolVersion } from '../tool-info.js';
import { runVerdict, summarize, type CaseResult, type RunReport } from '../verdict.js';

export interface CheckArgs {
  recording: string;
  reporter?: string[];
  out: string;
  quiet: boolean;
  strict: boolean;
}

const epilogue = `What is judged, for every recorded exchange (docs/contract.md §2, §3):
  - an error names itself in x-amzn-errortype, and a name from the table comes with its status
  - an error body is JSON with a string message; a 429 is a ThrottlingException
  - a success body matches its operation; a successful delete has a zero-byte body or {}
  - the status is one the operation documents (its success status, the six modelled errors, 401)
  - every request got an answer (a dropped connection is kept in a recording, apart from the HAR)
Behaviour across requests (was the token really deleted?) needs \`run\` or \`replay\`.

Input: a recording made by \`run --record\` or \`proxy --record\`, a directory of HAR files, or one
HAR file (e.g. exported by a browser). One case per recorded scenario case or HAR file.

Exit codes:
  0  every exchange conforms
  1  at least one exchange does not
  2  usage error, or the recording is missing, damaged or not HAR`;

function builder(y: Argv): Argv<CheckArgs> {
  return y
    .usage(
      '$0 check <recording> [options]\n\nJudge every exchange of a recording against the schema rules of the contract (nothing is sent).',
    )
    .positional('recording', {
      type: 'string',
      describe: 'Recording directory, directory of .har files, or a .har file',
      demandOption: true,
    })
    .option('reporter', {
      type: 'array',
      string: true,
      describe: `Report formats (repeatable): ${reporterNames.join(', ')}. Default: console, json`,
    })
    .option('out', { type: 'string', default: runDefaults.outDir, describe: 'Directory for report files' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No console output; only the exit code and report files' })
    .option('strict', { type: 'boolean', default: false, describe: 'Should-level findings fail too (check has none today)' })
    .example('$0 check recordings/reference-conformant', 'Judge a committed recording')
    .example('$0 check session.har --reporter junit', 'Judge a browser HAR export, JUnit for CI')
    .epilogue(epilogue);
}

/** A report in the run's shape for results that did not come from `run`. */
export function offlineReport(fields: {
  targetUrl: string;
  input: string;
  startedAt: Date;
  options: Record<string, unknown>;
  strict: boolean;
  cases: CaseResult[];
}): RunReport {
  const finishedAt = new Date();
  const summary = summarize(fields.cases);
  // Nothing offline creates tokens of its own: a replay's leftovers are the caller's to report.
  const verdict = runVerdict(summary, 0);
  return {
    schemaVersion: 1,
    tool: { name: toolName, version: toolVersion },
    target: { url: fields.targetUrl, embedded: false, replay: fields.input },
    startedAt: fields.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - fields.startedAt.getTime(),
    options: fields.options,
    strict: fields.strict,
    complete: true,
    verdict,
    exitCode: verdict === 'non-conformant' ? ExitCode.NonConformant : ExitCode.Conformant,
    summary,
    cases: fields.cases,
    leftovers: [],
  };
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <recording>',
  describe: 'Judge the exchanges of a recording against the schema rules of the contract',
  builder,
  handler: async (argv) => {
    const startedAt = new Date();
    const reporterList = resolveReporterNames(argv.reporter, argv.quiet);
    const [{ checkRecording }, { cliReporterContext, createReporters, finishReporters }] = await Promise.all([
      import('../tools/check-recording.js'),
      import('../reporters/index.js'),
    ]);
    const checked = checkRecording(argv.recording, argv.strict);
    const reporters = createReporters(reporterList, cliReporterContext(argv.out));
    const recordedFrom = checked.traffic.meta?.target.url;
    const targetUrl = recordedFrom ?? argv.recording;
    for (const reporter of reporters)
      reporter.runStarted?.({
        targetUrl: `recording ${argv.recording}${recordedFrom ? ` (of ${recordedFrom})` : ''}`,
        totalCases: checked.cases.length,
      });
    for (const result of checked.cases) {
      for (const reporter of reporters) reporter.caseStarted?.({ scenario: result.scenario, case: result.case });
      for (const reporter of reporters) reporter.caseFinished?.(result);
    }
    const report = offlineReport({
      targetUrl,
      input: argv.recording,
      startedAt,
      strict: argv.strict,
      options: {
        command: 'check',
        recording: argv.recording,
        exchanges: checked.exchanges,
        strict: argv.strict,
        reporters: reporterList,
        outDir: argv.out,
      },
      cases: checked.cases,
    });
    await finishReporters(reporters, report);
    process.exitCode = report.exitCode;
  },
};
