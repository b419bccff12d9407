// The recording proxy's own answers and its signals, through the real CLI (`proxy`) against
// targets written here: 413 for a request body over 10 MiB (exactly 10 MiB still goes through),
// 502 for a target that resets the connection, 504 for one that does not answer within
// --timeout, all named PatConformanceProxyError and kept out of the HAR; and a second SIGINT
// while the first is waiting for a request in flight: exit at once, nothing written.
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startListeningCli, tempDirs } from './helpers/cli.js';
import { allText, closeServer, gate, harEntries, listen, until } from './helpers/untested-targets.js';

const tempDir = tempDirs();
const bearer = 'proxy-test-bearer-0123456789abcdef';
const maxBody = 10 * 1024 * 1024;

/** A target of our own, for the length of `use`. */
async function withTarget<T>(handler: (req: IncomingMessage, res: ServerResponse) => void, use: (url: string) => Promise<T>): Promise<T> {
  const server = createServer(handler);
  const url = await listen(server);
  try {
    return await use(url);
  } finally {
    await closeServer(server);
  }
}

interface ProxyAnswer {
  status: number;
  errortype: string | undefined;
  message: string | undefined;
}

async function post(url: string, body: Buffer | string): Promise<ProxyAnswer> {
  const res = await request(`${url}/v1/accessTokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.body.text();
  let message: string | undefined;
  try {
    message = (JSON.parse(text) as { message?: string }).message;
  } catch {
    message = undefined;
  }
  const errortype = res.headers['x-amzn-errortype'];
  return { status: res.statusCode, errortype: Array.isArray(errortype) ? errortype[0] : errortype, message };
}

interface RecordingMeta {
  segments: Array<{ exchanges: number; transportErrors: Array<{ method: string; path: string; error: { name: string; code?: string } }> }>;
}
const metaOf = async (dir: string): Promise<RecordingMeta> => JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as RecordingMeta;

describe('proxy: its own answers', () => {
  it('413 for a body over 10 MiB, not forwarded and not recorded; exactly 10 MiB goes through', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const received: number[] = [];
    const { stopped, atLimit, over } = await withTarget(
      (req, res) => {
        let size = 0;
        req.on('data', (c: Buffer) => (size += c.length));
        req.on('end', () => {
          received.push(size);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ items: [], size }));
        });
      },
      async (target) => {
        const proxy = await startListeningCli(['proxy', '--port', '0', '--target', target, '--record', recording]);
        const atLimit = await post(proxy.url, Buffer.alloc(maxBody, 0x20));
        const over = await post(proxy.url, Buffer.alloc(maxBody + 1, 0x20));
        return { stopped: await proxy.stop(), atLimit, over };
      },
    );
    expect(atLimit.status).toBe(200);
    expect(over).toEqual({
      status: 413,
      errortype: 'PatConformanceProxyError',
      message: `pat-conformance proxy: request body over ${maxBody} bytes`,
    });
    // Only the first reached the target, whole.
    expect(received).toEqual([maxBody]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/recorded 1 exchanges to /);
    const entries = await harEntries(recording);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.response.status).toBe(200);
    expect((await metaOf(recording)).segments.flatMap((s) => s.transportErrors)).toEqual([]);
  });

  it('an answer of several MiB reaches the client whole, byte for byte; the recording keeps 1 MiB of it and says it was cut', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    // 3 MiB that is not one byte repeated: a cut or a reordering shows in the digest.
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = 0x61 + (i % 26);
    const { stopped, status, received, cookies } = await withTarget(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
        res.end(big);
      },
      async (target) => {
        const proxy = await startListeningCli(['proxy', '--port', '0', '--target', target, '--record', recording]);
        const res = await request(`${proxy.url}/v1/accessTokens`, { method: 'GET', headers: { authorization: `Bearer ${bearer}` } });
        const received = Buffer.from(await res.body.arrayBuffer());
        return { stopped: await proxy.stop(), status: res.statusCode, received, cookies: res.headers['set-cookie'] };
      },
    );
    expect(status).toBe(200);
    expect(received.length).toBe(big.length);
    expect(received.equals(big)).toBe(true);
    expect(cookies).toEqual(['a=1', 'b=2']);
    expect(stopped.code).toBe(0);
    const entries = await harEntries(recording);
    expect(entries).toHaveLength(1);
    expect(Buffer.byteLength(entries[0]!.response.content.text!)).toBe(1024 * 1024 + 1);
    expect((entries[0] as { _patConformance?: { truncated?: boolean } })._patConformance?.truncated).toBe(true);
  });

  it('502 for a target that resets the connection: kept as a transport error, not as an answer', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    let reached = 0;
    const { stopped, answer } = await withTarget(
      (req) => {
        reached++;
        req.socket.destroy();
      },
      async (target) => {
        const proxy = await startListeningCli(['proxy', '--port', '0', '--target', target, '--record', recording]);
        const answer = await post(proxy.url, '{}');
        return { stopped: await proxy.stop(), answer };
      },
    );
    expect(reached).toBe(1);
    expect(answer.status).toBe(502);
    expect(answer.errortype).toBe('PatConformanceProxyError');
    expect(answer.message).toMatch(/^pat-conformance proxy: no answer from the target: \S+$/);
    expect(answer.message).not.toMatch(/Timeout|TIMEOUT/);
    expect(stopped.code).toBe(0);
    // The request log names the caller by pseudonym, never by bearer.
    expect(stopped.stderr).toMatch(/^POST \/v1\/accessTokens 502 \(target: \S+\) Bearer <identity-1>$/m);
    expect(stopped.stderr).not.toContain(bearer);
    expect(await harEntries(recording)).toEqual([]);
    const errors = (await metaOf(recording)).segments.flatMap((s) => s.transportErrors);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ method: 'POST', path: '/v1/accessTokens' });
    expect(await allText(recording)).not.toContain(bearer);
  });

  it('504 for a target that does not answer within --timeout; the proxy still stops and writes', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const never = gate();
    let reached = 0;
    const { stopped, answer } = await withTarget(
      (req, res) => {
        reached++;
        // Never answered: the request waits until the test closes the target.
        void never.promise.then(() => res.destroy());
        req.resume();
      },
      async (target) => {
        const proxy = await startListeningCli(['proxy', '--port', '0', '--target', target, '--record', recording, '--timeout', '300']);
        const answer = await post(proxy.url, '{}');
        const stopped = await proxy.stop();
        never.open();
        return { stopped, answer };
      },
    );
    expect(reached).toBe(1);
    expect(answer.status).toBe(504);
    expect(answer.errortype).toBe('PatConformanceProxyError');
    // (The reason after the colon is the DOMException's legacy numeric code, "23": see the report.)
    expect(answer.message).toMatch(/^pat-conformance proxy: no answer from the target: timeout$/);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/^POST \/v1\/accessTokens 504 /m);
    expect(await harEntries(recording)).toEqual([]);
    expect((await metaOf(recording)).segments.flatMap((s) => s.transportErrors)).toHaveLength(1);
  });
});

/** `proxy` as a child whose signals the test sends itself. */
function proxyChild(args: string[]): ReturnType<typeof startListeningCli> {
  return startListeningCli(['proxy', '--port', '0', ...args]);
}

/** Whether a new connection to the URL's port is refused (the listener is closed). */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('proxy: signals', () => {
  it('a second SIGINT while the first waits for a request in flight: exits at once with 2, the previous recording stays', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const seen: string[] = [];
    const never = gate();
    await withTarget(
      (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (req.url === '/hold') {
          req.resume();
          void never.promise.then(() => res.destroy());
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[]}');
      },
      async (target) => {
        // A previous recording, to be kept.
        const first = await startListeningCli(['proxy', '--port', '0', '--target', target, '--record', recording, '--quiet']);
        expect((await post(first.url, '{}')).status).toBe(200);
        expect((await first.stop()).code).toBe(0);
        const before = await allText(recording);

        // The held request keeps the first SIGINT's stop waiting (up to 5 s with --timeout 60000).
        const proxy = await proxyChild(['--target', target, '--record', recording, '--timeout', '60000']);
        const held = request(`${proxy.url}/hold`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` }, body: '{}' }).then(
          () => 'answered',
          () => 'failed',
        );
        await until(() => seen.includes('POST /hold'), 'the held request to reach the target');
        proxy.child.kill('SIGINT');
        // The first SIGINT has been taken once the listener is closed (stop() closes it, after
        // the handler for a second signal is in place).
        await until(() => refused(proxy.url), 'the proxy to stop listening');
        expect(proxy.child.exitCode).toBeNull();
        proxy.child.kill('SIGINT');
        const result = await proxy.done;
        expect(result.signal).toBeNull();
        expect(result.code).toBe(2);
        // One error line: the stop the abort cut short says nothing more (the request log may
        // still note the held request the abort dropped).
        expect(result.stderr.split('\n')[0]).toBe('pat-conformance: SIGINT again, recording not written');
        expect(result.stderr.split('\n').filter((l) => l.startsWith('pat-conformance:'))).toHaveLength(1);
        expect(result.stderr).not.toMatch(/recorded \d+ exchanges/);
        // It did not wait for the request in flight: the target never answered it.
        expect(await held).toBe('failed');
        // The previous recording, byte for byte, and nothing else: no working directory left.
        expect(await allText(recording)).toBe(before);
        expect(await readdir(dir)).toEqual(['rec']);
        never.open();
      },
    );
  });

  it('one SIGINT with the same request in flight: the proxy waits for it (up to --timeout), then writes the recording, exit 0', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const seen: string[] = [];
    const never = gate();
    await withTarget(
      (req, res) => {
        seen.push(`${req.method} ${req.url}`);
        if (req.url === '/hold') {
          req.resume();
          void never.promise.then(() => res.destroy());
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items":[]}');
      },
      async (target) => {
        const proxy = await proxyChild(['--target', target, '--record', recording, '--timeout', '2000']);
        expect((await post(proxy.url, '{}')).status).toBe(200);
        const held = request(`${proxy.url}/hold`, { method: 'POST', headers: { authorization: `Bearer ${bearer}` }, body: '{}' }).then(
          async (res) => `answered ${res.statusCode} ${res.headers['x-amzn-errortype']} ${(await res.body.text()).length > 0}`,
          () => 'failed',
        );
        await until(() => seen.includes('POST /hold'), 'the held request to reach the target');
        proxy.child.kill('SIGINT');
        const result = await proxy.done;
        expect(result.code).toBe(0);
        expect(result.stderr).toMatch(/recorded 1 exchanges to /);
        // The stop waited for the request in flight: its client got the proxy's 504 (--timeout).
        expect(await held).toBe('answered 504 PatConformanceProxyError true');
        expect(await harEntries(recording)).toHaveLength(1);
        never.open();
      },
    );
  });
});
