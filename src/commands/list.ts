// `pat-conformance list`: every scenario and its cases, with level, rule and the section of the
// contract (docs/contract.md) each comes from; `--contract` prints the contract itself.
import type { Argv, CommandModule } from 'yargs';
import { contractPath, readContract } from '../contract/document.js';
import { contractDocument } from '../contract/sections.js';
import { CannotRunError } from '../exit-codes.js';

interface ListArgs {
  json: boolean;
  contract: boolean;
}

export const listCommand: CommandModule<object, ListArgs> = {
  command: 'list',
  describe: 'List the scenarios and their cases, with the contract section of each',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print as JSON' })
      .option('contract', { type: 'boolean', default: false, describe: `Print the contract every case cites (${contractDocument})` })
      .example('$0 list', 'Every scenario and case, with level, rule and contract section')
      .example('$0 list --contract', 'The rules themselves: levels, meaning on the wire, origin'),
  handler: async (argv) => {
    if (argv.contract) {
      const text = readContract();
      if (text === undefined) throw new CannotRunError(`${contractDocument} is missing from this installation`);
      process.stdout.write(text);
      return;
    }
    // The scenarios are loaded only here: --help and --contract need none of them.
    const [{ scenarios }, { default: pc }] = await Promise.all([import('../../suites/index.js'), import('picocolors')]);
    if (argv.json) {
      // An array of scenarios, as before; every source names a section of the contract.
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
    const lines: string[] = [
      `The rules: ${contractDocument} (${contractPath() ?? 'missing from this installation'}); \`list --contract\` prints it.`,
      '',
    ];
    for (const s of scenarios) {
      lines.push(`${bold(s.name)}  ${s.title}${s.requires?.otherIdentity ? dim(' (needs --other-token)') : ''}`);
      lines.push(dim(`  ${s.source}`));
      for (const c of s.cases) {
        lines.push(`  ${c.level.padEnd(6)} ${c.name}: ${c.rule}`);
        if (c.source !== s.source) lines.push(dim(`         ${c.source}`));
      }
      lines.push('');
    }
    process.stdout.write(lines.join('\n'));
  },
};
