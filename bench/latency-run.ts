// A full run against a target far away: the reference served with `serve --latency 50` (every
// request waits 50 ms before it is handled, as across a network), in a process of its own; the
// run a fresh process each, at `--parallel 1` and at the default. Each measurement gets a fresh
// target (the same state at every start), the variants alternate, and requests are counted in the
// run's process (count-requests.ts). The figure is wall / (requests x 50 ms): how much of the
// time it would take to send every request one after another the run needs. The goal
// (issue "Performance") is at most 0.30 at the default.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, round } from './stats.js';

export const latencyMs = 50;
const ownerToken = 'bench-owner-token-0123456789';
const otherToken = 'bench-other-token-9876543210';

export interface LatencyRow {
  variant: string;
  parallel: number;
  medianWallMs: number;
  medianRequests: number;
  /** wall / (requests x latency), median over rounds. */
  ratio: number;
  goal?: number;
  met?: boolean;
  invalid?: string;
}

async function startTarget(cliPath: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [cliPath, 'serve', '--latency', String(latencyMs), '--users', `${ownerToken},${otherToken}`, '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      const match = /http:\/\/[\d.:[\]]+/.exec(seen);
      if (match) resolve(match[0]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${seen}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function measure(
  cliPath: string,
  countPreload: string,
  parallel: number,
): Promise<{ wallMs: number; requests: number; exitCode: number | null }> {
  const target = await startTarget(cliPath);
  const work = mkdtempSync(join(tmpdir(), 'patc-bench-latency-'));
  const countFile = join(work, 'count.json');
  try {
    const args = ['--import', countPreload, cliPath, 'run', '--quiet', '--target', target.url, '--out', join(work, 'out')];
    args.push('--parallel', String(parallel));
    const env = {
      ...process.env,
      PAT_CONFORMANCE_TOKEN: ownerToken,
      PAT_CONFORMANCE_OTHER_TOKEN: otherToken,
      BENCH_REQUEST_COUNT_FILE: countFile,
    };
    const started = performance.now();
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: 'ignore', env });
      child.on('error', reject);
      child.on('close', resolve);
    });
    const wallMs = performance.now() - started;
    const { requests } = JSON.parse(readFileSync(countFile, 'utf8')) as { requests: number };
    return { wallMs, requests, exitCode };
  } finally {
    await target.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchLatencyRun(
  cliPath: string,
  countPreload: string,
  rounds: number,
  defaultParallel: number,
  log: (line: string) => void,
): Promise<LatencyRow[]> {
  const variants = [
    { variant: 'one case at a time (`--parallel 1`)', parallel: 1 },
    { variant: `default (\`--parallel ${defaultParallel}\`)`, parallel: defaultParallel, goal: 0.3 },
  ];
  const samples = variants.map(() => [] as Array<{ wallMs: number; requests: number }>);
  const failures = variants.map(() => '');
  for (let r = 0; r < rounds; r++) {
    // Alternating, so that a slow moment of the shared machine hits both alike.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const v = variants[i]!;
      const m = await measure(cliPath, countPreload, v.parallel);
      if (m.exitCode !== 0) failures[i] = `exit ${m.exitCode}`;
      samples[i]!.push(m);
      log(`  round ${r + 1}/${rounds}  --parallel ${v.parallel}: ${round(m.wallMs)} ms, ${m.requests} requests`);
    }
  }
  return variants.map((v, i) => {
    const s = samples[i]!;
    const ratio = round(median(s.map((m) => m.wallMs / (m.requests * latencyMs))), 2);
    return {
      variant: v.variant,
      parallel: v.parallel,
      medianWallMs: round(median(s.map((m) => m.wallMs))),
      medianRequests: round(median(s.map((m) => m.requests))),
      ratio,
      ...(v.goal !== undefined ? { goal: v.goal, met: ratio <= v.goal && !failures[i] } : {}),
      ...(failures[i] ? { invalid: failures[i] } : {}),
    };
  });
}
