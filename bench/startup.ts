// Start-up as a user meets it: `pat-conformance --help` and the embedded default run, each a
// fresh process, against `node -e 0` (Node's own start-up) in the same run, alternating, medians.
// The ratios are the project's goals for the first experience (issue "Performance"): --help at
// most 2.5x Node's start-up, the embedded run at most 12x. A third row, with no goal of its own,
// shows what --help costs when yargs renders it (a terminal width with no page rendered at build
// time, src/help-pages.ts): a PAT_CONFORMANCE_ variable sends it that way.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, round } from './stats.js';

export interface StartupRow {
  measure: string;
  medianMs: number;
  peerMs: number;
  ratio: number;
  /** Absent for a row shown beside the goals, not one of them. */
  goal?: number;
  met?: boolean;
  /** A measurement whose exit code was not 0 is not a measurement. */
  invalid?: string;
}

function wall(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', ...env } });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ ms: performance.now() - started, exitCode }));
  });
}

export async function benchStartup(cliPath: string, rounds: number): Promise<StartupRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'patc-bench-startup-'));
  const measures: { measure: string; args: string[]; goal?: number; env?: NodeJS.ProcessEnv }[] = [
    { measure: '`pat-conformance --help` / `node -e 0`', args: [cliPath, '--help'], goal: 2.5 },
    { measure: 'embedded `run` / `node -e 0`', args: [cliPath, 'run', '--quiet', '--out', out], goal: 12 },
    {
      measure: '`run --help` rendered by yargs / `node -e 0`',
      args: [cliPath, 'run', '--help'],
      env: { PAT_CONFORMANCE_QUIET: 'false' },
    },
  ];
  const node: number[] = [];
  const samples = measures.map(() => [] as number[]);
  const failures: string[] = measures.map(() => '');
  try {
    for (let round_ = 0; round_ < rounds; round_++) {
      // Alternating, so that a slow moment of the shared machine hits every measure alike.
      node.push((await wall(['-e', '0'])).ms);
      for (const [i, m] of measures.entries()) {
        const { ms, exitCode } = await wall(m.args, m.env);
        if (exitCode !== 0) failures[i] = `exit ${exitCode}`;
        samples[i]!.push(ms);
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const peerMs = median(node);
  return measures.map((m, i) => {
    const medianMs = median(samples[i]!);
    const ratio = round(medianMs / peerMs, 2);
    return {
      measure: m.measure,
      medianMs: round(medianMs),
      peerMs: round(peerMs),
      ratio,
      ...(m.goal === undefined ? {} : { goal: m.goal, met: ratio <= m.goal && !failures[i] }),
      ...(failures[i] ? { invalid: failures[i] } : {}),
    };
  });
}
