// `npm run bench`: the project's performance figures, always measured side by side with a peer
// in the same run and reported as ratios (the machine is shared and noisy; absolute numbers
// from another run, or a timing threshold in a unit test, would say nothing). Where there is no
// peer, a plain measured value is printed with its goal.
//
//   1. Throughput: the burst driver (runBurst + Transport) vs autocannon vs a raw undici Pool,
//      against a bare node:http server in a child process, same duration, interleaved.
//   2. A full conformance run vs its peers (run-peers.ts), each a fresh process, interleaved.
//   0. Start-up (startup.ts): `--help` and the embedded default run against `node -e 0`.
//   5. A full run against a target 50 ms away (latency-run.ts): --parallel 1 and the default.
//   3. Hostile targets (hostile.ts): how long the runner takes to give up on a silent, dripping,
//      vanishing or always-throttling target, its peak RSS against a 4 GiB body, and how long
//      `serve` takes to stop with connections open; each a fresh process, interleaved.
//   4. The recording proxy (proxy-scale.ts): `proxy --record` vs the reference direct
//      (throughput, alternating), and 50 000 / 100 000 exchanges through it (rate at the start
//      and at the end, RSS, peak RSS, time to stop, `check` of the recording).
//
// Options (after `npm run bench --`): --rounds N (throughput rounds, default 5), --seconds S
// (length of one throughput measurement, default 2), --run-rounds N (default 5),
// --hostile-rounds N (default 3), --startup-rounds N (default 5), --proxy-rounds N (default 5),
// --proxy-seconds S (default 5), --proxy-exchanges N,N (default 50000,100000), --proxy-scale-rounds N
// (default 3), --only startup|throughput|run|hostile|proxy, --out FILE (default reports/bench.json).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { clientKinds, connections, type ClientKind, type LoadResult } from './load-client.js';
import { benchHostile } from './hostile.js';
import { benchProxy } from './proxy-scale.js';
import { benchStartup } from './startup.js';
import { benchLatencyRun, latencyMs } from './latency-run.js';
import { runDefaults } from '../src/run-defaults.js';
import { baselineId, recordedVsLive, runVariants, type RunVariantContext, type VariantRatio } from './run-peers.js';
import { median, round, table } from './stats.js';
import { goalRows } from './goals.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const distDir = resolve(benchDir, '..');
const repoDir = resolve(distDir, '..');

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
    'run-rounds': { type: 'string', default: '5' },
    'hostile-rounds': { type: 'string', default: '3' },
    'startup-rounds': { type: 'string', default: '5' },
    'latency-rounds': { type: 'string', default: '3' },
    'proxy-rounds': { type: 'string', default: '5' },
    'proxy-seconds': { type: 'string', default: '5' },
    'proxy-exchanges': { type: 'string', default: '50000,100000' },
    'proxy-scale-rounds': { type: 'string', default: '3' },
    only: { type: 'string' },
    out: { type: 'string', default: join(repoDir, 'reports', 'bench.json') },
  },
});
const rounds = positiveInt(flags.rounds, '--rounds');
const seconds = Number(flags.seconds);
const runRounds = positiveInt(flags['run-rounds'], '--run-rounds');
const hostileRounds = positiveInt(flags['hostile-rounds'], '--hostile-rounds');
const startupRounds = positiveInt(flags['startup-rounds'], '--startup-rounds');
const latencyRounds = positiveInt(flags['latency-rounds'], '--latency-rounds');
const proxyRounds = positiveInt(flags['proxy-rounds'], '--proxy-rounds');
const proxySeconds = Number(flags['proxy-seconds']);
const proxyExchanges = (flags['proxy-exchanges'] ?? '').split(',').map((n) => positiveInt(n.trim(), '--proxy-exchanges'));
const proxyScaleRounds = positiveInt(flags['proxy-scale-rounds'], '--proxy-scale-rounds');
if (!(seconds > 0)) fail('--seconds must be a positive number');
if (!(proxySeconds > 0)) fail('--proxy-seconds must be a positive number');
// The rates at the start and at the end are each over 10 000 exchanges, and must not overlap.
if (proxyExchanges.some((n) => n < 20_000)) fail('--proxy-exchanges must each be at least 20000');
const sections = ['startup', 'throughput', 'run', 'hostile', 'latency', 'proxy'] as const;
if (flags.only !== undefined && !(sections as readonly string[]).includes(flags.only)) fail(`--only must be one of ${sections.join(', ')}`);
const runs = (section: (typeof sections)[number]): boolean => flags.only === undefined || flags.only === section;

function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive integer`);
  return n;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

interface ProcessOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessOutcome> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolvePromise({ exitCode, stdout, stderr, wallMs: performance.now() - started }));
  });
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? round(n, digits).toFixed(digits) : '-');

// ---------------------------------------------------------------------------------------------
// 1. Throughput: burst driver vs autocannon (and a raw undici Pool), bare server in a child
// ---------------------------------------------------------------------------------------------

const baseKind: ClientKind = 'autocannon';
const throughputTargets: Partial<Record<ClientKind, { min: number; source: string }>> = {
  driver: { min: 0.8, source: 'goal: the burst driver reaches at least 0.8 of autocannon' },
};
/** What the Transport wrapper may cost over undici itself: driver / undici-dispatch in req/s. */
const overUndiciGoal = { min: 0.9, source: "goal: the burst driver keeps at least 0.9 of undici dispatch()'s req/s" };

async function startBareServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [join(benchDir, 'bare-server.js')], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolvePromise, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      const nl = buffered.indexOf('\n');
      if (nl >= 0) resolvePromise((JSON.parse(buffered.slice(0, nl)) as { url: string }).url);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function loadClient(kind: ClientKind, url: string, secondsEach: number): Promise<LoadResult> {
  const outcome = await runNode([join(benchDir, 'load-client.js'), kind, url, String(secondsEach)]);
  if (outcome.exitCode !== 0) throw new Error(`load client ${kind} failed (${outcome.exitCode}): ${outcome.stderr.trim()}`);
  return JSON.parse(outcome.stdout.trim().split('\n').pop()!) as LoadResult;
}

/**
 * The clients' order in round `r`. driver and undici-dispatch, whose req/s ratio is a goal, always
 * run one right after the other, and which of them goes first alternates, as do the others'
 * places: a slow stretch of the shared machine then hits both sides of that ratio alike, and
 * neither is always first or last. (A plain rotation put another client between them, seconds
 * apart; one round's ratio then swung with whatever else ran in between.)
 */
function roundOrder(r: number): ClientKind[] {
  const forward: ClientKind[] = ['autocannon', 'driver', 'undici-dispatch', 'undici-pool'];
  const order = r % 2 === 0 ? forward : [...forward].reverse();
  if (order.length !== clientKinds.length || !clientKinds.every((k) => order.includes(k))) throw new Error('roundOrder misses a client');
  return order;
}

async function benchThroughput(): Promise<Record<string, unknown>> {
  const server = await startBareServer();
  try {
    log(`throughput: bare server at ${server.url}; ${rounds} rounds of ${clientKinds.length} clients, about ${seconds} s each`);

    const roundResults: { round: number; order: ClientKind[]; results: Partial<Record<ClientKind, LoadResult>> }[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = roundOrder(r);
      const results: Partial<Record<ClientKind, LoadResult>> = {};
      for (const kind of order) {
        const result = await loadClient(kind, server.url, seconds);
        results[kind] = result;
        log(
          `  round ${r + 1}/${rounds}  ${kind.padEnd(18)} ${fmt(result.requestsPerSecond).padStart(7)} req/s${result.failures ? `  (${result.failures} failures!)` : ''}`,
        );
      }
      roundResults.push({ round: r + 1, order, results });
    }

    const medians = Object.fromEntries(
      clientKinds.map((k) => [k, median(roundResults.map((r) => r.results[k]!.requestsPerSecond))]),
    ) as Record<ClientKind, number>;
    const ratios = clientKinds
      .filter((k) => k !== baseKind)
      .map((k) => {
        const perRound = roundResults.map((r) => r.results[k]!.requestsPerSecond / r.results[baseKind]!.requestsPerSecond);
        const m = median(perRound);
        const target = throughputTargets[k];
        return { ratio: `${k}/${baseKind}`, perRound, median: m, ...(target ? { target, met: m >= target.min } : {}) };
      });
    const medianCpu = Object.fromEntries(
      clientKinds.map((k) => [k, median(roundResults.map((r) => r.results[k]!.cpuMicrosPerRequest))]),
    ) as Record<ClientKind, number>;
    const cpuRatios = clientKinds
      .filter((k) => k !== baseKind)
      .map((k) => {
        const perRound = roundResults.map((r) => r.results[k]!.cpuMicrosPerRequest / r.results[baseKind]!.cpuMicrosPerRequest);
        return { ratio: `${k}/${baseKind}`, perRound, median: median(perRound) };
      });
    // What Transport and runBurst cost over undici itself (its dispatch() with a bare handler).
    const overUndici = {
      requestsPerSecond: roundResults.map((r) => r.results.driver!.requestsPerSecond / r.results['undici-dispatch']!.requestsPerSecond),
      cpuMicrosPerRequest: roundResults.map(
        (r) => r.results.driver!.cpuMicrosPerRequest / r.results['undici-dispatch']!.cpuMicrosPerRequest,
      ),
    };
    const failures = roundResults.reduce((sum, r) => sum + Object.values(r.results).reduce((s, x) => s + x.failures, 0), 0);

    const rows = [
      [
        'client (same server, same duration)',
        'median req/s',
        `/ ${baseKind} (median of rounds)`,
        'client CPU us/req',
        `/ ${baseKind}`,
        'rounds (req/s)',
      ],
    ];
    for (const k of clientKinds) {
      const ratio = ratios.find((x) => x.ratio.startsWith(`${k}/`));
      const mark = ratio?.target
        ? ratio.met
          ? `  (target >= ${ratio.target.min}: met)`
          : `  (target >= ${ratio.target.min}: NOT met)`
        : '';
      const cpuRatio = cpuRatios.find((x) => x.ratio.startsWith(`${k}/`));
      rows.push([
        k,
        fmt(medians[k]),
        ratio ? `${fmt(ratio.median, 2)}${mark}` : '1.00',
        fmt(medianCpu[k], 1),
        cpuRatio ? fmt(cpuRatio.median, 2) : '1.00',
        roundResults.map((r) => fmt(r.results[k]!.requestsPerSecond)).join(' '),
      ]);
    }
    console.log(
      `\n1. Throughput: bare node:http server (child process), ${connections} connections, about ${seconds} s per measurement, ${rounds} rounds interleaved`,
    );
    console.log(table(rows));
    const overUndiciMedian = median(overUndici.requestsPerSecond);
    const overUndiciMet = overUndiciMedian >= overUndiciGoal.min;
    console.log(
      `driver / undici-dispatch (what the Transport wrapper keeps of undici's own speed): req/s ${fmt(overUndiciMedian, 2)} ` +
        `(goal >= ${overUndiciGoal.min}: ${overUndiciMet ? 'met' : 'NOT met'}), ` +
        `CPU per request ${fmt(median(overUndici.cpuMicrosPerRequest), 2)} (medians of per-round ratios; ` +
        `req/s per round: ${overUndici.requestsPerSecond.map((r) => fmt(r, 2)).join(' ')}; the req/s ratio is noisy, CPU per request the steadier figure)`,
    );
    if (failures > 0) console.log(`WARNING: ${failures} requests failed; the figures above are not valid`);

    return {
      server: 'bare node:http, 200 {} to anything, own child process',
      connections,
      secondsPerMeasurement: seconds,
      rounds: roundResults,
      medianRequestsPerSecond: medians,
      ratios,
      medianCpuMicrosPerRequest: medianCpu,
      cpuRatios,
      driverOverUndiciDispatch: {
        requestsPerSecond: {
          perRound: overUndici.requestsPerSecond,
          median: overUndiciMedian,
          target: overUndiciGoal,
          met: overUndiciMet,
        },
        cpuMicrosPerRequest: { perRound: overUndici.cpuMicrosPerRequest, median: median(overUndici.cpuMicrosPerRequest) },
      },
      failures,
    };
  } finally {
    server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. A full conformance run vs its peers (run-peers.ts)
// ---------------------------------------------------------------------------------------------

interface VariantMeasurement {
  round: number;
  variant: string;
  wallMs: number;
  innerMs?: number;
  requests?: number;
  requestsPerSecond?: number;
  problem?: string;
}

async function runVariant(id: string, ctx: RunVariantContext): Promise<VariantMeasurement & { stdout: string }> {
  const variant = runVariants.find((v) => v.id === id)!;
  mkdirSync(ctx.workDir, { recursive: true });
  const countFile = join(ctx.workDir, 'request-count.json');
  const hook = pathToFileURL(join(benchDir, 'count-requests.js')).href;
  const outcome = await runNode(['--import', hook, ...variant.args(ctx)], {
    ...process.env,
    BENCH_REQUEST_COUNT_FILE: countFile,
    NO_COLOR: '1',
  });
  let requests: number | undefined;
  try {
    requests = (JSON.parse(readFileSync(countFile, 'utf8')) as { requests: number }).requests;
  } catch {
    requests = undefined;
  }
  const problem = variant.check?.(ctx, outcome.exitCode, outcome.stdout) ?? undefined;
  return {
    round: 0,
    variant: id,
    wallMs: outcome.wallMs,
    innerMs: variant.innerMs?.(ctx, outcome.stdout),
    requests,
    requestsPerSecond: requests === undefined ? undefined : (requests / outcome.wallMs) * 1000,
    ...(problem ? { problem: `${problem}${outcome.stderr ? `; stderr: ${outcome.stderr.trim().slice(0, 300)}` : ''}` } : {}),
    stdout: outcome.stdout,
  };
}

async function benchRun(): Promise<Record<string, unknown>> {
  const scratch = mkdtempSync(join(tmpdir(), 'patc-bench-'));
  try {
    log(`run: calibration live run (counts its requests; not in the medians)...`);
    const calibration = await runVariant(baselineId, { distDir, workDir: join(scratch, 'calibration'), liveRequests: 0 });
    if (calibration.problem || calibration.requests === undefined)
      throw new Error(`the calibration live run failed: ${calibration.problem ?? 'no request count'}`);
    const liveRequests = calibration.requests;
    log(`run: the live run sent ${liveRequests} requests; ${runRounds} rounds of ${runVariants.length} variants`);

    const measurements: VariantMeasurement[] = [];
    const ids = runVariants.map((v) => v.id);
    for (let r = 0; r < runRounds; r++) {
      const order = ids.map((_, i) => ids[(i + r) % ids.length]!);
      for (const id of order) {
        const { stdout: _stdout, ...m } = await runVariant(id, { distDir, workDir: join(scratch, `r${r + 1}-${id}`), liveRequests });
        measurements.push({ ...m, round: r + 1 });
        log(
          `  round ${r + 1}/${runRounds}  ${id.padEnd(16)} ${fmt(m.wallMs).padStart(6)} ms wall, ${m.requests ?? '?'} requests${m.problem ? `  INVALID: ${m.problem}` : ''}`,
        );
      }
    }

    const of = (id: string): VariantMeasurement[] => measurements.filter((m) => m.variant === id);
    const ratios: VariantRatio[] = runVariants
      .filter((v) => v.id !== baselineId)
      .map((v) => {
        const perRound = of(v.id).map((m) => m.wallMs / of(baselineId).find((b) => b.round === m.round)!.wallMs);
        const m = median(perRound);
        const met = v.target
          ? (v.target.max === undefined || m <= v.target.max) && (v.target.min === undefined || m >= v.target.min)
          : undefined;
        return { variant: v.id, perRound, median: m, ...(v.target ? { target: v.target, met } : {}) };
      });
    const summary = runVariants.map((v) => {
      const ms = of(v.id);
      return {
        variant: v.id,
        label: v.label,
        medianWallMs: median(ms.map((m) => m.wallMs)),
        medianInnerMs: median(ms.flatMap((m) => (m.innerMs === undefined ? [] : [m.innerMs]))),
        medianRequests: median(ms.flatMap((m) => (m.requests === undefined ? [] : [m.requests]))),
        medianRequestsPerSecond: median(ms.flatMap((m) => (m.requestsPerSecond === undefined ? [] : [m.requestsPerSecond]))),
        invalid: ms.filter((m) => m.problem).length,
      };
    });

    const rows = [
      [
        'variant (fresh node process each)',
        'median wall ms',
        'inner ms',
        'requests',
        'req/s (wall)',
        `/ ${baselineId}`,
        'rounds (wall ms)',
      ],
    ];
    for (const s of summary) {
      const ratio = ratios.find((x) => x.variant === s.variant);
      const mark = ratio?.target
        ? `  (target ${ratio.target.max !== undefined ? `<= ${ratio.target.max}` : `>= ${ratio.target.min}`}: ${ratio.met ? 'met' : 'NOT met'})`
        : '';
      rows.push([
        s.variant,
        fmt(s.medianWallMs),
        fmt(s.medianInnerMs),
        fmt(s.medianRequests),
        fmt(s.medianRequestsPerSecond),
        ratio ? `${fmt(ratio.median, 2)}${mark}` : '1.00',
        of(s.variant)
          .map((m) => fmt(m.wallMs))
          .join(' '),
      ]);
    }
    console.log(
      `\n2. Full conformance run vs peers: ${runRounds} rounds interleaved; "inner" = the process's own measure without start-up`,
    );
    console.log(table(rows));
    const recorded = recordedVsLive(ratios);
    console.log(
      `recorded run / live run: ${recorded ? `${fmt(recorded.median, 2)}${recorded.target?.max !== undefined ? ` (target <= ${recorded.target.max}: ${recorded.met ? 'met' : 'NOT met'})` : ''}` : 'not measured yet (no recorded-run entry in bench/run-peers.ts)'}`,
    );
    const invalid = measurements.filter((m) => m.problem).length;
    if (invalid > 0) console.log(`WARNING: ${invalid} measurements were invalid (see reports JSON)`);

    return {
      variants: runVariants.map((v) => ({ id: v.id, label: v.label, target: v.target })),
      baseline: baselineId,
      calibration: { wallMs: calibration.wallMs, requests: liveRequests },
      rounds: measurements,
      summary,
      ratios,
      recordedVsLive: recorded,
      invalid,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Hostile targets (hostile.ts)
// ---------------------------------------------------------------------------------------------

async function benchHostileSection(): Promise<Record<string, unknown>> {
  const scratch = mkdtempSync(join(tmpdir(), 'patc-bench-hostile-'));
  try {
    return await benchHostile({ rounds: hostileRounds, distDir, benchDir, scratch, log });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 4. The recording proxy (proxy-scale.ts)
// ---------------------------------------------------------------------------------------------

async function benchProxySection(): Promise<Record<string, unknown>> {
  const scratch = mkdtempSync(join(tmpdir(), 'patc-bench-proxy-'));
  try {
    return await benchProxy({
      distDir,
      benchDir,
      scratch,
      seconds: proxySeconds,
      rounds: proxyRounds,
      exchanges: proxyExchanges,
      scaleRounds: proxyScaleRounds,
      log,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 0. Start-up: --help and the embedded default run against node -e 0
// ---------------------------------------------------------------------------------------------

async function benchStartupSection(): Promise<Record<string, unknown>> {
  console.log(`\n0. Start-up, a fresh process each, against \`node -e 0\` (medians of ${startupRounds}, alternating)\n`);
  const rows = await benchStartup(join(distDir, 'src', 'cli.js'), startupRounds);
  console.log(
    table([
      ['measure', 'median ms', 'node -e 0 ms', 'ratio', 'goal', ''],
      ...rows.map((r) => [
        r.measure,
        fmt(r.medianMs),
        fmt(r.peerMs),
        fmt(r.ratio, 2),
        r.goal === undefined ? '' : `<= ${r.goal}`,
        r.invalid ? `invalid (${r.invalid})` : r.goal === undefined ? '' : r.met ? 'met' : 'NOT met',
      ]),
    ]),
  );
  return { rows };
}

// ---------------------------------------------------------------------------------------------
// 5. A full run against a target 50 ms away, one case at a time and side by side
// ---------------------------------------------------------------------------------------------

async function benchLatencySection(): Promise<Record<string, unknown>> {
  console.log(
    `\n5. A full run against \`serve --latency ${latencyMs}\`, a fresh target and process each (medians of ${latencyRounds}, alternating)\n`,
  );
  const rows = await benchLatencyRun(
    join(distDir, 'src', 'cli.js'),
    join(benchDir, 'count-requests.js'),
    latencyRounds,
    runDefaults.parallel,
    log,
  );
  console.log(
    table([
      ['variant', 'median wall ms', 'requests', `wall / (requests x ${latencyMs} ms)`, 'goal', ''],
      ...rows.map((r) => [
        r.variant,
        fmt(r.medianWallMs),
        fmt(r.medianRequests),
        fmt(r.ratio, 2),
        r.goal !== undefined ? `<= ${r.goal}` : '',
        r.invalid ? `invalid (${r.invalid})` : r.met === undefined ? '' : r.met ? 'met' : 'NOT met',
      ]),
    ]),
  );
  return { latencyMs, rows };
}

const startedAt = new Date();
const loadBefore = loadavg();
console.log(
  `pat-conformance benchmark: node ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`,
);
const startup = runs('startup') ? await benchStartupSection() : undefined;
const throughput = runs('throughput') ? await benchThroughput() : undefined;
const run = runs('run') ? await benchRun() : undefined;
const hostile = runs('hostile') ? await benchHostileSection() : undefined;
const latency = runs('latency') ? await benchLatencySection() : undefined;
const proxy = runs('proxy') ? await benchProxySection() : undefined;
const finishedAt = new Date();

const report = {
  schemaVersion: 1,
  date: startedAt.toISOString(),
  durationMs: finishedAt.getTime() - startedAt.getTime(),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadAverage: { before: loadBefore, after: loadavg() },
  settings: {
    rounds,
    seconds,
    runRounds,
    hostileRounds,
    startupRounds,
    latencyRounds,
    proxyRounds,
    proxySeconds,
    proxyExchanges,
    proxyScaleRounds,
    only: flags.only ?? null,
  },
  startup: startup ?? null,
  throughput: throughput ?? null,
  run: run ?? null,
  hostile: hostile ?? null,
  latency: latency ?? null,
  proxy: proxy ?? null,
};
const goals = goalRows(report);
if (goals.length > 0) {
  console.log('\nGoals (the performance table of the project), this run:\n');
  console.log(
    table([
      ['measure', 'measured', 'goal', ''],
      ...goals.map((g) => [g.measure, g.value, g.goal, g.met === undefined ? '' : g.met ? 'met' : 'NOT met']),
    ]),
  );
}
mkdirSync(dirname(flags.out), { recursive: true });
writeFileSync(flags.out, `${JSON.stringify({ ...report, goals }, null, 2)}\n`);
console.log(`\nTook ${fmt(report.durationMs / 1000, 1)} s. Machine-readable: ${flags.out}`);
