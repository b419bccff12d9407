// `pat-conformance list`: every scenario and its cases, with level, rule and source.
import type { Argv, CommandModule } from 'yargs';
import pc from 'picocolors';
import { scenarios } from '../../suites/index.js';

interface ListArgs {
  json: boolean;
}

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List the scenarios and their cases',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'Print as JSON' }) as unknown as Argv<ListArgs>,
  handler: (argv) => {
    if (argv.json) {
      const data = scenarios.map((s) => ({
        name: s.name,
        title: s.title,
        source: s.source,
        requiresOtherIdentity: s.requires?.otherIdentity ?? false,
        cases: s.cases.map((c) => ({ name: c.name, level: c.level, rule: c.rule, source: c.source })),
      }));
      process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      return;
    }
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const bold = color ? pc.bold : (s: string) => s;
    const dim = color ? pc.dim : (s: string) => s;
    const lines: string[] = [];
    for (const s of scenarios) {
      lines.push(`${bold(s.name)}  ${s.title}${s.requires?.otherIdentity ? dim(' (needs --other-token)') : ''}`);
      lines.push(dim(`  ${s.source}`));
      for (const c of s.cases) lines.push(`  ${c.level.padEnd(6)} ${c.name}: ${c.rule}`);
      lines.push('');
    }
    process.stdout.write(lines.join('\n'));
  },
};
