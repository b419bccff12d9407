// The HTML report: one self-contained page with the cases, the evidence of failures and a
// chart of every timeline; hostile target text stays text. Also the timeline data it draws:
// recorded by CaseChecks, carried in the JSON report, and the real burst drawn end to end.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaseChecks } from '../src/checks/case-checks.js';
import type { Exchange } from '../src/transport/exchange.js';
import { SecretRedactor } from '../src/secrets/registry.js';
import { HTML_REPORT_FILE, htmlReporter, outcomeClass, renderHtml } from '../src/reporters/html.js';
import type { ReporterContext } from '../src/reporters/reporter.js';
import { runReportSchema } from '../src/reporters/report-schema.js';
import type { CaseResult, RunReport, TimelineEntry } from '../src/verdict.js';
import { runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

// Every atomic write goes through here, so the test can tell the reporter used it.
const atomicWrites = vi.hoisted(() => [] as string[]);
vi.mock('../src/io/atomic-write.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/io/atomic-write.js')>();
  return {
    ...actual,
    writeFileAtomic: async (path: string, data: string | Uint8Array) => {
      atomicWrites.push(path);
      return actual.writeFileAtomic(path, data);
    },
  };
});

// ---------------------------------------------------------------------------------------------
// Fixtures

/** A body written to break out of the <pre> it is shown in, and to recolour a terminal. */
const HOSTILE_BODY = '</pre><script>alert(1)</script><img src=x onerror=alert(2)> & "q" \u001b[31mred\u202e';

/** 7 × 200, 3 × 429, 1 × 404, 2 × 503, a reset, a timeout and a 302: every outcome class. */
const OUTCOMES = ['200', '200', '429', '200', '404', '200', '503', '429', 'reset', '200', '200', '429', 'timeout', '503', '302', '200'];
const timeline: TimelineEntry[] = OUTCOMES.map((outcome, i) => ({ atMs: i * 5, durationMs: 10 + (i % 4), outcome }));

function makeCase(overrides: Partial<CaseResult> & Pick<CaseResult, 'scenario' | 'case' | 'status'>): CaseResult {
  return {
    title: 'title',
    level: 'must',
    rule: 'the rule',
    source: 'contract §5.1 Valid delete',
    checks: [],
    durationMs: 42,
    ...overrides,
  };
}

const burstCase = makeCase({
  scenario: 'throttle-burst',
  case: 'burst of lists and deletes',
  status: 'failed',
  timeline,
  checks: [
    {
      rule: 'no 5xx and no dropped connection during the burst',
      source: 'contract §5.9 Throttle burst',
      level: 'must',
      passed: false,
      message: '2 of 16 answers were 503 <InternalFailure>',
      evidence: {
        request: { method: 'GET', path: '/v1/accessTokens?maxResults=1', headers: { authorization: 'Bearer [redacted]' } },
        response: { status: 503, headers: { 'content-type': 'text/html' }, body: HOSTILE_BODY, truncated: false },
      },
    },
  ],
});

const hostileNameCase = makeCase({
  scenario: 'id-injection',
  case: '<script>alert("case")</script>',
  status: 'warned',
  level: 'should',
  rule: 'rule with <b>markup</b> & an "attribute"',
  checks: [
    {
      rule: 'answers 404',
      source: 'contract §5.4 ID over 36 characters',
      level: 'should',
      passed: false,
      message: 'got <400>\nsecond line',
    },
  ],
});

const passedCase = makeCase({ scenario: 'valid-delete', case: 'owner deletes own token', status: 'passed' });

const cases = [passedCase, burstCase, hostileNameCase];

const report: RunReport = {
  schemaVersion: 1,
  tool: { name: 'pat-conformance', version: '0.1.0' },
  target: { url: 'http://127.0.0.1:40123/?q=<x>&y', embedded: false },
  startedAt: '2025-07-01T10:00:00.000Z',
  finishedAt: '2025-07-01T10:00:12.300Z',
  durationMs: 12_300,
  options: { burst: 16 },
  strict: false,
  complete: true,
  verdict: 'non-conformant',
  exitCode: 1,
  summary: { total: 3, passed: 1, failed: 1, warned: 1, skipped: 0, inconclusive: 0, errored: 0 },
  cases,
  leftovers: [{ id: 'tok-<1>', identity: 'owner', reason: 'cleanup deadline passed' }],
};

// ---------------------------------------------------------------------------------------------
// Helpers

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'pat-html-'));
  atomicWrites.length = 0;
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

function context(): ReporterContext {
  return { outDir, stdout: new PassThrough(), color: false, interactive: false, env: {} };
}

/** The marks of every chart, by outcome class. */
function marks(html: string): string[] {
  return [...html.matchAll(/<rect class="mark o-([a-z]+)"/g)].map((m) => m[1]!);
}

/** The legend's count for a class, as shown. */
function legendCount(html: string, key: string): number {
  const match = new RegExp(`<li class="legend-${key}">.*?<b class="count">(\\d+)</b>`).exec(html);
  expect(match, `legend entry ${key}`).not.toBeNull();
  return Number(match![1]);
}

const ALLOWED_TAGS = new Set(
  'html head meta title style body header h1 h2 h3 p ul li b span table thead tbody tr th td a section div pre footer svg line text rect circle'.split(
    ' ',
  ),
);

// ---------------------------------------------------------------------------------------------

describe('html reporter', () => {
  it('writes report.html atomically, replacing an older one, and leaves no temp file', async () => {
    const path = join(outDir, HTML_REPORT_FILE);
    await writeFile(path, 'old report');
    const written = await htmlReporter(context()).finish(report);
    expect(written).toEqual([path]);
    expect(atomicWrites).toEqual([path]);
    expect(await readdir(outDir)).toEqual([HTML_REPORT_FILE]);
    const html = await readFile(path, 'utf8');
    expect(html).toBe(renderHtml(report));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('shows the verdict, the counts, one row per case and the failures with their evidence', () => {
    const html = renderHtml(report);
    expect(html).toContain('<h1>✖ pat-conformance: NOT CONFORMANT</h1>');
    expect(html).toContain('<li class="s-failed"><b>1</b>failed</li>');
    expect(html.match(/<tr><td class="status s-/g)).toHaveLength(cases.length);
    expect(html).toContain('<h2>Failures</h2>');
    expect(html).toContain('<h2>Leftovers</h2>');
    // The evidence as the other formats print it: request line, status, headers, body.
    expect(html).toMatch(
      /<pre>GET \/v1\/accessTokens\?maxResults=1\n {2}authorization: Bearer \[redacted\]\n→ 503\n {2}content-type: text\/html\n {2}body: /,
    );
  });

  it('is self-contained: inline CSS and SVG, no script, nothing fetched', () => {
    const html = renderHtml(report);
    expect(html).toContain("content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    // Target text is escaped, so every raw `<` opens one of the page's own tags.
    const tags = [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)];
    expect([...new Set(tags.map((m) => m[1]!.toLowerCase()))].filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
    expect(tags.map((m) => m[0]).filter((tag) => /\s(src|on\w+)=|href="(?!#)/i.test(tag))).toEqual([]);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(style).not.toMatch(/@import|url\(/);
  });

  it('escapes everything the target sent, and makes control characters visible', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('</pre><script');
    expect(html).not.toContain('onerror=alert(2)>');
    expect(html).toContain(
      '&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &quot;q&quot; \\x1b[31mred\\u202e',
    );
    expect(html).toContain('&lt;script&gt;alert(&quot;case&quot;)&lt;/script&gt;');
    expect(html).toContain('rule with &lt;b&gt;markup&lt;/b&gt; &amp; an &quot;attribute&quot;');
    expect(html).toContain('got &lt;400&gt;\nsecond line');
    expect(html).toContain('http://127.0.0.1:40123/?q=&lt;x&gt;&amp;y');
    expect(html).toContain('tok-&lt;1&gt;');
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/);
  });

  it('draws one mark per timeline entry, coloured by outcome, with legend counts', () => {
    const html = renderHtml(report);
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(1);
    const drawn = marks(html);
    expect(drawn).toHaveLength(timeline.length);
    const expected = { ok: 7, throttled: 3, client: 1, server: 2, transport: 2, other: 1 };
    for (const [key, count] of Object.entries(expected)) {
      expect(
        drawn.filter((m) => m === key),
        key,
      ).toHaveLength(count);
      expect(legendCount(html, key), key).toBe(count);
    }
    expect(html).toMatch(/<li class="legend-transport">.*\(reset 1, timeout 1\)/);
    expect(html).toContain(
      'aria-label="16 requests over 88 ms: 7 2xx, 3 429 throttled, 1 other 4xx, 2 5xx, 2 transport error, 1 1xx / 3xx"',
    );
    // Outcomes other than 2xx and 429 are also flagged with a dot, so that one 5xx is seen.
    expect(html.match(/<circle class="flag o-/g)).toHaveLength(6);
    // Each mark says what it was when hovered.
    expect(html).toContain('<title>#9: reset, started at 40 ms, took 10 ms</title>');
  });

  it('draws no chart when no case has a timeline, and shows the classes that never occurred as 0', () => {
    const plain = renderHtml({ ...report, cases: [passedCase] });
    expect(plain).not.toContain('<svg');
    expect(plain).not.toContain('Timelines');
    const allOk = renderHtml({ ...report, cases: [{ ...passedCase, timeline: [{ atMs: 0, durationMs: 0, outcome: '200' }] }] });
    expect(marks(allOk)).toEqual(['ok']);
    expect(legendCount(allOk, 'server')).toBe(0);
    expect(allOk).not.toContain('legend-other');
  });

  it.each([
    ['200', 'ok'],
    ['204', 'ok'],
    ['429', 'throttled'],
    ['400', 'client'],
    ['500', 'server'],
    ['599', 'server'],
    ['301', 'other'],
    ['reset', 'transport'],
    ['timeout', 'transport'],
  ])('outcome %s is %s', (outcome, cls) => expect(outcomeClass(outcome)).toBe(cls));
});

describe('timeline data', () => {
  it('a report with a timeline validates against the schema; a malformed entry does not', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajvFormats.default(ajv);
    const validate = ajv.compile(runReportSchema);
    const roundTripped: unknown = JSON.parse(JSON.stringify(report));
    expect(validate(roundTripped), ajv.errorsText(validate.errors)).toBe(true);
    const withEntry = (entry: unknown): unknown => ({ ...report, cases: [{ ...burstCase, timeline: [entry] }] });
    expect(validate(withEntry({ atMs: 0, durationMs: 1, outcome: '200', extra: true }))).toBe(false);
    expect(validate(withEntry({ atMs: -1, durationMs: 1, outcome: '200' }))).toBe(false);
    expect(validate(withEntry({ atMs: 0, durationMs: 1, outcome: 200 }))).toBe(false);
    expect(validate(withEntry({ atMs: 0, durationMs: 1 }))).toBe(false);
  });

  it('CaseChecks.timeline keeps the series relative to its first request, in issue order', () => {
    const checks = new CaseChecks('must', new SecretRedactor());
    expect(checks.timelineData).toBeUndefined();
    const request = { method: 'GET' as const, path: '/v1/accessTokens', headers: {} };
    const answered = (startedAt: number, durationMs: number, status: number): Exchange => ({
      request,
      response: { status, headers: {}, body: '', bodyBytes: 0, truncated: false },
      startedAt,
      durationMs,
    });
    checks.timeline([
      answered(1_005, 20, 200),
      answered(1_000, 30, 429),
      { request, transportError: { kind: 'reset', message: 'socket hang up' }, startedAt: 1_002, durationMs: 7 },
    ]);
    expect(checks.timelineData).toEqual([
      { atMs: 5, durationMs: 20, outcome: '200' },
      { atMs: 0, durationMs: 30, outcome: '429' },
      { atMs: 2, durationMs: 7, outcome: 'reset' },
    ]);
  });
});

describe('run --reporter html', () => {
  const tempDir = tempDirs();

  it('writes report.html with the burst drawn, one mark per request', { timeout: 120_000 }, async () => {
    const out = await tempDir();
    // A bucket that any burst of 200 outruns, so that the picture has 429s in it however slow the machine.
    const result = await withReference({ rate: 20, burst: 30 }, (server) =>
      runCli(['run', ...targetArgs(server.url), '--scenario', 'throttle-burst', '--reporter', 'html', '--out', out, '--quiet']),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(await readdir(out)).toEqual([HTML_REPORT_FILE]);
    const html = await readFile(join(out, HTML_REPORT_FILE), 'utf8');
    expect(html).toContain('pat-conformance: CONFORMANT');
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(1);
    const drawn = marks(html);
    expect(drawn).toHaveLength(200); // the default --burst
    const legendTotal = ['ok', 'throttled', 'client', 'server', 'transport'].reduce((sum, key) => sum + legendCount(html, key), 0);
    expect(legendTotal).toBe(200);
    expect(legendCount(html, 'ok')).toBe(drawn.filter((m) => m === 'ok').length);
    expect(legendCount(html, 'throttled')).toBeGreaterThan(0); // the small bucket throttles the burst
  });
});
