// What the build does after tsc (npm run build): generate what a command would otherwise compute
// at every start. Both outputs sit beside the compiled modules that read them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writePrebuiltValidators } from './checks/body-validation.js';
import { commandNames, renderHelp } from './cli-program.js';
import { helpPagesFile, prebuiltWidths } from './help-pages.js';

/** Every help page at every prebuilt width, rendered by yargs itself, as it prints them. */
async function writeHelpPages(): Promise<void> {
  for (const width of prebuiltWidths) {
    const pages: Record<string, string> = {};
    for (const key of ['', ...commandNames]) {
      const output = await renderHelp(key ? [key, '--help'] : ['--help'], width);
      if (output === undefined) throw new Error(`yargs printed no help for "${key} --help"`);
      // yargs prints the page with console.log: one newline after it.
      pages[key] = `${output}\n`;
    }
    const file = helpPagesFile(width);
    mkdirSync(new URL('.', file), { recursive: true });
    writeFileSync(file, JSON.stringify(pages));
  }
}

writePrebuiltValidators();
await writeHelpPages();
