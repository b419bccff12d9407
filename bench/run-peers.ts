// Section 2 of the benchmark: a full conformance run and its peers, each a fresh `node` process
// timed from spawn to exit, interleaved round by round. Every entry of `runVariants` is one
// peer; ratios are always "variant wall time / live run wall time" of the same round.
//
// To add a peer (e.g. the recorded run) add ONE entry to `runVariants`; the table, the JSON and
// the ratio follow. See `recordedVsLive` below for where its ratio is read out.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunVariantContext {
  /** dist/ of this build (`dist/src/cli.js`, `dist/bench/...`). */
  distDir: string;
  /** A scratch directory of this round and variant, empty at start. */
  workDir: string;
  /** Requests the calibration live run sent (counted by count-requests.js). */
  liveRequests: number;
}

export interface RunVariant {
  id: string;
  label: string;
  /** Arguments to `node`, after the request-counting preload. */
  args(ctx: RunVariantContext): string[];
  /** The variant's own measure of its work in ms (without process start-up), if it has one. */
  innerMs?(ctx: RunVariantContext, stdout: string): number | undefined;
  /** A problem that makes the measurement invalid (wrong exit code, failed verdict), or undefined. */
  check?(ctx: RunVariantContext, exitCode: number | null, stdout: string): string | undefined;
  /** A bound on "this variant / live run" from the project's goals, if there is one. */
  target?: { max?: number; min?: number; source: string };
}

export const baselineId = 'live-run';

function conformanceReport(ctx: RunVariantContext): { durationMs?: number; verdict?: string } | undefined {
  const file = join(ctx.workDir, 'pat-conformance.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { durationMs?: number; verdict?: string }) : undefined;
}

function checkConformantRun(ctx: RunVariantContext, exitCode: number | null): string | undefined {
  if (exitCode !== 0) return `exit code ${exitCode}, expected 0`;
  const verdict = conformanceReport(ctx)?.verdict;
  return verdict === 'conformant' ? undefined : `verdict ${verdict ?? 'missing'}, expected conformant`;
}

export const runVariants: RunVariant[] = [
  {
    id: baselineId,
    label: 'live run: `run --quiet` (embedded reference, all scenarios)',
    args: (ctx) => [join(ctx.distDir, 'src/cli.js'), 'run', '--quiet', '--out', ctx.workDir],
    innerMs: (ctx) => conformanceReport(ctx)?.durationMs,
    check: (ctx, exitCode) => checkConformantRun(ctx, exitCode),
  },
  {
    id: 'plain-sequence',
    label: 'plain sequence: same number of requests, one at a time, reference in-process',
    args: (ctx) => [join(ctx.distDir, 'bench/sequence-peer.js'), String(ctx.liveRequests)],
    innerMs: (_ctx, stdout) => (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { elapsedMs?: number }).elapsedMs,
    check: (_ctx, exitCode, stdout) => {
      if (exitCode !== 0) return `exit code ${exitCode}, expected 0`;
      const failures = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { failures?: number }).failures;
      return failures === 0 ? undefined : `${failures ?? '?'} requests did not answer 200`;
    },
  },
  {
    id: 'recorded-run',
    label: 'recorded run: `run --quiet --record <dir>` (embedded reference, all scenarios)',
    args: (ctx) => [join(ctx.distDir, 'src/cli.js'), 'run', '--quiet', '--out', ctx.workDir, '--record', join(ctx.workDir, 'recording')],
    innerMs: (ctx) => conformanceReport(ctx)?.durationMs,
    check: (ctx, exitCode) => checkConformantRun(ctx, exitCode),
    target: { max: 1.2, source: 'goal: recording a full run costs at most 1.2x a live run' },
  },
];

export interface VariantRatio {
  variant: string;
  perRound: number[];
  median: number;
  target?: RunVariant['target'];
  met?: boolean;
}

/** The "recorded run / live run" ratio, once a `recorded-run` variant exists; null until then. */
export function recordedVsLive(ratios: readonly VariantRatio[]): VariantRatio | null {
  return ratios.find((r) => r.variant === 'recorded-run') ?? null;
}
