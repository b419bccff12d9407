#!/usr/bin/env node
// The command-line entry point. A plain --help is printed from the pages rendered at build time
// (src/help-pages.ts) and --version from package.json (src/version-answer.ts); everything else
// loads the program (src/cli-program.ts).
import { ExitCode } from './exit-codes.js';
import { prebuiltHelp } from './help-pages.js';
import { versionAnswer } from './version-answer.js';

// What yargs' hideBin does for Node: the arguments after the script.
const args = process.argv.slice(2);
// columns is undefined when the output is not a terminal, as the program reads it too.
const answer = prebuiltHelp(args, process.env, process.stdout.columns) ?? versionAnswer(args, process.env);
if (answer !== undefined) {
  process.stdout.write(answer);
} else {
  try {
    const { main } = await import('./cli-program.js');
    await main(args);
  } catch (error) {
    // Not a documented failure: a bug. Say so in one line; PAT_CONFORMANCE_DEBUG shows the stack.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`pat-conformance: internal error: ${message}\n`);
    if (process.env.PAT_CONFORMANCE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(ExitCode.CannotRun);
  }
}
