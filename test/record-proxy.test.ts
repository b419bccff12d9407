// `proxy`: the AWS SDK for JavaScript v3 records a create/delete/re-delete session through the
// real CLI's recording proxy; `check` passes it for a conformant target and fails it for one that
// puts a body on a successful delete. Nothing secret is in the recording.
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CodeCatalystClient,
  CreateAccessTokenCommand,
  DeleteAccessTokenCommand,
  ListAccessTokensCommand,
} from '@aws-sdk/client-codecatalyst';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../src/reference/faults.js';
import { readReport, runCli, tempDirs, withReference, type CliResult, startListeningCli } from './helpers/cli.js';
import { startRecordingProxy } from '../src/tools/proxy.js';
import { loadTraffic } from '../src/recording/recording-store.js';

const tempDir = tempDirs();
const bearer = 'sdk-user-bearer-token-0123456789';

/** Start `proxy` as a child process; resolves with its URL once it listens, and a stop(). */
function startProxy(args: string[]): ReturnType<typeof startListeningCli> {
  return startListeningCli(['proxy', '--port', '0', ...args]);
}

async function sdkSession(
  fault: FaultName | undefined,
): Promise<{ dir: string; recording: string; secret: string; proxyResult: CliResult; statuses: number[] }> {
  const dir = await tempDir();
  const recording = join(dir, 'sdk-session');
  return withReference({ users: [bearer], ...(fault ? { faults: [fault] } : {}) }, async (server) => {
    const proxy = await startProxy(['--target', server.url, '--record', recording]);
    const client = new CodeCatalystClient({ endpoint: proxy.url, region: 'us-west-2', token: { token: bearer }, maxAttempts: 1 });
    const statuses: number[] = [];
    const created = await client.send(new CreateAccessTokenCommand({ name: 'sdk token', expiresTime: new Date('2030-01-02T03:04:05Z') }));
    statuses.push(created.$metadata.httpStatusCode!);
    const deleted = await client.send(new DeleteAccessTokenCommand({ id: created.accessTokenId! }));
    statuses.push(deleted.$metadata.httpStatusCode!);
    const again = await client
      .send(new DeleteAccessTokenCommand({ id: created.accessTokenId! }))
      .catch((e: { $metadata: { httpStatusCode: number }; name: string }) => e);
    statuses.push(again.$metadata.httpStatusCode!);
    expect((again as { name?: string }).name).toBe('ResourceNotFoundException');
    const listed = await client.send(new ListAccessTokensCommand({}));
    statuses.push(listed.$metadata.httpStatusCode!);
    client.destroy();
    const proxyResult = await proxy.stop();
    return { dir, recording, secret: created.secret!, proxyResult, statuses };
  });
}

async function allText(dir: string): Promise<string> {
  let out = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('proxy: the AWS SDK session, recorded and checked', () => {
  it('a conformant target: recorded redacted, and `check` passes it', async () => {
    const session = await sdkSession(undefined);
    expect(session.statuses).toEqual([201, 200, 404, 200]);
    expect(session.proxyResult.code).toBe(0);
    expect(session.proxyResult.stderr).toMatch(/recorded 4 exchanges/);
    // The proxy's request log names the caller by pseudonym.
    expect(session.proxyResult.stderr).toMatch(/PUT \/v1\/accessTokens 201 .*Bearer <identity-1>/);

    const text = await allText(session.recording);
    expect(text).not.toContain(bearer);
    expect(text).not.toContain(session.secret);
    expect(text).toContain('Bearer <identity-1>');
    expect(text).toContain('<token-secret>');
    const meta = JSON.parse(await readFile(join(session.recording, 'meta.json'), 'utf8')) as { kind: string; identities: string[] };
    expect(meta).toMatchObject({ kind: 'proxy', identities: ['<identity-1>'] });

    const check = await runCli(['check', session.recording, '--out', join(session.dir, 'out'), '--reporter', 'json,junit']);
    expect(check.code).toBe(0);
    const report = await readReport(join(session.dir, 'out'));
    expect(report.summary).toMatchObject({ failed: 0 });
    expect(report.options).toMatchObject({ exchanges: 4 });
    expect(check.stdout + (await allText(join(session.dir, 'out')))).not.toContain(bearer);
  });

  it('a target that puts a body on a successful delete: `check` fails it, naming the rule', async () => {
    const session = await sdkSession('body-on-success');
    expect(session.statuses).toEqual([201, 200, 404, 200]);
    expect(session.proxyResult.code).toBe(0);
    const check = await runCli(['check', session.recording, '--out', join(session.dir, 'out'), '--reporter', 'json']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/a successful delete has a zero-byte body or \{\}/);
    expect(check.stdout).toContain('{"deleted":true}');
    const report = await readReport(join(session.dir, 'out'));
    expect(report.verdict).toBe('non-conformant');
  });

  it('a target that is down: the client gets a 502 from the proxy, and check reports the unanswered request', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const proxy = await startProxy(['--target', 'http://127.0.0.1:9', '--record', recording, '--quiet']);
    const res = await fetch(`${proxy.url}/v1/accessTokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-amzn-errortype')).toBe('PatConformanceProxyError');
    expect((await proxy.stop()).code).toBe(0);
    const check = await runCli(['check', recording, '--quiet', '--out', join(dir, 'out'), '--reporter', 'json']);
    expect(check.code).toBe(1);
    const report = await readReport(join(dir, 'out'));
    expect(report.cases[0]!.checks.find((c) => !c.passed)?.message).toMatch(/POST \/v1\/accessTokens got no answer \(ECONNREFUSED/);
    expect(await allText(recording)).not.toContain(bearer);
  });

  it('long sessions are cut into segments by send order, requests in flight or not; concurrent traffic keeps its send order', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    await withReference({ users: [bearer, 'second-user-token-abcdef'], rate: 0 }, async (server) => {
      // Between the proxy and the reference, a barrier that answers nothing until four requests
      // are waiting: the four of a round are then certainly in flight through the proxy together,
      // and are answered all at once, in no particular order.
      const target = await barrier(server.url, 4);
      try {
        const proxy = await startRecordingProxy({ target: target.url, host: '127.0.0.1', port: 0, record: recording, segmentSize: 5 });
        const send = (who: string, i: number) =>
          fetch(`${proxy.url}/v1/accessTokens`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `t${i}` }),
          });
        for (let round = 0; round < 3; round++) {
          const answers: Array<Promise<Response>> = [];
          for (let i = 0; i < 4; i++) {
            const n = round * 4 + i;
            answers.push(send(i % 2 ? 'second-user-token-abcdef' : bearer, n));
            // The next request leaves only once this one has passed the proxy: a known send order.
            await target.arrived(n + 1);
          }
          expect((await Promise.all(answers)).map((a) => a.status)).toEqual([201, 201, 201, 201]);
        }
        const summary = await proxy.stop();
        expect(summary.exchanges).toBe(12);
        // A segment holds the next 5 requests sent, whether or not earlier ones are still in
        // flight (a loaded proxy is never idle; nothing waits for a rotation): the sixth request,
        // in the middle of the second round, starts the second segment.
        expect(summary.segments).toBe(3);
      } finally {
        await target.close();
      }
    });
    const traffic = loadTraffic(recording);
    expect(traffic.meta?.identities).toEqual(['<identity-1>', '<identity-2>']);
    expect(traffic.sources.map((s) => s.entries.length)).toEqual([5, 5, 2]);
    const entries = traffic.sources.flatMap((s) => s.entries);
    expect(entries.map((e) => (JSON.parse(e.request.postData!.text!) as { name: string }).name)).toEqual(
      Array.from({ length: 12 }, (_, i) => `t${i}`),
    );
    const seqs = entries.map((e) => e._patConformance!.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const check = await runCli(['check', recording, '--quiet', '--out', join(dir, 'out')]);
    expect(check.code).toBe(0);
  });
});

/**
 * A forwarding target that holds every request until `size` of them are waiting, then sends
 * them all on to `upstream` at once. `arrived(n)` resolves once n requests have come in.
 */
async function barrier(
  upstream: string,
  size: number,
): Promise<{ url: string; arrived(n: number): Promise<void>; close(): Promise<void> }> {
  let count = 0;
  const waiting: Array<() => void> = [];
  const watchers: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)),
      ) as Record<string, string>;
      waiting.push(() => {
        void request(`${upstream}${req.url}`, { method: req.method as 'PUT', headers, body: Buffer.concat(chunks) })
          .then(async (answer) => {
            const body = Buffer.from(await answer.body.arrayBuffer());
            res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
            res.end(body);
          })
          .catch(() => res.destroy());
      });
      count++;
      for (const w of watchers.filter((w) => count >= w.n)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
      if (waiting.length === size) for (const go of waiting.splice(0)) go();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrived: (n) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ n, resolve }))),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
