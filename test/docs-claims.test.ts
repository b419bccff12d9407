// The claims of README.md, docs/report-format.md and recordings/README.md that a user acts on
// (flags and their defaults, environment variables, exit codes, files written, redaction forms,
// report fields), each checked against the real CLI (dist/src/cli.js) run against the embedded
// reference or a reference server on loopback. A test here names the document and the claim; when
// one fails, either the code or the document is wrong, and the document must not be left behind.
//
// Small families (--scenario unknown-id, missing-id, valid-delete) keep every run short; no test
// depends on how long anything takes.
import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv } from 'ajv';
// CommonJS typed as ESM: `.default` is the plugin both to TypeScript and at run time.
import ajvFormats from 'ajv-formats';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { runReportSchema } from '../src/reporters/report-schema.js';
import type { CaseResult, RunReport } from '../src/verdict.js';
import { scenarios } from '../suites/index.js';
import { listIds } from './helpers/api.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference, type CliResult } from './helpers/cli.js';

const tempDir = tempDirs();

/** A conformant family of five cases; one of them creates a token (so cleanup has work). */
const quick = ['--scenario', 'unknown-id'];
const users = { users: [ownerToken, otherToken] };

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Every file under dir, as one string. */
async function allText(dir: string): Promise<string> {
  let out = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += await readFile(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

/** stderr holds exactly one non-empty line. */
function oneLine(result: CliResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  return lines[0]!;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajvFormats.default(ajv);
  const validate = ajv.compile(runReportSchema);
  return (report: unknown): void => {
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true);
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The first request of a kind: from it on, the proxy misbehaves. */
type RequestMatch = (method: string, path: string) => boolean;
/** The pre-flight only lists and asks for the session: the first delete is well past it. */
const firstDelete: RequestMatch = (method) => method === 'DELETE';

/**
 * A forwarding proxy in front of a target, which a test can make misbehave from a given request
 * on (never after a time): hold every request until released, or drop every connection, or echo
 * the caller's bearer in the name of a response header.
 */
interface TestProxy {
  url: string;
  /** From the first request that matches, every request waits for release(); onHeld is called once. */
  holdFrom(match: RequestMatch, onHeld: () => void): void;
  release(): void;
  /** From the first request that matches, every request gets its connection destroyed. */
  dropFrom(match: RequestMatch): void;
  close(): Promise<void>;
}

async function startProxy(target: string, options: { echoBearerInHeaderName?: boolean } = {}): Promise<TestProxy> {
  let hold: { match: RequestMatch; onHeld: () => void; on: boolean } | undefined;
  let drop: { match: RequestMatch; on: boolean } | undefined;
  const held: Array<() => void> = [];

  const forward = async (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): Promise<void> => {
    const [method, path] = [req.method ?? '', req.url ?? ''];
    if (drop && (drop.on ||= drop.match(method, path))) {
      req.socket.destroy();
      return;
    }
    if (hold && (hold.on || hold.match(method, path))) {
      const waiting = new Promise<void>((resolve) => held.push(resolve));
      if (!hold.on) {
        hold.on = true;
        hold.onHeld();
      }
      await waiting;
    }
    // The client gave up on it meanwhile (an interrupted run): it is never sent.
    if (req.socket.destroyed) return;
    try {
      const answer = await request(`${target}${req.url}`, {
        method: req.method as 'GET',
        headers: req.headers as Record<string, string>,
        body,
      });
      const data = Buffer.from(await answer.body.arrayBuffer());
      const headers = { ...answer.headers } as Record<string, string | string[]>;
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (options.echoBearerInHeaderName && bearer) headers[`x-echo-${bearer}`] = '1';
      res.writeHead(answer.statusCode, headers);
      res.end(data);
    } catch {
      res.destroy();
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void forward(req, res, chunks.length > 0 ? Buffer.concat(chunks) : undefined));
  });
  const url = await listen(server);
  return {
    url,
    holdFrom: (match, onHeld) => (hold = { match, onHeld, on: false }),
    release: () => {
      hold = undefined;
      for (const resolve of held.splice(0)) resolve();
    },
    dropFrom: (match) => (drop = { match, on: false }),
    close: () => closeServer(server),
  };
}

/** Memoized: one run of a target whose successful delete carries a body, recorded, every format. */
let faultRun: Promise<{ result: CliResult; out: string; report: RunReport; recording: string }> | undefined;
function bodyOnSuccessRun() {
  faultRun ??= (async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const recording = join(dir, 'recording');
    const result = await withReference({ ...users, faults: ['body-on-success'] }, (server) =>
      runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'valid-delete',
        '--record',
        recording,
        '--out',
        out,
        '--reporter',
        'json,junit,markdown,html',
      ]),
    );
    return { result, out, report: await readReport(out), recording };
  })();
  return faultRun;
}

// -------------------------------------------------------------------------------------------------
describe('README.md, Reports: where the files land and which', () => {
  it('no --out and no --reporter: the console, and pat-conformance.json alone in reports/ under the working directory', async () => {
    const cwd = await tempDir();
    const result = await runCli(['run', ...quick], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Verdict: CONFORMANT \(exit code 0\)/);
    expect(await files(cwd)).toEqual(['reports']);
    expect(await files(join(cwd, 'reports'))).toEqual(['pat-conformance.json']);
    const report = await readReport(join(cwd, 'reports'));
    expect(report.options.outDir).toBe('reports');
    expect(report.options.reporters).toEqual(['console', 'json']);
  });

  it('--reporter (repeatable or comma-separated): json → pat-conformance.json, junit → junit.xml, markdown → summary.md, html → report.html; the console is shown too', async () => {
    const out = join(await tempDir(), 'out');
    const result = await runCli([
      'run',
      ...quick,
      '--out',
      out,
      '--reporter',
      'json',
      '--reporter',
      'junit,markdown',
      '--reporter',
      'html',
    ]);
    expect(result.code).toBe(0);
    expect(await files(out)).toEqual(['junit.xml', 'pat-conformance.json', 'report.html', 'summary.md']);
    expect(result.stdout).toMatch(/Verdict: CONFORMANT/);
  });

  it('naming a reporter replaces the default file: --reporter junit writes junit.xml and no JSON', async () => {
    const out = join(await tempDir(), 'out');
    const result = await runCli(['run', ...quick, '--out', out, '--reporter', 'junit']);
    expect(result.code).toBe(0);
    expect(await files(out)).toEqual(['junit.xml']);
    expect(result.stdout).toMatch(/Verdict: CONFORMANT/);
  });

  it('--quiet: nothing on the console, the files are still written', async () => {
    const out = join(await tempDir(), 'out');
    const result = await runCli(['run', ...quick, '--out', out, '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('');
    expect(await files(out)).toEqual(['pat-conformance.json']);
  });

  it('summary.md is also appended to $GITHUB_STEP_SUMMARY when that is set', async () => {
    const dir = await tempDir();
    const stepSummary = join(dir, 'step-summary.md');
    await writeFile(stepSummary, 'an earlier step\n');
    const result = await runCli(['run', ...quick, '--out', join(dir, 'out'), '--reporter', 'markdown', '--quiet'], {
      env: { GITHUB_STEP_SUMMARY: stepSummary },
    });
    expect(result.code).toBe(0);
    const written = await readFile(join(dir, 'out', 'summary.md'), 'utf8');
    const appended = await readFile(stepSummary, 'utf8');
    expect(appended.startsWith('an earlier step\n')).toBe(true);
    expect(appended).toContain(written);
    expect(written).toMatch(/^# ✔ pat-conformance: CONFORMANT/);
  });
});

// -------------------------------------------------------------------------------------------------
describe('README.md, options table: defaults and flags', () => {
  it('the documented defaults are what a run uses: concurrency 16, burst 200 at 50, timeout 10000, throttle budget 30000, strict and expect-throttle off, a random seed; no --target: the embedded reference', async () => {
    const out = await tempDir();
    const result = await runCli(['run', ...quick, '--out', out, '--quiet']);
    expect(result.code).toBe(0);
    const { options, target, strict } = await readReport(out);
    expect(options).toMatchObject({
      concurrency: 16,
      burst: 200,
      burstConcurrency: 50,
      timeoutMs: 10000,
      throttleBudgetMs: 30000,
      strict: false,
      expectThrottle: false,
    });
    expect(strict).toBe(false);
    expect(Number.isInteger(options.seed) && (options.seed as number) >= 0 && (options.seed as number) <= 2 ** 32 - 1).toBe(true);
    expect(target.embedded).toBe(true);
    expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(options.target).toBeUndefined();
  });

  it('each flag of the table changes what the report says the run used', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      ...quick,
      '--out',
      out,
      '--quiet',
      '--strict',
      '--expect-throttle',
      '--concurrency',
      '4',
      '--burst',
      '30',
      '--burst-concurrency',
      '5',
      '--timeout',
      '7000',
      '--throttle-budget',
      '9000',
      '--seed',
      '12345',
    ]);
    expect(result.code).toBe(0);
    const report = await readReport(out);
    expect(report.options).toMatchObject({
      strict: true,
      expectThrottle: true,
      concurrency: 4,
      burst: 30,
      burstConcurrency: 5,
      timeoutMs: 7000,
      throttleBudgetMs: 9000,
      seed: 12345,
    });
    expect(report.strict).toBe(true);
  });

  it('--scenario is repeatable or comma-separated and runs only those families (in run order)', async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    const repeated = await runCli(['run', '--scenario', 'unknown-id', '--scenario', 'missing-id', '--out', a, '--quiet']);
    const commas = await runCli(['run', '--scenario', 'unknown-id,missing-id', '--out', b, '--quiet']);
    expect([repeated.code, commas.code]).toEqual([0, 0]);
    for (const out of [a, b]) {
      const report = await readReport(out);
      expect(report.options.scenarios).toEqual(['missing-id', 'unknown-id']);
      expect([...new Set(report.cases.map((c) => c.scenario))]).toEqual(['missing-id', 'unknown-id']);
      const expected = scenarios.filter((s) => s.name === 'missing-id' || s.name === 'unknown-id').reduce((n, s) => n + s.cases.length, 0);
      expect(report.summary.total).toBe(expected);
    }
  });

  it('--token is required with --target; --token or --other-token without --target is a usage error', async () => {
    const noToken = await runCli(['run', '--target', 'http://127.0.0.1:9']);
    expect(noToken.code).toBe(2);
    expect(oneLine(noToken)).toMatch(/--token is required with --target/);
    const noTarget = await runCli(['run', '--token', ownerToken]);
    expect(noTarget.code).toBe(2);
    expect(oneLine(noTarget)).toMatch(/--token and --other-token need --target/);
  });
});

// -------------------------------------------------------------------------------------------------
describe('README.md: options from the environment and from --config', () => {
  it('PAT_CONFORMANCE_TARGET, PAT_CONFORMANCE_TOKEN and PAT_CONFORMANCE_OTHER_TOKEN (and any PAT_CONFORMANCE_<OPTION>) set the options', async () => {
    await withReference(users, async (server) => {
      const out = await tempDir();
      const result = await runCli(['run'], {
        env: {
          PAT_CONFORMANCE_TARGET: server.url,
          PAT_CONFORMANCE_TOKEN: ownerToken,
          PAT_CONFORMANCE_OTHER_TOKEN: otherToken,
          PAT_CONFORMANCE_SCENARIO: 'unknown-id',
          PAT_CONFORMANCE_OUT: out,
          PAT_CONFORMANCE_REPORTER: 'json,junit',
          PAT_CONFORMANCE_QUIET: 'true',
        },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(await files(out)).toEqual(['junit.xml', 'pat-conformance.json']);
      const report = await readReport(out);
      expect(report.target).toEqual({ url: server.url, embedded: false });
      expect(report.options).toMatchObject({ token: '<redacted>', otherToken: '<redacted>', scenarios: ['unknown-id'] });
    });
  });

  it('--config FILE: a JSON file keyed by the long option names; the command line wins over the environment, the environment over the file', async () => {
    await withReference(users, async (server) => {
      const dir = await tempDir();
      const config = join(dir, 'options.json');
      const out = join(dir, 'out');
      await writeFile(
        config,
        JSON.stringify({
          target: server.url,
          token: ownerToken,
          'other-token': otherToken,
          scenario: ['unknown-id'],
          out,
          quiet: true,
          concurrency: 7,
          burst: 30,
          'burst-concurrency': 6,
        }),
      );
      const result = await runCli(['run', '--config', config, '--concurrency', '9'], {
        env: { PAT_CONFORMANCE_CONCURRENCY: '8', PAT_CONFORMANCE_BURST: '40' },
      });
      expect(result.code).toBe(0);
      const report = await readReport(out);
      expect(report.target.url).toBe(server.url);
      expect(report.options).toMatchObject({ concurrency: 9, burst: 40, burstConcurrency: 6, scenarios: ['unknown-id'] });
    });
  });
});

// -------------------------------------------------------------------------------------------------
describe("README.md, Exit codes (and the report's exitCode, verdict and complete)", () => {
  it('0: conformant; the report says verdict "conformant" and exitCode 0', async () => {
    await withReference(users, async (server) => {
      const out = await tempDir();
      const result = await runCli(['run', ...targetArgs(server.url), ...quick, '--out', out, '--quiet']);
      expect(result.code).toBe(0);
      const report = await readReport(out);
      expect([report.verdict, report.exitCode, report.complete]).toEqual(['conformant', 0, true]);
      expect(report.interrupted).toBeUndefined();
    });
  });

  it('1: a must-level check failed; the report says verdict "non-conformant" and exitCode 1', async () => {
    const { result, report } = await bodyOnSuccessRun();
    expect(result.code).toBe(1);
    expect([report.verdict, report.exitCode, report.complete]).toEqual(['non-conformant', 1, true]);
    expect(report.summary.failed).toBeGreaterThan(0);
  });

  it('1: also when the target did not let the run delete its tokens, though every case passed; leftovers list ID, identity and reason', async () => {
    await withReference({ ...users, faults: ['delete-not-persisted'] }, async (server) => {
      const out = await tempDir();
      const result = await runCli(['run', ...targetArgs(server.url), ...quick, '--out', out, '--quiet']);
      expect(result.code).toBe(1);
      const report = await readReport(out);
      expect(report.summary.total).toBe(report.summary.passed);
      expect([report.verdict, report.exitCode]).toEqual(['non-conformant', 1]);
      expect(report.leftovers.length).toBeGreaterThan(0);
      for (const leftover of report.leftovers) {
        expect(Object.keys(leftover).sort()).toEqual(['id', 'identity', 'reason']);
        expect(await listIds(server.url, leftover.identity === 'owner' ? ownerToken : otherToken)).toContain(leftover.id);
      }
    });
  });

  it.each([
    ['an unknown flag', ['run', '--no-such-flag'], /Unknown argument/],
    ['a bad value', ['run', '--concurrency', '1'], /--concurrency must be a whole number/],
    ['an unknown scenario', ['run', '--scenario', 'no-such-family'], /unknown scenario "no-such-family"/],
    ['an unknown reporter', ['run', '--reporter', 'pdf'], /unknown reporter "pdf"/],
    [
      '--token and --other-token the same',
      ['run', '--target', 'http://127.0.0.1:9', '--token', ownerToken, '--other-token', ownerToken],
      /--other-token must be a different identity/,
    ],
  ])('2: %s is a usage error: one line on stderr, no report', async (_name, args, message) => {
    const cwd = await tempDir();
    const result = await runCli(args, { cwd });
    expect(result.code).toBe(2);
    expect(oneLine(result)).toMatch(message);
    expect(await files(cwd)).toEqual([]);
  });

  it('3: the pre-flight refuses an unreachable target, rejected credentials, or something that is not this API, before any scenario: one line, no report', async () => {
    const cwd = await tempDir();
    // A port nothing listens on: take one and close it.
    const closed = createServer();
    const deadUrl = await listen(closed);
    await closeServer(closed);
    const unreachable = await runCli(['run', '--target', deadUrl, '--token', ownerToken], { cwd });
    expect(unreachable.code).toBe(3);
    expect(oneLine(unreachable)).toMatch(/pre-flight: cannot reach/);

    await withReference({ users: [otherToken] }, async (server) => {
      const rejected = await runCli(['run', '--target', server.url, '--token', ownerToken], { cwd });
      expect(rejected.code).toBe(3);
      expect(oneLine(rejected)).toMatch(/pre-flight: the credentials of --token were rejected/);
    });

    const web = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    const webUrl = await listen(web);
    try {
      const notThisApi = await runCli(['run', '--target', webUrl, '--token', ownerToken], { cwd });
      expect(notThisApi.code).toBe(3);
      expect(oneLine(notThisApi)).toMatch(/does not answer like the access-token API/);
    } finally {
      await closeServer(web);
    }
    expect(await files(cwd)).toEqual([]);
  });

  it('3: also a report that cannot be written (here --out names a file): one line naming the report, no stack trace', async () => {
    const dir = await tempDir();
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, '');
    const result = await runCli(['run', ...quick, '--out', notADirectory, '--quiet']);
    expect(result.code).toBe(3);
    expect(oneLine(result)).toMatch(/^pat-conformance: the json report could not be written \(/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    "%s: exit %i; the report is incomplete (complete false, interrupted set, exitCode the same) and the run's tokens are deleted",
    async (signal, code) => {
      await withReference(users, async (server) => {
        const proxy = await startProxy(server.url);
        try {
          const out = await tempDir();
          let child: ChildProcess | undefined;
          // From the first delete on (tokens exist by then) every request waits: the run cannot
          // finish before the signal, and cleanup has tokens to delete once released.
          let heldWith: Promise<string[]> | undefined;
          proxy.holdFrom(firstDelete, () => {
            heldWith = listIds(server.url, ownerToken);
            child!.kill(signal);
          });
          const result = await runCli(['run', ...targetArgs(proxy.url), '--scenario', 'valid-delete', '--out', out], {
            onSpawn: (c) => {
              child = c;
              let stderr = '';
              // The run says it is stopping: let cleanup through.
              c.stderr!.on('data', (d: Buffer) => {
                stderr += d.toString();
                if (/stopping/.test(stderr)) proxy.release();
              });
            },
          });
          expect(result.code).toBe(code);
          const report = await readReport(out);
          expect(report.complete).toBe(false);
          expect(report.interrupted).toBe(signal);
          expect(report.verdict).toBe('incomplete');
          expect(report.exitCode).toBe(code);
          expect(report.cases.length).toBeLessThan(scenarios.find((s) => s.name === 'valid-delete')!.cases.length);
          expect(report.leftovers).toEqual([]);
          expect((await heldWith!).length).toBeGreaterThan(0);
          expect(await listIds(server.url, ownerToken)).toEqual([]);
          expect(result.stdout).toMatch(/Verdict: INCOMPLETE \(interrupted by SIG(INT|TERM)\)/);
        } finally {
          proxy.release();
          await proxy.close();
        }
      });
    },
  );
});

// -------------------------------------------------------------------------------------------------
describe('docs/report-format.md: the JSON report', () => {
  const doc = () => readFile(new URL('../docs/report-format.md', import.meta.url), 'utf8');

  /** The field names in the first column of the table under `### HEADING`. */
  function tableFields(text: string, heading: string): string[] {
    const section = text.split(`\n### ${heading}\n`)[1]!.split('\n#')[0]!;
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)).sort();
  }

  it('the field tables name exactly the fields of runReportSchema (Run, Case, Timeline entry, Check, Evidence)', async () => {
    const text = await doc();
    const properties = (schema: unknown): string[] => Object.keys((schema as { properties: object }).properties).sort();
    const caseSchema = (runReportSchema.properties.cases as { items: unknown }).items as { properties: Record<string, unknown> };
    const checkSchema = (caseSchema.properties.checks as { items: unknown }).items as { properties: Record<string, unknown> };
    const timelineSchema = (caseSchema.properties.timeline as { items: unknown }).items;
    expect(tableFields(text, 'Run')).toEqual(properties(runReportSchema));
    expect(tableFields(text, 'Case')).toEqual(properties(caseSchema));
    expect(tableFields(text, 'Timeline entry')).toEqual(properties(timelineSchema));
    expect(tableFields(text, 'Check')).toEqual(properties(checkSchema));
    expect(tableFields(text, 'Evidence')).toEqual(properties(checkSchema.properties.evidence));
  });

  it('the example is a valid report', async () => {
    const example = /### Example\n[\s\S]*?```json\n([\s\S]*?)\n```/.exec(await doc())![1]!;
    validator()(JSON.parse(example));
  });

  it('every report validates against runReportSchema; tool, target, times and summary are as the field table says', async () => {
    const validate = validator();
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const { report, out } = await bodyOnSuccessRun();
    const text = await readFile(join(out, 'pat-conformance.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(report, null, 2)}\n`);
    validate(report);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'pat-conformance', version: pkg.version });
    expect(report.target.embedded).toBe(false);
    for (const time of [report.startedAt, report.finishedAt]) expect(new Date(time).toISOString()).toBe(time);
    expect(report.durationMs).toBe(Date.parse(report.finishedAt) - Date.parse(report.startedAt));
    const statuses: Array<CaseResult['status']> = ['passed', 'failed', 'warned', 'skipped', 'inconclusive', 'errored'];
    for (const status of statuses) expect(report.summary[status]).toBe(report.cases.filter((c) => c.status === status).length);
    expect(report.summary.total).toBe(report.cases.length);
    const valid = scenarios.find((s) => s.name === 'valid-delete')!;
    expect(report.cases.map((c) => c.case)).toEqual(valid.cases.map((c) => c.name));
    for (const c of report.cases) expect(c.title).toBe(valid.title);
  });

  it('complete is false only when a signal interrupted the run: a run whose target stops answering partway is complete (non-conformant, exit 1)', async () => {
    await withReference(users, async (server) => {
      const proxy = await startProxy(server.url);
      try {
        // Tokens are created, then from the first delete on no request gets an answer.
        proxy.dropFrom(firstDelete);
        const out = await tempDir();
        const result = await runCli(['run', ...targetArgs(proxy.url), '--scenario', 'valid-delete', '--out', out, '--quiet']);
        expect(result.code).toBe(1);
        const report = await readReport(out);
        validator()(report);
        expect(report.complete).toBe(true);
        expect(report.interrupted).toBeUndefined();
        expect([report.verdict, report.exitCode]).toEqual(['non-conformant', 1]);
        // Every case has a verdict; those after the target went away failed or errored at once.
        expect(report.cases).toHaveLength(scenarios.find((s) => s.name === 'valid-delete')!.cases.length);
        expect(report.summary.failed + report.summary.errored).toBeGreaterThan(0);
      } finally {
        await proxy.close();
      }
    });
  });

  it("exitCode is the process's exit code except when something fails after the reports are written: here a later report (exit 3) while pat-conformance.json says 0", async () => {
    const dir = await tempDir();
    const out = join(dir, 'out');
    const aDirectory = join(dir, 'step-summary-is-a-directory');
    await mkdir(aDirectory);
    const result = await runCli(['run', ...quick, '--out', out, '--reporter', 'json,markdown', '--quiet'], {
      env: { GITHUB_STEP_SUMMARY: aDirectory },
    });
    expect(result.code).toBe(3);
    expect(oneLine(result)).toMatch(/the markdown report could not be written \(cannot append to \$GITHUB_STEP_SUMMARY/);
    const report = await readReport(out);
    expect([report.exitCode, report.verdict]).toEqual([0, 'conformant']);
  });

  it('timeline: set only on the throttle-burst case, one entry per request of the burst, atMs from 0, outcome an HTTP status or a transport error kind', async () => {
    const out = await tempDir();
    const result = await runCli([
      'run',
      '--scenario',
      'throttle-burst,unknown-id',
      '--burst',
      '30',
      '--burst-concurrency',
      '10',
      '--out',
      out,
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    const report = await readReport(out);
    validator()(report);
    const withTimeline = report.cases.filter((c) => c.timeline !== undefined);
    expect(withTimeline.map((c) => c.scenario)).toEqual(['throttle-burst']);
    const timeline = withTimeline[0]!.timeline!;
    expect(timeline).toHaveLength(30);
    expect(Math.min(...timeline.map((t) => t.atMs))).toBe(0);
    for (const entry of timeline) {
      expect(entry.outcome).toMatch(/^(\d{3}|timeout|refused|dns|reset|protocol|interrupted|other)$/);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
});

// -------------------------------------------------------------------------------------------------
describe('docs/report-format.md: evidence and redaction', () => {
  it('bearers show as Bearer <identity-1> / <identity-2>, other credentials as "<scheme> <redacted>", the secret member as "<redacted:secret>", token options as "<redacted>"; no report holds a bearer', async () => {
    await withReference({ ...users, faults: ['no-owner-check', 'reuse-deleted-ids', 'no-auth'] }, async (server) => {
      const out = await tempDir();
      const result = await runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'valid-delete,wrong-owner,unauthenticated',
        '--out',
        out,
        '--reporter',
        'json,junit,markdown,html',
      ]);
      expect(result.code).toBe(1);
      const report = await readReport(out);
      const evidence = report.cases.flatMap((c) => c.checks.flatMap((k) => (k.evidence ? [k.evidence] : [])));
      // The unknown-bearer probe is the owner's bearer with characters appended: <identity-1>-xxxxxxxx.
      const credentials = new Set(
        evidence
          .map((e) => e.request.headers.authorization?.replace(/^(Bearer <identity-1>)-[a-z0-9]+$/, '$1-…'))
          .filter((a) => a !== undefined),
      );
      expect(credentials).toEqual(
        new Set([
          'Bearer <identity-1>',
          'Bearer <identity-2>',
          'Bearer <identity-1>-…',
          'Bearer <redacted>',
          'Basic <redacted>',
          'Basic <identity-1>',
        ]),
      );
      const secretMembers = evidence.flatMap((e) => [...(e.response?.body ?? '').matchAll(/"secret"\s*:\s*"[^"]*"/g)].map((m) => m[0]));
      expect(secretMembers.length).toBeGreaterThan(0);
      expect(new Set(secretMembers)).toEqual(new Set(['"secret":"<redacted:secret>"']));
      expect(report.options).toMatchObject({ token: '<redacted>', otherToken: '<redacted>' });
      const everything = (await allText(out)) + result.stdout + result.stderr;
      expect(everything).not.toContain(ownerToken);
      expect(everything).not.toContain(otherToken);
    });
  });

  it('a schema failure names its schema (DeleteAccessTokenResponse#/maxProperties) and "/" for the whole body; console, JUnit and Markdown show it the same way', async () => {
    const { report, result, out } = await bodyOnSuccessRun();
    const failed = report.cases.flatMap((c) => c.checks).find((k) => !k.passed && k.evidence?.schemaPath !== undefined)!;
    expect(failed.evidence).toMatchObject({ schemaPath: 'DeleteAccessTokenResponse#/maxProperties', instancePath: '/' });
    expect(failed.evidence!.request.headers.authorization).toBe('Bearer <identity-1>');
    const lines = [
      'authorization: Bearer <identity-1>',
      'body: {"deleted":true}',
      'schema path: DeleteAccessTokenResponse#/maxProperties',
      'instance path: /',
    ];
    const junit = (await readFile(join(out, 'junit.xml'), 'utf8'))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
    const markdown = await readFile(join(out, 'summary.md'), 'utf8');
    for (const text of [result.stdout, junit, markdown]) for (const line of lines) expect(text).toContain(line);
  });

  it('JUnit: a <testsuite> per scenario with properties target and verdict, a <testcase classname=SCENARIO name=CASE time=…> per case, <failure> for a failed one', async () => {
    const { report, out } = await bodyOnSuccessRun();
    const xml = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toMatch(/<testsuite name="valid-delete"/);
    expect(xml).toContain(`<property name="target" value="${report.target.url}"/>`);
    expect(xml).toContain('<property name="verdict" value="NOT CONFORMANT"/>');
    for (const c of report.cases) expect(xml).toMatch(new RegExp(`<testcase classname="valid-delete" name="${c.case}" time="[\\d.]+">`));
    expect(xml.match(/<failure /g)).toHaveLength(report.summary.failed);
  });
});

// -------------------------------------------------------------------------------------------------
describe('recordings/README.md', () => {
  it('run --record DIR: meta.json and one HAR 1.2 per segment, preflight first and cleanup last; bearers as <identity-N>, secrets as <token-secret>', async () => {
    const { recording } = await bodyOnSuccessRun();
    const meta = JSON.parse(await readFile(join(recording, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({
      format: 'pat-conformance-recording',
      formatVersion: 1,
      kind: 'run',
      tool: { name: 'pat-conformance' },
      identities: ['<identity-1>', '<identity-2>'],
      run: { scenarios: ['valid-delete'], otherIdentity: true, verdict: 'non-conformant', exitCode: 1 },
    });
    expect(Object.keys(meta.run.options).sort()).toEqual([
      'burst',
      'burstConcurrency',
      'concurrency',
      'expectThrottle',
      'strict',
      'throttleBudgetMs',
      'timeoutMs',
    ]);
    expect(Number.isInteger(meta.run.seed)).toBe(true);
    expect(new Date(meta.run.clock).toISOString()).toBe(meta.run.clock);
    const segments = meta.segments as Array<{ name: string; file?: string; exchanges: number; transportErrors: unknown[] }>;
    expect(segments[0]!.name).toBe('preflight');
    expect(segments.at(-1)!.name).toBe('cleanup');
    expect(segments[0]!.file).toMatch(/^000-preflight_[^/]+\/recording\.har$/);
    expect(segments.at(-1)!.file).toMatch(/^\d{3}-cleanup_[^/]+\/recording\.har$/);
    let entries = 0;
    let secrets = 0;
    for (const segment of segments.filter((s) => s.file)) {
      const har = JSON.parse(await readFile(join(recording, segment.file!), 'utf8'));
      expect(har.log.version).toBe('1.2');
      expect(har.log.entries).toHaveLength(segment.exchanges);
      for (const entry of har.log.entries) {
        entries += 1;
        expect(entry._patConformance).toMatchObject({ seq: expect.any(Number), path: expect.stringMatching(/^\//) });
        const authorization = entry.request.headers.find((h: { name: string }) => h.name.toLowerCase() === 'authorization')?.value;
        expect(['Bearer <identity-1>', 'Bearer <identity-2>']).toContain(authorization);
        for (const m of (entry.response.content.text ?? '').matchAll(/"secret"\s*:\s*"([^"]*)"/g)) {
          secrets += 1;
          expect(m[1]).toBe('<token-secret>');
        }
      }
    }
    expect(entries).toBeGreaterThan(0);
    expect(secrets).toBeGreaterThan(0);
    const text = await allText(recording);
    expect(text).not.toContain(ownerToken);
    expect(text).not.toContain(otherToken);
  });

  it('--record refuses a directory that is not empty and has no meta.json: exit 2, nothing in it touched', async () => {
    const dir = join(await tempDir(), 'mine');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const result = await runCli(['run', ...quick, '--record', dir, '--out', join(dir, '..', 'out'), '--quiet']);
    expect(result.code).toBe(2);
    expect(oneLine(result)).toMatch(/not empty and is not a recording/);
    expect(await files(dir)).toEqual(['notes.txt']);
  });

  it('a secret echoed in a response header name: the recording and every report hold the pseudonym, never the bearer', async () => {
    await withReference(users, async (server) => {
      const dir = await tempDir();
      const recording = join(dir, 'recording');
      // This target echoes the caller's bearer in the name of a response header.
      const proxy = await startProxy(server.url, { echoBearerInHeaderName: true });
      try {
        const out = join(dir, 'reports');
        const result = await runCli([
          'run',
          ...targetArgs(proxy.url),
          ...quick,
          '--record',
          recording,
          '--out',
          out,
          '--reporter',
          'json,junit,markdown',
          '--quiet',
        ]);
        expect(result.code).toBe(0);
        const written = await Promise.all(
          (await readdir(dir, { recursive: true, withFileTypes: true }))
            .filter((e) => e.isFile())
            .map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
        );
        expect(written.length).toBeGreaterThan(3);
        for (const text of [...written, result.stdout, result.stderr]) {
          expect(text.includes(ownerToken)).toBe(false);
          expect(text.includes(otherToken)).toBe(false);
        }
        expect(written.some((text) => text.includes('x-echo-<identity-1>'))).toBe(true);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('run --replay DIR: what the command line may still say', () => {
    /** Memoized: a run recorded with --concurrency 8 --burst 30 (not the defaults). */
    let made: Promise<string> | undefined;
    function recorded(): Promise<string> {
      made ??= (async () => {
        const dir = join(await tempDir(), 'recording');
        const result = await runCli([
          'run',
          '--scenario',
          'unknown-id,missing-id',
          '--seed',
          '4242',
          '--concurrency',
          '8',
          '--burst',
          '30',
          '--record',
          dir,
          '--out',
          join(dir, '..', 'out'),
          '--quiet',
        ]);
        expect(result.code).toBe(0);
        return dir;
      })();
      return made;
    }

    async function replay(args: string[]): Promise<{ result: CliResult; out: string }> {
      const out = join(await tempDir(), 'out');
      return { result: await runCli(['run', '--replay', await recorded(), '--out', out, '--quiet', ...args]), out };
    }

    it("the recording's verdict and exit code; target.replay names it; seed and options are the recording's", async () => {
      const { result, out } = await replay([]);
      expect(result.code).toBe(0);
      const report = await readReport(out);
      expect(report.target.replay).toBe(await recorded());
      expect(report.options).toMatchObject({ seed: 4242, concurrency: 8, burst: 30, scenarios: ['missing-id', 'unknown-id'] });
    });

    it('an option given with its default value is ignored, even typed out: --concurrency 16 replays the recorded 8', async () => {
      const { result, out } = await replay(['--concurrency', '16', '--burst', '200']);
      expect(result.code).toBe(0);
      expect((await readReport(out)).options).toMatchObject({ concurrency: 8, burst: 30 });
    });

    it('an option with the recorded value is accepted', async () => {
      const { result } = await replay(['--concurrency', '8', '--seed', '4242', '--scenario', 'unknown-id,missing-id']);
      expect(result.code).toBe(0);
    });

    it.each([
      ['--concurrency', ['--concurrency', '4'], /--concurrency cannot change a replay: the recording was made with --concurrency 8/],
      ['--seed', ['--seed', '1'], /--seed cannot change a replay/],
      ['--scenario naming part of it', ['--scenario', 'unknown-id'], /--scenario cannot pick part of a replay/],
      ['--scenario naming another', ['--scenario', 'valid-delete'], /--scenario cannot change a replay/],
      ['--target', ['--target', 'http://127.0.0.1:9', '--token', ownerToken], /drop --target/],
    ])('%s that disagrees with the recording (and is not the default) is a usage error: exit 2', async (_name, args, message) => {
      const { result } = await replay(args);
      expect(result.code).toBe(2);
      expect(oneLine(result)).toMatch(message);
    });

    it("--token and --other-token are not needed and not used; --strict makes the judgement stricter; reporters and --out are the caller's", async () => {
      const { result, out } = await replay(['--token', ownerToken, '--other-token', otherToken, '--strict', '--reporter', 'junit,json']);
      expect(result.code).toBe(0);
      expect(await files(out)).toEqual(['junit.xml', 'pat-conformance.json']);
      const report = await readReport(out);
      expect(report.strict).toBe(true);
      expect(await allText(out)).not.toContain(ownerToken);
    });

    it('check DIR: 0 for a recording whose exchanges all conform, 1 for one with a failing exchange', async () => {
      const good = await runCli(['check', await recorded(), '--out', join(await tempDir(), 'out'), '--quiet']);
      expect(good.code).toBe(0);
      const bad = await runCli(['check', (await bodyOnSuccessRun()).recording, '--out', join(await tempDir(), 'out'), '--quiet']);
      expect(bad.code).toBe(1);
    });
  });
});
