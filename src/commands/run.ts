// `pat-conformance run`: aim the scenarios of docs/contract.md at a target and give a verdict.
// This module maps flags onto a RunConfig, wires reporters and signals, and sets the exit code.
// Only what --help needs is imported here; the runner is loaded when the command runs.
import type { Argv, CommandModule } from 'yargs';
import { reporterNames } from '../reporters/names.js';
import type { RunOptions } from '../run-config.js';
import { runDefaults } from '../run-defaults.js';
import { readConfigFile } from '../cli-config-file.js';

const epilogue = `Exit codes:
  0    conformant: every must-level check passed (should-level too with --strict)
  1    not conformant: at least one check that counts failed
  2    usage or configuration error
  3    the run could not be carried out (unreachable target, credentials rejected, not this API)
  130  interrupted by SIGINT (143: SIGTERM); tokens the run created are deleted first
With --record, exit 2 also when the recording could not be written safely (a known secret would
have appeared in it; nothing is written then). With --replay, exit 2 when the recording is
missing, damaged or not a recording, or holds no answer for a request the run sends.

Every option can also come from the environment as PAT_CONFORMANCE_<OPTION>, e.g.
PAT_CONFORMANCE_TOKEN, PAT_CONFORMANCE_OTHER_TOKEN, PAT_CONFORMANCE_TARGET.
Safety: the run deletes only tokens it created itself (names start with "patc-"), and deletes
them all at the end, also after failures and on SIGINT. Tokens never appear in reports or logs.`;

function builder(y: Argv): Argv<RunOptions> {
  return y
    .usage('$0 run [options]\n\nRun the conformance scenarios against a target (default: the embedded reference implementation).')
    .option('target', {
      type: 'string',
      describe: 'Base URL of the implementation under test; absent: start the embedded reference on a free loopback port',
    })
    .option('token', { type: 'string', describe: 'Bearer token of the identity that creates and deletes tokens (required with --target)' })
    .option('other-token', {
      type: 'string',
      describe: 'Bearer token of a second identity (wrong-owner checks); scenarios that need it are skipped without it',
    })
    .option('scenario', {
      type: 'array',
      string: true,
      describe: 'Run only these scenario families (repeatable or comma-separated; `pat-conformance list` names them)',
    })
    .option('strict', { type: 'boolean', default: false, describe: 'Should-level findings fail the run too' })
    .option('expect-throttle', { type: 'boolean', default: false, describe: 'Make "the burst is throttled at least once" a must' })
    .option('concurrency', {
      type: 'number',
      default: runDefaults.concurrency,
      describe: 'Racers released together in the concurrent-conflict scenario',
    })
    .option('parallel', {
      type: 'number',
      default: runDefaults.parallel,
      describe:
        'Cases in flight at once; the race, the burst and the cases that judge the whole listing always run alone. 1: one case at a time',
    })
    .option('burst', { type: 'number', default: runDefaults.burst, describe: 'Requests in the throttle burst' })
    .option('burst-concurrency', {
      type: 'number',
      default: runDefaults.burstConcurrency,
      describe: 'Requests in flight at once during the burst',
    })
    .option('timeout', {
      type: 'number',
      default: runDefaults.timeoutMs,
      describe: 'Milliseconds one request may take, connect to last byte',
    })
    .option('throttle-budget', {
      type: 'number',
      default: runDefaults.throttleBudgetMs,
      describe: 'Milliseconds one step may spend waiting out 429s before it fails as "target stays throttled"',
    })
    .option('seed', { type: 'number', describe: 'Seed for every generated name and ID (default: random, printed in the JSON report)' })
    .option('reporter', {
      type: 'array',
      string: true,
      describe: `Report formats (repeatable): ${reporterNames.join(', ')}. Default: console, json. The console is shown unless --quiet`,
    })
    .option('out', { type: 'string', default: runDefaults.outDir, describe: 'Directory for report files' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No console output; only the exit code and report files' })
    .option('record', {
      type: 'string',
      describe:
        'Record every exchange as HAR 1.2 into this directory (redacted; replaces a previous recording only when the run completes)',
    })
    .option('replay', {
      type: 'string',
      describe: 'Replay a recording made with --record: no network, no credentials; seed, clock and options come from the recording',
    })
    .option('redact-header', { type: 'array', string: true, describe: "With --record: also redact this header's value (repeatable)" })
    .option('redact-field', {
      type: 'array',
      string: true,
      describe: 'With --record: also redact this JSON member in every body (repeatable)',
    })
    .config('config', 'A JSON file of options (keys as the long option names; `pat-conformance init` writes one)', readConfigFile)
    .example('$0 run', 'Run every scenario against the embedded reference implementation')
    .example(
      '$0 run --target https://api.example.test --token $A --other-token $B --reporter junit',
      'Gate a CI build on an implementation',
    )
    .example('$0 run --scenario valid-delete --scenario id-length', 'Run two scenario families')
    .example(
      '$0 run --target $URL --token $A --other-token $B --record recordings/my-target',
      'Record a run (bearers and secrets redacted)',
    )
    .example('$0 run --replay recordings/my-target', 'Replay it offline: same verdicts, same exit code')
    .epilogue(epilogue);
}

export const runCommand: CommandModule<object, RunOptions> = {
  command: 'run',
  describe: 'Run the conformance scenarios against a target',
  builder,
  handler: async (argv) => {
    const [
      { cliReporterContext, createReporters, finishReporters },
      { resolveRunConfig },
      { executeRun },
      { watchInterrupts },
      { RecordingError },
      { withVirtualClock },
      { default: pc },
    ] = await Promise.all([
      import('../reporters/index.js'),
      import('../run-config.js'),
      import('../run/run.js'),
      import('./interrupt.js'),
      import('../recording/errors.js'),
      import('../engine/clock.js'),
      // Colours too: picocolors is the one CommonJS module --help would load otherwise.
      import('picocolors'),
    ]);
    // Polly is loaded only when a run records or replays.
    const recording = argv.record || argv.replay ? await import('../run/run-traffic.js') : undefined;
    const replay = argv.replay ? recording!.resolveReplayRunConfig(argv) : undefined;
    const config = replay?.config ?? resolveRunConfig(argv);
    const session = await recording?.openRunTraffic(config, replay?.recording);
    const reporters = createReporters(config.reporters, cliReporterContext(config.outDir));
    const interrupts = watchInterrupts((signal) => {
      if (!config.quiet)
        process.stderr.write(
          `\n${pc.yellow(`${signal}: stopping, deleting the tokens this run created, writing reports (again to exit at once)`)}\n`,
        );
    });
    try {
      // Replay stops at the first request the recording does not hold.
      const signal = session ? AbortSignal.any([interrupts.signal, session.recorder.signal]) : interrupts.signal;
      const run = () =>
        executeRun(config, {
          reporters,
          signal,
          interruptedBy: () => interrupts.received,
          redactor: session?.redactor,
          traffic: session?.traffic,
        });
      const report = await (session?.mode === 'replay' ? withVirtualClock(run) : run()).catch(async (error: unknown) => {
        await session?.recorder.abort();
        throw error;
      });
      const unmatched = session?.recorder.unmatched();
      if (unmatched) {
        await session!.recorder.abort();
        throw new RecordingError(
          `replay of "${config.replay}": the recording holds no answer for ${unmatched.method} ${unmatched.path} (${unmatched.segment}, ${unmatched.detail}); was it made by another version or with other options?`,
        );
      }
      let recordingFailed: unknown;
      let note: string | undefined;
      if (session?.mode === 'record') {
        if (!report.complete) {
          await session.recorder.abort();
          note = `recording not written (run interrupted); ${config.record} is unchanged`;
        } else {
          try {
            const written = await session.recorder.finish(recording!.describeRecordedRun(config, report));
            note = `recorded ${written.exchanges} exchanges in ${written.segments} segments to ${config.record}`;
          } catch (error) {
            recordingFailed = error;
          }
        }
      }
      await finishReporters(reporters, report);
      if (recordingFailed) throw recordingFailed;
      if (note && !config.quiet) process.stderr.write(`${note}\n`);
      if (replay?.recording.meta.run && replay.recording.meta.run.exitCode !== report.exitCode && !config.quiet) {
        process.stderr.write(
          pc.yellow(
            `note: the recorded run ended ${replay.recording.meta.run.verdict} (exit ${replay.recording.meta.run.exitCode}); this replay judges it ${report.verdict}\n`,
          ),
        );
      }
      process.exitCode = report.exitCode;
    } finally {
      interrupts.dispose();
    }
  },
};
