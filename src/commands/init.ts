// `pat-conformance init`: write a starting `run --config` file. It names the JSON Schema of such
// files (docs/config.schema.json, shipped in the package) so that editors complete and check it,
// holds the run's defaults to edit, and never a token: tokens come from the environment.
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { schemaMember } from '../cli-config-file.js';
import { UsageError } from '../exit-codes.js';
import { defaultReporterNames } from '../reporters/names.js';
import { runDefaults } from '../run-defaults.js';
import { toolName } from '../tool-info.js';

interface InitArgs {
  file: string;
  force: boolean;
}

export const defaultConfigFile = 'pat-conformance.json';

/**
 * Where the schema is for a project that installed the package: its node_modules beside the
 * directory init runs in (the project's root, as with `npx pat-conformance init`), as a path
 * relative to the written file, the way editors resolve "$schema". Relative, not an absolute
 * path or a URL: the file can be committed, works offline, and always names the schema of the
 * version the project has installed.
 */
function schemaReference(file: string, cwd: string): string {
  const schema = resolve(cwd, 'node_modules', toolName, 'docs', 'config.schema.json');
  const path = relative(dirname(file), schema).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** The starting options: the run's defaults, to edit; the target empty (the embedded reference). */
function startingConfig(schema: string): Record<string, unknown> {
  return {
    [schemaMember]: schema,
    target: '',
    scenario: [],
    strict: false,
    'expect-throttle': false,
    concurrency: runDefaults.concurrency,
    burst: runDefaults.burst,
    'burst-concurrency': runDefaults.burstConcurrency,
    timeout: runDefaults.timeoutMs,
    'throttle-budget': runDefaults.throttleBudgetMs,
    reporter: [...defaultReporterNames],
    out: runDefaults.outDir,
    quiet: false,
  };
}

function nextSteps(shown: string): string {
  return `Wrote ${shown}: the options of \`${toolName} run\`, with their defaults (no tokens).
Next steps:
  1. Set "target" to the base URL of the implementation under test (empty: the embedded reference),
     or export PAT_CONFORMANCE_TARGET=<url>.
  2. Keep tokens out of the file, in the environment (or your CI's secrets):
       export PAT_CONFORMANCE_TOKEN=<bearer token of the identity that creates and deletes tokens>
       export PAT_CONFORMANCE_OTHER_TOKEN=<bearer token of a second identity>
  3. ${toolName} run --config ${shown}
`;
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init',
  describe: 'Write a starting config file for run --config (no tokens in it)',
  builder: (y: Argv) =>
    y
      .usage(
        `$0 init [options]\n\nWrite a starting config file for \`$0 run --config FILE\`. It names the file's JSON Schema\n(docs/config.schema.json of the installed package) for editors, and holds no tokens.`,
      )
      .option('file', { type: 'string', default: defaultConfigFile, describe: 'Where to write the file' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite the file if it exists' })
      .example('$0 init', `Write ./${defaultConfigFile}`)
      .example('$0 init --file ci/conformance.json --force', 'Write (or replace) another file') as Argv<InitArgs>,
  handler: async (argv) => {
    if (!argv.file) throw new UsageError('--file must name a file');
    const cwd = process.cwd();
    const file = resolve(cwd, argv.file);
    const text = `${JSON.stringify(startingConfig(schemaReference(file, cwd)), null, 2)}\n`;
    try {
      // "wx": never replace a file that appeared after a check; the refusal is the write's own.
      await writeFile(file, text, { flag: argv.force ? 'w' : 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`${argv.file} exists; --force overwrites it`);
      throw new UsageError(`cannot write ${argv.file} (${code ?? (error instanceof Error ? error.message : String(error))})`);
    }
    process.stdout.write(nextSteps(argv.file));
  },
};
