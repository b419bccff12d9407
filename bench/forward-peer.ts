// The peer of `proxy --record` in the proxy benchmark (proxy-scale.ts): the same forwarding
// (node:http in, the project's Transport out, the answer passed on whole) with no recording at
// all. `proxy --record / forward-only` is what recording costs; `forward-only / direct` is what
// any proxy in between costs on this machine (one more process and two more hops per request).
//   node dist/bench/forward-peer.js TARGET_URL    prints "listening on URL", stops on SIGTERM/SIGINT
import { forwardRequest, writeAnswer } from '../src/tools/proxy-forward.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transport, defaultTransportBounds } from '../src/transport/transport.js';

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: forward-peer.js TARGET_URL\n');
  process.exit(2);
}
// The bounds proxy.ts forwards with.
const transport = new Transport(target, {
  ...defaultTransportBounds,
  timeoutMs: 30_000,
  maxBodyBytes: Number.POSITIVE_INFINITY,
  connections: 32,
  giveUpAfterFailures: 0,
});
// The proxy's own forwarding (src/tools/proxy-forward.ts): the peer forwards exactly as `proxy` does, less the recording.

const server = createServer((req, res) => {
  forwardRequest(
    transport,
    req,
    (outcome) => {
      if (outcome === 'too-large') res.writeHead(413).end();
      else if (outcome.answer) writeAnswer(res, outcome.answer);
      else res.writeHead(502).end();
    },
    () => res.destroy(),
  );
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`forward-peer listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
const stop = (): void => {
  server.closeAllConnections();
  server.close();
  void transport.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
