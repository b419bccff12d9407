// `pat-conformance replay DIR --target URL --token A [--other-token B]`: re-send a recorded
// session to another implementation and report where its answers differ from the recorded ones.
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../exit-codes.js';
import { reporterNames, resolveReporterNames } from '../reporters/names.js';
import { runDefaults } from '../run-defaults.js';
import { offlineReport } from './check.js';
import { redactedValue } from '../secrets/placeholders.js';

export interface ReplayArgs {
  recording: string;
  target: string;
  token: string;
  'other-token'?: string;
  'identity-token'?: string[];
  timeout: number;
  'throttle-budget': number;
  strict: boolean;
  reporter?: string[];
  out: string;
  quiet: boolean;
}

const epilogue = `The session is re-sent one request at a time, in recorded send order. Bearers are mapped:
<identity-1> gets --token, <identity-2> --other-token, <identity-3>... --identity-token (in order);
a credential the recording kept only as <redacted> gets a made-up one. The token IDs and nextTokens
the new target hands out replace the recorded ones in later requests. Answers recorded as 429 are
not re-sent (the client's retry is in the recording); a 429 from the new target is waited out.
Concurrency is not reproduced: a recorded race may get a different winner (shown as a difference).
Tokens the replay created and did not see deleted are deleted at the end.

Reported per request: a different status, a different error name, or a shape failure the recorded
answer did not have. One case per recorded scenario case (or HAR file). A client error answered
with another client error (403 for 404, say) may be two conformant choices: it is reported at
should level and fails only with --strict; every other difference fails.

Exit codes: 0 every answer as recorded (or only should-level differences), 1 differences,
2 usage error or bad recording, 3 the target cannot be reached or rejects the credentials.`;

function builder(y: Argv): Argv<ReplayArgs> {
  return y
    .usage(
      '$0 replay <recording> --target URL --token A [--other-token B] [options]\n\nRe-send a recorded session to another implementation and report where it answers differently.',
    )
    .positional('recording', {
      type: 'string',
      demandOption: true,
      describe: 'Recording directory (run or proxy), directory of .har files, or a .har file',
    })
    .option('target', { type: 'string', demandOption: true, describe: 'Base URL of the implementation to compare' })
    .option('token', { type: 'string', demandOption: true, describe: 'Bearer token for <identity-1>' })
    .option('other-token', { type: 'string', describe: 'Bearer token for <identity-2>' })
    .option('identity-token', {
      type: 'array',
      string: true,
      describe: 'Bearer tokens for <identity-3>, <identity-4>, ... (repeatable, in order)',
    })
    .option('timeout', { type: 'number', default: runDefaults.timeoutMs, describe: 'Milliseconds one request may take' })
    .option('throttle-budget', {
      type: 'number',
      default: runDefaults.throttleBudgetMs,
      describe: 'Milliseconds one request may spend waiting out 429s',
    })
    .option('strict', { type: 'boolean', default: false, describe: 'Should-level differences fail too' })
    .option('reporter', {
      type: 'array',
      string: true,
      describe: `Report formats (repeatable): ${reporterNames.join(', ')}. Default: console, json`,
    })
    .option('out', { type: 'string', default: runDefaults.outDir, describe: 'Directory for report files' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No console output' })
    .example(
      '$0 replay recordings/reference-conformant --target http://localhost:8080 --token $A --other-token $B',
      'Does my emulator answer like the reference did?',
    )
    .epilogue(epilogue);
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <recording>',
  describe: 'Re-send a recorded session to another implementation and report the differences',
  builder,
  handler: async (argv) => {
    const startedAt = new Date();
    let url: URL;
    try {
      url = new URL(argv.target);
    } catch {
      throw new UsageError(`--target must be an http:// or https:// URL (got "${argv.target}")`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--target must be an http:// or https:// URL (got "${argv.target}")`);
    if (!argv.token) throw new UsageError('--token is required');
    for (const [flag, value, max] of [
      ['--timeout', argv.timeout, 600_000],
      ['--throttle-budget', argv['throttle-budget'], 3_600_000],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}`);
    }
    // '' stands for an identity not given; the recording's pseudonyms say which are needed.
    const tokens = [argv.token, argv['other-token'] ?? '', ...(argv['identity-token'] ?? [])];
    const reporterList = resolveReporterNames(argv.reporter, argv.quiet);
    const { cliReporterContext, createReporters, finishReporters } = await import('../reporters/index.js');
    const reporters = createReporters(reporterList, cliReporterContext(argv.out));
    const { replaySession } = await import('../tools/replay-session.js');
    const { loadTraffic } = await import('../recording/recording-store.js');
    const total = loadTraffic(argv.recording).sources.length;
    for (const reporter of reporters)
      reporter.runStarted?.({ targetUrl: `${argv.target} (replaying ${argv.recording})`, totalCases: total });
    const result = await replaySession({
      recording: argv.recording,
      target: argv.target,
      tokens,
      timeoutMs: argv.timeout,
      throttleBudgetMs: argv['throttle-budget'],
      strict: argv.strict,
      onCaseStarted: (scenario, name) => reporters.forEach((r) => r.caseStarted?.({ scenario, case: name })),
      onCaseFinished: (caseResult) => reporters.forEach((r) => r.caseFinished?.(caseResult)),
    });
    const report = {
      ...offlineReport({
        targetUrl: argv.target,
        input: argv.recording,
        startedAt,
        strict: argv.strict,
        options: {
          command: 'replay',
          recording: argv.recording,
          sent: result.sent,
          skipped429: result.skipped,
          timeoutMs: argv.timeout,
          throttleBudgetMs: argv['throttle-budget'],
          reporters: reporterList,
          outDir: argv.out,
          token: redactedValue,
          ...(argv['other-token'] ? { otherToken: redactedValue } : {}),
        },
        cases: result.cases,
      }),
      leftovers: result.leftovers,
    };
    await finishReporters(reporters, report);
    process.exitCode = report.exitCode;
  },
};
