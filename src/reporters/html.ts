// A self-contained HTML page for people: the verdict, one table row per case, a picture of
// every timed series (the throttle burst's answers over time), and the evidence of every
// failure. One file with inline CSS and SVG: no script, nothing fetched, so it opens the same
// from a CI artefact, a mail attachment or a laptop without network.
//
// Everything the target sent is untrusted: it passes through printable() (control and bidi
// characters made visible) and then escapeHtml(), and a Content-Security-Policy forbids any
// script should an escape ever be missed.
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { CaseResult, CheckResult, RunReport, TimelineEntry } from '../verdict.js';
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

export const HTML_REPORT_FILE = 'report.html';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

/** One line of untrusted text, ready for HTML. */
function line(text: string): string {
  return escapeHtml(printable(text));
}

/** Untrusted text that may keep its line breaks (shown with white-space: pre-wrap). */
function lines(text: string): string {
  return escapeHtml(printable(text, { multiline: true }));
}

// ---------------------------------------------------------------------------------------------
// Outcome classes of a timeline

export type OutcomeClass = 'ok' | 'throttled' | 'client' | 'server' | 'transport' | 'other';

interface OutcomeStyle {
  key: OutcomeClass;
  label: string;
  /** Okabe–Ito colours: told apart also by readers with colour-vision deficiencies. */
  color: string;
  /** Shown in the legend even when nothing fell into it. */
  always: boolean;
}

const OUTCOME_STYLES: readonly OutcomeStyle[] = [
  { key: 'ok', label: '2xx', color: '#009e73', always: true },
  { key: 'throttled', label: '429 throttled', color: '#e69f00', always: true },
  { key: 'client', label: 'other 4xx', color: '#cc79a7', always: true },
  { key: 'server', label: '5xx', color: '#d55e00', always: true },
  { key: 'transport', label: 'transport error', color: '#000000', always: true },
  { key: 'other', label: '1xx / 3xx', color: '#999999', always: false },
];

/** "200" → ok, "429" → throttled, "reset" → transport, … */
export function outcomeClass(outcome: string): OutcomeClass {
  if (!/^\d{3}$/.test(outcome)) return 'transport';
  const status = Number(outcome);
  if (status === 429) return 'throttled';
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'client';
  if (status >= 500) return 'server';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// The timeline chart

const CHART = { width: 960, left: 64, right: 16, top: 12, bottom: 44, minHeight: 120, maxHeight: 480 } as const;

/** SVG coordinates: two decimals at most, no trailing zeros. */
function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Tick spacing of 1, 2 or 5 times a power of ten giving about `target` ticks over `span`. */
function tickStep(span: number, target = 8): number {
  const raw = span / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return Math.max(1, step);
}

function tickLabel(ms: number, step: number): string {
  if (step < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(3))} s`;
}

interface OutcomeCount {
  style: OutcomeStyle;
  count: number;
  /** Outcomes within the class as they came, e.g. reset 3, timeout 1. */
  kinds: Map<string, number>;
}

function countOutcomes(timeline: readonly TimelineEntry[]): OutcomeCount[] {
  const counts = new Map<OutcomeClass, OutcomeCount>(OUTCOME_STYLES.map((style) => [style.key, { style, count: 0, kinds: new Map() }]));
  for (const entry of timeline) {
    const tally = counts.get(outcomeClass(entry.outcome))!;
    tally.count++;
    tally.kinds.set(entry.outcome, (tally.kinds.get(entry.outcome) ?? 0) + 1);
  }
  return [...counts.values()].filter((tally) => tally.style.always || tally.count > 0);
}

/** "150 2xx, 50 429 throttled": the non-zero classes, for the chart's accessible label. */
function countsSentence(counts: readonly OutcomeCount[]): string {
  return counts
    .filter((tally) => tally.count > 0)
    .map((tally) => `${tally.count} ${tally.style.label}`)
    .join(', ');
}

/**
 * One horizontal bar per request, from its start to its end, rows in order of start (a
 * waterfall): x is the time since the series' first request started, colour its outcome.
 */
function timelineSvg(timeline: readonly TimelineEntry[], counts: readonly OutcomeCount[]): string {
  const n = timeline.length;
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = Math.min(CHART.maxHeight, Math.max(CHART.minHeight, n * 3));
  const height = CHART.top + plotHeight + CHART.bottom;
  const span = Math.max(
    1,
    timeline.reduce((max, entry) => Math.max(max, entry.atMs + entry.durationMs), 0),
  );
  const x = (ms: number): number => CHART.left + (ms / span) * plotWidth;
  const pitch = plotHeight / Math.max(1, n);
  const barHeight = Math.min(8, Math.max(0.5, pitch * 0.75));

  const parts: string[] = [];
  const step = tickStep(span);
  for (let t = 0; t <= span; t += step) {
    const tx = num(x(t));
    parts.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${CHART.top}" y2="${CHART.top + plotHeight}"/>`);
    parts.push(
      `<text class="tick" x="${tx}" y="${CHART.top + plotHeight + 16}" text-anchor="middle">${escapeHtml(tickLabel(t, step))}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${CHART.left}" x2="${CHART.left + plotWidth}" y1="${CHART.top + plotHeight}" y2="${CHART.top + plotHeight}"/>`,
  );
  parts.push(`<line class="axis" x1="${CHART.left}" x2="${CHART.left}" y1="${CHART.top}" y2="${CHART.top + plotHeight}"/>`);
  parts.push(
    `<text class="label" x="${CHART.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">time since the first request started</text>`,
  );
  const midY = CHART.top + plotHeight / 2;
  parts.push(
    `<text class="label" x="14" y="${num(midY)}" text-anchor="middle" transform="rotate(-90 14 ${num(midY)})">requests, by start</text>`,
  );
  parts.push(`<text class="tick" x="${CHART.left - 6}" y="${CHART.top + 9}" text-anchor="end">1</text>`);
  parts.push(`<text class="tick" x="${CHART.left - 6}" y="${CHART.top + plotHeight}" text-anchor="end">${n}</text>`);

  // Rows in order of start; ties keep the order the requests were issued in (sort is stable).
  const flags: string[] = [];
  const order = timeline.map((entry, index) => ({ entry, index })).sort((a, b) => a.entry.atMs - b.entry.atMs);
  order.forEach(({ entry, index }, row) => {
    const x0 = x(entry.atMs);
    const width = Math.max(1.5, x(entry.atMs + entry.durationMs) - x0);
    const y = CHART.top + row * pitch + (pitch - barHeight) / 2;
    const title = `#${index + 1}: ${entry.outcome}, started at ${entry.atMs} ms, took ${entry.durationMs} ms`;
    const cls = outcomeClass(entry.outcome);
    parts.push(
      `<rect class="mark o-${cls}" x="${num(x0)}" y="${num(y)}" width="${num(width)}" height="${num(barHeight)}"><title>${line(title)}</title></rect>`,
    );
    // A thin bar is easy to miss among hundreds: outcomes that are neither normal nor
    // throttled also get a dot at their end.
    if (cls !== 'ok' && cls !== 'throttled')
      flags.push(`<circle class="flag o-${cls}" cx="${num(x0 + width)}" cy="${num(y + barHeight / 2)}" r="3.5"/>`);
  });
  parts.push(...flags);

  const label = `${n} requests over ${formatDuration(span)}: ${countsSentence(counts) || 'none'}`;
  return (
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART.width} ${num(height)}" role="img" aria-label="${line(label)}">` +
    `\n${parts.join('\n')}\n</svg>`
  );
}

function legendHtml(counts: readonly OutcomeCount[]): string {
  const items = counts.map(({ style, count, kinds }) => {
    const detail =
      style.key === 'transport' || style.key === 'client' || style.key === 'other'
        ? [...kinds.entries()].map(([kind, k]) => `${line(kind)} ${k}`).join(', ')
        : '';
    return (
      `<li class="legend-${style.key}"><span class="swatch o-${style.key}"></span>${escapeHtml(style.label)} ` +
      `<b class="count">${count}</b>${detail ? ` <span class="muted">(${detail})</span>` : ''}</li>`
    );
  });
  return `<ul class="legend">${items.join('')}</ul>`;
}

function timelineSection(result: CaseResult, anchor: string): string {
  const timeline = result.timeline ?? [];
  const counts = countOutcomes(timeline);
  const span = timeline.reduce((max, entry) => Math.max(max, entry.atMs + entry.durationMs), 0);
  return [
    `<section class="chart" id="${anchor}-timeline">`,
    `<h3>${STATUS_MARKS[result.status]} ${line(result.scenario)} › ${line(result.case)}</h3>`,
    `<p class="muted">${timeline.length} requests over ${escapeHtml(formatDuration(span))}, one bar each from start to end, in order of start; a dot marks each answer that was neither 2xx nor 429.</p>`,
    legendHtml(counts),
    timeline.length > 0 ? timelineSvg(timeline, counts) : '<p>(no requests were sent)</p>',
    '</section>',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The page

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-alt: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
pre { background: var(--bg-alt); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0 12px; }
.muted { color: var(--muted); }
header.verdict { border-radius: 8px; padding: 16px 20px; border: 1px solid; }
.v-conformant { background: #e6f4ea; border-color: #2e7d32; }
.v-non-conformant { background: #fdecea; border-color: #c62828; }
.v-incomplete { background: #fff4e0; border-color: #b26a00; }
.facts { margin: 0; color: var(--muted); overflow-wrap: anywhere; }
ul.counts { list-style: none; padding: 0; margin: 16px 0 0; display: flex; flex-wrap: wrap; gap: 8px; }
ul.counts li { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; background: var(--bg-alt); }
ul.counts b { font-size: 18px; margin-right: 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: var(--bg-alt); font-weight: 600; }
th, td.status, td.level-cell { white-space: nowrap; }
td.time { white-space: nowrap; text-align: right; color: var(--muted); }
.s-passed { color: #1a7f37; } .s-failed, .s-errored { color: #cf222e; } .s-warned, .s-inconclusive { color: #9a6700; } .s-skipped { color: var(--muted); }
.level { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; border-radius: 4px; padding: 0 5px; border: 1px solid; }
.level-must { color: #cf222e; } .level-should { color: #9a6700; }
.check { margin: 8px 0 16px 12px; }
.check p { margin: 2px 0; }
.message { white-space: pre-wrap; overflow-wrap: anywhere; }
ul.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
ul.legend b { margin-left: 2px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
span.o-ok { background: #009e73; } span.o-throttled { background: #e69f00; } span.o-client { background: #cc79a7; }
span.o-server { background: #d55e00; } span.o-transport { background: #000000; } span.o-other { background: #999999; }
svg.timeline { width: 100%; height: auto; display: block; }
svg .grid { stroke: #eaeef2; stroke-width: 1; }
svg .axis { stroke: #8c959f; stroke-width: 1; }
svg .tick { font-size: 11px; fill: var(--muted); }
svg .label { font-size: 12px; fill: var(--fg); }
svg .o-ok { fill: #009e73; } svg .o-throttled { fill: #e69f00; } svg .o-client { fill: #cc79a7; }
svg .o-server { fill: #d55e00; } svg .o-transport { fill: #000000; } svg .o-other { fill: #999999; }
svg .flag { stroke: #ffffff; stroke-width: 1; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
a { color: #0969da; }
`;

function noteFor(result: CaseResult): string {
  if (result.reason !== undefined && result.status !== 'passed') return result.reason;
  const first = firstFailedCheck(result);
  return first && result.status !== 'passed' ? first.message : '';
}

function anchorOf(index: number): string {
  return `case-${index + 1}`;
}

function headerHtml(report: RunReport): string {
  const facts = [
    `Target: ${line(report.target.url)}${report.target.embedded ? ' (embedded reference)' : ''}`,
    ...(report.target.replay !== undefined ? [`replay of ${line(report.target.replay)}`] : []),
    `${report.summary.total} ${report.summary.total === 1 ? 'case' : 'cases'}`,
    escapeHtml(formatDuration(report.durationMs)),
    `exit code ${report.exitCode}`,
    ...(report.strict ? ['strict'] : []),
  ];
  const counts = summaryCounts(report.summary)
    .map(([status, count]) => `<li class="s-${status}"><b>${count}</b>${status}</li>`)
    .join('');
  return [
    `<header class="verdict v-${report.verdict}">`,
    `<h1>${STATUS_MARKS[report.verdict === 'conformant' ? 'passed' : report.verdict === 'non-conformant' ? 'failed' : 'warned']} pat-conformance: ${escapeHtml(verdictText(report))}</h1>`,
    `<p class="facts">${facts.join(' · ')}</p>`,
    '</header>',
    `<ul class="counts">${counts}</ul>`,
  ].join('\n');
}

function casesTable(report: RunReport): string {
  const rows = report.cases.map((result, index) => {
    // Link to the case's failures, else to its timeline.
    const target = failedChecks(result).length > 0 ? anchorOf(index) : result.timeline ? `${anchorOf(index)}-timeline` : undefined;
    const caseName = target ? `<a href="#${target}">${line(result.case)}</a>` : line(result.case);
    return (
      `<tr><td class="status s-${result.status}">${STATUS_MARKS[result.status]} ${result.status}</td>` +
      `<td>${line(result.scenario)}</td><td>${caseName}</td>` +
      `<td class="level-cell"><span class="level level-${result.level}">${result.level}</span></td>` +
      `<td>${line(result.rule)}</td><td>${line(noteFor(result))}</td>` +
      `<td class="time">${escapeHtml(formatDuration(result.durationMs))}</td></tr>`
    );
  });
  return [
    '<h2>Cases</h2>',
    '<table class="cases">',
    '<thead><tr><th>Status</th><th>Scenario</th><th>Case</th><th>Level</th><th>Rule</th><th>Note</th><th>Time</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
  ].join('\n');
}

function leftoversHtml(report: RunReport): string {
  if (report.leftovers.length === 0) return '';
  const rows = report.leftovers.map(
    (leftover) => `<tr><td class="mono">${line(leftover.id)}</td><td>${line(leftover.identity)}</td><td>${line(leftover.reason)}</td></tr>`,
  );
  return [
    '<h2>Leftovers</h2>',
    '<p>Tokens this run created but could not delete; delete them by hand:</p>',
    '<table><thead><tr><th>Token ID</th><th>Identity</th><th>Reason</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table>`,
  ].join('\n');
}

function timelinesHtml(report: RunReport): string {
  const sections = report.cases.flatMap((result, index) => (result.timeline ? [timelineSection(result, anchorOf(index))] : []));
  if (sections.length === 0) return '';
  return ['<h2>Timelines</h2>', ...sections].join('\n');
}

function checkHtml(check: CheckResult): string {
  return [
    '<div class="check">',
    `<p><span class="level level-${check.level}">${check.level}</span> ${line(check.rule)} <span class="muted">(${line(check.source)})</span></p>`,
    `<p class="message">${lines(check.message)}</p>`,
    // evidenceLines already made every control character visible; only markup is left to escape.
    ...(check.evidence ? [`<pre>${escapeHtml(evidenceLines(check.evidence).join('\n'))}</pre>`] : []),
    '</div>',
  ].join('\n');
}

function failuresHtml(report: RunReport): string {
  const sections = report.cases.flatMap((result, index) => {
    const failed = failedChecks(result);
    if (failed.length === 0) return [];
    return [
      `<section class="failure" id="${anchorOf(index)}">`,
      `<h3 class="s-${result.status}">${STATUS_MARKS[result.status]} ${line(result.scenario)} › ${line(result.case)} (${result.status})</h3>`,
      ...(result.reason !== undefined ? [`<p class="muted">${lines(result.reason)}</p>`] : []),
      ...failed.map(checkHtml),
      '</section>',
    ];
  });
  if (sections.length === 0) return '';
  return ['<h2>Failures</h2>', ...sections].join('\n');
}

/** The whole page. */
export function renderHtml(report: RunReport): string {
  const body = [
    headerHtml(report),
    casesTable(report),
    leftoversHtml(report),
    timelinesHtml(report),
    failuresHtml(report),
    `<footer>${line(report.tool.name)} ${line(report.tool.version)} · report schemaVersion ${report.schemaVersion} · ` +
      `${line(report.startedAt)} – ${line(report.finishedAt)}</footer>`,
  ].filter(Boolean);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing is fetched and nothing runs, whatever the report holds.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>pat-conformance: ${escapeHtml(verdictText(report))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export const htmlReporter: ReporterFactory = (context): Reporter => ({
  name: 'html',
  async finish(report: RunReport): Promise<string[]> {
    const path = join(context.outDir, HTML_REPORT_FILE);
    await writeFileAtomic(path, renderHtml(report));
    return [path];
  },
});
