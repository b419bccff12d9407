// Section 4 of the benchmark: the recording proxy (`pat-conformance proxy --record`) under load.
//
// Target: the reference implementation, `pat-conformance serve --rate 0 --max-in-flight 0`, in a
// child process of its own, started once for the section (its state stays small: every session
// deletes the token it created). Not the bare server of section 1: a proxy's recording cost
// depends on what it records, and the reference answers a realistic mix (create, delete, list)
// whose creates each teach the proxy a secret it must redact from then on: the honest worst case.
// Load: proxy-load.ts (autocannon, 10 connections), a fresh child process per measurement.
//
//   throughput  the same load for the same time against the reference directly, through a bare
//               forwarding peer (forward-peer.ts: the proxy's forwarding, no recording) and
//               through a fresh `proxy --record` process, the order rotated every round,
//               `--proxy-rounds` rounds; per round proxy / direct (goal >= 0.5), proxy /
//               forward-only (what recording costs) and forward-only / direct; medians.
//   scale       a fixed count of exchanges (`--proxy-exchanges`, default 50 000 and 100 000)
//               through a fresh proxy: the rate over the first 10 000 and over the last 10 000
//               (end / start should be about 1), the proxy's RSS sampled from /proc as the load
//               runs (at 10 000 and at the end: flat), its peak RSS (getrusage, peak-rss.ts;
//               goal <= 200 MiB), the time `stop` (SIGINT) takes to write the recording, and
//               `pat-conformance check` of the recording (exit 0), `--proxy-scale-rounds` rounds.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { markEvery, proxyConnections, type ProxyLoadResult } from './proxy-load.js';
import { median, round, table } from './stats.js';

export const throughputGoal = 0.5;
export const peakRssGoalMiB = 200;

export interface ProxyBenchOptions {
  distDir: string;
  benchDir: string;
  scratch: string;
  seconds: number;
  rounds: number;
  exchanges: number[];
  scaleRounds: number;
  log: (line: string) => void;
}

interface Listening {
  child: ChildProcess;
  url: string;
  exited: Promise<{ exitCode: number | null; stderr: string }>;
}

/** Start a CLI command that prints "listening on URL"; the URL once it does. */
function startListening(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Listening> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ exitCode: number | null; stderr: string }>((resolve) =>
    child.on('close', (exitCode) => resolve({ exitCode, stderr })),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, exited });
    });
    child.on('error', reject);
    void exited.then(({ exitCode }) => reject(new Error(`${args.join(' ')} exited (${exitCode}) before listening: ${stderr.trim()}`)));
  });
}

function runNodeJson<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
}

function runNodeExit(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

/** The process's resident set from /proc (Linux), in MiB; undefined elsewhere. */
function rssMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface ProxyRun {
  proxy: Listening;
  recording: string;
  rssFile: string;
}

let runCounter = 0;

async function startProxy(opts: ProxyBenchOptions, target: string): Promise<ProxyRun> {
  const id = ++runCounter;
  const recording = join(opts.scratch, `proxy-${id}`);
  const rssFile = join(opts.scratch, `proxy-${id}.rss.json`);
  const preload = pathToFileURL(join(opts.benchDir, 'peak-rss.js')).href;
  const proxy = await startListening(
    [
      '--import',
      preload,
      join(opts.distDir, 'src', 'cli.js'),
      'proxy',
      '--port',
      '0',
      '--quiet',
      '--target',
      target,
      '--record',
      recording,
    ],
    { ...process.env, BENCH_PEAK_RSS_FILE: rssFile },
  );
  return { proxy, recording, rssFile };
}

/** SIGINT, then wait for the recording to be written: how long that took, the exit code, peak RSS. */
async function stopProxy(run: ProxyRun): Promise<{ stopMs: number; exitCode: number | null; peakRssMiB?: number; stderr: string }> {
  const started = performance.now();
  run.proxy.child.kill('SIGINT');
  const { exitCode, stderr } = await run.proxy.exited;
  const stopMs = performance.now() - started;
  const peak = existsSync(run.rssFile)
    ? (JSON.parse(readFileSync(run.rssFile, 'utf8')) as { maxRssKiB: number }).maxRssKiB / 1024
    : undefined;
  return { stopMs, exitCode, ...(peak === undefined ? {} : { peakRssMiB: peak }), stderr };
}

function load(opts: ProxyBenchOptions, mode: 'duration' | 'amount', url: string, size: number): Promise<ProxyLoadResult> {
  return runNodeJson<ProxyLoadResult>([join(opts.benchDir, 'proxy-load.js'), mode, url, String(size)]);
}

const sides = ['direct', 'forward-only', 'proxy-record'] as const;
type Side = (typeof sides)[number];

interface ThroughputRound {
  round: number;
  order: Side[];
  results: Record<Side, ProxyLoadResult>;
  /** proxy --record / direct: the goal. */
  ratio: number;
  /** proxy --record / forward-only: what recording costs. */
  overForwardOnly: number;
  /** forward-only / direct: what a process in between costs here, recording or not. */
  forwardOnlyOverDirect: number;
  problem?: string;
}

interface ScaleRun {
  round: number;
  exchanges: number;
  recorded?: number;
  startRate: number;
  endRate: number;
  endOverStart: number;
  rssAt10kMiB?: number;
  rssAtEndMiB?: number;
  rssSamples: Array<[ms: number, mib: number]>;
  peakRssMiB?: number;
  stopMs: number;
  checkExitCode: number | null;
  problem?: string;
}

const fmt = (n: number | undefined, digits = 0): string => (n !== undefined && Number.isFinite(n) ? round(n, digits).toFixed(digits) : '-');

export async function benchProxy(opts: ProxyBenchOptions): Promise<Record<string, unknown>> {
  const reference = await startListening([
    join(opts.distDir, 'src', 'cli.js'),
    'serve',
    '--port',
    '0',
    '--rate',
    '0',
    '--max-in-flight',
    '0',
  ]);
  try {
    opts.log(
      `proxy: reference at ${reference.url}; ${opts.rounds} throughput rounds of about ${opts.seconds} s per side (${sides.join(', ')})`,
    );
    const rounds: ThroughputRound[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      // Rotate the order every round so that no side always runs first or last.
      const order = sides.map((_, i) => sides[(i + r) % sides.length]!);
      const results: Partial<Record<Side, ProxyLoadResult>> = {};
      const problems: string[] = [];
      for (const side of order) {
        if (side === 'direct') {
          results[side] = await load(opts, 'duration', reference.url, opts.seconds);
        } else if (side === 'forward-only') {
          const peer = await startListening([join(opts.benchDir, 'forward-peer.js'), reference.url]);
          try {
            results[side] = await load(opts, 'duration', peer.url, opts.seconds);
          } finally {
            peer.child.kill('SIGTERM');
            await peer.exited;
          }
        } else {
          const run = await startProxy(opts, reference.url);
          results[side] = await load(opts, 'duration', run.proxy.url, opts.seconds);
          const stopped = await stopProxy(run);
          if (stopped.exitCode !== 0) problems.push(`proxy exited ${stopped.exitCode}: ${stopped.stderr.trim().slice(0, 300)}`);
        }
        if (results[side]!.failures > 0) problems.push(`${side}: ${results[side]!.failures} failed requests`);
      }
      const all = results as Record<Side, ProxyLoadResult>;
      const rate = (side: Side): number => all[side].requestsPerSecond;
      const round_: ThroughputRound = {
        round: r + 1,
        order,
        results: all,
        ratio: rate('proxy-record') / rate('direct'),
        overForwardOnly: rate('proxy-record') / rate('forward-only'),
        forwardOnlyOverDirect: rate('forward-only') / rate('direct'),
        ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
      };
      rounds.push(round_);
      opts.log(
        `  round ${r + 1}/${opts.rounds}  direct ${fmt(rate('direct'))}  forward-only ${fmt(rate('forward-only'))}  proxy --record ${fmt(rate('proxy-record'))} req/s` +
          `  record/direct ${fmt(round_.ratio, 2)}${round_.problem ? `  INVALID: ${round_.problem}` : ''}`,
      );
    }

    const scale: ScaleRun[] = [];
    for (let r = 0; r < opts.scaleRounds; r++) {
      // Alternate the order of the sizes too, so neither always runs on a warmer machine.
      const sizes = r % 2 === 0 ? opts.exchanges : [...opts.exchanges].reverse();
      for (const exchanges of sizes) {
        const run = await startProxy(opts, reference.url);
        const pid = run.proxy.child.pid!;
        const samples: Array<[number, number]> = [];
        const timer = setInterval(() => {
          const mib = rssMiB(pid);
          if (mib !== undefined) samples.push([Date.now(), mib]);
        }, 250);
        let result: ProxyLoadResult;
        try {
          result = await load(opts, 'amount', run.proxy.url, exchanges);
        } finally {
          clearInterval(timer);
        }
        const stopped = await stopProxy(run);
        const checkExitCode = await runNodeExit([
          join(opts.distDir, 'src', 'cli.js'),
          'check',
          run.recording,
          '--quiet',
          '--out',
          `${run.recording}-check`,
        ]);
        let recorded: number | undefined;
        try {
          const meta = JSON.parse(readFileSync(join(run.recording, 'meta.json'), 'utf8')) as { segments: Array<{ exchanges: number }> };
          recorded = meta.segments.reduce((n, s) => n + s.exchanges, 0);
        } catch {
          recorded = undefined;
        }
        const marks = result.marks ?? [];
        const rateOver = (from: number): number => (markEvery / (marks[from + 1]! - marks[from]!)) * 1000;
        const startRate = marks.length >= 2 ? rateOver(0) : Number.NaN;
        const endRate = marks.length >= 2 ? rateOver(marks.length - 2) : Number.NaN;
        const nearest = (at: number | undefined): number | undefined => {
          if (at === undefined || samples.length === 0) return undefined;
          return samples.reduce((best, s) => (Math.abs(s[0] - at) < Math.abs(best[0] - at) ? s : best))[1];
        };
        const problems = [
          stopped.exitCode !== 0 ? `proxy exited ${stopped.exitCode}: ${stopped.stderr.trim().slice(0, 300)}` : undefined,
          result.failures > 0 ? `${result.failures} failed requests` : undefined,
          checkExitCode !== 0 ? `check exited ${checkExitCode}` : undefined,
          recorded !== exchanges ? `the recording holds ${recorded ?? 'no'} exchanges, not ${exchanges}` : undefined,
        ].filter(Boolean);
        const m: ScaleRun = {
          round: r + 1,
          exchanges,
          recorded,
          startRate,
          endRate,
          endOverStart: endRate / startRate,
          rssAt10kMiB: nearest(marks[1]),
          rssAtEndMiB: nearest(marks.at(-1)),
          rssSamples: samples.map(([t, mib]) => [t - (marks[0] ?? t), round(mib, 1)]),
          ...(stopped.peakRssMiB === undefined ? {} : { peakRssMiB: stopped.peakRssMiB }),
          stopMs: stopped.stopMs,
          checkExitCode,
          ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
        };
        scale.push(m);
        opts.log(
          `  scale ${r + 1}/${opts.scaleRounds}  ${exchanges} exchanges: ${fmt(startRate)} -> ${fmt(endRate)} req/s (first/last ${markEvery}), ` +
            `RSS ${fmt(m.rssAt10kMiB)} -> ${fmt(m.rssAtEndMiB)} MiB, peak ${fmt(m.peakRssMiB)} MiB, stop ${fmt(m.stopMs)} ms, check exit ${checkExitCode}` +
            `${m.problem ? `  INVALID: ${m.problem}` : ''}`,
        );
      }
    }

    const ratio = median(rounds.map((r) => r.ratio));
    const throughputMet = ratio >= throughputGoal;
    console.log(
      `\n4. Recording proxy: the reference (serve --rate 0) direct vs through a fresh \`proxy --record\`, ${proxyConnections} connections (autocannon), create/delete/list sessions`,
    );
    const medianOf = (f: (r: ThroughputRound) => number): number => median(rounds.map(f));
    const roundsOf = (f: (r: ThroughputRound) => number, digits = 0): string => rounds.map((r) => fmt(f(r), digits)).join(' ');
    console.log(
      table([
        ['measure (same load, same duration)', 'median', 'rounds', 'goal', ''],
        ...sides.map((side) => [
          `${side} req/s`,
          fmt(medianOf((r) => r.results[side].requestsPerSecond)),
          roundsOf((r) => r.results[side].requestsPerSecond),
          '',
          '',
        ]),
        ['proxy --record / direct', fmt(ratio, 2), roundsOf((r) => r.ratio, 2), `>= ${throughputGoal}`, throughputMet ? 'met' : 'NOT met'],
        [
          'proxy --record / forward-only (recording)',
          fmt(
            medianOf((r) => r.overForwardOnly),
            2,
          ),
          roundsOf((r) => r.overForwardOnly, 2),
          '',
          '',
        ],
        [
          'forward-only / direct (a proxy at all)',
          fmt(
            medianOf((r) => r.forwardOnlyOverDirect),
            2,
          ),
          roundsOf((r) => r.forwardOnlyOverDirect, 2),
          '',
          '',
        ],
      ]),
    );
    const perSize = opts.exchanges.map((exchanges) => {
      const runs = scale.filter((s) => s.exchanges === exchanges);
      const peak = median(runs.flatMap((s) => (s.peakRssMiB === undefined ? [] : [s.peakRssMiB])));
      const summary = {
        exchanges,
        startRate: median(runs.map((s) => s.startRate)),
        endRate: median(runs.map((s) => s.endRate)),
        endOverStart: median(runs.map((s) => s.endOverStart)),
        rssAt10kMiB: median(runs.flatMap((s) => (s.rssAt10kMiB === undefined ? [] : [s.rssAt10kMiB]))),
        rssAtEndMiB: median(runs.flatMap((s) => (s.rssAtEndMiB === undefined ? [] : [s.rssAtEndMiB]))),
        peakRssMiB: peak,
        peakMet: peak <= peakRssGoalMiB,
        stopMs: median(runs.map((s) => s.stopMs)),
        checksPassed: runs.every((s) => s.checkExitCode === 0),
      };
      return summary;
    });
    console.log('');
    console.log(
      table([
        [
          'exchanges',
          `req/s first ${markEvery}`,
          `req/s last ${markEvery}`,
          'end / start',
          `RSS at ${markEvery} MiB`,
          'RSS at end MiB',
          'end / 10k',
          'peak RSS MiB',
          'goal',
          '',
          'stop ms',
          'check',
        ],
        ...perSize.map((s) => [
          String(s.exchanges),
          fmt(s.startRate),
          fmt(s.endRate),
          fmt(s.endOverStart, 2),
          fmt(s.rssAt10kMiB),
          fmt(s.rssAtEndMiB),
          fmt(s.rssAtEndMiB / s.rssAt10kMiB, 2),
          fmt(s.peakRssMiB),
          `<= ${peakRssGoalMiB}`,
          s.peakMet ? 'met' : 'NOT met',
          fmt(s.stopMs),
          s.checksPassed ? 'exit 0' : 'FAILED',
        ]),
      ]),
    );
    console.log(
      `(medians of ${opts.scaleRounds} round${opts.scaleRounds === 1 ? '' : 's'}; the rates are read from the load's own completion times)`,
    );
    const invalid = rounds.filter((r) => r.problem).length + scale.filter((s) => s.problem).length;
    if (invalid > 0) console.log(`WARNING: ${invalid} measurements were invalid (see reports JSON)`);

    return {
      target: 'pat-conformance serve --rate 0 --max-in-flight 0, own child process',
      connections: proxyConnections,
      secondsPerMeasurement: opts.seconds,
      throughput: {
        rounds,
        medianRatio: ratio,
        goal: { min: throughputGoal },
        met: throughputMet,
        medianOverForwardOnly: median(rounds.map((r) => r.overForwardOnly)),
        medianForwardOnlyOverDirect: median(rounds.map((r) => r.forwardOnlyOverDirect)),
      },
      scale: { runs: scale, summary: perSize, peakRssGoalMiB },
      invalid,
    };
  } finally {
    reference.child.kill('SIGTERM');
    await reference.exited;
  }
}
