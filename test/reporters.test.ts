// The report formats, fed hand-built RunReports that cover every case status, hostile
// response bodies, and an interrupted run.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
// CommonJS typed as ESM: `.default` is the plugin both to TypeScript and at run time.
import ajvFormats from 'ajv-formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleReporter } from '../src/reporters/console.js';
import { evidenceLines, printable } from '../src/reporters/evidence-text.js';
import { createReporters, reporterNames } from '../src/reporters/index.js';
import { jsonReporter } from '../src/reporters/json.js';
import { junitReporter } from '../src/reporters/junit.js';
import { markdownReporter, renderMarkdown } from '../src/reporters/markdown.js';
import type { ReporterContext } from '../src/reporters/reporter.js';
import { runReportSchema } from '../src/reporters/report-schema.js';
import type { CaseResult, Evidence, RunReport } from '../src/verdict.js';
import { summarize } from '../src/verdict.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

/** A body a broken target might send: markup, quotes, CDATA terminators, terminal escapes. */
const HOSTILE_BODY = '<html>&nbsp;"quoted" ]]> and again ]]> \u0000\u001b[31mred\u0007 `pipe|tick`';

const failedEvidence: Evidence = {
  request: {
    method: 'DELETE',
    path: '/v1/accessTokens/abc',
    headers: { authorization: 'Bearer [redacted]', 'user-agent': 'pat-conformance/0.1.0' },
  },
  response: {
    status: 200,
    headers: {
      date: 'Tue, 01 Jul 2025 10:00:00 GMT',
      'x-request-id': 'r-1',
      'Content-Type': 'text/html',
      'x-amzn-errortype': 'Weird:suffix',
    },
    body: HOSTILE_BODY,
    truncated: false,
  },
  schemaPath: '#/properties/message/type',
  instancePath: '/message',
};

function makeCase(overrides: Partial<CaseResult> & Pick<CaseResult, 'scenario' | 'case' | 'status'>): CaseResult {
  return {
    title: 'a scenario title',
    level: 'must',
    rule: 'the rule',
    source: 'contract §5.1 Valid delete',
    checks: [],
    durationMs: 42,
    ...overrides,
  };
}

const passedCase = makeCase({
  scenario: 'valid-delete',
  case: 'owner deletes own token',
  status: 'passed',
  rule: 'owner delete answers 200 with an empty body',
  checks: [{ rule: 'answers 200', source: 'contract §5.1 Valid delete', level: 'must', passed: true, message: 'ok' }],
});

const failedCase = makeCase({
  scenario: 'valid-delete',
  case: 'second delete',
  status: 'failed',
  rule: 'second delete answers 404 ResourceNotFoundException',
  durationMs: 1234,
  checks: [
    {
      rule: 'second delete answers 404 ResourceNotFoundException',
      source: 'contract §5.1 Valid delete',
      level: 'must',
      passed: false,
      message: 'expected 404, got 200',
      evidence: failedEvidence,
    },
    {
      rule: 'error body is JSON with a string message',
      source: 'contract §3.3 Errors',
      level: 'should',
      passed: false,
      message: 'body is not JSON',
    },
  ],
});

const warnedCase = makeCase({
  scenario: 'id-length',
  case: '36 astral code points',
  status: 'warned',
  level: 'should',
  rule: 'a 36-code-point ID is within the bound',
  source: 'contract §5.4 ID over 36 characters',
  checks: [
    {
      rule: 'a 36-code-point ID answers 404, not 400',
      source: 'contract §5.4 ID over 36 characters',
      level: 'should',
      passed: false,
      message: 'got 400 ValidationException: the target counts UTF-16 units',
      evidence: {
        request: { method: 'DELETE', path: '/v1/accessTokens/%F0%9F%94%91', headers: {} },
        response: {
          status: 400,
          headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' },
          body: '{"message":"id too long"}',
          truncated: false,
        },
      },
    },
  ],
});

const skippedCase = makeCase({
  scenario: 'wrong-owner',
  case: 'other identity deletes',
  status: 'skipped',
  reason: 'no second identity (--other-token not given)',
});

const inconclusiveCase = makeCase({
  scenario: 'concurrent-conflict',
  case: '16 racers',
  status: 'inconclusive',
  reason: 'every racer was throttled',
});

const erroredCase = makeCase({
  scenario: 'throttle-burst',
  case: 'target recovers',
  status: 'errored',
  reason: 'target stays throttled after 30 s',
  checks: [
    {
      rule: 'the target answers normally after the burst',
      source: 'contract §5.9 Throttle burst',
      level: 'must',
      passed: false,
      message: 'no answer',
      evidence: {
        request: { method: 'POST', path: '/v1/accessTokens', headers: {}, body: '{}' },
        transportError: 'UND_ERR_SOCKET: other side closed',
      },
    },
  ],
});

/** Names that Markdown and XML would both misread if not escaped. */
const trickyCase = makeCase({
  scenario: 'path-probe',
  case: 'x%2F<existing id> | `tick` & "q"',
  status: 'passed',
});

const allCases = [passedCase, failedCase, warnedCase, skippedCase, inconclusiveCase, erroredCase, trickyCase];

const fullReport: RunReport = {
  schemaVersion: 1,
  tool: { name: 'pat-conformance', version: '0.1.0' },
  target: { url: 'http://127.0.0.1:40123', embedded: true },
  startedAt: '2025-07-01T10:00:00.000Z',
  finishedAt: '2025-07-01T10:00:12.300Z',
  durationMs: 12_300,
  options: { concurrency: 16, burst: 200, scenario: [] },
  strict: false,
  complete: true,
  verdict: 'non-conformant',
  exitCode: 1,
  summary: summarize(allCases),
  cases: allCases,
  leftovers: [],
};

const interruptedReport: RunReport = {
  ...fullReport,
  complete: false,
  interrupted: 'SIGINT',
  verdict: 'incomplete',
  exitCode: 130,
  cases: [passedCase, skippedCase],
  summary: summarize([passedCase, skippedCase]),
  leftovers: [{ id: 'tok-123', identity: 'owner', reason: 'cleanup deadline passed' }],
};

// ---------------------------------------------------------------------------------------------
// Helpers

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'pat-reporters-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

function makeContext(overrides: Partial<ReporterContext> = {}): ReporterContext & { output: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return {
    outDir,
    stdout: stream,
    color: false,
    interactive: false,
    env: {},
    ...overrides,
    output: () => chunks.join(''),
  };
}

async function expectNoTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir);
  expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** Decoded text and CDATA content directly inside this element. */
  text: string;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`raw & in ${text}`);
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return XML_ENTITIES[ref] ?? '';
  });
}

/**
 * A deliberately strict, minimal XML reader: every byte must belong to a declaration, tag, CDATA
 * section or text without a raw `<`; tags must nest; attribute values may hold no raw `<` or `&`.
 */
function parseXml(xml: string): XmlNode {
  // XML 1.0 forbids these characters even when escaped.
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  const token =
    /<\?xml[^?]*\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([A-Za-z_][\w.:-]*)\s*>|<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  let index = 0;
  while (index < xml.length) {
    token.lastIndex = index;
    const match = token.exec(xml);
    if (!match) throw new Error(`not well-formed at ${index}: ${xml.slice(index, index + 40)}`);
    index = token.lastIndex;
    const [, cdata, closing, opening, attrText, selfClosing, text] = match;
    const current = stack[stack.length - 1]!;
    if (cdata !== undefined) current.text += cdata;
    else if (text !== undefined) current.text += decodeEntities(text);
    else if (closing !== undefined) {
      if (current.name !== closing) throw new Error(`</${closing}> closes <${current.name}>`);
      stack.pop();
    } else if (opening !== undefined) {
      const attrs: Record<string, string> = {};
      for (const [, name, value] of (attrText ?? '').matchAll(/([\w.:-]+)="([^"]*)"/g)) {
        attrs[name!] = decodeEntities(value!);
      }
      const node: XmlNode = { name: opening, attrs, children: [], text: '' };
      current.children.push(node);
      if (!selfClosing) stack.push(node);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

function descendants(node: XmlNode, name: string): XmlNode[] {
  return node.children.flatMap((child) => [...(child.name === name ? [child] : []), ...descendants(child, name)]);
}

// ---------------------------------------------------------------------------------------------

describe('evidence text', () => {
  it('shows the interesting response headers first, caps the rest, and marks cut bodies', () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 15; i += 1) headers[`x-extra-${i}`] = String(i);
    headers['Retry-After'] = '2';
    headers['content-type'] = 'application/json';
    const lines = evidenceLines(
      {
        request: { method: 'DELETE', path: '/v1/accessTokens/a%2Fb', headers: { authorization: 'Bearer [redacted]' } },
        response: { status: 429, headers, body: '🔑'.repeat(600), truncated: false },
      },
      { bodyChars: 500 },
    );
    expect(lines[0]).toBe('DELETE /v1/accessTokens/a%2Fb');
    expect(lines[1]).toBe('  authorization: Bearer [redacted]');
    expect(lines[2]).toBe('→ 429');
    expect(lines[3]).toBe('  content-type: application/json');
    expect(lines[4]).toBe('  Retry-After: 2');
    expect(lines.filter((line) => /^ {2}[\w-]+: /.test(line) && !line.startsWith('  body'))).toHaveLength(11);
    expect(lines).toContain('  … 7 more headers');
    const body = lines.find((line) => line.startsWith('  body: '))!;
    // Cut by code point: 500 whole keys, no half surrogate pair.
    expect(Array.from(body.slice('  body: '.length))).toHaveLength(500);
    expect(body).not.toMatch(/\\ud/);
    expect(lines.at(-1)).toBe('  … body truncated (first 500 characters shown)');
  });

  it('escapes control and bidi characters but keeps text readable', () => {
    expect(printable('a\u0000b\u001b[31mc\r\n\u202ed')).toBe('a\\x00b\\x1b[31mc\\r\\n\\u202ed');
    expect(printable('line1\nline2\ttab', { multiline: true })).toBe('line1\nline2\ttab');
    expect(printable('lone \ud800 surrogate, pair 🔑')).toBe('lone \\ud800 surrogate, pair 🔑');
  });

  it('reports transport errors, missing responses and schema locations', () => {
    const lines = evidenceLines({
      request: { method: 'GET', path: '/session', headers: {} },
      transportError: 'ECONNRESET',
      schemaPath: '#/required',
      instancePath: '',
    });
    expect(lines).toEqual(['GET /session', '→ no response: ECONNRESET', 'schema path: #/required', 'instance path: (root)']);
  });
});

describe('json reporter', () => {
  it('writes the report as is, and it validates against the published schema', async () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajvFormats.default(ajv);
    const validate = ajv.compile(runReportSchema);

    for (const report of [fullReport, interruptedReport]) {
      const paths = await jsonReporter(makeContext()).finish(report);
      expect(paths).toEqual([join(outDir, 'pat-conformance.json')]);
      const text = await readFile(paths[0]!, 'utf8');
      expect(text).toContain('\n  "schemaVersion": 1,');
      const parsed: unknown = JSON.parse(text);
      expect(parsed).toEqual(report);
      expect(validate(parsed), ajv.errorsText(validate.errors)).toBe(true);
    }
    await expectNoTempFiles(outDir);
  });

  it('the schema rejects reports that drift from the format', () => {
    const ajv = new Ajv({ strict: true });
    ajvFormats.default(ajv);
    const validate = ajv.compile(runReportSchema);
    expect(validate({ ...fullReport, schemaVersion: 2 })).toBe(false);
    expect(validate({ ...fullReport, verdict: 'maybe' })).toBe(false);
    expect(validate({ ...fullReport, cases: [{ ...passedCase, status: 'flaky' }] })).toBe(false);
    expect(validate({ ...fullReport, unknownField: true })).toBe(false);
  });
});

describe('junit reporter', () => {
  it('writes one testcase per case with failures, errors and skips counted', async () => {
    const paths = await junitReporter(makeContext()).finish(fullReport);
    expect(paths).toEqual([join(outDir, 'junit.xml')]);
    const xml = await readFile(paths[0]!, 'utf8');
    const root = parseXml(xml.replace(/^<\?xml[^?]*\?>\s*/, ''));

    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '7', failures: '1', errors: '1', skipped: '2' });
    const suites = descendants(root, 'testsuite');
    expect(suites.map((suite) => suite.attrs.name)).toEqual([
      'valid-delete',
      'id-length',
      'wrong-owner',
      'concurrent-conflict',
      'throttle-burst',
      'path-probe',
    ]);
    const cases = descendants(root, 'testcase');
    expect(cases).toHaveLength(allCases.length);
    const byName = new Map(cases.map((node) => [node.attrs.name, node]));

    const failed = byName.get('second delete')!;
    expect(failed.attrs).toMatchObject({ classname: 'valid-delete', time: '1.234' });
    const [failure] = descendants(failed, 'failure');
    expect(failure!.attrs.message).toBe('second delete answers 404 ResourceNotFoundException — expected 404, got 200');
    expect(failure!.text).toContain('DELETE /v1/accessTokens/abc');
    expect(failure!.text).toContain('→ 200');
    expect(failure!.text).toContain('schema path: #/properties/message/type');
    expect(failure!.text).toContain('[should] error body is JSON with a string message');
    // The hostile body survives the round trip intact, control characters made visible.
    expect(failure!.text).toContain(printable(HOSTILE_BODY, { multiline: true }));
    expect(failure!.text).toContain(']]> and again ]]>');

    const warned = byName.get('36 astral code points')!;
    expect(descendants(warned, 'failure')).toHaveLength(0);
    expect(descendants(warned, 'system-out')[0]!.text).toContain('[should] a 36-code-point ID answers 404, not 400');

    expect(descendants(byName.get('other identity deletes')!, 'skipped')[0]!.attrs.message).toBe(
      'skipped: no second identity (--other-token not given)',
    );
    expect(descendants(byName.get('16 racers')!, 'skipped')[0]!.attrs.message).toBe('inconclusive: every racer was throttled');
    const [error] = descendants(byName.get('target recovers')!, 'error');
    expect(error!.attrs.message).toBe('errored: target stays throttled after 30 s');
    expect(error!.text).toContain('→ no response: UND_ERR_SOCKET: other side closed');

    expect(byName.has('x%2F<existing id> | `tick` & "q"')).toBe(true);
    expect(descendants(byName.get(passedCase.case)!, 'failure')).toHaveLength(0);
    await expectNoTempFiles(outDir);
  });

  it('handles an interrupted run and an empty one', async () => {
    const reporter = junitReporter(makeContext());
    const root = parseXml((await readFile((await reporter.finish(interruptedReport))[0]!, 'utf8')).replace(/^<\?xml[^?]*\?>\s*/, ''));
    expect(descendants(root, 'testcase')).toHaveLength(2);
    const empty = { ...interruptedReport, cases: [], summary: summarize([]) };
    const emptyRoot = parseXml((await readFile((await reporter.finish(empty))[0]!, 'utf8')).replace(/^<\?xml[^?]*\?>\s*/, ''));
    expect(descendants(emptyRoot, 'testcase')).toHaveLength(0);
  });
});

describe('markdown reporter', () => {
  it('writes a verdict, one table row per case, and the failures with evidence', async () => {
    const paths = await markdownReporter(makeContext()).finish(fullReport);
    expect(paths).toEqual([join(outDir, 'summary.md')]);
    const md = await readFile(paths[0]!, 'utf8');

    expect(md.split('\n')[0]).toBe('# ✖ pat-conformance: NOT CONFORMANT');
    const rows = md.split('\n').filter((line) => /^\| [✔✖⚠○?!] /.test(line));
    expect(rows).toHaveLength(allCases.length);
    expect(rows).toContain(
      '| ✖ failed | valid-delete | second delete | must | second delete answers 404 ResourceNotFoundException | expected 404, got 200 |',
    );
    expect(rows).toContain(
      '| ○ skipped | wrong-owner | other identity deletes | must | the rule | no second identity (--other-token not given) |',
    );
    // Pipes, backticks and angle brackets in a cell are escaped, so the row keeps its 6 cells.
    const tricky = rows.find((row) => row.includes('path-probe'))!;
    expect(tricky).toContain('x%2F\\<existing id\\> \\| \\`tick\\` \\& "q"');
    expect(tricky.split(/(?<!\\)\|/)).toHaveLength(8);

    expect(md).toContain('## Failures');
    expect(md).toContain('### ✖ valid-delete › second delete (failed)');
    expect(md).toContain('### ⚠ id-length › 36 astral code points (warned)');
    expect(md).toContain(
      '- **must** second delete answers 404 ResourceNotFoundException (contract §5.1 Valid delete)\\\n  expected 404, got 200\n',
    );
    // Evidence in a fenced block that the body's backticks cannot close.
    expect(md).toMatch(/```text\nDELETE \/v1\/accessTokens\/abc\n[\s\S]*?schema path: #\/properties\/message\/type\n[\s\S]*?```/);
    expect(md).not.toMatch(/[\u0000\u001b]/);
    await expectNoTempFiles(outDir);
  });

  it('uses a longer fence when the evidence holds a backtick run', async () => {
    const fenced = makeCase({
      scenario: 's',
      case: 'c',
      status: 'failed',
      checks: [
        {
          ...failedCase.checks[0]!,
          evidence: { ...failedEvidence, response: { ...failedEvidence.response!, body: 'a ```` b' } },
        },
      ],
    });
    const md = await readFile((await markdownReporter(makeContext()).finish({ ...fullReport, cases: [fenced] }))[0]!, 'utf8');
    expect(md).toContain('`````text\n');
  });

  it('appends to $GITHUB_STEP_SUMMARY when set, and leaves it alone otherwise', async () => {
    const summaryDir = await mkdtemp(join(tmpdir(), 'pat-step-summary-'));
    try {
      const stepSummary = join(summaryDir, 'step_summary.md');
      await writeFile(stepSummary, '# an earlier step\n');
      await markdownReporter(makeContext({ env: { GITHUB_STEP_SUMMARY: stepSummary } })).finish(interruptedReport);
      const own = await readFile(join(outDir, 'summary.md'), 'utf8');
      const appended = await readFile(stepSummary, 'utf8');
      expect(appended).toBe(`# an earlier step\n\n${own}`);
      expect(own.split('\n')[0]).toBe('# ⚠ pat-conformance: INCOMPLETE (interrupted by SIGINT)');
      expect(own).toContain('| tok-123 | owner | cleanup deadline passed |');

      const unset = join(summaryDir, 'never.md');
      await markdownReporter(makeContext({ env: { OTHER: unset } })).finish(fullReport);
      expect(await readdir(summaryDir)).toEqual(['step_summary.md']);
      expect(await readdir(outDir)).toEqual(['summary.md']);
    } finally {
      await rm(summaryDir, { recursive: true, force: true });
    }
  });
  it('leaves the evidence out of $GITHUB_STEP_SUMMARY when GitHub would refuse the size', async () => {
    const summaryDir = await mkdtemp(join(tmpdir(), 'pat-step-summary-'));
    try {
      const stepSummary = join(summaryDir, 'step_summary.md');
      const compact = renderMarkdown(fullReport, { details: false });
      const earlier = 'x'.repeat(1024 * 1024 - Buffer.byteLength(compact) - 10);
      await writeFile(stepSummary, earlier);
      await markdownReporter(makeContext({ env: { GITHUB_STEP_SUMMARY: stepSummary } })).finish(fullReport);
      expect(await readFile(stepSummary, 'utf8')).toBe(`${earlier}\n${compact}`);
      expect(compact).toContain('_Evidence left out to fit; see summary.md in the reports directory._');
      expect(await readFile(join(outDir, 'summary.md'), 'utf8')).toContain('## Failures');
    } finally {
      await rm(summaryDir, { recursive: true, force: true });
    }
  });
});

describe('console reporter', () => {
  /** What a terminal would show: each line's text after its last clear-line sequence. */
  function rendered(output: string): string[] {
    return output.split('\n').map((line) => line.split('\u001b[2K').at(-1)!);
  }

  async function runThrough(context: ReturnType<typeof makeContext>, report: RunReport): Promise<string[]> {
    const reporter = consoleReporter(context);
    reporter.runStarted?.({ targetUrl: report.target.url, totalCases: report.cases.length });
    for (const result of report.cases) {
      reporter.caseStarted?.({ scenario: result.scenario, case: result.case });
      reporter.caseFinished?.(result);
    }
    return reporter.finish(report);
  }

  it('prints one line per case, the evidence of failures, and the verdict', async () => {
    const context = makeContext();
    expect(await runThrough(context, fullReport)).toEqual([]);
    const output = context.output();
    expect(output).not.toContain('\u001b'); // no colour, no redraws, no escape from the body
    const lines = output.split('\n');

    const caseLines = lines.filter((line) => /^[✔✖⚠○?!] /.test(line));
    expect(caseLines).toHaveLength(allCases.length);
    expect(caseLines).toContain('✔ valid-delete › owner deletes own token (42 ms)');
    expect(caseLines).toContain('✖ valid-delete › second delete (1.2 s)');
    expect(caseLines).toContain('○ wrong-owner › other identity deletes (42 ms) — skipped: no second identity (--other-token not given)');
    expect(caseLines).toContain('? concurrent-conflict › 16 racers (42 ms) — inconclusive: every racer was throttled');
    expect(caseLines).toContain('! throttle-burst › target recovers (42 ms) — errored: target stays throttled after 30 s');

    const failedAt = lines.indexOf('✖ valid-delete › second delete (1.2 s)');
    expect(lines.slice(failedAt + 1, failedAt + 14)).toEqual([
      '    must second delete answers 404 ResourceNotFoundException (contract §5.1 Valid delete)',
      '      expected 404, got 200',
      '        DELETE /v1/accessTokens/abc',
      '          authorization: Bearer [redacted]',
      '          user-agent: pat-conformance/0.1.0',
      '        → 200',
      '          Content-Type: text/html',
      '          x-amzn-errortype: Weird:suffix',
      '          date: Tue, 01 Jul 2025 10:00:00 GMT',
      '          x-request-id: r-1',
      `          body: ${printable(HOSTILE_BODY, { multiline: true })}`,
      '        schema path: #/properties/message/type',
      '        instance path: /message',
    ]);
    expect(output).toContain('    should a 36-code-point ID answers 404, not 400 (contract §5.4 ID over 36 characters)');

    expect(output).toContain('7 cases: 2 passed, 1 failed, 1 warned, 1 skipped, 1 inconclusive, 1 errored');
    expect(output).toContain('Duration: 12.3 s');
    expect(lines.filter((line) => line.length > 0).at(-1)).toBe('Verdict: NOT CONFORMANT (exit code 1)');
  });

  it('shows an interrupted run as incomplete, with its leftovers', async () => {
    const context = makeContext();
    await runThrough(context, interruptedReport);
    const output = context.output();
    expect(output).toContain('Verdict: INCOMPLETE (interrupted by SIGINT) (exit code 130)');
    expect(output).toContain('tok-123 (owner): cleanup deadline passed');
  });

  it('prints cases the runner did not stream before the summary', async () => {
    const context = makeContext();
    await consoleReporter(context).finish(fullReport);
    expect(
      context
        .output()
        .split('\n')
        .filter((line) => /^[✔✖⚠○?!] /.test(line)),
    ).toHaveLength(allCases.length);
  });

  it('redraws a progress line in a terminal, and the final text still holds every line', async () => {
    const plain = makeContext();
    await runThrough(plain, fullReport);
    const live = makeContext({ interactive: true });
    await runThrough(live, fullReport);
    const output = live.output();

    expect(output).toContain('[1/7] valid-delete › owner deletes own token');
    expect(output).toContain('[7/7] path-probe › x%2F<existing id> | `tick` & "q"');
    expect(output).toContain('\u001b[2K');
    expect(rendered(output)).toEqual(plain.output().split('\n'));
  });

  it('colours only when asked', async () => {
    const context = makeContext({ color: true });
    await runThrough(context, fullReport);
    expect(context.output()).toMatch(/\u001b\[3\dm/);
    expect(context.output().replace(/\u001b\[\d+m/g, '')).toContain('Verdict: NOT CONFORMANT');
  });
});

describe('createReporters', () => {
  it('builds reporters by name, once per name', () => {
    const reporters = createReporters(['junit', 'console', 'junit'], makeContext());
    expect(reporters.map((reporter) => reporter.name)).toEqual(['junit', 'console']);
    expect(createReporters([...reporterNames], makeContext()).map((r) => r.name)).toEqual([...reporterNames]);
  });

  it('every file reporter writes atomically into the same directory', async () => {
    const context = makeContext();
    const written = (await Promise.all(createReporters([...reporterNames], context).map((reporter) => reporter.finish(fullReport)))).flat();
    expect(written.sort()).toEqual(
      ['junit.xml', 'pat-conformance.json', 'report.html', 'summary.md'].map((name) => join(outDir, name)).sort(),
    );
    expect((await readdir(outDir)).sort()).toEqual(['junit.xml', 'pat-conformance.json', 'report.html', 'summary.md']);
  });
});
