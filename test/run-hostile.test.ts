// Whatever the target does, the runner answers with a verdict in bounded time: exit 3 when the
// pre-flight already shows the run cannot be carried out, else 1 with the failing cases named.
// Never a hang, never a stack trace, memory bounded. Every target here is a real socket.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readReport, runCli, targetArgs, tempDirs } from './helpers/cli.js';

const tempDir = tempDirs();
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function listen(server: NetServer | HttpServer): Promise<string> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const timeoutArgs = ['--timeout', '1000'];
/** A liveness bound, not a performance figure: without the runner's own bounds these would hang until killed. */
const bound = 60_000;

async function runTimed(args: string[]) {
  const started = Date.now();
  const result = await runCli(args, { killAfterMs: 120_000 });
  return { ...result, elapsed: Date.now() - started };
}

function expectOneLineNoStack(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('targets that fail the pre-flight: exit 3, one line', () => {
  it('a port that accepts and never answers', async () => {
    const url = await listen(createNetServer(() => {}));
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no complete answer within 1000 ms/);
    expectOneLineNoStack(r.stderr);
    expect(r.elapsed).toBeLessThan(bound);
  });

  it('a server that answers non-HTTP bytes', async () => {
    const url = await listen(createNetServer((s) => s.end('SSH-2.0-OpenSSH_9.6\r\n\0\0\0garbage\r\n\r\n')));
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach .*: (the answer is not valid HTTP|the connection was closed)/);
    expectOneLineNoStack(r.stderr);
  });

  it('a server that resets every connection', async () => {
    const url = await listen(createNetServer((s) => s.once('data', () => s.resetAndDestroy())));
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach .*closed before a complete answer/);
    expectOneLineNoStack(r.stderr);
  });

  it('a server that drips a body forever', async () => {
    const url = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no complete answer within 1000 ms/);
    expect(r.elapsed).toBeLessThan(bound);
  });

  it('a server that streams a multi-gigabyte body: memory stays bounded', async () => {
    const chunk = Buffer.alloc(1 << 16, 'a');
    const total = 4 * 1024 ** 3;
    const url = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (sent = total));
        pump();
      }),
    );
    let peakKb = 0;
    const started = Date.now();
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs], {
      onSpawn: (child) => {
        const poll = setInterval(() => {
          try {
            const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
          } catch {
            clearInterval(poll);
          }
        }, 20);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not answer like the access-token API/);
    expect(Date.now() - started).toBeLessThan(bound);
    console.log(`peak RSS of the runner against a 4 GiB body: ${(peakKb / 1024).toFixed(0)} MiB`);
    // The body cap is 1 MiB: the runner's footprint is Node's own plus that, never the body.
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb).toBeLessThan(400 * 1024);
  });

  it('a name that does not resolve', async () => {
    const r = await runTimed(['run', '--target', 'http://pat-conformance-no-such-host.invalid', '--token', 'abcdef', ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach .*(does not resolve|no complete answer)/);
    expectOneLineNoStack(r.stderr);
  });
});

describe('targets that pass the pre-flight and then misbehave: exit 1, cases named, bounded', () => {
  /** Answers ListAccessTokens like the API, so the pre-flight passes; everything else is `other`. */
  function listOnly(other: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void): HttpServer {
    return createHttpServer((req, res) => {
      if (req.method === 'POST' && req.url === '/v1/accessTokens') {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"items":[]}');
      }
      other(req, res);
    });
  }

  it('a target that stops answering after the pre-flight', async () => {
    const url = await listen(listOnly(() => {}));
    const out = await tempDir();
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs, '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.elapsed).toBeLessThan(bound);
    const report = await readReport(out);
    expect(report.summary.failed).toBeGreaterThan(0);
    expect(report.cases.find((c) => c.scenario === 'valid-delete')?.status).toBe('failed');
    expect(JSON.stringify(report)).toMatch(/no complete answer within 1000 ms/);
  });

  it('a target that resets every connection but the listing', async () => {
    const url = await listen(listOnly((req) => req.socket.resetAndDestroy()));
    const out = await tempDir();
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs, '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    const report = await readReport(out);
    expect(report.cases.every((c) => c.status === 'failed' || c.status === 'skipped')).toBe(true);
  });

  it('a target that answers 200 "hello" to everything but the listing', async () => {
    const url = await listen(listOnly((req, res) => {
      req.resume();
      res.end('hello');
    }));
    const out = await tempDir();
    const r = await runTimed(['run', ...targetArgs(url), ...timeoutArgs, '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = await readReport(out);
    expect(report.summary.failed).toBe(report.summary.total);
  });

  it('a target that throttles everything but the listing, forever', async () => {
    const url = await listen(listOnly((req, res) => {
      req.resume();
      res.writeHead(429, { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '1', 'content-type': 'application/json' });
      res.end('{"message":"slow down"}');
    }));
    const out = await tempDir();
    const r = await runTimed(['run', ...targetArgs(url), '--throttle-budget', '2000', '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.elapsed).toBeLessThan(bound);
    expect(JSON.stringify(await readReport(out))).toMatch(/target stays throttled/);
  });
});
