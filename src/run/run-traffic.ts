// `run --record DIR` and `run --replay DIR`: what the run command needs from src/record.
//
// A recorded run stores what replay needs to send the same requests in the same order: the
// seed (every invented name and ID), the clock (expiry times derive from the start time), the
// options that shape requests, and the tool version. A replay takes all of these from the
// recording, reaches no network, needs no credentials (callers present themselves as
// `<identity-1>` and `<identity-2>`), starts no embedded reference, and does not really sleep
// while waiting out recorded 429s.
import { UsageError } from '../exit-codes.js';
import { SecretRedactor } from '../secrets/registry.js';
import { resolveRunConfig, runDefaults, type RunConfig, type RunOptions } from '../run-config.js';
import type { RunReport } from '../verdict.js';
import type { Segment } from '../recording/segments-in-turn.js';
import type { RecordingDescription } from '../recording/recording-format.js';
import { createRunRecorder, type RunRecorder } from '../recording/run-recorder.js';
import type { RunRecordingInfo } from '../recording/recording-format.js';
import { openRecording, type OpenedRecording } from '../recording/recording-store.js';
import { identityPlaceholder } from '../secrets/placeholders.js';

/** What executeRun sees of a recorder: a segment (with a tap of its own) per case, several open at once under --parallel. */
export interface RunTraffic {
  openSegment(id: string): Segment;
  /** Replay: the recorded run's start time, from which expiry times derive. */
  clock?: Date;
  /** Replay: the recording, named in the report's target. */
  replayOf?: string;
}

export const ownerPseudonym = identityPlaceholder(1);
export const otherPseudonym = identityPlaceholder(2);

export interface ReplayRun {
  config: RunConfig;
  recording: OpenedRecording;
}

/**
 * `run --replay DIR`: the recording fixes everything that shapes the requests; the command line
 * may only choose reports (and make the judgement stricter with --strict/--expect-throttle).
 */
export function resolveReplayRunConfig(options: RunOptions): ReplayRun {
  const dir = options.replay!;
  if (options.record) throw new UsageError('--record and --replay cannot be used together');
  if (options.target)
    throw new UsageError('--replay answers from the recording and reaches no target; drop --target (or PAT_CONFORMANCE_TARGET)');
  const recording = openRecording(dir);
  const { meta } = recording;
  if (meta.kind !== 'run' || !meta.run) {
    throw new UsageError(
      `recording "${dir}" was made by \`${meta.kind}\`, not \`run --record\`; use \`check\`, \`replay\` or \`serve --replay\` with it`,
    );
  }
  const run = meta.run;
  const conflict = (flag: string, given: unknown, recorded: unknown, fallback?: unknown): void => {
    if (given === undefined || given === fallback || JSON.stringify(given) === JSON.stringify(recorded)) return;
    throw new UsageError(`${flag} cannot change a replay: the recording was made with ${flag} ${JSON.stringify(recorded)}`);
  };
  const askedScenarios = (options.scenario ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (askedScenarios.length > 0 && askedScenarios.some((s) => !run.scenarios.includes(s))) {
    throw new UsageError(`--scenario cannot change a replay: the recording holds ${run.scenarios.join(', ')}`);
  }
  if (askedScenarios.length > 0 && askedScenarios.length !== run.scenarios.length) {
    throw new UsageError('--scenario cannot pick part of a replay: every case of the recording is replayed in order');
  }
  conflict('--seed', options.seed, run.seed);
  conflict('--concurrency', options.concurrency, run.options.concurrency, runDefaults.concurrency);
  conflict('--burst', options.burst, run.options.burst, runDefaults.burst);
  conflict('--burst-concurrency', options.burstConcurrency, run.options.burstConcurrency, runDefaults.burstConcurrency);
  conflict('--timeout', options.timeout, run.options.timeoutMs, runDefaults.timeoutMs);
  conflict('--throttle-budget', options.throttleBudget, run.options.throttleBudgetMs, runDefaults.throttleBudgetMs);

  const config = resolveRunConfig({
    // Presentation is the caller's.
    reporter: options.reporter,
    out: options.out,
    quiet: options.quiet,
    // Everything that shapes the requests is the recording's.
    target: meta.target.url,
    token: ownerPseudonym,
    otherToken: run.otherIdentity ? otherPseudonym : undefined,
    scenario: run.scenarios,
    seed: run.seed,
    concurrency: run.options.concurrency,
    burst: run.options.burst,
    burstConcurrency: run.options.burstConcurrency,
    timeout: run.options.timeoutMs,
    throttleBudget: run.options.throttleBudgetMs,
    // Judgement may only get stricter.
    strict: run.options.strict || options.strict === true,
    expectThrottle: run.options.expectThrottle || options.expectThrottle === true,
  });
  return { config: { ...config, replay: dir }, recording };
}

/** The recorder of a `run`, with the redactor the run must use. */
export interface RunRecorderSession {
  mode: 'record' | 'replay';
  recorder: RunRecorder;
  redactor: SecretRedactor;
  traffic: RunTraffic;
}

export async function openRunTraffic(config: RunConfig, replay: OpenedRecording | undefined): Promise<RunRecorderSession | undefined> {
  const redactor = new SecretRedactor();
  if (replay) {
    // Replay goes through Polly (its matching of requests to the recording); recording does not.
    const { createRecorder } = await import('../recording/recorder.js');
    const recorder = await createRecorder({ dir: replay.dir, mode: 'replay', redactor, recording: replay });
    const traffic: RunTraffic = {
      openSegment: recorder.openSegment,
      clock: new Date(replay.meta.run!.clock),
      replayOf: config.replay,
    };
    return { mode: 'replay', recorder, redactor, traffic };
  }
  if (!config.record) return undefined;
  const recorder = await createRunRecorder({
    dir: config.record,
    redactor,
    redactHeaders: config.redactHeaders,
    redactFields: config.redactFields,
    identities: config.target && !config.otherToken ? [ownerPseudonym] : [ownerPseudonym, otherPseudonym],
  });
  return { mode: 'record', recorder, redactor, traffic: { openSegment: recorder.openSegment } };
}

/** What meta.json says about a recorded run. */
export function describeRecordedRun(config: RunConfig, report: RunReport): RecordingDescription {
  const run: RunRecordingInfo = {
    seed: config.seed,
    clock: report.startedAt,
    scenarios: config.scenarios,
    options: {
      strict: config.strict,
      expectThrottle: config.expectThrottle,
      concurrency: config.concurrency,
      burst: config.burst,
      burstConcurrency: config.burstConcurrency,
      timeoutMs: config.timeoutMs,
      throttleBudgetMs: config.throttleBudgetMs,
    },
    otherIdentity: report.target.embedded || config.otherToken !== undefined,
    verdict: report.verdict,
    exitCode: report.exitCode,
  };
  return { kind: 'run', target: { url: report.target.url, embedded: report.target.embedded }, run };
}
