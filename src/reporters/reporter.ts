// The interface every report format implements. The runner emits events; reporters only
// present what they are given (they never decide a verdict).
import type { CaseResult, RunReport } from '../verdict.js';

export interface ReporterContext {
  /** Directory that file reports are written to (created when needed). */
  outDir: string;
  /** Stream for console output (stdout in the CLI; a buffer in tests). */
  stdout: NodeJS.WritableStream;
  /** Whether the console may use colour and redraw a progress line. */
  color: boolean;
  interactive: boolean;
  /** Process environment (for $GITHUB_STEP_SUMMARY); injectable for tests. */
  env: NodeJS.ProcessEnv;
}

export interface Reporter {
  readonly name: string;
  /** The run is about to start; `totalCases` lets a progress display show n/total. */
  runStarted?(info: { targetUrl: string; totalCases: number }): void;
  caseStarted?(info: { scenario: string; case: string }): void;
  caseFinished?(result: CaseResult): void;
  /**
   * Write the final report. File reporters write atomically (temp file + rename) so that an
   * interrupted run never leaves a half-written report. Returns the paths written.
   */
  finish(report: RunReport): Promise<string[]>;
}

export type ReporterFactory = (context: ReporterContext) => Reporter;
