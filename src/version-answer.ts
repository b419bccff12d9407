// `pat-conformance --version`, answered without loading the program (yargs and every command
// module, about 100 ms): it prints the version from package.json and a newline, as yargs does.
// With a PAT_CONFORMANCE_ variable set, yargs answers, as for --help (src/help-pages.ts).
import { hasOptionVariables } from './cli-environment.js';
import { toolVersion } from './tool-info.js';

/** What exactly `--version` prints, or undefined when the program must answer. */
export function versionAnswer(args: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  return args.length === 1 && args[0] === '--version' && !hasOptionVariables(env) ? `${toolVersion}\n` : undefined;
}
