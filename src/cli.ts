#!/usr/bin/env node
// The command-line entry point: parses argv with yargs and hands off to one command module.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode } from './exit-codes.js';
import { listCommand } from './commands/list.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { checkCommand } from './commands/check.js';
import { proxyCommand } from './commands/proxy.js';
import { replayCommand } from './commands/replay.js';
import { exploreCommand } from './commands/explore.js';
import { initCommand } from './commands/init.js';
import { toolVersion } from './tool-info.js';
import { dropForeignEnvironment, environmentPrefix, type DeclaredOptions } from './cli-environment.js';

/** yargs' own internals, untyped in @types/yargs: the usage instance that renders help. */
interface YargsInternals {
  getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?(): void } };
}

async function main(argv: string[]): Promise<void> {
  // getOptions() is yargs' own (the declared options of the command being run), untyped in @types/yargs.
  const cli = yargs(argv) as Argv & { getOptions(): DeclaredOptions } & YargsInternals;
  // When a command's handler starts, yargs renders that command's whole help and keeps it, for a
  // showHelp() after the command; this CLI never shows help after a command (its fail handler
  // prints one line), and the rendering (cliui, string-width) was about 85 ms of every run's
  // start-up. --help and usage errors render help as before.
  const usage = cli.getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
  await cli
    .scriptName('pat-conformance')
    .usage('$0 <command> [options]\n\nConformance suite and traffic recorder for the CodeCatalyst access-token API.')
    .command(runCommand)
    .command(listCommand)
    .command(serveCommand)
    .command(checkCommand)
    .command(proxyCommand)
    .command(replayCommand)
    .command(exploreCommand)
    .command(initCommand)
    // `completion` prints the script; the script calls `pat-conformance --get-yargs-completions ...`,
    // which yargs answers from the commands' builders (light: no runner is loaded).
    .completion('completion', 'Print a bash/zsh completion script (e.g. pat-conformance completion >> ~/.bashrc)')
    .demandCommand(1, 'Name a command: run, explore, list, serve, check, proxy, replay, init or completion (see --help).')
    .example('$0 run', 'Every scenario against the embedded reference implementation')
    .example('$0 run --target $URL --token $A --other-token $B --reporter junit', 'Gate a build on an implementation')
    .example('$0 run --record recordings/mine', 'Record a run; replay it offline with --replay')
    .example('$0 explore --target $URL --token $A --other-token $B', 'Look for interleavings that break an implementation')
    .example('$0 serve --port 8080', 'A local fake of the API for other tests')
    .example('$0 init && $0 run --config pat-conformance.json', 'Start a config file (tokens stay in the environment) and run by it')
    .epilogue(
      'Exit codes: 0 conformant, 1 not conformant, 2 usage or configuration error, 3 the run could not be carried out, 130/143 interrupted.\nEach command has its own --help.',
    )
    .strict()
    .env(environmentPrefix)
    // Before validation: a variable meant for another command must not be an unknown argument here.
    .middleware((parsed) => dropForeignEnvironment(parsed, cli.getOptions(), argv), true)
    .version(toolVersion)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // Errors thrown by a command carry their own exit code (2 usage, 3 cannot run);
      // yargs' own parse errors are usage errors. Either way: one line, never a stack trace.
      const exitCode = (error as { exitCode?: number } | undefined)?.exitCode;
      // yargs reports its own parse problems (a bad --config file too) as YError.
      if (error && exitCode === undefined && error.name !== 'YError') throw error;
      const reason = (message || error?.message || 'invalid usage').replace(/\s*\n\s*/g, ' ');
      const hint = exitCode === undefined || exitCode === ExitCode.Usage ? ' (see --help)' : '';
      process.stderr.write(`pat-conformance: ${reason}${hint}\n`);
      process.exit(exitCode ?? ExitCode.Usage);
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  // Not a documented failure: a bug. Say so in one line; PAT_CONFORMANCE_DEBUG shows the stack.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pat-conformance: internal error: ${message}\n`);
  if (process.env.PAT_CONFORMANCE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(ExitCode.CannotRun);
});
