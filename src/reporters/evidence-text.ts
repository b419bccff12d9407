// Plain-text renderings shared by the console, JUnit and Markdown reporters, so that a piece
// of evidence reads the same in every format and is formatted in one place only.
import { errorTypeHeader, retryAfterHeader } from '../contract/headers.js';
import type { CaseResult, CheckResult, Evidence, RunReport, RunSummary } from '../verdict.js';

/**
 * Response headers worth showing first: they explain most failures on their own (the body's
 * type and size, and the two headers the contract gives a meaning to).
 */
const INTERESTING_HEADERS = ['content-type', 'content-length', errorTypeHeader, retryAfterHeader];

export interface EvidenceTextOptions {
  /** How many characters of a body to show (code points, so no emoji is cut in half). */
  bodyChars?: number;
  /** How many response headers to show; the interesting ones come first. */
  maxResponseHeaders?: number;
}

const DEFAULT_BODY_CHARS = 500;
const DEFAULT_MAX_RESPONSE_HEADERS = 10;

// Anything a target sends is untrusted: escape characters that would move the cursor, recolour
// the terminal, reorder text (bidi overrides) or be dropped by an XML writer, so the evidence
// shows exactly what came back and cannot disguise itself.
const UNSAFE_MULTILINE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSAFE_SINGLE_LINE =
  /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(ch: string): string {
  const named = NAMED_ESCAPES[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Make text safe to print: control and invisible characters become visible escapes. */
export function printable(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE_MULTILINE : UNSAFE_SINGLE_LINE, escapeChar);
}

/** The first `limit` code points of `text`, and whether anything was cut. */
function takeCodePoints(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit) return { text, cut: false };
  let end = 0;
  let count = 0;
  for (const ch of text) {
    if (count === limit) return { text: text.slice(0, end), cut: true };
    end += ch.length;
    count += 1;
  }
  return { text, cut: false };
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([name, value]) => `  ${printable(name)}: ${printable(value)}`);
}

/** Interesting headers first (in a fixed order), then the rest as given, capped. */
function responseHeaderLines(headers: Record<string, string>, max: number): string[] {
  const entries = Object.entries(headers);
  const rank = (name: string): number => {
    const index = INTERESTING_HEADERS.indexOf(name.toLowerCase());
    return index === -1 ? INTERESTING_HEADERS.length : index;
  };
  // Array.prototype.sort is stable, so the other headers keep the order they arrived in.
  const ordered = [...entries].sort(([a], [b]) => rank(a) - rank(b));
  const shown = ordered.slice(0, max);
  const lines = headerLines(Object.fromEntries(shown));
  if (ordered.length > shown.length) lines.push(`  … ${ordered.length - shown.length} more headers`);
  return lines;
}

function bodyLines(body: string, alreadyTruncated: boolean, limit: number): string[] {
  if (body.length === 0) return alreadyTruncated ? ['  (body not captured)'] : ['  (empty body)'];
  const { text, cut } = takeCodePoints(body, limit);
  const shown = printable(text, { multiline: true }).split('\n');
  const lines = shown.length === 1 ? [`  body: ${shown[0]}`] : ['  body:', ...shown.map((line) => `    ${line}`)];
  if (cut || alreadyTruncated) {
    lines.push(cut ? `  … body truncated (first ${limit} characters shown)` : '  … body truncated');
  }
  return lines;
}

/**
 * One piece of evidence as plain text lines, without a base indent: the request line and its
 * headers, `→ status` and the response, then transport error and schema locations if any.
 * Headers are printed as given: redacting secrets is the caller's job, done once upstream.
 */
export function evidenceLines(evidence: Evidence, options: EvidenceTextOptions = {}): string[] {
  const bodyChars = options.bodyChars ?? DEFAULT_BODY_CHARS;
  const maxHeaders = options.maxResponseHeaders ?? DEFAULT_MAX_RESPONSE_HEADERS;
  const { request, response } = evidence;

  const lines = [`${printable(request.method)} ${printable(request.path)}`, ...headerLines(request.headers)];
  if (request.body !== undefined && request.body.length > 0) lines.push(...bodyLines(request.body, false, bodyChars));

  if (response) {
    lines.push(`→ ${response.status}`);
    lines.push(...responseHeaderLines(response.headers, maxHeaders));
    lines.push(...bodyLines(response.body, response.truncated, bodyChars));
  } else if (evidence.transportError === undefined) {
    lines.push('→ (no response recorded)');
  }
  if (evidence.transportError !== undefined) {
    lines.push(`→ no response: ${printable(evidence.transportError)}`);
  }
  if (evidence.schemaPath !== undefined) lines.push(`schema path: ${printable(evidence.schemaPath)}`);
  if (evidence.instancePath !== undefined) {
    lines.push(`instance path: ${evidence.instancePath === '' ? '(root)' : printable(evidence.instancePath)}`);
  }
  return lines;
}

/** A failed check as plain text: what broke, why, and the evidence indented beneath. */
export function checkLines(check: CheckResult, options: EvidenceTextOptions = {}): string[] {
  const lines = [
    `[${check.level}] ${printable(check.rule)} (${printable(check.source)})`,
    ...printable(check.message, { multiline: true })
      .split('\n')
      .map((line) => `  ${line}`),
  ];
  if (check.evidence) lines.push(...evidenceLines(check.evidence, options).map((line) => `    ${line}`));
  return lines;
}

/** The checks worth showing for a case: every one that did not pass. */
export function failedChecks(result: CaseResult): CheckResult[] {
  return result.checks.filter((check) => !check.passed);
}

/** The check that explains a case's status in one line: a failed must-level check if any. */
export function firstFailedCheck(result: CaseResult): CheckResult | undefined {
  const failed = failedChecks(result);
  return failed.find((check) => check.level === 'must') ?? failed[0];
}

export const STATUS_MARKS: Record<CaseResult['status'], string> = {
  passed: '✔',
  failed: '✖',
  warned: '⚠',
  skipped: '○',
  inconclusive: '?',
  errored: '!',
};

/** "CONFORMANT", "NOT CONFORMANT" or "INCOMPLETE (interrupted by SIGINT)". */
export function verdictText(report: Pick<RunReport, 'verdict' | 'interrupted'>): string {
  switch (report.verdict) {
    case 'conformant':
      return 'CONFORMANT';
    case 'non-conformant':
      return 'NOT CONFORMANT';
    case 'incomplete':
      return report.interrupted ? `INCOMPLETE (interrupted by ${report.interrupted})` : 'INCOMPLETE';
  }
}

const SUMMARY_ORDER = ['passed', 'failed', 'warned', 'skipped', 'inconclusive', 'errored'] as const;

/** Non-zero counts in a fixed order, e.g. [["passed", 35], ["failed", 1]]; passed always. */
export function summaryCounts(summary: RunSummary): Array<[(typeof SUMMARY_ORDER)[number], number]> {
  return SUMMARY_ORDER.filter((status) => status === 'passed' || summary[status] > 0).map((status) => [status, summary[status]]);
}

/** "850 ms", "12.3 s", "2 min 03 s": precise when short, readable when long. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}
