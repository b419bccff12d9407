// `--config FILE` of run and explore: a JSON object keyed by the long option names. A "$schema"
// member (what `pat-conformance init` writes, for editors) is no option and is dropped here, before
// strict parsing would refuse it as an unknown argument. Every other key is left to yargs, so a
// misspelt option in the file is still a usage error.
import { readFileSync } from 'node:fs';

/** The member that names the file's JSON Schema (docs/config.schema.json). */
export const schemaMember = '$schema';

/**
 * yargs' config parser: the options the file holds. A file that cannot be read, is not JSON or
 * is not one JSON object throws; yargs reports that as a usage error (exit 2, one line).
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Invalid JSON config file: ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the file, and the file may hold a token.
    throw new Error(`Invalid JSON config file: ${path} (not valid JSON)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Invalid JSON config file: ${path} (not a JSON object of options)`);
  }
  const { [schemaMember]: _schema, ...options } = parsed as Record<string, unknown>;
  return options;
}
