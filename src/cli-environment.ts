// PAT_CONFORMANCE_* variables are option values for the commands that have the option, and
// nothing to the others. yargs' env() hands every prefixed variable to whichever command runs,
// and strict parsing then refuses the ones it does not know: PAT_CONFORMANCE_USERS (meant for
// `serve`) would break `run` in the same shell. This middleware, run before validation, drops
// what came from the environment for options the running command does not have. A flag typed on
// the command line is never dropped, so a mistyped flag is still a usage error.
import type { Arguments } from 'yargs';

export const environmentPrefix = 'PAT_CONFORMANCE';

/** Whether any PAT_CONFORMANCE_ variable is set: one can change what any command does, --help too. */
export function hasOptionVariables(env: NodeJS.ProcessEnv): boolean {
  return Object.keys(env).some((name) => name.startsWith(`${environmentPrefix}_`));
}

/** PAT_CONFORMANCE_OTHER_TOKEN -> ['other-token', 'otherToken'], as yargs names it. */
function namesOf(variable: string): [string, string] {
  const rest = variable.slice(environmentPrefix.length + 1).toLowerCase();
  const camel = rest.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return [rest.replace(/_/g, '-'), camel];
}

/** What yargs says the running command declares: option keys and their aliases. */
export interface DeclaredOptions {
  key: Record<string, unknown>;
  alias: Record<string, string[]>;
}

/** The options the running command declares, with their aliases, in every spelling. */
function declaredOptions(options: DeclaredOptions): Set<string> {
  const names = new Set<string>();
  for (const key of Object.keys(options.key)) {
    names.add(key);
    for (const alias of options.alias[key] ?? []) names.add(alias);
  }
  for (const name of [...names]) {
    names.add(name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
    names.add(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  }
  return names;
}

function typedOnCommandLine(rawArgs: readonly string[], kebab: string): boolean {
  return rawArgs.some((a) => a === `--${kebab}` || a.startsWith(`--${kebab}=`) || a === `--no-${kebab}`);
}

export function dropForeignEnvironment(
  argv: Arguments,
  declared: DeclaredOptions,
  rawArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  const known = declaredOptions(declared);
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(`${environmentPrefix}_`)) continue;
    const [kebab, camel] = namesOf(variable);
    if (known.has(kebab) || known.has(camel) || typedOnCommandLine(rawArgs, kebab)) continue;
    delete argv[kebab];
    delete argv[camel];
  }
}
