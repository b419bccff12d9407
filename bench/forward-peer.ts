// The peer of `proxy --record` in the proxy benchmark (proxy-scale.ts): the same forwarding
// (node:http in, the project's Transport out, the answer passed on whole) with no recording at
// all. `proxy --record / forward-only` is what recording costs; `forward-only / direct` is what
// any proxy in between costs on this machine (one more process and two more hops per request).
//   node dist/bench/forward-peer.js TARGET_URL    prints "listening on URL", stops on SIGTERM/SIGINT
import { hopByHop } from '../src/tools/proxy.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpMethod } from '../src/transport/exchange.js';
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
// The proxy's own list: the peer forwards exactly as `proxy` does, less the recording.

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !hopByHop.has(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    void transport
      .forward({ method: (req.method ?? 'GET') as HttpMethod, path: req.url ?? '/', headers }, Buffer.concat(chunks))
      .then(({ answer }) => {
        if (!answer) {
          res.writeHead(502).end();
          return;
        }
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!hopByHop.has(name) && name !== 'content-length') out[name] = value;
        out['content-length'] = String(answer.body.length);
        res.writeHead(answer.status, out);
        res.end(answer.body);
      });
  });
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
