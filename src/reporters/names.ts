// The report formats by name, as `--reporter NAME` spells them: light on purpose, so that a
// command's --help and its option checks load no reporter.
import { UsageError } from '../exit-codes.js';

export const reporterNames = ['console', 'json', 'junit', 'markdown', 'html'] as const;
export type ReporterName = (typeof reporterNames)[number];

export function isReporterName(name: string): name is ReporterName {
  return (reporterNames as readonly string[]).includes(name);
}

/** The report files a command writes when --reporter is not given. */
export const defaultReporterNames: readonly ReporterName[] = ['console', 'json'];

/**
 * `--reporter` values (repeatable or comma-separated) to reporter names. The console shows
 * progress whatever files are asked for, unless --quiet.
 */
export function resolveReporterNames(asked: readonly string[] | undefined, quiet: boolean): ReporterName[] {
  const names = (asked ?? [])
    .flatMap((r) => String(r).split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = names.find((r) => !isReporterName(r));
  if (bad) throw new UsageError(`unknown reporter "${bad}"; valid names: ${reporterNames.join(', ')}`);
  const chosen = new Set<ReporterName>(names.length === 0 ? defaultReporterNames : (names as ReporterName[]));
  if (quiet) chosen.delete('console');
  else chosen.add('console');
  return [...chosen];
}
