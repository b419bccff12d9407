// `pat-conformance explore`: generated programs of creates, lists and deletes of both identities,
// released a few at a time, each history judged for linearizability (docs/contract.md §10).
// This module maps flags onto the exploration's settings, prints the seed and the counterexample,
// writes the reports and sets the exit code.
import { join } from 'node:path';
import type picocolors from 'picocolors';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../exit-codes.js';
import { type ExploreLimits, exploreDefaults, type ExploreOptionValues, resolveExploreLimits, shardSeed } from '../explore/options.js';
import type { ExploreReport, TimelineEntry } from '../explore/report.js';
import { freshSeed } from '../random.js';
import { identityPlaceholder } from '../secrets/placeholders.js';
import { readConfigFile } from '../cli-config-file.js';

export interface ExploreArgs extends ExploreOptionValues {
  reporter?: string[];
  out?: string;
  quiet?: boolean;
  record?: string;
  redactHeader?: string[];
  redactField?: string[];
}

const exploreReporters = ['console', 'json', 'html'] as const;

const epilogue = `Exit codes:
  0    no violation found within the budget and the time limit
  1    a violation: the smallest program that still fails is printed and reported
  2    usage or configuration error
  3    the target could not be explored (unreachable, credentials rejected, not this API)
  130  interrupted by SIGINT (143: SIGTERM); the tokens the exploration created are deleted first

The seed is always printed: --seed N generates the same programs again (against a target whose
races fall differently, shrinking may end on another counterexample of the same defect).
Safety as in run: only tokens the exploration created are deleted, by ID; a wrong-owner delete
is never sent for an ID its sender holds. Tokens never appear in reports or logs.`;

function builder(y: Argv): Argv<ExploreArgs> {
  return y
    .usage(
      '$0 explore [options]\n\nGenerate concurrent programs of creates, lists and deletes, and judge every history for linearizability\n(default target: the embedded reference implementation).',
    )
    .option('target', {
      type: 'string',
      describe: 'Base URL of the implementation under test; absent: the embedded reference on a free loopback port',
    })
    .option('token', { type: 'string', describe: 'Bearer token of the first identity (required with --target)' })
    .option('other-token', {
      type: 'string',
      describe: 'Bearer token of a second identity: interleaved with the first, and wrong-owner deletes',
    })
    .option('seed', { type: 'number', describe: 'Seed of the generated programs (default: random, always printed)' })
    .option('shard', {
      type: 'string',
      describe: "i/n: this machine's share of a CI matrix; each shard explores programs of a seed of its own, derived from --seed",
    })
    .option('budget', {
      type: 'number',
      default: exploreDefaults.budget,
      describe: 'Requests the search may send (shrinking and confirming a violation get as many again)',
    })
    .option('concurrency', {
      type: 'number',
      default: exploreDefaults.concurrency,
      describe: 'Operations released together at most (1 to 64)',
    })
    .option('time-limit', {
      type: 'number',
      default: exploreDefaults.timeLimitSeconds,
      describe: 'Seconds the search may take (shrinking and confirming get half as long again)',
    })
    .option('timeout', {
      type: 'number',
      default: exploreDefaults.timeoutMs,
      describe: 'Milliseconds one request may take, connect to last byte',
    })
    .option('reporter', {
      type: 'array',
      string: true,
      describe: `Report formats (repeatable): ${exploreReporters.join(', ')}. Default: console, json. The console is shown unless --quiet`,
    })
    .option('out', { type: 'string', default: exploreDefaults.outDir, describe: 'Directory for report files (explore.json, explore.html)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No console output; only the exit code and report files' })
    .option('record', {
      type: 'string',
      describe: 'Record every exchange as HAR 1.2 into this directory (redacted; one segment per program)',
    })
    .option('redact-header', { type: 'array', string: true, describe: "With --record: also redact this header's value (repeatable)" })
    .option('redact-field', {
      type: 'array',
      string: true,
      describe: 'With --record: also redact this JSON member in every body (repeatable)',
    })
    .config('config', 'A JSON file of options (keys as the long option names; `pat-conformance init` writes one)', readConfigFile)
    .example('$0 explore', 'Explore the embedded reference (it passes)')
    .example('$0 explore --target $URL --token $A --other-token $B --timeout 3000', 'Look for interleavings that break an implementation')
    .example('$0 explore --target $URL --token $A --other-token $B --seed 42', 'Generate the same programs as a run that printed seed 42')
    .epilogue(epilogue);
}

interface ExploreCommandSettings extends ExploreLimits {
  reporters: Set<string>;
  out: string;
}

function validate(argv: ExploreArgs): ExploreCommandSettings {
  const limits = resolveExploreLimits(argv);
  const names = (argv.reporter ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = names.find((r) => !(exploreReporters as readonly string[]).includes(r));
  if (bad) throw new UsageError(`unknown reporter "${bad}" for explore; valid names: ${exploreReporters.join(', ')}`);
  const reporters = new Set(names.length === 0 ? ['console', 'json'] : names);
  if (argv.quiet) reporters.delete('console');
  else reporters.add('console');
  return { reporters, ...limits, out: argv.out ?? exploreDefaults.outDir };
}

export const exploreCommand: CommandModule<object, ExploreArgs> = {
  command: 'explore',
  describe: 'Generate concurrent histories and judge them for linearizability',
  builder,
  handler: async (argv) => {
    // An empty value (a variable set to nothing, as CI steps do) means the option was not given.
    for (const key of ['target', 'token', 'otherToken'] as const) if (argv[key] === '') argv[key] = undefined;
    const settings = validate(argv);
    const { reporters } = settings;
    // The explorer, fast-check and the reference are loaded only when the command runs (not for --help).
    const [
      { explore },
      { exploreReportOf, formatTimeline },
      { writeFileAtomic },
      { renderExploreHtml },
      { startEmbeddedTarget },
      { SecretRedactor },
      { watchInterrupts },
      { default: colors },
    ] = await Promise.all([
      import('../explore/explore.js'),
      import('../explore/report.js'),
      import('../io/atomic-write.js'),
      import('../reporters/explore-html.js'),
      import('../run/embedded-target.js'),
      import('../secrets/registry.js'),
      import('./interrupt.js'),
      import('picocolors'),
    ]);
    const givenSeed = argv.seed ?? freshSeed();
    const seed = shardSeed(givenSeed, settings.shard);
    const shardNote = settings.shard ? `, shard ${settings.shard.index}/${settings.shard.count} of seed ${givenSeed}` : '';
    const say = (line: string): void => {
      if (reporters.has('console')) process.stdout.write(`${line}\n`);
    };
    const interrupts = watchInterrupts((signal) => {
      if (!argv.quiet)
        process.stderr.write(
          `\n${colors.yellow(`${signal}: stopping, deleting the tokens this exploration created (again to exit at once)`)}\n`,
        );
    });
    const embedded = argv.target === undefined ? await startEmbeddedTarget() : undefined;
    const targetUrl = argv.target ?? embedded!.server.url;
    const ownerToken = argv.token ?? embedded!.ownerToken;
    const otherToken = argv.otherToken ?? embedded?.otherToken;
    const redactor = new SecretRedactor();
    redactor.add(ownerToken, identityPlaceholder(1));
    redactor.add(otherToken, identityPlaceholder(2));
    // The recorder is loaded only when the exploration records; its programs take turns.
    const recording = argv.record ? await import('../recording/run-recorder.js') : undefined;
    const recorder = recording
      ? await recording.createRunRecorder({
          dir: argv.record!,
          redactor,
          redactHeaders: argv.redactHeader,
          redactFields: argv.redactField,
          identities: otherToken ? [identityPlaceholder(1), identityPlaceholder(2)] : [identityPlaceholder(1)],
        })
      : undefined;
    const traffic = recorder && recording ? recording.recordInTurns(recorder) : undefined;
    say(
      `explore ${embedded ? 'the embedded reference' : targetUrl}, seed ${seed}${shardNote} (again: --seed ${seed}), budget ${settings.budget} requests, ${settings.timeLimit} s`,
    );
    const startedAt = new Date();
    try {
      const summary = await explore({
        targetUrl,
        ownerToken,
        otherToken,
        seed,
        budget: settings.budget,
        concurrency: settings.concurrency,
        timeLimitMs: settings.timeLimit * 1000,
        timeoutMs: settings.timeout,
        redactor,
        signal: interrupts.signal,
        traffic,
        progress: (line) => say(colors.dim(line)),
      }).catch(async (error: unknown) => {
        await recorder?.abort();
        throw error;
      });
      const interrupted = interrupts.received;
      const report = exploreReportOf(summary, {
        targetUrl,
        embedded: embedded !== undefined,
        startedAt,
        finishedAt: new Date(),
        options: {
          budget: settings.budget,
          concurrency: settings.concurrency,
          timeLimitSeconds: settings.timeLimit,
          timeoutMs: settings.timeout,
          otherIdentity: otherToken !== undefined,
          ...(settings.shard ? { shard: { ...settings.shard, seed: givenSeed } } : {}),
        },
        interrupted,
      });
      let note: string | undefined;
      if (recorder) {
        if (interrupted) {
          await recorder.abort();
          note = `recording not written (interrupted); ${argv.record} is unchanged`;
        } else {
          const written = await recorder.finish({ kind: 'explore', target: report.target });
          note = `recorded ${written.exchanges} exchanges in ${written.segments} segments to ${argv.record}`;
        }
      }
      if (reporters.has('json'))
        await writeFileAtomic(join(settings.out, 'explore.json'), `${redactor.text(JSON.stringify(report, null, 2))}\n`);
      if (reporters.has('html')) await writeFileAtomic(join(settings.out, 'explore.html'), redactor.text(renderExploreHtml(report)));
      for (const line of consoleLines(report, formatTimeline, colors)) say(redactor.text(line));
      if (note && !argv.quiet) process.stderr.write(`${note}\n`);
      process.exitCode = report.exitCode;
    } finally {
      interrupts.dispose();
      await embedded?.server.close();
    }
  },
};

function consoleLines(
  report: ExploreReport,
  formatTimeline: (timeline: readonly TimelineEntry[]) => string[],
  colors: typeof picocolors,
): string[] {
  const ran = `${report.programs} programs, ${report.requests} requests, ${(report.durationMs / 1000).toFixed(1)} s, ended by ${report.stopped}`;
  const lines: string[] = [];
  const v = report.violation;
  if (v) {
    lines.push(colors.red(`VIOLATION ${v.source}`), `  ${v.rule}`, `  ${v.message}`);
    if (v.confirmed)
      lines.push(`  the smallest failing program, run ${v.confirmed.runs} times again, failed ${v.confirmed.reproduced} times`);
    lines.push("  program (one round per line; a round's steps are released together):", ...v.program.map((round) => `    ${round}`));
    lines.push('  timeline (> marks the operations the violation names):', ...formatTimeline(v.timeline).map((line) => `    ${line}`));
  }
  for (const leftover of report.leftovers) lines.push(colors.red(`LEFT BEHIND ${leftover.identity} ${leftover.id}: ${leftover.reason}`));
  lines.push(
    report.verdict === 'violation'
      ? colors.red(`explore: violation (${ran}); seed ${report.seed}`)
      : report.verdict === 'incomplete'
        ? colors.yellow(`explore: interrupted (${ran}); seed ${report.seed}`)
        : colors.green(`explore: no violation found (${ran}); seed ${report.seed}`),
  );
  return lines;
}
