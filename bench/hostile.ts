// Section 3 of the benchmark: the bounds the runner and `serve` keep against hostile targets,
// measured. The unit tests (test/run-hostile.test.ts, test/record-adapter.test.ts,
// test/serve-cli.test.ts) assert what happens (exit code, reason, requests sent, where reading
// stopped) and read no clock; how long it takes and how much memory it costs is measured here.
//
// Every measurement is a fresh `node dist/src/cli.js ...` process with `peak-rss.js` preloaded
// (its getrusage peak RSS at exit), against a target started in this process for that
// measurement alone. Each variant is read beside a peer of the same round that does the same
// work without the hostile part, so "variant wall - peer wall" is what the hostile part cost,
// read in --timeouts or --throttle-budgets against the bound the project promises:
//   - `small-body`: answers the pre-flight with a small JSON body that is not this API, so the
//     run ends (exit 3) after one quick request: start-up plus one request. The peer of the
//     targets that fail the pre-flight, and of the 4 GiB body's peak RSS.
//   - `hello-everywhere`: passes the pre-flight, then answers 200 "hello" to everything, so
//     every case fails at once (exit 1): a whole run with no waiting. The peer of the targets
//     that pass the pre-flight and then misbehave.
//   - `silent-port` is the peer of `drip-body`: both must end after one --timeout.
//   - `throttled-replay` (a replay of a run recorded against a throttling reference) is read
//     beside that recorded live run, measured just before it in the same slot, on the runs' own
//     durations (the reports' durationMs, without start-up).
//   - `serve-stop-idle`: `serve` stopped by SIGTERM with no connection left open; the peer of
//     `serve-stop-open` (SIGTERM to exit with a keep-alive connection and a request in progress).
// Rounds are interleaved and the order rotates each round; medians are over rounds.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Client } from 'undici';
import { startReferenceServer } from '../src/reference/server.js';
import { median, round, table } from './stats.js';

export const timeoutMs = 1000;
export const throttleBudgetMs = 2000;
/** The peak RSS the runner may reach against a multi-gigabyte body (its body cap is 1 MiB). */
export const peakRssGoalMiB = 400;
/** SIGTERM to exit of `serve` with connections open (an idle keep-alive would hold it 5 s, a request in progress minutes). */
export const serveStopGoalMs = 1000;
const hugeBodyBytes = 4 * 1024 ** 3;

const ownerToken = 'patc-bench-hostile-owner-0123456789';
const otherToken = 'patc-bench-hostile-other-9876543210';

interface Target {
  url: string;
  close(): void;
}

async function listen(server: NetServer | HttpServer): Promise<Target> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** Answers ListAccessTokens like the API, so the pre-flight passes; everything else is `other`. */
function listOnly(other: (req: IncomingMessage, res: ServerResponse) => void): HttpServer {
  return createHttpServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/accessTokens') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"items":[]}');
    }
    other(req, res);
  });
}

const targets = {
  smallBody: () =>
    listen(
      createHttpServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"hello":"world"}');
      }),
    ),
  silentPort: () => listen(createNetServer(() => {})),
  dripBody: () =>
    listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      }),
    ),
  hugeBody: () => {
    const chunk = Buffer.alloc(1 << 16, 'a');
    return listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(hugeBodyBytes) });
        let sent = 0;
        const pump = (): void => {
          while (sent < hugeBodyBytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (sent = hugeBodyBytes));
        pump();
      }),
    );
  },
  helloEverywhere: () =>
    listen(
      listOnly((req, res) => {
        req.resume();
        res.end('hello');
      }),
    ),
  /** Answers the pre-flight (listings; VerifySession with a quick 404), then nothing at all. */
  goesSilentAfterPreflight: () => {
    let silent = false;
    return listen(
      createHttpServer((req, res) => {
        const preflight = (req.method === 'POST' && req.url === '/v1/accessTokens') || (req.method === 'GET' && req.url === '/session');
        if (!preflight) silent = true;
        if (silent) return;
        req.resume();
        if (req.method === 'GET') {
          res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
          return void res.end('{"message":"no VerifySession here"}');
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[]}');
      }),
    );
  },
  throttledForever: () =>
    listen(
      listOnly((req, res) => {
        req.resume();
        res.writeHead(429, { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"message":"slow down"}');
      }),
    ),
};

type Goal =
  /** (wall - peer wall, same round) / unit <= max */
  | { kind: 'beyond-peer'; unitMs: number; unitName: string; max: number; source: string }
  /** run duration (report durationMs) / the peer's run duration <= max */
  | { kind: 'duration-ratio'; max: number; source: string }
  | { kind: 'peak-rss'; maxMiB: number; source: string }
  | { kind: 'wall'; maxMs: number; source: string };

interface HostileVariant {
  id: string;
  label: string;
  command: 'run' | 'serve-stop' | 'record-replay';
  target?: () => Promise<Target>;
  extraArgs?: (workDir: string) => string[];
  /** serve-stop only: open a keep-alive connection and a request in progress before SIGTERM. */
  openConnections?: boolean;
  expectedExit: number;
  /** The variant whose wall time (same round) is this one's peer. */
  peer?: string;
  goal?: Goal;
}

export const hostileVariants: HostileVariant[] = [
  {
    id: 'small-body',
    label: 'peer: 200 with a small body that is not the API (exit 3 after one request)',
    command: 'run',
    target: targets.smallBody,
    expectedExit: 3,
  },
  {
    id: 'silent-port',
    label: 'a port that accepts and never answers',
    command: 'run',
    target: targets.silentPort,
    expectedExit: 3,
    peer: 'small-body',
    goal: {
      kind: 'beyond-peer',
      unitMs: timeoutMs,
      unitName: '--timeout',
      max: 1.5,
      source: 'a request is bounded by --timeout, connect to last byte',
    },
  },
  {
    id: 'drip-body',
    label: 'a server that drips a body forever (a byte every 50 ms)',
    command: 'run',
    target: targets.dripBody,
    expectedExit: 3,
    peer: 'silent-port',
    goal: {
      kind: 'beyond-peer',
      unitMs: timeoutMs,
      unitName: '--timeout',
      max: 1,
      source: 'dripping bytes do not extend --timeout, which bounds the whole answer (a timer each byte restarted would never fire)',
    },
  },
  {
    id: 'hello-everywhere',
    label: 'peer: passes the pre-flight, then 200 "hello" to everything (exit 1, every case fails at once)',
    command: 'run',
    target: targets.helloEverywhere,
    expectedExit: 1,
  },
  {
    id: 'stops-after-preflight',
    label: 'a target that answers the pre-flight, then nothing at all (exit 1, every case failed)',
    command: 'run',
    target: targets.goesSilentAfterPreflight,
    expectedExit: 1,
    peer: 'hello-everywhere',
    goal: {
      kind: 'beyond-peer',
      unitMs: timeoutMs,
      unitName: '--timeout',
      max: 3.5,
      source: 'three unanswered requests (one --timeout each), then the remaining cases fail at once',
    },
  },
  {
    id: 'throttled-forever',
    label: `a target that answers 429 to all but the listing, forever (--throttle-budget ${throttleBudgetMs})`,
    command: 'run',
    target: targets.throttledForever,
    extraArgs: () => ['--throttle-budget', String(throttleBudgetMs)],
    expectedExit: 1,
    peer: 'hello-everywhere',
    goal: {
      kind: 'beyond-peer',
      unitMs: throttleBudgetMs,
      unitName: '--throttle-budget',
      max: 3,
      source: 'one budget per operation that stays throttled, never one per step',
    },
  },
  {
    id: 'huge-body',
    label: 'a server that streams a 4 GiB body',
    command: 'run',
    target: targets.hugeBody,
    expectedExit: 3,
    peer: 'small-body',
    goal: { kind: 'peak-rss', maxMiB: peakRssGoalMiB, source: 'the body is read up to the 1 MiB cap, never whole' },
  },
  {
    id: 'huge-body-recorded',
    label: 'the same, with --record (the recorder reads through its own cap)',
    command: 'run',
    target: targets.hugeBody,
    extraArgs: (workDir) => ['--record', join(workDir, 'recording')],
    expectedExit: 3,
    peer: 'small-body',
    goal: { kind: 'peak-rss', maxMiB: peakRssGoalMiB, source: 'the recorder keeps at most its cap of a body' },
  },
  {
    id: 'throttled-replay',
    label: '`run --replay` of a run recorded against a throttling reference (rate 5/s, burst 8; --scenario unknown-id)',
    command: 'record-replay',
    expectedExit: 0,
    peer: 'its recorded live run',
    goal: {
      kind: 'duration-ratio',
      max: 0.5,
      source: 'a replay does not wait out the recorded 429s: at most half the live run (run durations, without start-up)',
    },
  },
  {
    id: 'serve-stop-idle',
    label: 'peer: `serve`, SIGTERM to exit, after one request on a connection since closed',
    command: 'serve-stop',
    expectedExit: 0,
  },
  {
    id: 'serve-stop-open',
    label: '`serve`, SIGTERM to exit, a keep-alive connection and a request in progress open',
    command: 'serve-stop',
    openConnections: true,
    expectedExit: 0,
    peer: 'serve-stop-idle',
    goal: {
      kind: 'wall',
      maxMs: serveStopGoalMs,
      source: 'open connections do not hold the process (Node would keep an idle one 5 s, a request in progress minutes)',
    },
  },
];

export interface HostileMeasurement {
  round: number;
  variant: string;
  /** run: spawn to exit; serve-stop: SIGTERM to exit. */
  wallMs: number;
  exitCode: number | null;
  peakRssMiB?: number;
  /** record-replay: the replay's run duration (report durationMs) and its live peer's figures. */
  innerMs?: number;
  peerWallMs?: number;
  peerInnerMs?: number;
  peerPeakRssMiB?: number;
  problem?: string;
}

interface Spawned {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  peakRssMiB?: number;
}

function cliEnv(rssFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', BENCH_PEAK_RSS_FILE: rssFile };
  for (const key of Object.keys(env)) if (key.startsWith('PAT_CONFORMANCE_')) delete env[key];
  delete env.GITHUB_STEP_SUMMARY;
  return env;
}

function readPeakRss(file: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { maxRssKiB: number }).maxRssKiB / 1024;
  } catch {
    return undefined;
  }
}

async function runCommand(distDir: string, benchDir: string, args: string[], workDir: string): Promise<Spawned> {
  const rssFile = join(workDir, 'peak-rss.json');
  const preload = pathToFileURL(join(benchDir, 'peak-rss.js')).href;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', preload, join(distDir, 'src/cli.js'), ...args], {
      env: cliEnv(rssFile),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A run that hangs is a finding, not a reason to hang the benchmark.
    const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(kill);
      resolve({ exitCode, stdout, stderr, wallMs: performance.now() - started, peakRssMiB: readPeakRss(rssFile) });
    });
  });
}

/** Sends a request head with `expect: 100-continue` and resolves once the server is working on it. */
function holdRequest(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        [
          'POST /v1/accessTokens HTTP/1.1',
          `host: ${hostname}:${port}`,
          `authorization: Bearer ${ownerToken}`,
          'content-type: application/json',
          'content-length: 2',
          'expect: 100-continue',
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.once('error', reject);
    socket.once('data', (d: Buffer) =>
      /^HTTP\/1\.1 100/.test(d.toString('latin1'))
        ? resolve(socket)
        : reject(new Error(`expected 100 Continue, got ${d.toString('latin1').slice(0, 40)}`)),
    );
    // The server closes it on SIGTERM; nothing to do then.
    socket.on('close', () => undefined);
  });
}

async function serveStop(distDir: string, benchDir: string, openConnections: boolean, workDir: string): Promise<Spawned> {
  const rssFile = join(workDir, 'peak-rss.json');
  const preload = pathToFileURL(join(benchDir, 'peak-rss.js')).href;
  const child = spawn(
    process.execPath,
    ['--import', preload, join(distDir, 'src/cli.js'), 'serve', '--port', '0', '--quiet', '--users', ownerToken],
    {
      env: cliEnv(rssFile),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${stderr.trim()}`)));
  });
  // One request first in both variants: it also makes sure serve is past start-up (its signal
  // handlers are installed just after the URL line is written).
  const client = new Client(url, { keepAliveTimeout: 60_000 });
  const answer = await client.request({ path: '/session', method: 'GET', headers: { authorization: `Bearer ${ownerToken}` } });
  await answer.body.dump();
  let held: Socket | undefined;
  if (openConnections) held = await holdRequest(url);
  else await client.close();
  const signalled = performance.now();
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const exitCode = await exited;
  const wallMs = performance.now() - signalled;
  clearTimeout(kill);
  held?.destroy();
  await client.destroy();
  return { exitCode, stdout, stderr, wallMs, peakRssMiB: readPeakRss(rssFile) };
}

function runDuration(outDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(outDir, 'pat-conformance.json'), 'utf8')) as { durationMs: number }).durationMs;
  } catch {
    return undefined;
  }
}

/** A live run recorded against a throttling reference (the peer), then its replay (measured). */
async function recordReplay(distDir: string, benchDir: string, workDir: string): Promise<Omit<HostileMeasurement, 'round' | 'variant'>> {
  const recording = join(workDir, 'recording');
  const server = await startReferenceServer({ host: '127.0.0.1', port: 0, users: [ownerToken, otherToken], rate: 5, burst: 8 });
  let live: Spawned;
  try {
    mkdirSync(join(workDir, 'live'), { recursive: true });
    const args = [
      'run',
      '--target',
      server.url,
      '--token',
      ownerToken,
      '--other-token',
      otherToken,
      '--scenario',
      'unknown-id',
      '--record',
      recording,
      '--quiet',
      '--out',
      join(workDir, 'live'),
    ];
    live = await runCommand(distDir, benchDir, args, join(workDir, 'live'));
  } finally {
    await server.close();
  }
  if (live.exitCode !== 0) {
    return {
      wallMs: Number.NaN,
      exitCode: live.exitCode,
      problem: `the recorded live run exited ${live.exitCode}: ${live.stderr.trim().slice(0, 300)}`,
    };
  }
  mkdirSync(join(workDir, 'replayed'), { recursive: true });
  const replay = await runCommand(
    distDir,
    benchDir,
    ['run', '--replay', recording, '--quiet', '--out', join(workDir, 'replayed')],
    join(workDir, 'replayed'),
  );
  return {
    wallMs: replay.wallMs,
    exitCode: replay.exitCode,
    peakRssMiB: replay.peakRssMiB,
    innerMs: runDuration(join(workDir, 'replayed')),
    peerWallMs: live.wallMs,
    peerInnerMs: runDuration(join(workDir, 'live')),
    peerPeakRssMiB: live.peakRssMiB,
    ...(replay.exitCode !== 0 ? { problem: `the replay exited ${replay.exitCode}: ${replay.stderr.trim().slice(0, 300)}` } : {}),
  };
}

async function measure(
  variant: HostileVariant,
  distDir: string,
  benchDir: string,
  workDir: string,
): Promise<Omit<HostileMeasurement, 'round'>> {
  mkdirSync(workDir, { recursive: true });
  if (variant.command === 'record-replay') return { variant: variant.id, ...(await recordReplay(distDir, benchDir, workDir)) };
  let outcome: Spawned;
  if (variant.command === 'serve-stop') {
    outcome = await serveStop(distDir, benchDir, variant.openConnections ?? false, workDir);
  } else {
    const target = await variant.target!();
    try {
      const args = [
        'run',
        '--target',
        target.url,
        '--token',
        ownerToken,
        '--other-token',
        otherToken,
        '--timeout',
        String(timeoutMs),
        '--quiet',
        '--out',
        join(workDir, 'out'),
        ...(variant.extraArgs?.(workDir) ?? []),
      ];
      outcome = await runCommand(distDir, benchDir, args, workDir);
    } finally {
      target.close();
    }
  }
  const problem =
    outcome.exitCode !== variant.expectedExit
      ? `exit code ${outcome.exitCode}, expected ${variant.expectedExit}${outcome.stderr ? `; stderr: ${outcome.stderr.trim().slice(0, 300)}` : ''}`
      : outcome.peakRssMiB === undefined
        ? 'no peak RSS was written'
        : undefined;
  return {
    variant: variant.id,
    wallMs: outcome.wallMs,
    exitCode: outcome.exitCode,
    peakRssMiB: outcome.peakRssMiB,
    ...(problem ? { problem } : {}),
  };
}

const fmt = (n: number | undefined, digits = 0): string => (n !== undefined && Number.isFinite(n) ? round(n, digits).toFixed(digits) : '-');

export interface HostileOptions {
  rounds: number;
  distDir: string;
  benchDir: string;
  scratch: string;
  log(line: string): void;
}

export async function benchHostile(o: HostileOptions): Promise<Record<string, unknown>> {
  o.log(`hostile: ${o.rounds} rounds of ${hostileVariants.length} variants (--timeout ${timeoutMs}, a 4 GiB body, ...)`);
  const measurements: HostileMeasurement[] = [];
  const ids = hostileVariants.map((v) => v.id);
  for (let r = 0; r < o.rounds; r++) {
    const order = ids.map((_, i) => ids[(i + r) % ids.length]!);
    for (const id of order) {
      const variant = hostileVariants.find((v) => v.id === id)!;
      const m = await measure(variant, o.distDir, o.benchDir, join(o.scratch, `r${r + 1}-${id}`));
      measurements.push({ ...m, round: r + 1 });
      const live =
        m.peerWallMs !== undefined
          ? ` (its live run ${fmt(m.peerWallMs)} ms; run durations ${fmt(m.innerMs)} / ${fmt(m.peerInnerMs)} ms)`
          : '';
      o.log(
        `  round ${r + 1}/${o.rounds}  ${id.padEnd(22)} ${fmt(m.wallMs).padStart(6)} ms, peak RSS ${fmt(m.peakRssMiB)} MiB${live}${m.problem ? `  INVALID: ${m.problem}` : ''}`,
      );
    }
  }

  const of = (id: string): HostileMeasurement[] => measurements.filter((m) => m.variant === id);
  /** The peer's figures for a measurement: another variant of the same round, or its own live run. */
  const peerOf = (id: string, m: HostileMeasurement): { wallMs: number; peakRssMiB?: number; innerMs?: number } | undefined =>
    m.peerWallMs !== undefined
      ? { wallMs: m.peerWallMs, peakRssMiB: m.peerPeakRssMiB, innerMs: m.peerInnerMs }
      : of(id).find((p) => p.round === m.round);
  const summary = hostileVariants.map((v) => {
    const ms = of(v.id);
    const wall = median(ms.map((m) => m.wallMs));
    const rss = median(ms.flatMap((m) => (m.peakRssMiB === undefined ? [] : [m.peakRssMiB])));
    const perPeer = (f: (m: HostileMeasurement, p: NonNullable<ReturnType<typeof peerOf>>) => number | undefined): number | undefined =>
      v.peer
        ? median(
            ms.flatMap((m) => {
              const p = peerOf(v.peer!, m);
              const x = p ? f(m, p) : undefined;
              return x !== undefined && Number.isFinite(x) ? [x] : [];
            }),
          )
        : undefined;
    const beyondPeer = perPeer((m, p) => m.wallMs - p.wallMs);
    const wallRatio = perPeer((m, p) => m.wallMs / p.wallMs);
    const rssRatio = perPeer((m, p) => (p.peakRssMiB && m.peakRssMiB ? m.peakRssMiB / p.peakRssMiB : undefined));
    const durationRatio = perPeer((m, p) => (m.innerMs !== undefined && p.innerMs ? m.innerMs / p.innerMs : undefined));
    let value: number | undefined;
    let met: boolean | undefined;
    let goalText = '';
    if (v.goal?.kind === 'beyond-peer') {
      value = beyondPeer === undefined ? undefined : beyondPeer / v.goal.unitMs;
      met = value !== undefined && value <= v.goal.max;
      goalText = `${fmt(value, 2)} x ${v.goal.unitName} (target <= ${v.goal.max}: ${met ? 'met' : 'NOT met'})`;
    } else if (v.goal?.kind === 'peak-rss') {
      value = rss;
      met = Number.isFinite(rss) && rss <= v.goal.maxMiB;
      goalText = `${fmt(rss)} MiB (target <= ${v.goal.maxMiB}: ${met ? 'met' : 'NOT met'})`;
    } else if (v.goal?.kind === 'duration-ratio') {
      value = durationRatio;
      met = value !== undefined && value <= v.goal.max;
      goalText = `${fmt(value, 2)} of the live run's duration (target <= ${v.goal.max}: ${met ? 'met' : 'NOT met'})`;
    } else if (v.goal?.kind === 'wall') {
      value = wall;
      met = Number.isFinite(wall) && wall <= v.goal.maxMs;
      goalText = `${fmt(wall)} ms (target <= ${v.goal.maxMs}: ${met ? 'met' : 'NOT met'})`;
    }
    return {
      variant: v.id,
      label: v.label,
      peer: v.peer,
      medianWallMs: wall,
      medianBeyondPeerMs: beyondPeer,
      wallOverPeer: wallRatio,
      medianPeakRssMiB: rss,
      peakRssOverPeer: rssRatio,
      ...(durationRatio !== undefined ? { runDurationOverPeer: durationRatio } : {}),
      ...(v.goal ? { goal: v.goal, value, met } : {}),
      goalText,
      invalid: ms.filter((m) => m.problem).length,
    };
  });

  const rows = [
    [
      'variant (fresh process each)',
      'peer',
      'median wall ms',
      '- peer ms',
      '/ peer',
      'peak RSS MiB',
      'RSS / peer',
      'measured against its goal',
      'rounds (wall ms)',
    ],
  ];
  for (const s of summary) {
    rows.push([
      s.variant,
      s.peer ?? '(peer)',
      fmt(s.medianWallMs),
      fmt(s.medianBeyondPeerMs),
      s.wallOverPeer === undefined ? '-' : fmt(s.wallOverPeer, 2),
      fmt(s.medianPeakRssMiB),
      s.peakRssOverPeer === undefined ? '-' : fmt(s.peakRssOverPeer, 2),
      s.goalText,
      of(s.variant)
        .map((m) => fmt(m.wallMs))
        .join(' '),
    ]);
  }
  console.log(
    `\n3. Hostile targets: the runner's and serve's bounds, ${o.rounds} rounds interleaved; --timeout ${timeoutMs}; "- peer" = what the hostile part cost (same round); serve-stop wall = SIGTERM to exit`,
  );
  console.log(table(rows));
  const invalid = measurements.filter((m) => m.problem).length;
  if (invalid > 0) console.log(`WARNING: ${invalid} measurements were invalid (see reports JSON)`);

  return {
    timeoutMs,
    throttleBudgetMs,
    hugeBodyBytes,
    variants: hostileVariants.map(({ id, label, peer, goal, expectedExit }) => ({ id, label, peer, goal, expectedExit })),
    rounds: measurements,
    summary,
    invalid,
  };
}
