// One load client, run in a child process of its own:
//   node dist/bench/load-client.js KIND URL SECONDS
// It warms up (so the JIT has seen the code), then loads the server for about SECONDS through a
// fresh client instance at 50 connections, and prints one JSON line: requests, time, CPU.
//
// KIND is one of:
//   autocannon   the reference load generator (autocannon's own HTTP/1.1 client), in its
//                native duration mode; rate = completed requests / autocannon's own duration.
//                (Not `amount` mode: autocannon notices the amount is reached only on its
//                1-second tick, so a 30 000-request run reads as 2.0 s however fast it went.)
//   driver       the project's burst driver: runBurst + Transport.send on createPool(50),
//                the client built with a run signal as `run` builds it
//   undici-pool  runBurst + a raw undici Pool (pool.request, body read, no wrapper)
//   undici-dispatch  runBurst + a raw undici Pool's dispatch() with a handler that only keeps
//                the status: no Readable body, no promise per response but one: the floor of
//                any client built on undici
// runBurst sends a fixed count, so the count-based clients size their count from the rate
// of their warm-up bursts; rate = count / wall time of the measured burst.
//
// Standalone on purpose: `node --cpu-prof dist/bench/load-client.js driver URL 3` profiles one
// client against a server started by `node dist/bench/bare-server.js`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { runBurst } from '../src/engine/burst.js';
import { Transport } from '../src/transport/transport.js';
import type { HttpRequest } from '../src/transport/exchange.js';

export const clientKinds = ['autocannon', 'driver', 'undici-pool', 'undici-dispatch'] as const;
export type ClientKind = (typeof clientKinds)[number];

export interface LoadResult {
  kind: ClientKind;
  requests: number;
  /** Answers that were not a 200, and transport errors; a valid measurement has 0. */
  failures: number;
  elapsedMs: number;
  requestsPerSecond: number;
  /** CPU time (user + system) of this client process per request, in microseconds: less
   *  sensitive than req/s to other jobs on the machine, as long as the process is not starved. */
  cpuMicrosPerRequest: number;
}

export const connections = 50;
const path = '/v1/accessTokens';
const headers: Record<string, string> = {
  'content-type': 'application/json',
  authorization: 'Bearer patc-bench-not-a-secret',
};
const body = '{}';
const warmupSeconds = 0.5;
const minimumCount = 2_000;

interface Outcome {
  requests: number;
  failures: number;
  elapsedMs: number;
}

async function runAutocannon(url: string, seconds: number): Promise<Outcome> {
  const result = await autocannon({
    url: url + path,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    method: 'POST',
    headers,
    body,
  });
  return { requests: result.requests.total, failures: result.errors + result.timeouts + result.non2xx, elapsedMs: result.duration * 1000 };
}

type Burst = (url: string, count: number) => Promise<{ failures: number }>;

const bursts: Record<Exclude<ClientKind, 'autocannon'>, Burst> = {
  async driver(url, count) {
    const client = new Transport(url, { timeoutMs: 10_000, maxBodyBytes: 1 << 20, connections, giveUpAfterFailures: 0 });
    const pool = client.connections(connections);
    const request: HttpRequest = { method: 'POST', path, headers: { ...headers }, body };
    try {
      const exchanges = await runBurst(count, connections, () => client.send(request, pool));
      return { failures: exchanges.filter((e) => e.response?.status !== 200).length };
    } finally {
      await client.close();
    }
  },
  async 'undici-pool'(url, count) {
    const pool = new Pool(url, { connections, pipelining: 1 });
    try {
      const statuses = await runBurst(count, connections, async () => {
        const answer = await pool.request({ path, method: 'POST', headers, body });
        await answer.body.text();
        return answer.statusCode;
      });
      return { failures: statuses.filter((s) => s !== 200).length };
    } finally {
      await pool.destroy();
    }
  },
  async 'undici-dispatch'(url, count) {
    const pool = new Pool(url, { connections, pipelining: 1 });
    const opts = { path, method: 'POST' as const, headers, body };
    try {
      const statuses = await runBurst(
        count,
        connections,
        () =>
          new Promise<number>((resolve) => {
            let status = 0;
            pool.dispatch(opts, {
              // undici takes a handler for its new API only if it has onRequestStart.
              onRequestStart: () => {},
              onResponseStart: (_c, statusCode) => void (status = statusCode),
              onResponseData: () => {},
              onResponseEnd: () => resolve(status),
              onResponseError: () => resolve(0),
            });
          }),
      );
      return { failures: statuses.filter((s) => s !== 200).length };
    } finally {
      await pool.destroy();
    }
  },
};

async function timedBurst(burst: Burst, url: string, count: number): Promise<Outcome> {
  const started = performance.now();
  const { failures } = await burst(url, count);
  return { requests: count, failures, elapsedMs: performance.now() - started };
}

export async function measure(kind: ClientKind, url: string, seconds: number): Promise<LoadResult> {
  let run: () => Promise<Outcome>;
  if (kind === 'autocannon') {
    await runAutocannon(url, warmupSeconds);
    run = () => runAutocannon(url, seconds);
  } else {
    const burst = bursts[kind];
    // Two warm-ups: a cold one, then one of about half a second at its rate, whose (warm) rate
    // sizes the measured burst.
    const countFor = (o: Outcome, s: number): number =>
      Math.max(minimumCount, Math.round(((o.requests / o.elapsedMs) * s * 1000) / 1000) * 1000);
    const cold = await timedBurst(burst, url, minimumCount);
    const warm = await timedBurst(burst, url, countFor(cold, warmupSeconds));
    const count = countFor(warm, seconds);
    run = () => timedBurst(burst, url, count);
  }
  const cpuBefore = process.cpuUsage();
  const outcome = await run();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind,
    ...outcome,
    requestsPerSecond: (outcome.requests / outcome.elapsedMs) * 1000,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / outcome.requests,
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [kind, url, secondsText] = process.argv.slice(2);
  const seconds = Number(secondsText);
  if (!kind || !(clientKinds as readonly string[]).includes(kind) || !url || !(seconds > 0)) {
    process.stderr.write(`usage: load-client.js ${clientKinds.join('|')} URL SECONDS\n`);
    process.exit(2);
  }
  const result = await measure(kind as ClientKind, url, seconds);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
