// The report formats by name, as `--reporter NAME` spells them.
import { consoleReporter } from './console.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { Reporter, ReporterContext, ReporterFactory } from './reporter.js';

export const reporterNames = ['console', 'json', 'junit', 'markdown'] as const;
export type ReporterName = (typeof reporterNames)[number];

const factories: Record<ReporterName, ReporterFactory> = {
  console: consoleReporter,
  json: jsonReporter,
  junit: junitReporter,
  markdown: markdownReporter,
};

export function isReporterName(name: string): name is ReporterName {
  return (reporterNames as readonly string[]).includes(name);
}

/** One reporter per distinct name, in the order given (a repeated name reports once). */
export function createReporters(names: readonly ReporterName[], context: ReporterContext): Reporter[] {
  return [...new Set(names)].map((name) => factories[name](context));
}

export type { Reporter, ReporterContext, ReporterFactory } from './reporter.js';
