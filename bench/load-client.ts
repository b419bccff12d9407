// One load client, run in a child process of its own: `node dist/bench/load-client.js KIND URL COUNT`.
// It sends a short warm-up (so the JIT has seen the code), then COUNT requests through a fresh
// client instance at 50 connections, and prints one JSON line: what was sent, how long it took.
//
// KIND is one of:
//   autocannon         the reference load generator (autocannon's own HTTP/1.1 client)
//   driver             the project's burst driver: runBurst + HttpClient.send on createPool(50)
//   undici-pool        runBurst + a raw undici Pool (pool.request, body read, no wrapper)
//
// Standalone on purpose: `node --cpu-prof dist/bench/load-client.js driver URL 100000` profiles
// one client against a server started by `node dist/bench/bare-server.js`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { runBurst } from '../src/client/burst.js';
import { HttpClient } from '../src/client/http-client.js';
import type { HttpRequest } from '../src/client/exchange.js';

export const clientKinds = ['autocannon', 'driver', 'undici-pool'] as const;
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

type Runner = (url: string, count: number) => Promise<{ failures: number }>;

const runners: Record<ClientKind, Runner> = {
  async autocannon(url, count) {
    const result = await autocannon({ url: url + path, connections, pipelining: 1, amount: count, timeout: 10, method: 'POST', headers, body });
    return { failures: result.errors + result.timeouts + result.non2xx + Math.max(0, count - result.requests.total) };
  },
  async driver(url, count) {
    // With a run signal, as `run` constructs it.
    return driveHttpClient(url, count, new AbortController().signal);
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
};

async function driveHttpClient(url: string, count: number, runSignal: AbortSignal | undefined): Promise<{ failures: number }> {
  const client = new HttpClient(url, { timeoutMs: 10_000, maxBodyBytes: 1 << 20, connections }, runSignal);
  const pool = client.createPool(connections);
  const request: HttpRequest = { method: 'POST', path, headers: { ...headers }, body };
  try {
    const exchanges = await runBurst(count, connections, () => client.send(request, pool));
    return { failures: exchanges.filter((e) => e.response?.status !== 200).length };
  } finally {
    await client.close();
  }
}

export async function measure(kind: ClientKind, url: string, count: number, warmup: number): Promise<LoadResult> {
  const run = runners[kind];
  if (warmup > 0) await run(url, warmup);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { failures } = await run(url, count);
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind,
    requests: count,
    failures,
    elapsedMs,
    requestsPerSecond: (count / elapsedMs) * 1000,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / count,
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [kind, url, countText, warmupText] = process.argv.slice(2);
  if (!kind || !(clientKinds as readonly string[]).includes(kind) || !url || !countText) {
    process.stderr.write(`usage: load-client.js ${clientKinds.join('|')} URL COUNT [WARMUP]\n`);
    process.exit(2);
  }
  const count = Number(countText);
  const warmup = warmupText === undefined ? Math.min(5000, Math.ceil(count / 10)) : Number(warmupText);
  const result = await measure(kind as ClientKind, url, count, warmup);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
