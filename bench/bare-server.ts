// The peer target of the throughput benchmark: a bare node:http server that answers 200 `{}` to
// anything. It runs in a child process of its own so that the load client and the server never
// share a thread; it prints its URL as one JSON line on stdout and stops on SIGTERM, SIGINT, or
// when the parent that spawned it with an IPC channel goes away. By hand:
// `node dist/bench/bare-server.js` (then Ctrl-C).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = Buffer.from('{}');

const server = createServer((req, res) => {
  // Read (and drop) the request body so the connection stays usable for keep-alive.
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 30_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});

const stop = (): void => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (process.channel) process.on('disconnect', stop);
