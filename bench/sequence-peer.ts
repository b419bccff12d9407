// The peer of a full conformance run: `node dist/bench/sequence-peer.js COUNT`. Like the embedded
// run, it starts the reference implementation in its own process, then sends COUNT requests one
// after the other (ListAccessTokens, throttling off) through the same Transport the run uses,
// and exits. What the run costs beyond this floor is its own work: checks, fixtures, waits.
import { performance } from 'node:perf_hooks';
import { defaultTransportBounds, Transport } from '../src/transport/transport.js';
import { startReferenceServer } from '../src/reference/server.js';

const count = Number(process.argv[2]);
if (!Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: sequence-peer.js COUNT\n');
  process.exit(2);
}

const token = 'patc-bench-sequence-owner';
const server = await startReferenceServer({ host: '127.0.0.1', port: 0, rate: 0, users: [token] });
const client = new Transport(server.url, defaultTransportBounds);
const request = {
  method: 'POST' as const,
  path: '/v1/accessTokens',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: '{}',
};
let failures = 0;
const started = performance.now();
for (let i = 0; i < count; i++) {
  const exchange = await client.send(request);
  if (exchange.response?.status !== 200) failures++;
}
const elapsedMs = performance.now() - started;
await client.close();
await server.close();
process.stdout.write(`${JSON.stringify({ requests: count, failures, elapsedMs })}\n`);
