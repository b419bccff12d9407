// The reporters, made by name (the names alone: names.ts).
import { consoleReporter } from './console.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { CannotRunError } from '../exit-codes.js';
import type { ReporterName } from './names.js';
import type { RunReport } from '../verdict.js';
import type { Reporter, ReporterContext, ReporterFactory } from './reporter.js';

export { defaultReporterNames, isReporterName, type ReporterName, reporterNames, resolveReporterNames } from './names.js';

const factories: Record<ReporterName, ReporterFactory> = {
  console: consoleReporter,
  json: jsonReporter,
  junit: junitReporter,
  markdown: markdownReporter,
  html: htmlReporter,
};

/** One reporter per distinct name, in the order given (a repeated name reports once). */
export function createReporters(names: readonly ReporterName[], context: ReporterContext): Reporter[] {
  return [...new Set(names)].map((name) => factories[name](context));
}

/** The context for reporters of a CLI command: stdout, colour and redraws only on a terminal. */
export function cliReporterContext(outDir: string): ReporterContext {
  const stdout = process.stdout;
  return {
    outDir,
    stdout,
    color: stdout.isTTY === true && !process.env.NO_COLOR,
    interactive: stdout.isTTY === true && !process.env.CI,
    env: process.env,
  };
}

/**
 * Write every report, each on its own: one that cannot be written (an --out that is a file, a
 * $GITHUB_STEP_SUMMARY that cannot be appended to) does not keep the others from being
 * written, and ends the command with exit 3 and one line naming what failed, not a crash.
 */
export async function finishReporters(reporters: readonly Reporter[], report: RunReport): Promise<void> {
  const failures: string[] = [];
  for (const reporter of reporters) {
    try {
      await reporter.finish(report);
    } catch (error) {
      failures.push(`the ${reporter.name} report could not be written (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (failures.length > 0) throw new CannotRunError(failures.join('; '));
}

export type { Reporter, ReporterContext, ReporterFactory } from './reporter.js';
