// The human view of a run: a progress line while it runs (terminals only), one line per
// finished case, the evidence of every failure, and a summary that ends with the verdict.
import { clearLine, cursorTo } from 'node:readline';
import pc from 'picocolors';
import type { CaseResult, CaseStatus, RunReport } from '../verdict.js';
import type { Reporter, ReporterContext, ReporterFactory } from './reporter.js';
import { STATUS_MARKS, evidenceLines, failedChecks, formatDuration, printable, summaryCounts, verdictText } from './evidence-text.js';

const INDENT = '    ';

type Colors = ReturnType<typeof pc.createColors>;

function statusColor(c: Colors, status: CaseStatus): (text: string) => string {
  switch (status) {
    case 'passed':
      return c.green;
    case 'failed':
    case 'errored':
      return c.red;
    case 'warned':
    case 'inconclusive':
      return c.yellow;
    case 'skipped':
      return c.dim;
  }
}

function caseKey(result: Pick<CaseResult, 'scenario' | 'case'>): string {
  return `${result.scenario}\u0000${result.case}`;
}

class ConsoleReporter implements Reporter {
  readonly name = 'console';
  private readonly c: Colors;
  private totalCases: number | undefined;
  private started = 0;
  private progressShown = false;
  /** Cases already printed, so `finish` can print those the runner never streamed. */
  private readonly printed = new Set<string>();

  constructor(private readonly context: ReporterContext) {
    this.c = pc.createColors(context.color);
  }

  runStarted(info: { targetUrl: string; totalCases: number }): void {
    this.totalCases = info.totalCases;
    this.writeLine(this.c.bold(`Running ${info.totalCases} cases against ${printable(info.targetUrl)}`));
  }

  caseStarted(info: { scenario: string; case: string }): void {
    this.started += 1;
    if (!this.context.interactive) return;
    const count = this.totalCases === undefined ? `[${this.started}]` : `[${this.started}/${this.totalCases}]`;
    this.drawProgress(`${count} ${printable(info.scenario)} › ${printable(info.case)}`);
  }

  caseFinished(result: CaseResult): void {
    this.printed.add(caseKey(result));
    for (const line of this.caseLines(result)) this.writeLine(line);
  }

  async finish(report: RunReport): Promise<string[]> {
    for (const result of report.cases) {
      if (!this.printed.has(caseKey(result))) this.caseFinished(result);
    }
    this.writeLine('');
    for (const line of this.summaryLines(report)) this.writeLine(line);
    return [];
  }

  private caseLines(result: CaseResult): string[] {
    const c = this.c;
    const color = statusColor(c, result.status);
    const name = `${printable(result.scenario)} › ${printable(result.case)}`;
    let line = `${color(STATUS_MARKS[result.status])} ${name} ${c.dim(`(${formatDuration(result.durationMs)})`)}`;
    if (result.reason !== undefined && result.status !== 'passed') {
      line += ` ${color(`— ${result.status}: ${printable(result.reason)}`)}`;
    }
    const lines = [line];
    for (const check of failedChecks(result)) {
      const level = check.level === 'must' ? c.red(check.level) : c.yellow(check.level);
      lines.push(`${INDENT}${c.bold(level)} ${printable(check.rule)} ${c.dim(`(${printable(check.source)})`)}`);
      for (const messageLine of printable(check.message, { multiline: true }).split('\n')) {
        lines.push(`${INDENT}  ${messageLine}`);
      }
      if (check.evidence) {
        for (const evidenceLine of evidenceLines(check.evidence)) lines.push(`${INDENT}    ${evidenceLine}`);
      }
    }
    return lines;
  }

  private summaryLines(report: RunReport): string[] {
    const c = this.c;
    const counts = summaryCounts(report.summary)
      .map(([status, count]) => statusColor(c, status)(`${count} ${status}`))
      .join(', ');
    const lines = [`${c.bold(`${report.summary.total} cases:`)} ${counts}`];
    const strict = report.strict ? ' (strict: should-level rules count)' : '';
    lines.push(`Duration: ${formatDuration(report.durationMs)}${strict}`);
    if (report.leftovers.length > 0) {
      const count = report.leftovers.length;
      lines.push(c.yellow(`Leftovers: ${count} token(s) this run created could not be deleted; delete them by hand:`));
      for (const leftover of report.leftovers) {
        lines.push(`  ${printable(leftover.id)} (${printable(leftover.identity)}): ${printable(leftover.reason)}`);
      }
    }
    const verdict = verdictText(report);
    const paint = report.verdict === 'conformant' ? c.green : report.verdict === 'non-conformant' ? c.red : c.yellow;
    lines.push(`${c.bold(paint(`Verdict: ${verdict}`))} ${c.dim(`(exit code ${report.exitCode})`)}`);
    return lines;
  }

  /** Every finished line goes through here so the progress line never mixes into it. */
  private writeLine(text: string): void {
    this.clearProgress();
    this.context.stdout.write(`${text}\n`);
  }

  private drawProgress(text: string): void {
    // A line longer than the terminal wraps, and `\r` then only returns to the wrapped part:
    // keep the progress line within one row so every redraw replaces it completely.
    const columns = (this.context.stdout as { columns?: number }).columns ?? 80;
    const fitted = Array.from(text)
      .slice(0, Math.max(10, columns - 1))
      .join('');
    this.clearProgress();
    this.context.stdout.write(this.c.dim(fitted));
    this.progressShown = true;
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    cursorTo(this.context.stdout, 0);
    clearLine(this.context.stdout, 0);
    this.progressShown = false;
  }
}

export const consoleReporter: ReporterFactory = (context) => new ConsoleReporter(context);
