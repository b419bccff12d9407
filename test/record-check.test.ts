// `check`: every recorded exchange judged offline, through the real CLI. Plain HAR written by
// hand here, so each rule is seen to fire on exactly the exchange that breaks it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport, runCli, tempDirs } from './helpers/cli.js';

const tempDir = tempDirs();

interface Exchange {
  method: string;
  path: string;
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

function har(exchanges: Exchange[]): string {
  const entries = exchanges.map((x, i) => ({
    startedDateTime: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString(),
    time: 1,
    request: {
      method: x.method,
      url: `https://api.example.test${x.path}`,
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'authorization', value: 'Bearer real-looking-token-123' }],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: x.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: Object.entries(x.headers ?? {}).map(([name, value]) => ({ name, value })),
      cookies: [],
      content: { size: x.body?.length ?? 0, mimeType: 'application/json', ...(x.body ? { text: x.body } : {}) },
      redirectURL: '',
      headersSize: -1,
      bodySize: x.body?.length ?? 0,
    },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
}

const json = { 'content-type': 'application/json' };
const error = (name: string) => ({ ...json, 'x-amzn-errortype': name });

describe('check: plain HAR', () => {
  it('a conformant session passes with exit 0', async () => {
    const dir = await tempDir();
    const file = join(dir, 'good.har');
    await writeFile(
      file,
      har([
        {
          method: 'PUT',
          path: '/v1/accessTokens',
          status: 201,
          headers: json,
          body: '{"secret":"<token-secret>","name":"n","expiresTime":"2030-01-02T03:04:05Z","accessTokenId":"abc"}',
        },
        { method: 'DELETE', path: '/v1/accessTokens/abc', status: 200 },
        {
          method: 'DELETE',
          path: '/v1/accessTokens/abc',
          status: 404,
          headers: error('ResourceNotFoundException'),
          body: '{"message":"no such token"}',
        },
        {
          method: 'POST',
          path: '/v1/accessTokens',
          status: 429,
          headers: { ...error('ThrottlingException'), 'retry-after': '1' },
          body: '{"message":"slow down"}',
        },
        { method: 'DELETE', path: '/v1/accessTokens', status: 405, headers: error('UnknownOperationException'), body: '{"message":"no"}' },
      ]),
    );
    const result = await runCli(['check', file, '--out', join(dir, 'out'), '--reporter', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = await readReport(join(dir, 'out'));
    expect(report.summary).toMatchObject({ total: 1, passed: 1 });
    // A real-looking credential in a foreign HAR never reaches the report.
    expect(JSON.stringify(report) + result.stdout).not.toContain('real-looking-token-123');
  });

  it('each broken exchange is reported with its rule; exit 1', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'hars'));
    await writeFile(
      join(dir, 'hars', 'bad.har'),
      har([
        { method: 'DELETE', path: '/v1/accessTokens/a', status: 200, headers: json, body: '{"deleted":true}' },
        { method: 'DELETE', path: '/v1/accessTokens/b', status: 204 },
        { method: 'DELETE', path: '/v1/accessTokens/c', status: 404, headers: json, body: '{"message":"gone"}' },
        { method: 'DELETE', path: '/v1/accessTokens/d', status: 404, headers: error('ValidationException'), body: '{"message":"gone"}' },
        { method: 'DELETE', path: '/v1/accessTokens/e', status: 403, headers: error('AccessDeniedException'), body: '{}' },
        {
          method: 'DELETE',
          path: '/v1/accessTokens/f',
          status: 500,
          headers: error('InternalServerException'),
          body: '{"message":"oops"}',
        },
        { method: 'PUT', path: '/v1/accessTokens', status: 201, headers: json, body: '{"name":"n"}' },
      ]),
    );
    await writeFile(
      join(dir, 'hars', 'good.har'),
      har([{ method: 'DELETE', path: '/v1/accessTokens/z', status: 200, headers: json, body: '{}' }]),
    );
    const result = await runCli(['check', join(dir, 'hars'), '--out', join(dir, 'out'), '--reporter', 'json', '--quiet']);
    expect(result.code).toBe(1);
    const report = await readReport(join(dir, 'out'));
    expect(report.cases.map((c) => `${c.case}: ${c.status}`)).toEqual(['bad.har: failed', 'good.har: passed']);
    const failed = report.cases[0]!.checks.filter((c) => !c.passed).map((c) => `${c.rule} | ${c.message} | ${c.evidence?.request.path}`);
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/a successful delete has a zero-byte body or \{\} \| .* \| \/v1\/accessTokens\/a/),
        expect.stringMatching(/documents \| DeleteAccessToken answered 204.* \| \/v1\/accessTokens\/b/),
        expect.stringMatching(/x-amzn-errortype header \| .* \| \/v1\/accessTokens\/c/),
        expect.stringMatching(
          /an error name from the table comes with its status \| ValidationException must come with 400, not 404 \| \/v1\/accessTokens\/d/,
        ),
        expect.stringMatching(/string message \| .*message.* \| \/v1\/accessTokens\/e/),
        expect.stringMatching(/documents \| DeleteAccessToken answered 500.* \| \/v1\/accessTokens\/f/),
        expect.stringMatching(/success body matches .* \| CreateAccessToken: .* \| \/v1\/accessTokens/),
      ]),
    );
  });

  it('missing, damaged and foreign input: one line, exit 2', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'not-har.har'), JSON.stringify({ hello: 'world' }));
    await writeFile(join(dir, 'cut.har'), har([{ method: 'GET', path: '/session', status: 200, body: '{"identity":"x"}' }]).slice(0, 100));
    await mkdir(join(dir, 'empty'));
    for (const [input, message] of [
      [join(dir, 'nope'), /not found/],
      [join(dir, 'not-har.har'), /is not a HAR file/],
      [join(dir, 'cut.har'), /is not valid JSON/],
      [join(dir, 'empty'), /no meta\.json and no \.har files/],
    ] as const) {
      const result = await runCli(['check', input, '--quiet', '--out', join(dir, 'out')]);
      expect(result.code, input).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(message);
    }
  });
});
