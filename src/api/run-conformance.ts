// runConformance(): `pat-conformance run` as a function. The same configuration checks, the same
// runner and the same versioned report (what the JSON reporter writes), with none of the
// command's side effects: no console output and no report files unless asked for, no signal
// handlers, no process.exit and no exit code set. It rejects where the command exits 2 or 3
// (a UsageError or a CannotRunError, each with its exitCode).
import { UsageError } from '../exit-codes.js';
import { createReporters, finishReporters, isReporterName, type Reporter, type ReporterName } from '../reporters/index.js';
import { resolveRunConfig, type RunConfig } from '../run-config.js';
import { executeRun } from '../run/run.js';
import type { CaseResult, RunReport } from '../verdict.js';

export interface RunConformanceOptions {
  /** Base URL of the implementation under test; absent: the embedded reference on a free loopback port. */
  target?: string;
  /** Bearer token of the identity that creates and deletes tokens (required with `target`). */
  token?: string;
  /** Bearer token of a second identity (wrong-owner checks); the cases that need it are skipped without it. */
  otherToken?: string;
  /** Scenario families to run (`pat-conformance list` names them); absent: all. */
  scenarios?: readonly string[];
  /** Should-level findings fail the run too. */
  strict?: boolean;
  /** Make "the burst is throttled at least once" a must. */
  expectThrottle?: boolean;
  /** Racers released together in the concurrent-conflict scenario. */
  concurrency?: number;
  /** Cases in flight at once (default 4); the race, the burst and the cases that judge the whole listing always run alone. */
  parallel?: number;
  /** Requests in the throttle burst. */
  burst?: number;
  /** Requests in flight at once during the burst. */
  burstConcurrency?: number;
  /** Milliseconds one request may take, connect to last byte. */
  timeout?: number;
  /** Milliseconds one step may spend waiting out 429s. */
  throttleBudget?: number;
  /** Seed for every generated name and ID (absent: random; the report's options show it). */
  seed?: number;
  /** Report formats to write or show; absent or empty: none (the resolved report is the result). */
  reporters?: readonly ReporterName[];
  /** Directory for report files (default `reports`). */
  out?: string;
  /** Where the `console` reporter writes (default process.stdout); only with `reporters: ['console']`. */
  stdout?: NodeJS.WritableStream;
  /**
   * Stops the run: no new requests, the tokens it created are deleted, and the report resolves
   * with `complete: false`, verdict `incomplete` and exit code 130, as after Ctrl-C (143 when
   * the abort reason is the string 'SIGTERM').
   */
  signal?: AbortSignal;
  /** Called as each case finishes (progress, in run order). */
  onCase?: (result: CaseResult) => void;
}

/** The options checked and resolved into the runner's configuration (a UsageError otherwise). */
export function resolveConformanceConfig(options: RunConformanceOptions = {}): RunConfig {
  const asked = [...(options.reporters ?? [])];
  const unknown = asked.find((name) => !isReporterName(name));
  if (unknown !== undefined) throw new UsageError(`unknown reporter "${unknown}"`);
  const config = resolveRunConfig({
    target: options.target,
    token: options.token,
    otherToken: options.otherToken,
    scenario: options.scenarios ? [...options.scenarios] : undefined,
    strict: options.strict,
    expectThrottle: options.expectThrottle,
    concurrency: options.concurrency,
    parallel: options.parallel,
    burst: options.burst,
    burstConcurrency: options.burstConcurrency,
    timeout: options.timeout,
    throttleBudget: options.throttleBudget,
    seed: options.seed,
    reporter: asked,
    out: options.out,
    quiet: !asked.includes('console'),
  });
  // The command's default reporters (console, json) are not the library's: none unless asked.
  return { ...config, reporters: asked.length === 0 ? [] : config.reporters };
}

/** The signal name an aborted run is reported under: the abort reason when it names one, else SIGINT. */
export function interruptionOf(signal: AbortSignal | undefined): 'SIGINT' | 'SIGTERM' | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

/** Runs resolved options; `resolveConformanceConfig` first, or use runConformance(). */
export async function runResolvedConformance(config: RunConfig, options: RunConformanceOptions = {}): Promise<RunReport> {
  const reporters: Reporter[] = createReporters(config.reporters, {
    outDir: config.outDir,
    stdout: options.stdout ?? process.stdout,
    color: false,
    interactive: false,
    env: process.env,
  });
  const onCase = options.onCase;
  if (onCase) reporters.push({ name: 'onCase', caseFinished: onCase, finish: async () => [] });
  const signal = options.signal ?? new AbortController().signal;
  const report = await executeRun(config, { reporters, signal, interruptedBy: () => interruptionOf(options.signal) });
  await finishReporters(
    reporters.filter((r) => r.name !== 'onCase'),
    report,
  );
  return report;
}

/**
 * Runs the conformance scenarios against `target` (default: the embedded reference) and resolves
 * to the run's report: `verdict` ('conformant', 'non-conformant', 'incomplete'), `exitCode` (0, 1,
 * 130/143), the summary and every case with its checks and evidence (docs/report-format.md).
 * Rejects with a UsageError (exitCode 2) for bad options and a CannotRunError (exitCode 3) when
 * the run cannot be carried out (unreachable target, credentials rejected, not this API).
 */
export async function runConformance(options: RunConformanceOptions = {}): Promise<RunReport> {
  return runResolvedConformance(resolveConformanceConfig(options), options);
}
