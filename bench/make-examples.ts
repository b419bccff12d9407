// Regenerates the example recordings in recordings/ (`npm run recordings`), which the tests
// replay. Run it after changing a scenario: a recording holds the exact requests of the
// scenarios that made it, and a replay of an outdated one stops at the first request it does
// not hold.
//
//   recordings/reference-conformant       `run` against the embedded reference: exit 0
//   recordings/reference-body-on-success  `run` against the reference with the fault
//                                         body-on-success (a 200 delete carries {"deleted":true}): exit 1
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '../src/reference/server.js';

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));
const root = resolve(dirname(cli), '..', '..');

function runCli(args: string[]): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', fail);
    child.on('close', (code) => done(code));
  });
}

async function main(): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), 'patc-examples-'));
  try {
    const conformant = join(root, 'recordings', 'reference-conformant');
    const code1 = await runCli(['run', '--seed', '20301', '--record', conformant, '--quiet', '--out', out]);
    if (code1 !== 0) throw new Error(`the conformant run exited ${code1}, not 0`);
    process.stdout.write(`wrote ${conformant}\n`);

    const owner = `example-owner-${randomBytes(16).toString('hex')}`;
    const other = `example-other-${randomBytes(16).toString('hex')}`;
    const server = await startReferenceServer({ users: [owner, other], faults: ['body-on-success'] });
    try {
      const broken = join(root, 'recordings', 'reference-body-on-success');
      const code2 = await runCli([
        'run',
        '--target',
        server.url,
        '--token',
        owner,
        '--other-token',
        other,
        '--seed',
        '20302',
        '--record',
        broken,
        '--quiet',
        '--out',
        out,
      ]);
      if (code2 !== 1) throw new Error(`the body-on-success run exited ${code2}, not 1`);
      process.stdout.write(`wrote ${broken}\n`);
    } finally {
      await server.close();
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`make-examples: ${(error as Error).message}\n`);
  process.exit(1);
});
