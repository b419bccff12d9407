// The run and list commands as a user meets them: the zero-configuration run, help, usage
// errors (exit 2, one line), and the pre-flight that refuses runs that cannot be carried out.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { scenarios } from '../suites/index.js';
import { readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';
import { citedSections } from './helpers/contract.js';

const tempDir = tempDirs();

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describe('run with no options', () => {
  it('passes against the embedded reference, cleans up and reports', { timeout: 180_000 }, async () => {
    const out = await tempDir();
    const result = await runCli(['run', '--out', out, '--reporter', 'json', '--reporter', 'junit', '--reporter', 'markdown']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Verdict: CONFORMANT/);
    const report = await readReport(out);
    expect(report.verdict).toBe('conformant');
    expect(report.target.embedded).toBe(true);
    expect(report.complete).toBe(true);
    const expectedCases = scenarios.reduce((n, s) => n + s.cases.length, 0);
    expect(report.summary.total).toBe(expectedCases);
    // On a heavily loaded machine the burst may arrive slowly enough to meet no 429: that
    // should-level finding (and only that one) is a warning, not a failure of the embedded run.
    const onlyNoThrottle = (c: (typeof report.cases)[number]) =>
      c.status === 'warned' &&
      c.checks.filter((k) => !k.passed).every((k) => k.rule === 'the burst is throttled at least once (--expect-throttle)');
    expect(
      report.cases.filter((c) => c.status !== 'passed' && !onlyNoThrottle(c)).map((c) => `${c.scenario} > ${c.case}: ${c.status}`),
    ).toEqual([]);
    expect(report.leftovers).toEqual([]);
    // Every check of the run cites a section that the contract document has.
    const sources = new Set(report.cases.flatMap((c) => [c.source, ...c.checks.map((k) => k.source)]));
    for (const source of sources) expect(citedSections(source), source).not.toEqual([]);
  });
});

describe('list', () => {
  it('prints every scenario and case, as text and as JSON', async () => {
    const text = await runCli(['list']);
    expect(text.code).toBe(0);
    for (const s of scenarios) {
      expect(text.stdout).toContain(s.name);
      for (const c of s.cases) expect(text.stdout).toContain(c.name);
    }
    const json = await runCli(['list', '--json']);
    const parsed = JSON.parse(json.stdout) as Array<{ name: string; cases: Array<{ level: string; source: string }> }>;
    expect(parsed.map((s) => s.name)).toEqual(scenarios.map((s) => s.name));
    expect(parsed.every((s) => s.cases.every((c) => /^contract §\d/.test(c.source) && /^(must|should)$/.test(c.level)))).toBe(true);
    // Text output says where the contract is, and --contract prints it.
    expect(text.stdout).toMatch(/The rules: docs\/contract\.md \(\/.*docs\/contract\.md\)/);
    const contract = await runCli(['list', '--contract']);
    expect(contract.code).toBe(0);
    expect(contract.stdout).toBe(await readFile(new URL('../docs/contract.md', import.meta.url), 'utf8'));
  });
});

describe('help', () => {
  it('run --help shows options, examples and exit codes', async () => {
    const result = await runCli(['run', '--help']);
    expect(result.code).toBe(0);
    for (const text of [
      '--target',
      '--other-token',
      '--scenario',
      '--strict',
      '--reporter',
      'Examples:',
      'Exit codes',
      'PAT_CONFORMANCE_',
    ]) {
      expect(result.stdout).toContain(text);
    }
  });
});

describe('usage errors: exit 2 with a one-line reason', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown scenario', ['run', '--scenario', 'nope'], /unknown scenario "nope"; valid names: identity-isolation, valid-delete/],
    ['malformed URL', ['run', '--target', 'not a url', '--token', 'abcd'], /--target must be an http/],
    ['non-HTTP URL', ['run', '--target', 'ftp://example.test', '--token', 'abcd'], /--target must be an http/],
    ['zero concurrency', ['run', '--concurrency', '0'], /--concurrency must be a whole number/],
    ['a race of one', ['run', '--concurrency', '1'], /--concurrency must be a whole number from 2/],
    ['negative burst', ['run', '--burst', '-5'], /--burst must be a whole number/],
    ['timeout not a number', ['run', '--timeout', 'soon'], /--timeout must be a whole number/],
    ['target without token', ['run', '--target', 'http://127.0.0.1:9'], /--token is required with --target/],
    ['same token twice', ['run', '--target', 'http://127.0.0.1:9', '--token', 'abcd', '--other-token', 'abcd'], /different identity/],
    ['unknown reporter', ['run', '--reporter', 'xml'], /unknown reporter "xml"/],
    ['unknown flag', ['run', '--frobnicate'], /Unknown argument/i],
    ['unknown command', ['frobnicate'], /Unknown argument|command/i],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const first = lines[0]!;
    expect(first).toMatch(/^pat-conformance: /);
    expect(first).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('reads options from a --config file, and a bad one is a usage error', async () => {
    const dir = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/good.json`, JSON.stringify({ scenario: ['unknown-id'], quiet: true, out: `${dir}/out` }));
    const good = await runCli(['run', '--config', `${dir}/good.json`]);
    expect(good.code).toBe(0);
    expect((await readReport(`${dir}/out`)).cases.every((c) => c.scenario === 'unknown-id')).toBe(true);
    await writeFile(`${dir}/bad.json`, '{not json');
    const bad = await runCli(['run', '--config', `${dir}/bad.json`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pat-conformance: Invalid JSON config file/);
  });

  it('reads options from PAT_CONFORMANCE_* (and rejects bad ones the same way)', async () => {
    const result = await runCli(['run'], { env: { PAT_CONFORMANCE_CONCURRENCY: '0' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--concurrency must be a whole number/);
  });

  it('applies a good PAT_CONFORMANCE_* value to the command that has the option', { timeout: 60_000 }, async () => {
    const out = await tempDir();
    const result = await runCli(['run', '--quiet', '--out', out], {
      env: { PAT_CONFORMANCE_SCENARIO: 'unknown-id', PAT_CONFORMANCE_SEED: '4242' },
    });
    expect(result.code).toBe(0);
    const report = await readReport(out);
    expect(new Set(report.cases.map((c) => c.scenario))).toEqual(new Set(['unknown-id']));
    expect(report.options.seed).toBe(4242);
    // The command line wins over the environment.
    const flag = await runCli(['run', '--quiet', '--out', out, '--scenario', 'missing-id'], {
      env: { PAT_CONFORMANCE_SCENARIO: 'unknown-id' },
    });
    expect(flag.code).toBe(0);
    expect(new Set((await readReport(out)).cases.map((c) => c.scenario))).toEqual(new Set(['missing-id']));
  });

  it('ignores PAT_CONFORMANCE_* variables meant for another command (serve --users) and PAT_CONFORMANCE_DEBUG', {
    timeout: 60_000,
  }, async () => {
    const env = { PAT_CONFORMANCE_USERS: 'alice', PAT_CONFORMANCE_DEBUG: '1', PAT_CONFORMANCE_WRONG_OWNER_STATUS: '404' };
    const list = await runCli(['list'], { env });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const out = await tempDir();
    const run = await runCli(['run', '--scenario', 'unknown-id', '--quiet', '--out', out], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // A mistyped flag on the command line is still refused.
    const typo = await runCli(['list', '--users', 'alice'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Unknown argument: users/);
  });
});

describe('a remote target without --other-token', () => {
  it('skips, and reports as skipped, what needs a second identity; the rest runs and passes', { timeout: 120_000 }, async () => {
    const out = await tempDir();
    const result = await withReference({}, (server) =>
      runCli(['run', '--target', server.url, '--token', 'only-one-identity-token', '--quiet', '--out', out]),
    );
    expect(result.code).toBe(0);
    const report = await readReport(out);
    const skipped = report.cases.filter((c) => c.status === 'skipped' && /--other-token/.test(c.reason ?? ''));
    expect(skipped.map((c) => c.scenario)).toEqual(['identity-isolation', 'identity-isolation', 'wrong-owner', 'wrong-owner']);
    expect(report.summary.passed).toBe(report.summary.total - skipped.length);
  });
});

describe('pre-flight: exit 3 before any scenario', () => {
  it('an unreachable target', async () => {
    const server = createServer();
    const url = await listen(server);
    await new Promise((r) => server.close(r));
    const out = await tempDir();
    const result = await runCli(['run', ...targetArgs(url), '--out', out]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot reach .*connection refused/);
  });

  it('credentials the target rejects', async () => {
    const out = await tempDir();
    const result = await withReference({ users: ['someone-else-entirely'] }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--out', out]),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/credentials of --token were rejected \(401/);
  });

  it('two tokens of the same identity are a configuration error (exit 2)', async () => {
    // Lists like the API; VerifySession names one identity whatever the bearer.
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/session' ? '{"identity":"same-person"}' : '{"items":[]}');
    });
    const url = await listen(server);
    try {
      const result = await runCli(['run', ...targetArgs(url)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/same identity/);
    } finally {
      server.close();
    }
  });

  it('a server that is not this API', async () => {
    const server = createServer((_req, res) => res.end('hello'));
    const url = await listen(server);
    try {
      const result = await runCli(['run', ...targetArgs(url)]);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/does not answer like the access-token API.*"hello"/);
    } finally {
      server.close();
    }
  });
});
