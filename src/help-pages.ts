// `pat-conformance --help` and `pat-conformance <command> --help`, answered without loading the
// program. yargs renders help by measuring every cell with string-width (Intl.Segmenter, an emoji
// regex per character) after loading itself and every command module: about 120 ms on top of
// Node's own start-up of about 90. The pages are static, so the build renders each one with yargs
// itself (src/build-steps.ts) at the widths most often met, and the entry point prints the stored
// page. Anything else, another terminal width, a PAT_CONFORMANCE_ variable (one can change what
// yargs does, PAT_CONFORMANCE_HELP among them) or a build without the pages, goes to yargs as
// before: the same text, only slower.
import { readFileSync } from 'node:fs';
import { hasOptionVariables } from './cli-environment.js';

/** The width help is wrapped to: the terminal's, at most 110 columns; 100 when not a terminal. */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns || 100);
}

/**
 * The widths the build renders: 100 (output not to a terminal: pipes, CI logs), 80 (a terminal's
 * usual default) and 110 (any terminal of 110 columns or more). Each width costs the build about
 * 0.3 s (yargs renders a page in about 30 ms), so not every width a terminal can have.
 */
export const prebuiltWidths: readonly number[] = [80, 100, 110];

/** One file per width, beside this module: { "": the program's page, "<command>": its page }. */
export function helpPagesFile(width: number): URL {
  return new URL(`./help-pages/${width}.json`, import.meta.url);
}

/** The page key for exactly `--help` ('') or `<command> --help` (the command); -h alike. */
export function helpPageKey(args: readonly string[]): string | undefined {
  const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';
  if (args.length === 1 && isHelp(args[0])) return '';
  if (args.length === 2 && isHelp(args[1]) && /^[a-z]+$/.test(args[0] ?? '')) return args[0];
  return undefined;
}

/** The stored page these arguments print, or undefined when yargs must answer them. */
export function prebuiltHelp(args: readonly string[], env: NodeJS.ProcessEnv, columns: number | undefined): string | undefined {
  const key = helpPageKey(args);
  if (key === undefined) return undefined;
  if (hasOptionVariables(env)) return undefined;
  let pages: Record<string, string>;
  try {
    pages = JSON.parse(readFileSync(helpPagesFile(helpWidth(columns)), 'utf8'));
  } catch {
    return undefined;
  }
  return Object.hasOwn(pages, key) ? pages[key] : undefined;
}
