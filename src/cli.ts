#!/usr/bin/env node
// The command-line entry point: parses argv with yargs and hands off to one command module.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode } from './exit-codes.js';
import { listCommand } from './commands/list.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { toolVersion } from './tool-info.js';

async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('pat-conformance')
    .usage('$0 <command> [options]\n\nConformance suite and traffic recorder for the CodeCatalyst access-token API.')
    .command(runCommand)
    .command(listCommand)
    .command(serveCommand)
    .demandCommand(1, 'Name a command: run, list or serve (see --help).')
    .strict()
    .env('PAT_CONFORMANCE')
    .version(toolVersion)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error, y) => {
      // A usage error is one line and exit 2, never a stack trace.
      const reason = message || error?.message || 'invalid usage';
      process.stderr.write(`pat-conformance: ${reason}\nRun 'pat-conformance --help' for usage.\n`);
      void y;
      process.exit(ExitCode.Usage);
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  const exitCode = (error as { exitCode?: number }).exitCode ?? ExitCode.CannotRun;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pat-conformance: ${message}\n`);
  process.exit(exitCode);
});
