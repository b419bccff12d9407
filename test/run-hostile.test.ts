// Whatever the target does, the runner answers with a verdict: exit 3 when the pre-flight already
// shows the run cannot be carried out, else 1 with the failing cases named. Never a hang, never a
// stack trace, never the whole of a huge body. Every target here is a real socket.
//
// No clock and no memory figure here: each test asserts what the runner did (exit code, reason,
// how many requests it sent, where it stopped reading). A run that hung would be stopped by
// vitest's test timeout. How long giving up takes and how much memory a huge body costs are
// measured by `npm run bench` (section 3, hostile targets).
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
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

/** A short explicit --timeout, named back in the reasons below. */
const timeoutArgs = ['--timeout', '1000'];

function expectOneLineNoStack(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('targets that fail the pre-flight: exit 3, one line', () => {
  it('a port that accepts and never answers', async () => {
    let connections = 0;
    const url = await listen(createNetServer(() => void connections++));
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no complete answer within 1000 ms/);
    expectOneLineNoStack(r.stderr);
    // One attempt: a pre-flight that got no answer is not retried.
    expect(connections).toBe(1);
  });

  it('a server that answers non-HTTP bytes', async () => {
    const url = await listen(createNetServer((s) => s.end('SSH-2.0-OpenSSH_9.6\r\n\0\0\0garbage\r\n\r\n')));
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach .*: (the answer is not valid HTTP|the connection was closed)/);
    expectOneLineNoStack(r.stderr);
  });

  it('a server that resets every connection', async () => {
    const url = await listen(createNetServer((s) => s.once('data', () => s.resetAndDestroy())));
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach .*closed before a complete answer/);
    expectOneLineNoStack(r.stderr);
  });

  it('a server that drips a body forever: the --timeout bounds the whole answer, not the gap between bytes', async () => {
    let requests = 0;
    const url = await listen(
      createHttpServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"items":[');
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      }),
    );
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach .*: no complete answer within 1000 ms/);
    expectOneLineNoStack(r.stderr);
    expect(requests).toBe(1);
  });

  it('a server that streams a multi-gigabyte body: read up to the 1 MiB cap, then the connection is let go', async () => {
    const chunk = Buffer.alloc(1 << 16, 'a');
    const total = 4 * 1024 ** 3;
    let requests = 0;
    let sentWhenClosed!: (sent: number) => void;
    const closedAt = new Promise<number>((resolve) => (sentWhenClosed = resolve));
    const url = await listen(
      createHttpServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => {
          sentWhenClosed(sent);
          sent = total;
        });
        pump();
      }),
    );
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs]);
    expect(r).toMatchObject({ code: 3, signal: null });
    expectOneLineNoStack(r.stderr);
    // The answer was judged on what was read: the cap (1 MiB) plus the chunk that crossed it.
    const read = Number(/does not answer like the access-token API: .* answered 200 \((\d+) bytes\) "a+"$/m.exec(r.stderr)?.[1]);
    expect(read).toBeGreaterThan(1024 * 1024);
    expect(read).toBeLessThanOrEqual(1024 * 1024 + chunk.length);
    // The runner stopped reading and closed the connection long before the body's end.
    expect(requests).toBe(1);
    expect(await closedAt).toBeLessThan(total);
  });

  it('a name that does not resolve', async () => {
    const r = await runCli(['run', '--target', 'http://pat-conformance-no-such-host.invalid', '--token', 'abcdef', ...timeoutArgs]);
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

  it('a target that stops answering after the pre-flight: after three unanswered requests in a row, nothing more is sent', async () => {
    // What the target received, in order: true for an answered listing, false for a request it
    // never answers.
    const received: boolean[] = [];
    const url = await listen(
      createHttpServer((req, res) => {
        const listing = req.method === 'POST' && req.url === '/v1/accessTokens';
        received.push(listing);
        if (!listing) return;
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[]}');
      }),
    );
    const out = await tempDir();
    // One case at a time: side by side, every case's requests in flight when the third went
    // unanswered would still time out (concurrently, within one --timeout).
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs, '--parallel', '1', '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    const report = await readReport(out);
    expect(report.summary.failed).toBe(report.summary.total);
    expect(report.cases.find((c) => c.scenario === 'valid-delete')?.status).toBe('failed');
    expect(JSON.stringify(report)).toMatch(/no complete answer within 1000 ms/);
    // The bound is a count, not a time: once three requests in a row got no answer the target
    // is taken as gone; the remaining cases fail at once and nothing more reaches it.
    let inARow = 0;
    let longest = 0;
    for (const answered of received) {
      inARow = answered ? 0 : inARow + 1;
      longest = Math.max(longest, inARow);
    }
    // Requests already in flight when the third failed still arrive: a setup creates its tokens
    // eight at a time (Actor.createTokens), so at most 2 + 8 in a row, never one per request.
    expect(longest).toBeGreaterThanOrEqual(3);
    expect(longest).toBeLessThanOrEqual(10);
    expect(inARow).toBe(longest);
    expect(JSON.stringify(report)).toMatch(/not sent: the last 3 requests got no answer/);
  });

  it('a target that resets every connection but the listing', async () => {
    const url = await listen(listOnly((req) => req.socket.resetAndDestroy()));
    const out = await tempDir();
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs, '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    const report = await readReport(out);
    expect(report.cases.every((c) => c.status === 'failed' || c.status === 'skipped')).toBe(true);
  });

  it('a target that answers 200 "hello" to everything but the listing', async () => {
    const url = await listen(
      listOnly((req, res) => {
        req.resume();
        res.end('hello');
      }),
    );
    const out = await tempDir();
    const r = await runCli(['run', ...targetArgs(url), ...timeoutArgs, '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const report = await readReport(out);
    expect(report.summary.failed).toBe(report.summary.total);
  });

  it('a target that throttles everything but the listing, forever: one step waits its budget, the others do not wait again', async () => {
    const url = await listen(
      listOnly((req, res) => {
        req.resume();
        res.writeHead(429, { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"message":"slow down"}');
      }),
    );
    const out = await tempDir();
    const r = await runCli(['run', ...targetArgs(url), '--throttle-budget', '2000', '--quiet', '--out', out]);
    expect(r.code).toBe(1);
    const report = await readReport(out);
    expect(report.summary.failed).toBe(report.summary.total);
    const messages = report.cases.map((c) => JSON.stringify(c.checks.filter((k) => !k.passed).map((k) => k.message)));
    const waitedBudget = messages.filter((m) =>
      /target stays throttled: still 429 after \d+ attempts over \d+ ms \(budget 2000 ms\)/.test(m),
    );
    const didNotWait = messages.filter((m) =>
      /target stays throttled: still 429, as at an earlier step that waited its whole budget/.test(m),
    );
    // The budget is spent once per operation that stays throttled (at most create, delete and
    // VerifySession here), never once per step; every other case fails without waiting.
    expect(waitedBudget.length).toBeGreaterThanOrEqual(1);
    expect(waitedBudget.length).toBeLessThanOrEqual(3);
    expect(waitedBudget.length + didNotWait.length).toBe(messages.length);
  });
});
