// The load of the proxy benchmark (proxy-scale.ts), run in a child process of its own:
//   node dist/bench/proxy-load.js duration URL SECONDS   rate over a fixed time (autocannon's own),
//                                                        after a warm-up of 10 seconds
//   node dist/bench/proxy-load.js amount URL COUNT       a fixed count of exchanges, with the time
//                                                        every 10 000th one completed
// It prints one JSON line on stdout.
//
// autocannon, 10 connections, each cycling through a realistic session of the API: create a
// token (its answer carries a secret the recording proxy learns and must redact from then on),
// delete it by the ID the create answered, list the caller's tokens. A third of the exchanges
// teach the proxy a new secret: the honest worst case for anything whose cost grows with the
// secrets it knows. Against the reference with throttling off, every answer is a 201 or a 200.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

export const proxyConnections = 10;
/** The completion time of every `markEvery`-th exchange is reported (amount mode). */
export const markEvery = 10_000;

export interface ProxyLoadResult {
  requests: number;
  /** Answers other than 200/201, errors and timeouts: a valid measurement has 0. */
  failures: number;
  elapsedMs: number;
  requestsPerSecond: number;
  /** Amount mode: Date.now() when the 10 000th, 20 000th, ... exchange completed; [0] is the start. */
  marks?: number[];
}

const headers = { 'content-type': 'application/json', authorization: 'Bearer patc-bench-proxy-user-0123456789' };

const session: autocannon.Request[] = [
  {
    method: 'PUT',
    path: '/v1/accessTokens',
    headers,
    body: JSON.stringify({ name: 'bench token', expiresTime: '2030-01-02T03:04:05Z' }),
    onResponse: (_status, body, context) => {
      try {
        context.id = (JSON.parse(body) as { accessTokenId?: string }).accessTokenId;
      } catch {
        context.id = undefined;
      }
    },
  },
  {
    method: 'DELETE',
    path: '/v1/accessTokens/none',
    headers,
    setupRequest: (request, context) => ({ ...request, path: `/v1/accessTokens/${encodeURIComponent(String(context.id ?? 'none'))}` }),
  },
  { method: 'POST', path: '/v1/accessTokens', headers, body: '{}' },
];

/**
 * Seconds of load before a duration measurement, against every side alike. A fresh proxy takes
 * about 15 s of load to reach its steady rate (its first 10 000 exchanges run at about half its
 * last: the scale measurement shows it); a proxy is a long-running process, and the throughput
 * compares steady states.
 */
const warmupSeconds = 10;

export async function runLoad(mode: 'duration' | 'amount', url: string, size: number): Promise<ProxyLoadResult> {
  if (mode === 'duration')
    await autocannon({ url, connections: proxyConnections, pipelining: 1, timeout: 30, requests: session, duration: warmupSeconds });
  const started = Date.now();
  const t0 = performance.now();
  const marks: number[] = [started];
  let completed = 0;
  let failures = 0;
  const instance = autocannon({
    url,
    connections: proxyConnections,
    pipelining: 1,
    timeout: 30,
    requests: session,
    ...(mode === 'duration' ? { duration: size } : { amount: size }),
  });
  instance.on('response', (_client, statusCode) => {
    completed++;
    if (statusCode !== 200 && statusCode !== 201) failures++;
    if (completed % markEvery === 0) marks.push(Date.now());
  });
  const result = await instance;
  const elapsedMs = performance.now() - t0;
  failures += result.errors + result.timeouts;
  if (mode === 'duration') {
    // autocannon's own duration, as in load-client.ts.
    return {
      requests: result.requests.total,
      failures,
      elapsedMs: result.duration * 1000,
      requestsPerSecond: result.requests.total / result.duration,
    };
  }
  return { requests: completed, failures, elapsedMs, requestsPerSecond: (completed / elapsedMs) * 1000, marks };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const [mode, url, sizeText] = process.argv.slice(2);
  const size = Number(sizeText);
  if ((mode !== 'duration' && mode !== 'amount') || !url || !(size > 0)) {
    process.stderr.write('usage: proxy-load.js duration|amount URL SECONDS|COUNT\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await runLoad(mode, url, size))}\n`);
}
