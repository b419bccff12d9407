// Running the real CLI (dist/src/cli.js, built by `npm test`) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { RunReport } from '../../src/verdict.js';
import type { ReferenceOptions } from '../../src/reference/options.js';
import { startReferenceServer, type ReferenceServer } from '../../src/reference/server.js';

export const cliPath = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Kill the child after this long (a hung CLI is a failed test, not a hung suite). */
  killAfterMs?: number;
  cwd?: string;
  /** Called once the child is running, e.g. to send it a signal. */
  onSpawn?: (child: ChildProcess) => void;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
    // The test runner's own environment must not configure the CLI under test.
    for (const key of Object.keys(env)) if (key.startsWith('PAT_CONFORMANCE_') && !(options.env && key in options.env)) delete env[key];
    if (!options.env?.GITHUB_STEP_SUMMARY) delete env.GITHUB_STEP_SUMMARY;
    const child = spawn(process.execPath, [cliPath, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child);
  });
}

/** A temporary directory per call, removed after the file's tests. */
export function tempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patc-test-'));
    made.push(dir);
    return dir;
  };
}

export async function readReport(outDir: string): Promise<RunReport> {
  return JSON.parse(await readFile(join(outDir, 'pat-conformance.json'), 'utf8')) as RunReport;
}

export const ownerToken = 'test-owner-token-0123456789';
export const otherToken = 'test-other-token-9876543210';

/** The options that aim a run at a server with the two test identities. */
export function targetArgs(url: string): string[] {
  return ['--target', url, '--token', ownerToken, '--other-token', otherToken];
}

/**
 * A reference server for the length of `use`, closed in any case. (serverPool closes every
 * server after each test, which is wrong for tests that run concurrently.)
 */
export async function withReference<T>(options: Partial<ReferenceOptions>, use: (server: ReferenceServer) => Promise<T>): Promise<T> {
  const server = await startReferenceServer(options);
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

/**
 * Start a long-running command (`serve`, `proxy`) as a child process; resolves with the URL it
 * prints once listening, and a stop() that sends SIGINT and resolves with how it ended.
 */
export async function startListeningCli(
  args: string[],
): Promise<{ url: string; stop: () => Promise<CliResult>; child: ChildProcess; done: Promise<CliResult> }> {
  let child!: ChildProcess;
  let found!: (url: string) => void;
  const listening = new Promise<string>((resolve) => (found = resolve));
  const done = runCli(args, {
    onSpawn: (c) => {
      child = c;
      let out = '';
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) found(match[1]!);
      });
    },
  });
  const url = await Promise.race([listening, done.then((r) => Promise.reject(new Error(`${args[0]} exited ${r.code}: ${r.stderr}`)))]);
  return {
    url,
    stop: () => {
      child.kill('SIGINT');
      return done;
    },
    // For tests that send their own signals.
    child,
    done,
  };
}
