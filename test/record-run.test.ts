// `run --record DIR` and `run --replay DIR` through the real CLI (dist/src/cli.js) against real
// loopback servers: a replay needs no network and no credentials and gives the same verdicts and
// exit code; nothing secret is ever written; a bad recording is one line and exit 2.
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../src/verdict.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

/** Every file under dir, as text. */
async function allText(dir: string): Promise<string> {
  let out = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

/**
 * A forwarding spy in front of a target: it collects every token secret the target hands out,
 * so the test can search recordings and reports for them.
 */
async function withSpy<T>(
  targetUrl: string,
  use: (url: string, secrets: string[]) => Promise<T>,
  onAnswer?: (method: string, status: number) => void,
): Promise<T> {
  const secrets: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void request(`${targetUrl}${req.url}`, {
        method: req.method as 'GET',
        headers: req.headers as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          const body = Buffer.from(await answer.body.arrayBuffer());
          const secret = /"secret":"([^"]+)"/.exec(body.toString('utf8'))?.[1];
          if (secret) secrets.push(secret);
          res.writeHead(answer.statusCode, answer.headers as Record<string, string>);
          res.end(body);
          onAnswer?.(req.method ?? '', answer.statusCode);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, secrets);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

function verdicts(report: RunReport): string[] {
  return report.cases.map(
    (c) => `${c.scenario} / ${c.case}: ${c.status} [${c.checks.map((k) => (k.passed ? '+' : '-') + k.rule).join('; ')}]`,
  );
}

const subset = ['--scenario', 'valid-delete,wrong-owner,id-injection,concurrent-conflict,throttle-burst'];

describe('run --record, then run --replay with the target gone', () => {
  it('a conformant target: the replay exits 0 with the same verdicts; no bearer or secret is written anywhere', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'recording');
    const { record, secrets } = await withReference({ users: [ownerToken, otherToken] }, (server) =>
      withSpy(server.url, async (url, secrets) => ({
        record: await runCli([
          'run',
          ...targetArgs(url),
          ...subset,
          '--record',
          recording,
          '--out',
          join(dir, 'live'),
          '--reporter',
          'json,junit,markdown',
        ]),
        secrets,
      })),
    );
    expect(record.stderr).toMatch(/recorded \d+ exchanges in \d+ segments/);
    expect(record.code).toBe(0);
    expect(secrets.length).toBeGreaterThan(20);

    // The target is closed: a replay that reached for the network would fail.
    const replay = await runCli(['run', '--replay', recording, '--out', join(dir, 'replayed'), '--reporter', 'json,junit,markdown']);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    const live = await readReport(join(dir, 'live'));
    const replayed = await readReport(join(dir, 'replayed'));
    expect(verdicts(replayed)).toEqual(verdicts(live));
    expect(replayed.target.replay).toBe(recording);
    expect(replayed.options.seed).toBe(live.options.seed);

    const everything = (await allText(recording)) + (await allText(dir)) + record.stdout + record.stderr + replay.stdout + replay.stderr;
    for (const secret of [ownerToken, otherToken, ...secrets]) expect(everything).not.toContain(secret);
    expect(everything).toContain('<identity-1>');
    expect(everything).toContain('<token-secret>');
    // Nothing half-written is left next to the recording.
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['recording', 'live', 'replayed']));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a broken target (a body on a successful delete): the replay exits 1 with the same failures', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'recording');
    const record = await withReference({ users: [ownerToken, otherToken], faults: ['body-on-success'] }, (server) =>
      runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'valid-delete,wrong-owner',
        '--record',
        recording,
        '--out',
        join(dir, 'live'),
        '--quiet',
      ]),
    );
    expect(record.code).toBe(1);
    const replay = await runCli(['run', '--replay', recording, '--out', join(dir, 'replayed'), '--quiet']);
    expect(replay.code).toBe(1);
    const live = await readReport(join(dir, 'live'));
    const replayed = await readReport(join(dir, 'replayed'));
    expect(verdicts(replayed)).toEqual(verdicts(live));
    expect(replayed.cases.find((c) => c.case === 'fresh token')?.status).toBe('failed');
  });

  it('recorded throttling is replayed without really waiting', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'recording');
    // Every request is throttled once before it is let through (Retry-After: 0, so the live run
    // waits only the runner's 50 ms floor each time).
    const { record, throttled } = await withReference({ users: [ownerToken, otherToken] }, (server) =>
      withThrottler(server.url, async (url, throttled) => ({
        record: await runCli([
          'run',
          ...targetArgs(url),
          '--scenario',
          'unknown-id',
          // One case at a time: the throttler alternates per identical request across the run,
          // so identical listings of cases side by side could meet two 429s in a row, and three
          // waits of 10 s would spend the 30 s throttle budget. The replay runs at the default.
          '--parallel',
          '1',
          '--record',
          recording,
          '--out',
          join(dir, 'live'),
          '--quiet',
        ]),
        throttled: throttled(),
      })),
    );
    expect(record.code).toBe(0);
    const har = await harEntries(recording);
    // Every 429 the target sent is in the recording, each followed by the same request again.
    expect(throttled).toBeGreaterThan(10);
    expect(har.filter((e) => e.response.status === 429)).toHaveLength(throttled);
    // Now the recording says "Retry-After: 10" on every 429: waited for real, the replay would
    // take over 10 s per 429, minutes in all, far beyond this test's timeout. No clock is read:
    // the replay finishing at all, with the same verdicts, is the check. (How much faster than
    // the live run a replay is, is measured by `npm run bench`: section 3, throttled-replay.)
    await rewriteHar(recording, (entry) => {
      if (entry.response.status !== 429) return;
      for (const h of entry.response.headers) if (h.name.toLowerCase() === 'retry-after') h.value = '10';
    });
    const replay = await runCli(['run', '--replay', recording, '--out', join(dir, 'replayed'), '--quiet']);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(record.code);
    const live = await readReport(join(dir, 'live'));
    const replayed = await readReport(join(dir, 'replayed'));
    expect(verdicts(replayed)).toEqual(verdicts(live));
  });
});

interface HarEntry {
  response: { status: number; headers: Array<{ name: string; value: string }> };
}

/** The HAR files of a recording, as meta.json lists them. */
async function harFiles(recording: string): Promise<string[]> {
  const meta = JSON.parse(await readFile(join(recording, 'meta.json'), 'utf8')) as { segments: Array<{ file?: string }> };
  return meta.segments.flatMap((s) => (s.file ? [join(recording, s.file)] : []));
}

async function harEntries(recording: string): Promise<HarEntry[]> {
  const entries: HarEntry[] = [];
  for (const file of await harFiles(recording))
    entries.push(...(JSON.parse(await readFile(file, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries);
  return entries;
}

async function rewriteHar(recording: string, edit: (entry: HarEntry) => void): Promise<void> {
  for (const file of await harFiles(recording)) {
    const har = JSON.parse(await readFile(file, 'utf8')) as { log: { entries: HarEntry[] } };
    har.log.entries.forEach(edit);
    await writeFile(file, JSON.stringify(har, null, 2));
  }
}

/**
 * A target in front of `targetUrl` that answers the first of every two identical requests (same
 * method, path, bearer and body) with a well-formed 429 and forwards the second: each step of a
 * sequential run is throttled exactly once. `throttled()` is how many 429s it sent.
 */
async function withThrottler<T>(targetUrl: string, use: (url: string, throttled: () => number) => Promise<T>): Promise<T> {
  const seen = new Map<string, number>();
  let throttled = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = `${req.method} ${req.url} ${req.headers.authorization} ${body.toString('utf8')}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      if (n % 2 === 0) {
        throttled++;
        res.writeHead(429, { 'x-amzn-errortype': 'ThrottlingException', 'retry-after': '0', 'content-type': 'application/json' });
        return void res.end('{"message":"Rate exceeded"}');
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)),
      ) as Record<string, string>;
      void request(`${targetUrl}${req.url}`, { method: req.method as 'GET', headers, body: body.length ? body : undefined })
        .then(async (answer) => {
          const data = Buffer.from(await answer.body.arrayBuffer());
          res.writeHead(answer.statusCode, answer.headers as Record<string, string>);
          res.end(data);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, () => throttled);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe('run --replay: what it refuses', () => {
  /** A small valid recording to damage. */
  let made: string | undefined;
  async function goodRecording(): Promise<string> {
    if (made) return made;
    const dir = await tempDir();
    made = join(dir, 'good');
    const record = await withReference({ users: [ownerToken, otherToken] }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--scenario', 'unknown-id', '--record', made!, '--quiet', '--out', join(dir, 'out')]),
    );
    expect(record.code).toBe(0);
    return made;
  }

  async function damaged(damage: (dir: string) => Promise<void>): Promise<string> {
    const copy = join(await tempDir(), 'copy');
    await cp(await goodRecording(), copy, { recursive: true });
    await damage(copy);
    return copy;
  }

  async function firstHar(dir: string): Promise<string> {
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { segments: Array<{ file?: string }> };
    return join(dir, meta.segments.find((s) => s.file)!.file!);
  }

  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ['a missing recording', async () => join(await tempDir(), 'nothing-here'), /recording ".*nothing-here" not found/],
    [
      'a truncated HAR',
      () =>
        damaged(async (d) => {
          const f = await firstHar(d);
          const t = await readFile(f, 'utf8');
          await writeFile(f, t.slice(0, t.length / 2));
        }),
      /is damaged: .*recording\.har is not valid JSON/,
    ],
    [
      'a HAR with entries cut out',
      () =>
        damaged(async (d) => {
          const f = await firstHar(d);
          const h = JSON.parse(await readFile(f, 'utf8'));
          h.log.entries.pop();
          await writeFile(f, JSON.stringify(h));
        }),
      /holds \d+ exchanges, meta\.json says \d+ \(truncated\?\)/,
    ],
    [
      'a corrupt meta.json',
      () =>
        damaged(async (d) => {
          await writeFile(join(d, 'meta.json'), '{"format": "pat-conf\u0000');
        }),
      /meta\.json is not valid JSON/,
    ],
    [
      'a missing segment file',
      () =>
        damaged(async (d) => {
          await rm(await firstHar(d));
        }),
      /is missing/,
    ],
    [
      'a foreign directory',
      async () => {
        const d = join(await tempDir(), 'foreign');
        await mkdir(d);
        await writeFile(join(d, 'notes.txt'), 'hello');
        return d;
      },
      /is not a pat-conformance recording \(no meta\.json\)/,
    ],
    [
      'foreign JSON as meta.json',
      async () => {
        const d = join(await tempDir(), 'foreign');
        await mkdir(d);
        await writeFile(join(d, 'meta.json'), '{"name":"some package"}');
        return d;
      },
      /is not a pat-conformance recording \(meta\.json does not say/,
    ],
    [
      'a file, not a directory',
      async () => {
        const f = join(await tempDir(), 'x.har');
        await writeFile(f, 'not json');
        return f;
      },
      /is not a recording directory/,
    ],
    [
      'a HAR that is not HAR',
      () =>
        damaged(async (d) => {
          await writeFile(await firstHar(d), JSON.stringify({ hello: 'world' }));
        }),
      /is not a HAR file/,
    ],
  ];

  for (const [name, make, message] of cases) {
    it(`${name}: one clear line, exit 2`, async () => {
      const result = await runCli(['run', '--replay', await make(), '--quiet', '--out', join(await tempDir(), 'out')]);
      expect(result.code).toBe(2);
      const firstLine = result.stderr.split('\n')[0]!;
      expect(firstLine).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('--replay with --target, and --record with --replay, are usage errors', async () => {
    const good = await goodRecording();
    const withTarget = await runCli(['run', '--replay', good, '--target', 'http://127.0.0.1:9', '--token', 'x-token']);
    expect(withTarget.code).toBe(2);
    expect(withTarget.stderr).toMatch(/drop --target/);
    const both = await runCli(['run', '--replay', good, '--record', join(await tempDir(), 'r')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--record and --replay cannot be used together/);
    const otherSeed = await runCli(['run', '--replay', good, '--seed', '1']);
    expect(otherSeed.code).toBe(2);
    expect(otherSeed.stderr).toMatch(/--seed cannot change a replay/);
  });

  it('a replay the recording cannot answer stops with exit 2 naming the request', async () => {
    const copy = await damaged(async (d) => {
      // Make the first recorded create answer something else: the run then sends other requests.
      const meta = JSON.parse(await readFile(join(d, 'meta.json'), 'utf8'));
      meta.run.seed += 1;
      await writeFile(join(d, 'meta.json'), JSON.stringify(meta));
    });
    const result = await runCli(['run', '--replay', copy, '--quiet', '--out', join(await tempDir(), 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/the recording holds no answer for (PUT|POST|DELETE|GET) \/\S+/);
  });
});

describe('run --record: written whole or not at all', () => {
  it('an interrupted run leaves the previous recording as it was and nothing half-written', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'recording');
    await withReference({ users: [ownerToken, otherToken] }, async (server) => {
      const first = await runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'unknown-id',
        '--record',
        recording,
        '--quiet',
        '--out',
        join(dir, 'a'),
      ]);
      expect(first.code).toBe(0);
    });
    const before = await readFile(join(recording, 'meta.json'), 'utf8');
    // A slow target (a bucket of 1 token a second), so the run is far from its end when the
    // signal lands; it is interrupted once the target has answered its first create (no timer):
    // the run is then certainly recording, and has a token to clean up.
    await withReference({ users: [ownerToken, otherToken], rate: 1, burst: 1 }, async (server) => {
      let child: ChildProcess | undefined;
      let interrupted = false;
      const second = await withSpy(
        server.url,
        (url) =>
          runCli(['run', ...targetArgs(url), '--record', recording, '--reporter', 'json', '--out', join(dir, 'b')], {
            onSpawn: (c) => (child = c),
          }),
        (method, status) => {
          // One SIGINT only: a second one means "exit at once, without cleanup".
          if (interrupted || method !== 'PUT' || status !== 201) return;
          interrupted = true;
          child!.kill('SIGINT');
        },
      );
      expect(interrupted).toBe(true);
      expect(second.code).toBe(130);
      expect(second.stderr).toMatch(/recording not written/);
    });
    expect(await readFile(join(recording, 'meta.json'), 'utf8')).toBe(before);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
