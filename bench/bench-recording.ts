// What recording and replay cost: a full run against the embedded reference, live, recorded and
// replayed, alternated N times with the same seed (`node dist/bench/bench-recording.js [N]`).
// Prints medians of the process's wall time and of the run's own duration (report durationMs).
// A benchmark, never a timed unit test: the numbers depend on the machine and its load.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.js', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; wallMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, wallMs: performance.now() - started }));
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const work = await mkdtemp(join(tmpdir(), 'patc-bench-rec-'));
  const recording = join(work, 'recording');
  const results: Record<'live' | 'record' | 'replay', { wall: number[]; run: number[] }> = {
    live: { wall: [], run: [] },
    record: { wall: [], run: [] },
    replay: { wall: [], run: [] },
  };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const mode of ['live', 'record', 'replay'] as const) {
        const out = join(work, mode);
        const args =
          mode === 'replay'
            ? ['run', '--replay', recording, '--quiet', '--out', out]
            : ['run', '--seed', '4242', '--quiet', '--out', out, ...(mode === 'record' ? ['--record', recording] : [])];
        const { code, wallMs } = await run(args);
        if (code !== 0) throw new Error(`${mode} run exited ${code}`);
        const report = JSON.parse(await readFile(join(out, 'pat-conformance.json'), 'utf8')) as { durationMs: number };
        results[mode].wall.push(wallMs);
        results[mode].run.push(report.durationMs);
      }
    }
    const live = results.live;
    for (const [mode, r] of Object.entries(results)) {
      const wall = median(r.wall);
      const runMs = median(r.run);
      process.stdout.write(
        `${mode.padEnd(7)} wall ${wall.toFixed(0).padStart(6)} ms (${(wall / median(live.wall)).toFixed(2)}x live)   run ${runMs.toFixed(0).padStart(6)} ms (${(runMs / median(live.run)).toFixed(2)}x live)\n`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-recording: ${(error as Error).message}\n`);
  process.exit(1);
});
