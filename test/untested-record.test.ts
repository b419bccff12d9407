// Recording through the real CLI, where redaction meets targets that carry secrets or sensitive
// values in unusual places:
//   - a bearer echoed where Polly copies a header to a field of its own (Location ->
//     response.redirectURL): redacted there too;
//   - --redact-header / --redact-field from the command line, for `run --record` and `proxy`;
//   - `replay DIR --target URL --identity-token TOKEN`: the third identity of a recording gets
//     the bearer given for it, and a bearer the target rejects stops the pre-flight.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  otherToken,
  ownerToken,
  readReport,
  runCli,
  startListeningCli,
  targetArgs,
  tempDirs,
  withReference,
  type CliResult,
} from './helpers/cli.js';
import { listAll } from './helpers/reference.js';
import { allText, harEntries, startForwarder, type Answer, type Forwarder, type SeenRequest } from './helpers/untested-targets.js';

const tempDir = tempDirs();
const users = [ownerToken, otherToken];

/** The bearer of a request, or undefined. */
const bearerOf = (seen: SeenRequest): string | undefined => /^Bearer (\S+)$/.exec(seen.authorization)?.[1];

/** Echoes the caller's bearer in a Location header on every answer (harmless on a 200). */
function echoBearerInLocation(seen: SeenRequest, answer: Answer): Answer {
  const bearer = bearerOf(seen);
  return bearer ? { ...answer, headers: { ...answer.headers, location: `/echo/${bearer}` } } : answer;
}

async function withForwarder<T>(
  targetUrl: string,
  rewrite: (seen: SeenRequest, answer: Answer) => Answer,
  use: (f: Forwarder) => Promise<T>,
): Promise<T> {
  const forwarder = await startForwarder(targetUrl, { rewrite });
  try {
    return await use(forwarder);
  } finally {
    await forwarder.close();
  }
}

const oneLine = (result: CliResult): string => {
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
};

/** Nothing half-written next to the recording: no temporary or set-aside directory is left. */
async function leftBehind(parent: string): Promise<string[]> {
  return (await readdir(parent)).filter((f) => f.endsWith('.tmp'));
}

// The post-write secret scan (exit 2, nothing written) is the last line of defence for a place
// redaction does not know of; none is known any more (a bearer in a header name, in Location,
// which Polly copies to redirectURL, or in Content-Type are all redacted), so it is held to its
// contract directly in secret-scan.test.ts. Here: those places, through the CLI.
describe('a bearer echoed where Polly copies it (Location -> redirectURL): redacted, recorded, exit 0', () => {
  it('run --record: the recording holds the pseudonym, never the bearer', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const result = await withReference({ users, rate: 0 }, (server) =>
      withForwarder(server.url, echoBearerInLocation, (forwarder) =>
        runCli([
          'run',
          ...targetArgs(forwarder.url),
          '--scenario',
          'unknown-id',
          '--record',
          recording,
          '--quiet',
          '--reporter',
          'json',
          '--out',
          join(dir, 'out'),
        ]),
      ),
    );
    expect(result.code).toBe(0);
    const text = await allText(recording);
    expect(text).not.toContain(ownerToken);
    expect(text).not.toContain(otherToken);
    const entries = await harEntries(recording);
    const redirects = entries.map((e) => (e.response as { redirectURL?: string }).redirectURL);
    expect(redirects.some((r) => r === '/echo/<identity-1>')).toBe(true);
  });

  it('the same target without a secret in Location is recorded as it answered', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const result = await withReference({ users, rate: 0 }, (server) =>
      withForwarder(
        server.url,
        (_seen, answer) => ({ ...answer, headers: { ...answer.headers, location: '/echo/nothing-secret' } }),
        (forwarder) =>
          runCli([
            'run',
            ...targetArgs(forwarder.url),
            '--scenario',
            'unknown-id',
            '--record',
            recording,
            '--quiet',
            '--out',
            join(dir, 'out'),
          ]),
      ),
    );
    expect(result.code).toBe(0);
    const entries = await harEntries(recording);
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.every((e) => (e.response as { redirectURL?: string }).redirectURL === '/echo/nothing-secret')).toBe(true);
  });

  it('proxy --record: the client gets the answer as it was; the recording holds the pseudonym', async () => {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const bearer = 'proxy-client-bearer-abcdef012345';
    await withReference({ users: [bearer], rate: 0 }, async (server) => {
      const send = (url: string) =>
        fetch(`${url}/v1/accessTokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: '{}',
        });
      await withForwarder(server.url, echoBearerInLocation, async (forwarder) => {
        const proxy = await startListeningCli(['proxy', '--port', '0', '--target', forwarder.url, '--record', recording, '--quiet']);
        const answer = await send(proxy.url);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('location')).toBe(`/echo/${bearer}`);
        const stopped = await proxy.stop();
        expect(stopped.code).toBe(0);
        expect(stopped.stderr + stopped.stdout).not.toContain(bearer);
      });
      const text = await allText(recording);
      expect(text).not.toContain(bearer);
      expect(text).toContain('/echo/<identity-1>');
      expect(await leftBehind(dir)).toEqual([]);
    });
  });
});

describe('--redact-header and --redact-field from the command line', () => {
  const headerValue = 'sensitive-header-value-7f3a9c';
  const fieldValue = 'sensitive-field-value-51b2e8';
  /** Adds `X-Session-Key: <value>` to every answer, and `internalToken` to every JSON object answer (nested in list items too). */
  function sensitive(_seen: SeenRequest, answer: Answer): Answer {
    const headers = { ...answer.headers, 'X-Session-Key': headerValue };
    let body = answer.body;
    try {
      const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        json.internalToken = fieldValue;
        if (Array.isArray(json.items)) json.items = json.items.map((i: Record<string, unknown>) => ({ ...i, internalToken: fieldValue }));
        body = Buffer.from(JSON.stringify(json));
      }
    } catch {
      // Not JSON (an empty delete answer): the header is enough.
    }
    return { ...answer, headers, body };
  }

  async function runRecorded(flags: string[]): Promise<{ recording: string; result: CliResult }> {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const result = await withReference({ users, rate: 0 }, (server) =>
      withForwarder(server.url, sensitive, (forwarder) =>
        runCli([
          'run',
          ...targetArgs(forwarder.url),
          '--scenario',
          'valid-delete',
          '--record',
          recording,
          '--quiet',
          '--out',
          join(dir, 'out'),
          ...flags,
        ]),
      ),
    );
    return { recording, result };
  }

  async function proxyRecorded(
    flags: string[],
  ): Promise<{ recording: string; result: CliResult; clientSaw: { header: string | null; body: string } }> {
    const dir = await tempDir();
    const recording = join(dir, 'rec');
    const bearer = 'proxy-client-bearer-abcdef012345';
    return withReference({ users: [bearer], rate: 0 }, (server) =>
      withForwarder(server.url, sensitive, async (forwarder) => {
        const proxy = await startListeningCli([
          'proxy',
          '--port',
          '0',
          '--target',
          forwarder.url,
          '--record',
          recording,
          '--quiet',
          ...flags,
        ]);
        const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
        expect((await fetch(`${proxy.url}/v1/accessTokens`, { method: 'PUT', headers, body: '{"name":"one"}' })).status).toBe(201);
        const listed = await fetch(`${proxy.url}/v1/accessTokens`, { method: 'POST', headers, body: '{}' });
        const clientSaw = { header: listed.headers.get('x-session-key'), body: await listed.text() };
        const result = await proxy.stop();
        return { recording, result, clientSaw };
      }),
    );
  }

  function expectRedacted(entries: Awaited<ReturnType<typeof harEntries>>): void {
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      const header = e.response.headers.find((h) => h.name.toLowerCase() === 'x-session-key');
      expect(header?.value).toBe('<redacted>');
    }
    const bodies = entries.map((e) => e.response.content.text).filter((t): t is string => t?.startsWith('{') === true);
    expect(bodies.length).toBeGreaterThan(0);
    for (const text of bodies) {
      const json = JSON.parse(text) as { internalToken?: string; items?: Array<{ internalToken?: string }> };
      expect(json.internalToken).toBe('<redacted>');
      for (const item of json.items ?? []) expect(item.internalToken).toBe('<redacted>');
    }
  }

  it('run --record --redact-header X-Session-Key --redact-field internalToken: neither value on disk, placeholders instead', async () => {
    const { recording, result } = await runRecorded(['--redact-header', 'X-Session-Key', '--redact-field', 'internalToken']);
    expect(result.code).toBe(0);
    const text = await allText(recording);
    expect(text).not.toContain(headerValue);
    expect(text).not.toContain(fieldValue);
    const entries = await harEntries(recording);
    expectRedacted(entries);
    // A nested member too (the list's items).
    expect(entries.some((e) => /"items":\[\{[^\]]*"internalToken":"<redacted>"/.test(e.response.content.text ?? ''))).toBe(true);
    const meta = JSON.parse(await readFile(join(recording, 'meta.json'), 'utf8')) as { redaction: unknown };
    expect(meta.redaction).toEqual({ headers: ['x-session-key'], fields: ['internalToken'] });
  });

  it('run --record without the flags: both values are in the recording', async () => {
    const { recording, result } = await runRecorded([]);
    expect(result.code).toBe(0);
    const text = await allText(recording);
    expect(text).toContain(headerValue);
    expect(text).toContain(fieldValue);
  });

  it('proxy --redact-header x-session-key --redact-field internalToken: neither value on disk; the client still got them', async () => {
    const { recording, result, clientSaw } = await proxyRecorded(['--redact-header', 'X-Session-Key', '--redact-field', 'internalToken']);
    expect(result.code).toBe(0);
    expect(clientSaw.header).toBe(headerValue);
    expect(clientSaw.body).toContain(fieldValue);
    const text = await allText(recording);
    expect(text).not.toContain(headerValue);
    expect(text).not.toContain(fieldValue);
    const entries = await harEntries(recording);
    expect(entries).toHaveLength(2);
    expectRedacted(entries);
    const meta = JSON.parse(await readFile(join(recording, 'meta.json'), 'utf8')) as { redaction: unknown };
    expect(meta.redaction).toEqual({ headers: ['x-session-key'], fields: ['internalToken'] });
  });

  it('proxy without the flags: both values are in the recording', async () => {
    const { recording, result } = await proxyRecorded([]);
    expect(result.code).toBe(0);
    const text = await allText(recording);
    expect(text).toContain(headerValue);
    expect(text).toContain(fieldValue);
  });
});

describe('replay DIR --target URL --identity-token TOKEN', () => {
  const recorded = ['first-recorded-bearer-aaaa1111', 'second-recorded-bearer-bbbb2222', 'third-recorded-bearer-cccc3333'];
  const fresh = ['first-new-bearer-dddd4444', 'second-new-bearer-eeee5555', 'third-new-bearer-ffff6666'];

  /** Three callers through the proxy: each creates a token, lists, deletes it; the third also re-deletes (404). */
  let made: Promise<string> | undefined;
  const threeIdentities = (): Promise<string> =>
    (made ??= (async () => {
      const recording = join(await tempDir(), 'three');
      await withReference({ users: recorded, rate: 0 }, async (server) => {
        const proxy = await startListeningCli(['proxy', '--port', '0', '--target', server.url, '--record', recording, '--quiet']);
        for (const [i, bearer] of recorded.entries()) {
          const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
          const created = await fetch(`${proxy.url}/v1/accessTokens`, {
            method: 'PUT',
            headers,
            body: JSON.stringify({ name: `caller ${i + 1}` }),
          });
          expect(created.status).toBe(201);
          const { accessTokenId } = (await created.json()) as { accessTokenId: string };
          expect((await fetch(`${proxy.url}/v1/accessTokens`, { method: 'POST', headers, body: '{}' })).status).toBe(200);
          expect((await fetch(`${proxy.url}/v1/accessTokens/${accessTokenId}`, { method: 'DELETE', headers })).status).toBe(200);
        }
        expect((await proxy.stop()).code).toBe(0);
      });
      const meta = JSON.parse(await readFile(join(recording, 'meta.json'), 'utf8')) as { identities: string[] };
      expect(meta.identities).toEqual(['<identity-1>', '<identity-2>', '<identity-3>']);
      return recording;
    })());

  it('the third identity is sent with the --identity-token bearer; exit 0, tokens cleaned up, no bearer in the report', async () => {
    const recording = await threeIdentities();
    const out = await tempDir();
    await withReference({ users: fresh, rate: 0 }, async (server) => {
      const { result, seen } = await withForwarder(
        server.url,
        (_s, a) => a,
        async (forwarder) => ({
          result: await runCli([
            'replay',
            recording,
            '--target',
            forwarder.url,
            '--token',
            fresh[0]!,
            '--other-token',
            fresh[1]!,
            '--identity-token',
            fresh[2]!,
            '--out',
            out,
            '--reporter',
            'json',
            '--quiet',
          ]),
          seen: [...forwarder.seen],
        }),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // The third caller's create, list and delete reached the target with the third bearer.
      const third = seen.filter((r) => r.authorization === `Bearer ${fresh[2]}`);
      expect(third.map((r) => r.method)).toEqual(['POST', 'PUT', 'POST', 'DELETE']); // pre-flight list, then the session
      expect(third.find((r) => r.method === 'PUT')!.body).toBe('{"name":"caller 3"}');
      // Each caller's create went with its own bearer; no recorded bearer or pseudonym was sent.
      for (const [i, bearer] of fresh.entries()) {
        expect(seen.find((r) => r.method === 'PUT' && r.body === JSON.stringify({ name: `caller ${i + 1}` }))!.authorization).toBe(
          `Bearer ${bearer}`,
        );
      }
      expect(seen.every((r) => fresh.some((b) => r.authorization === `Bearer ${b}`))).toBe(true);
      for (const bearer of fresh) expect(await listAll(server, bearer)).toEqual([]);
    });
    const report = await readReport(out);
    expect(report.summary.failed).toBe(0);
    expect(report.options).toMatchObject({ command: 'replay', sent: 9 });
    const written = await allText(out);
    for (const bearer of fresh) expect(written).not.toContain(bearer);
  });

  it('a bearer the target rejects for the third identity: the pre-flight refuses, exit 3, nothing of the session sent', async () => {
    const recording = await threeIdentities();
    await withReference({ users: fresh, rate: 0 }, async (server) => {
      const { result, seen } = await withForwarder(
        server.url,
        (_s, a) => a,
        async (forwarder) => ({
          result: await runCli([
            'replay',
            recording,
            '--target',
            forwarder.url,
            '--token',
            fresh[0]!,
            '--other-token',
            fresh[1]!,
            '--identity-token',
            'not-a-user-bearer-0000',
            '--out',
            await tempDir(),
            '--quiet',
          ]),
          seen: [...forwarder.seen],
        }),
      );
      expect(result.code).toBe(3);
      expect(oneLine(result)).toMatch(/^pat-conformance: pre-flight: the credentials of --identity-token #3 were rejected \(401/);
      expect(result.stderr).not.toContain('not-a-user-bearer-0000');
      expect(seen.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
      expect(seen[2]!.authorization).toBe('Bearer not-a-user-bearer-0000');
    });
  });

  it('without --identity-token: a usage error naming the flag, exit 2, nothing sent', async () => {
    const recording = await threeIdentities();
    await withReference({ users: fresh, rate: 0 }, async (server) => {
      const { result, seen } = await withForwarder(
        server.url,
        (_s, a) => a,
        async (forwarder) => ({
          result: await runCli([
            'replay',
            recording,
            '--target',
            forwarder.url,
            '--token',
            fresh[0]!,
            '--other-token',
            fresh[1]!,
            '--out',
            await tempDir(),
            '--quiet',
          ]),
          seen: [...forwarder.seen],
        }),
      );
      expect(result.code).toBe(2);
      expect(oneLine(result)).toBe('pat-conformance: the recording has requests of <identity-3>; give --identity-token (see --help)');
      expect(seen).toEqual([]);
    });
  });
});
