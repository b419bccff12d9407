// `pat-conformance serve` as a process: the URL line, clean stops on signals, exit codes and
// one-line reasons, --help, environment fallbacks. Runs the built CLI (npm test builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/exit-codes.js';
import { faults } from '../src/reference/faults.js';
import { resolveReferenceOptions, type ReferenceOptions } from '../src/reference/options.js';
import { startReferenceServer, type ReferenceServer } from '../src/reference/server.js';
import { alice, bob, holdRequest, raw } from './helpers/reference.js';

const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));

interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the URL of the first stdout line, rejects if the process exits first. */
  url: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first (npm test does)`);
});

function serve(args: string[], env: Record<string, string> = {}): Spawned {
  // Only the variables a test sets: an inherited PAT_CONFORMANCE_* would change the options.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PAT_CONFORMANCE_')));
  const child = spawn(process.execPath, [cli, 'serve', ...args], { env: { ...base, ...env }, stdio: 'pipe' });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /^pat-conformance reference listening on (http:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then(({ code }) => reject(new Error(`serve exited with ${code} before listening: ${err}`)));
  });
  url.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, url, exit };
}

/** The server as the helpers want it: only url, host and port are used by `raw`. */
function remote(url: string): ReferenceServer {
  const u = new URL(url);
  return { url, host: u.hostname, port: Number(u.port) } as ReferenceServer;
}

// Each spawn costs ~0.6 s of CLI start-up on this machine, so value checks that need no process
// are tested in-process below, and the tests run one at a time (concurrent spawns were slower).
describe('pat-conformance serve', () => {
  it('prints its URL as one stdout line, serves, logs without the bearer, and stops on SIGTERM with 0', async () => {
    const s = serve(['--port', '0']);
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const server = remote(url);
    const session = await raw(server, 'GET', '/session');
    expect(session.status).toBe(200);
    await raw(server, 'DELETE', '/v1/accessTokens/nope');
    // Open connections must not hold the process open: the keep-alive one of the requests above,
    // and one whose request is still in progress (its body held back: Node's server would wait
    // for it for minutes, far longer than this test may run), so exiting at all is the check.
    // How long the stop takes is measured by `npm run bench` (section 3), not here.
    await holdRequest(server, { method: 'POST', path: '/v1/accessTokens', body: '{}' });
    s.child.kill('SIGTERM');
    expect(await s.exit).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toBe(`pat-conformance reference listening on ${url}\n`);
    expect(s.stderr()).toMatch(/^GET \/session 200 [\d.]+ms user-[0-9a-f]{8}$/m);
    expect(s.stderr()).toMatch(/^DELETE \/v1\/accessTokens\/nope 404 /m);
    expect(s.stderr()).not.toContain(alice);
  });

  it('stops on SIGINT with 0; --quiet silences the request log', async () => {
    const s = serve(['--port', '0', '--quiet']);
    await raw(remote(await s.url), 'GET', '/session');
    s.child.kill('SIGINT');
    expect(await s.exit).toEqual({ code: 0, signal: null });
    expect(s.stderr()).toBe('');
  });

  it('--fault nope exits 2 with one line naming the valid faults', async () => {
    const s = serve(['--fault', 'nope']);
    const { code } = await s.exit;
    expect(code).toBe(2);
    const lines = s.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/unknown fault "nope"; valid faults: success-204, /);
    expect(s.stdout()).toBe('');
  });

  it.each([
    [['--page-size', '0'], /--page-size must be an integer from 1 to 10/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--wrong-owner-status', '500'], /--wrong-owner-status must be one of 403, 404/],
    [['--duplicate-names', 'maybe'], /--duplicate-names must be one of allow, reject \(got "maybe"\)/],
    [['--last-page-token', 'none'], /--last-page-token must be one of absent, null, empty \(got "none"\)/],
    [['--retry-after', 'never'], /--retry-after must be one of seconds, none \(got "never"\)/],
    [['--latency', '-5'], /--latency must be an integer from 0 to 60000 \(got -5\)/],
  ])('bad value %j exits 2 with a one-line reason', async (args, reason) => {
    const s = serve(args);
    expect((await s.exit).code).toBe(2);
    expect(s.stderr().trimEnd().split('\n')).toHaveLength(1);
    expect(s.stderr()).toMatch(reason);
  });

  it('a port in use exits 3 with a one-line reason', async () => {
    const busy = await startReferenceServer();
    try {
      const s = serve(['--port', String(busy.port), '--host', '127.0.0.1']);
      expect((await s.exit).code).toBe(3);
      expect(s.stderr()).toBe(`pat-conformance: port ${busy.port} on 127.0.0.1 is already in use\n`);
    } finally {
      await busy.close();
    }
  });

  it('a host that is not a local address exits 3', async () => {
    const s = serve(['--host', '192.0.2.1']);
    expect((await s.exit).code).toBe(3);
    expect(s.stderr()).toMatch(/^pat-conformance: cannot listen on 192\.0\.2\.1:0/);
  });

  it('--help lists every option, examples and every fault with its description', async () => {
    const s = serve(['--help']);
    expect((await s.exit).code).toBe(0);
    const help = s.stdout().replace(/\s+/g, ' ');
    for (const option of [
      '--port',
      '--host',
      '--rate',
      '--burst',
      '--page-size',
      '--max-tokens',
      '--conflict-window',
      '--latency',
      '--wrong-owner-status',
      '--delete-body',
      '--errortype-style',
      '--id-style',
      '--duplicate-names',
      '--last-page-token',
      '--retry-after',
      '--max-in-flight',
      '--seed',
      '--users',
      '--fault',
      '--quiet',
      '--replay',
    ]) {
      expect(help).toContain(option);
    }
    expect(help).toContain('per-identity');
    expect(help).toContain('Examples:');
    for (const f of faults) expect(help).toContain(`${f.name} ${f.description}`);
  });

  it('serves with --id-style per-identity --duplicate-names reject --last-page-token empty', async () => {
    const s = serve(['--port', '0', '--quiet', '--id-style', 'per-identity', '--duplicate-names', 'reject', '--last-page-token', 'empty']);
    const server = remote(await s.url);
    for (const bearer of [alice, bob]) {
      const created = await raw(server, 'PUT', '/v1/accessTokens', { bearer, body: '{"name":"ci"}' });
      expect([created.status, (created.json as { accessTokenId: string }).accessTokenId]).toEqual([201, '1']);
    }
    expect((await raw(server, 'PUT', '/v1/accessTokens', { body: '{"name":"ci"}' })).status).toBe(409);
    expect((await raw(server, 'POST', '/v1/accessTokens', { body: '{}' })).json).toEqual({
      items: [{ id: '1', name: 'ci', expiresTime: expect.any(String) }],
      nextToken: '',
    });
    s.child.kill('SIGTERM');
    expect((await s.exit).code).toBe(0);
  });

  it('takes options from PAT_CONFORMANCE_* and faults comma-separated', async () => {
    const s = serve(['--fault', 'success-204,body-on-success', '--quiet'], {
      PAT_CONFORMANCE_PORT: '0',
      PAT_CONFORMANCE_USERS: alice,
      PAT_CONFORMANCE_ID_STYLE: 'short',
    });
    const server = remote(await s.url);
    expect((await raw(server, 'GET', '/session', { bearer: bob })).status).toBe(401);
    const created = await raw(server, 'PUT', '/v1/accessTokens', { body: '{"name":"env"}' });
    const id = (created.json as { accessTokenId: string }).accessTokenId;
    expect(id).toMatch(/^[a-z0-9]{8}$/);
    expect((await raw(server, 'DELETE', `/v1/accessTokens/${id}`)).status).toBe(204);
    s.child.kill('SIGTERM');
    expect((await s.exit).code).toBe(0);
  });
});

describe('option validation (in-process, the same code the CLI runs)', () => {
  it.each([
    [{ idStyle: 'ulid' }, /--id-style must be one of uuid, short, long, sequential, per-identity \(got "ulid"\)/],
    [{ duplicateNames: 'deny' }, /--duplicate-names must be one of allow, reject \(got "deny"\)/],
    [{ lastPageToken: '' }, /--last-page-token must be one of absent, null, empty \(got ""\)/],
    [{ lastPageToken: null }, /--last-page-token must be one of absent, null, empty \(got null\)/],
    [{ rate: -1 }, /--rate must be/],
    [{ rate: Number.NaN }, /--rate must be/],
    [{ burst: 0 }, /--burst must be an integer from 1/],
    [{ pageSize: 11 }, /--page-size must be an integer from 1 to 10/],
    [{ maxTokens: 0 }, /--max-tokens/],
    [{ conflictWindowMs: 1.5 }, /--conflict-window/],
    [{ deleteBody: 'null' }, /--delete-body must be one of empty, \{\}/],
    [{ errortypeStyle: 'weird' }, /--errortype-style/],
    [{ seed: 1.5 }, /--seed must be an integer/],
    [{ users: [] }, /--users needs at least one/],
    [{ users: ['a b'] }, /--users entries/],
    [{ host: '' }, /--host/],
    [{ faults: ['nope'] }, /unknown fault "nope"; valid faults: success-204/],
  ] as [Record<string, unknown>, RegExp][])('%j is a UsageError with a one-line reason', (options, reason) => {
    let caught: unknown;
    try {
      resolveReferenceOptions(options as Partial<ReferenceOptions>);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('never echoes a --users value in its reason', () => {
    let caught: unknown;
    try {
      resolveReferenceOptions({ users: ['secret token'] });
    } catch (error) {
      caught = error;
    }
    // The reason itself, so that an unrelated error cannot pass for it; and not the value.
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toBe('--users entries must be non-empty bearer tokens without whitespace');
    expect((caught as Error).message).not.toContain('secret');
  });

  it('fills in the documented defaults (serve --help, README)', () => {
    // Written out, not read from referenceDefaults: a changed default must change this test too.
    expect(resolveReferenceOptions({ port: undefined })).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      rate: 100,
      burst: 100,
      retryAfter: 'seconds',
      maxInFlight: 16,
      pageSize: 10,
      maxTokens: 1000,
      conflictWindowMs: 0,
      wrongOwnerStatus: 403,
      deleteBody: 'empty',
      errortypeStyle: 'plain',
      idStyle: 'uuid',
      duplicateNames: 'allow',
      lastPageToken: 'absent',
      seed: undefined,
      users: undefined,
      faults: [],
    });
  });
});
