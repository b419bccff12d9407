// A Markdown summary for people reading CI results: verdict, one table row per case, then the
// evidence of every failure. Also appended to $GITHUB_STEP_SUMMARY, where GitHub renders it
// on the run's page.
import { appendFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CaseResult, RunReport } from '../verdict.js';
import type { Reporter, ReporterFactory } from './reporter.js';
import {
  STATUS_MARKS,
  evidenceLines,
  failedChecks,
  firstFailedCheck,
  formatDuration,
  printable,
  summaryCounts,
  verdictText,
} from './evidence-text.js';

export const MARKDOWN_REPORT_FILE = 'summary.md';

/** GitHub refuses a step summary over 1 MiB (and then shows none of it). */
const STEP_SUMMARY_LIMIT = 1024 * 1024;

const VERDICT_MARKS: Record<RunReport['verdict'], string> = {
  conformant: '✔',
  'non-conformant': '✖',
  incomplete: '⚠',
};

/**
 * Text for a table cell or heading: one line, and every character Markdown (or GFM's tables
 * and inline HTML) would interpret is backslash-escaped, so a case named `x%2F<existing id>`
 * shows as written instead of vanishing as an HTML tag.
 */
export function escapeInline(text: string): string {
  return printable(text).replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}

/** A fenced block that its content cannot close: the fence outruns any backtick run inside. */
export function fencedBlock(lines: string[]): string {
  const content = lines.join('\n');
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${content}\n${fence}`;
}

function noteFor(result: CaseResult): string {
  if (result.reason !== undefined && result.status !== 'passed') return result.reason;
  const first = firstFailedCheck(result);
  return first && result.status !== 'passed' ? first.message : '';
}

function tableLines(report: RunReport): string[] {
  const lines = ['| Status | Scenario | Case | Level | Rule | Note |', '| --- | --- | --- | --- | --- | --- |'];
  for (const result of report.cases) {
    const cells = [
      `${STATUS_MARKS[result.status]} ${result.status}`,
      escapeInline(result.scenario),
      escapeInline(result.case),
      result.level,
      escapeInline(result.rule),
      escapeInline(noteFor(result)),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function failureLines(report: RunReport): string[] {
  const withFindings = report.cases.filter((result) => failedChecks(result).length > 0);
  if (withFindings.length === 0) return [];
  const lines = ['## Failures', ''];
  for (const result of withFindings) {
    const name = `${escapeInline(result.scenario)} › ${escapeInline(result.case)}`;
    lines.push(`### ${STATUS_MARKS[result.status]} ${name} (${result.status})`, '');
    for (const check of failedChecks(result)) {
      // The trailing backslash is a hard line break: the message gets a line of its own.
      lines.push(`- **${check.level}** ${escapeInline(check.rule)} (${escapeInline(check.source)})\\`);
      lines.push(`  ${escapeInline(check.message)}`, '');
      if (check.evidence) lines.push(fencedBlock(evidenceLines(check.evidence)), '');
    }
  }
  return lines;
}

function leftoverLines(report: RunReport): string[] {
  if (report.leftovers.length === 0) return [];
  const lines = [
    '## Leftovers',
    '',
    'Tokens this run created but could not delete; delete them by hand:',
    '',
    '| Token ID | Identity | Reason |',
    '| --- | --- | --- |',
  ];
  for (const leftover of report.leftovers) {
    const cells = [leftover.id, leftover.identity, leftover.reason].map(escapeInline);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

/** The summary as Markdown; `details: false` leaves out the evidence (for size limits). */
export function renderMarkdown(report: RunReport, options: { details?: boolean } = {}): string {
  const target = `${escapeInline(report.target.url)}${report.target.embedded ? ' (embedded reference)' : ''}`;
  const facts = [
    `Target: ${target}`,
    `${report.summary.total} cases`,
    formatDuration(report.durationMs),
    `exit code ${report.exitCode}`,
    ...(report.strict ? ['strict'] : []),
  ];
  const counts = summaryCounts(report.summary)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const lines = [
    `# ${VERDICT_MARKS[report.verdict]} pat-conformance: ${verdictText(report)}`,
    '',
    facts.join(' · '),
    '',
    `**${counts}**`,
    '',
    ...tableLines(report),
    '',
    ...leftoverLines(report),
  ];
  if (options.details === false) {
    const hasFindings = report.cases.some((result) => failedChecks(result).length > 0);
    if (hasFindings) {
      lines.push(`_Evidence left out to fit; see ${MARKDOWN_REPORT_FILE} in the reports directory._`, '');
    }
  } else {
    lines.push(...failureLines(report));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function appendStepSummary(path: string, report: RunReport, full: string): Promise<void> {
  const existing = await sizeOf(path);
  const room = STEP_SUMMARY_LIMIT - existing;
  const verdictOnly = `**pat-conformance: ${verdictText(report)}**\n`;
  const candidates = [full, renderMarkdown(report, { details: false }), verdictOnly];
  const text = candidates.find((candidate) => Buffer.byteLength(candidate) + 1 <= room);
  if (text === undefined) return;
  // Separate from whatever earlier steps wrote, so our heading starts a block of its own.
  await appendFile(path, existing > 0 ? `\n${text}` : text);
}

export const markdownReporter: ReporterFactory = (context): Reporter => ({
  name: 'markdown',
  async finish(report: RunReport): Promise<string[]> {
    const path = join(context.outDir, MARKDOWN_REPORT_FILE);
    const markdown = renderMarkdown(report);
    await writeFileAtomic(path, markdown);
    const stepSummary = context.env.GITHUB_STEP_SUMMARY;
    if (stepSummary) {
      try {
        await appendStepSummary(stepSummary, report, markdown);
      } catch (error) {
        throw new Error(`cannot append to $GITHUB_STEP_SUMMARY (${stepSummary}): ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return [path];
  },
});
