// The command-line program: parses argv with yargs and hands off to one command module. src/cli.ts
// loads it for everything but a plain --help, which it answers from the pages rendered here at
// build time (src/help-pages.ts).
import yargs, { type Argv, type CommandModule } from 'yargs';
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
import { helpWidth } from './help-pages.js';
import { dropForeignEnvironment, environmentPrefix, type DeclaredOptions } from './cli-environment.js';

/** The commands, in the order --help lists them. */
const commands = [runCommand, listCommand, serveCommand, checkCommand, proxyCommand, replayCommand, exploreCommand, initCommand];

/** The command yargs adds itself (.completion below). */
const completionCommand = 'completion';

/** Every command's name (its first word): each has its own --help. */
export const commandNames: readonly string[] = [...commands.map((c) => String(c.command).replace(/ .*/, '')), completionCommand];

/** yargs' own internals, untyped in @types/yargs: the usage instance that renders help. */
interface YargsInternals {
  getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?(): void } };
}

/** The whole program for these arguments, not yet parsed: help wrapped to `width` columns. */
function program(argv: string[], width: number): Argv {
  // getOptions() is yargs' own (the declared options of the command being run), untyped in @types/yargs.
  const cli = yargs(argv) as Argv & { getOptions(): DeclaredOptions } & YargsInternals;
  // When a command's handler starts, yargs renders that command's whole help and keeps it, for a
  // showHelp() after the command; this CLI never shows help after a command (its fail handler
  // prints one line), and the rendering (cliui, string-width) was about 85 ms of every run's
  // start-up. --help and usage errors render help as before.
  const usage = cli.getInternalMethods?.().getUsageInstance?.();
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
  // Each module has its own argument type; added one by one, each is only a command to yargs.
  for (const command of commands) cli.command(command as CommandModule<object, unknown>);
  return (
    cli
      .scriptName('pat-conformance')
      .usage('$0 <command> [options]\n\nConformance suite and traffic recorder for the CodeCatalyst access-token API.')
      // `completion` prints the script; the script calls `pat-conformance --get-yargs-completions ...`,
      // which yargs answers from the commands' builders (light: no runner is loaded).
      .completion(completionCommand, 'Print a bash/zsh completion script (e.g. pat-conformance completion >> ~/.bashrc)')
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
      .wrap(width)
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
  );
}

/** Parses the arguments and runs the command they name (or prints help, or a usage error). */
export async function main(argv: string[]): Promise<void> {
  await program(argv, helpWidth(process.stdout.columns)).parseAsync();
}

/**
 * What `--help` prints for these arguments at this width, rendered by yargs without printing or
 * exiting; undefined when yargs would not print help for them (a usage error instead).
 */
export async function renderHelp(argv: string[], width: number): Promise<string | undefined> {
  return await new Promise((resolve, reject) => {
    program(argv, width)
      .exitProcess(false)
      .parse(argv, {}, (error, _parsed, output) => {
        if (error) reject(error);
        else resolve(output || undefined);
      });
  });
}
