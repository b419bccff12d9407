// A plain `--help` is printed from pages rendered at build time (src/help-pages.ts), and
// `--version` from package.json (src/version-answer.ts), without loading yargs. These tests hold the stored pages to what yargs prints, prove the stored path
// needs nothing but the page files, and pin which arguments may take it.
import { cp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliPath, runCli, tempDirs } from './helpers/cli.js';

const distSrc = dirname(cliPath);
// The built modules, not src/: the pages exist only beside the build's output.
const helpPages: typeof import('../src/help-pages.js') = await import(pathToFileURL(join(distSrc, 'help-pages.js')).href);
const program: typeof import('../src/cli-program.js') = await import(pathToFileURL(join(distSrc, 'cli-program.js')).href);
const pageKeys = ['', ...program.commandNames];
const argsOf = (key: string) => (key ? [key, '--help'] : ['--help']);
const newDir = tempDirs();

describe('help pages rendered at build time', () => {
  it('there is a page for the program and for every command, at every prebuilt width, equal to what yargs renders', async () => {
    expect(program.commandNames).toEqual(expect.arrayContaining(['run', 'explore', 'serve', 'replay', 'completion']));
    for (const width of helpPages.prebuiltWidths) {
      for (const key of pageKeys) {
        const stored = helpPages.prebuiltHelp(argsOf(key), {}, width);
        expect(stored, `${width} columns, "${key} --help"`).toBeDefined();
        // yargs prints its output with console.log: one newline more.
        expect(stored).toBe(`${await program.renderHelp(argsOf(key), width)}\n`);
      }
    }
  });

  it('the real CLI prints the same bytes and exits 0 whether the page is stored or rendered by yargs', async () => {
    for (const key of pageKeys) {
      for (const args of [argsOf(key), key ? [key, '-h'] : ['-h']]) {
        const stored = await runCli(args);
        // Any PAT_CONFORMANCE_ variable sends --help to yargs (one could change what it does).
        const rendered = await runCli(args, { env: { PAT_CONFORMANCE_QUIET: 'false' } });
        expect(stored.code, args.join(' ')).toBe(0);
        expect(rendered.code, args.join(' ')).toBe(0);
        expect(stored.stdout).toContain('pat-conformance');
        expect(stored.stdout).toBe(rendered.stdout);
        expect(stored.stderr).toBe('');
      }
    }
  });

  it('--version is answered without the program, with what yargs prints', async () => {
    const quick = await runCli(['--version']);
    const rendered = await runCli(['--version'], { env: { PAT_CONFORMANCE_QUIET: 'false' } });
    expect(quick.code).toBe(0);
    expect(rendered.code).toBe(0);
    expect(quick.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(quick.stdout).toBe(rendered.stdout);
  });

  it('a stored page needs no dependency: the CLI copied away from node_modules still prints it', async () => {
    const copy = join(await newDir(), 'src');
    await cp(distSrc, copy, { recursive: true });
    await writeFile(join(copy, '..', 'package.json'), '{"type":"module"}');
    const entry = join(copy, 'cli.js');
    const help = await runCliAt(entry, ['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await runCli(['run', '--help'])).stdout);
    // The copy really has no dependencies: anything yargs must answer fails to load.
    const run = await runCliAt(entry, ['list']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/internal error: Cannot find (package|module) 'yargs'/);
    expect((await runCliAt(entry, ['--version'])).code).toBe(0);
    await rm(copy, { recursive: true, force: true });
  });

  it('only exactly `--help` or `<command> --help`, with no PAT_CONFORMANCE_ variable, at a prebuilt width, takes a stored page', () => {
    const { prebuiltHelp, helpWidth } = helpPages;
    expect(prebuiltHelp(['-h'], {}, undefined)).toBe(prebuiltHelp(['--help'], {}, 100));
    expect(prebuiltHelp(['run', '-h'], {}, 80)).toBe(prebuiltHelp(['run', '--help'], {}, 80));
    // Wider terminals are wrapped at 110; not a terminal at 100.
    expect(helpWidth(undefined)).toBe(100);
    expect(helpWidth(200)).toBe(110);
    expect(prebuiltHelp(['--help'], {}, 200)).toBe(prebuiltHelp(['--help'], {}, 110));
    expect(prebuiltHelp(['--help'], {}, 80)).not.toBe(prebuiltHelp(['--help'], {}, 110));
    // Widths with no page, and anything but the two plain forms, go to yargs.
    expect(prebuiltHelp(['--help'], {}, 95)).toBeUndefined();
    expect(prebuiltHelp(['--help'], { PAT_CONFORMANCE_HELP: 'true' }, undefined)).toBeUndefined();
    for (const args of [
      [],
      ['run'],
      ['--help', 'run'],
      ['run', '--help', '--target', 'x'],
      ['nosuch', '--help'],
      ['--version'],
      ['RUN', '--help'],
    ]) {
      expect(prebuiltHelp(args, {}, undefined), args.join(' ')).toBeUndefined();
    }
    expect(prebuiltHelp(['__proto__', '--help'], {}, undefined)).toBeUndefined();
  });
});

/** The CLI at another path (runCli runs the build's). */
async function runCliAt(entry: string, args: string[]) {
  const { spawn } = await import('node:child_process');
  return await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
