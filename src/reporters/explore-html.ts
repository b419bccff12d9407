// The HTML report of `explore`: the summary, and a violation's counterexample drawn as a
// timeline: one lane per identity, one bar per operation from the moment it was sent to the moment
// it was answered (an open bar for no answer), the operations the violation names in red.
// One self-contained file, no script.
import type { ExploreReport, TimelineEntry } from '../explore/report.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderExploreHtml(report: ExploreReport): string {
  const v = report.violation;
  const title = v ? 'explore: a violation' : 'explore: no violation found';
  const rows = [
    ['target', report.target.url + (report.target.embedded ? ' (embedded reference)' : '')],
    ['verdict', report.verdict],
    ['seed', String(report.seed)],
    ['programs run', String(report.programs)],
    ['requests', String(report.requests)],
    ['ended by', report.stopped],
  ];
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<table>${rows.map(([k, val]) => `<tr><th>${escapeHtml(k!)}</th><td>${escapeHtml(val!)}</td></tr>`).join('')}</table>`,
  ];
  if (v) {
    body.push(
      `<h2>${escapeHtml(v.rule)}</h2>`,
      `<p>${escapeHtml(v.message)}</p>`,
      `<p class="source">${escapeHtml(v.source)}</p>`,
      v.confirmed ? `<p>Run again ${v.confirmed.runs} times: failed ${v.confirmed.reproduced} of them.</p>` : '',
      '<h3>Program (one round per line, its steps released together)</h3>',
      `<pre>${escapeHtml(v.program.join('\n'))}</pre>`,
      '<h3>Timeline</h3>',
      timelineSvg(v.timeline),
      `<table class="timeline"><tr><th>#</th><th>who</th><th>sent (ms)</th><th>answered (ms)</th><th>operation</th><th>answer</th></tr>${v.timeline
        .map(
          (e) =>
            `<tr${e.involved ? ' class="involved"' : ''}><td>${e.operation}</td><td>${escapeHtml(e.identity)}</td><td>${e.sentAt.toFixed(1)}</td><td>${e.answeredAt === undefined ? '—' : e.answeredAt.toFixed(1)}</td><td>${escapeHtml(e.kind === 'list' ? 'list' : `${e.kind} ${e.subject}`)}</td><td>${escapeHtml(e.answer)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  if (report.leftovers.length > 0) {
    body.push(
      `<h2>Tokens left behind</h2><ul>${report.leftovers.map((l) => `<li>${escapeHtml(`${l.identity} ${l.id}: ${l.reason}`)}</li>`).join('')}</ul>`,
    );
  }
  const style =
    'body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}th{text-align:left;padding-right:1em}table.timeline td{padding:0 .6em}tr.involved{color:#b00020;font-weight:600}pre{background:#f5f5f5;padding:.6em}.source{color:#555}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body.join('\n')}</body></html>\n`;
}

function timelineSvg(timeline: readonly TimelineEntry[]): string {
  if (timeline.length === 0) return '';
  const end = Math.max(...timeline.map((e) => e.answeredAt ?? e.sentAt)) * 1.05 + 1;
  const start = Math.min(...timeline.map((e) => e.sentAt));
  const width = 1000;
  const row = 18;
  const x = (t: number): number => 120 + ((t - start) / (end - start)) * (width - 140);
  const bars = timeline.map((e, i) => {
    const y = 10 + i * row;
    const x1 = x(e.sentAt);
    const x2 = e.answeredAt === undefined ? width - 20 : Math.max(x(e.answeredAt), x1 + 2);
    const colour = e.involved ? '#b00020' : e.identity === 'owner' ? '#1f5fa8' : '#2e7d32';
    const dash = e.answeredAt === undefined ? ' stroke-dasharray="4 3"' : '';
    const label = `#${e.operation} ${e.identity} ${e.kind === 'list' ? 'list' : `${e.kind} ${e.subject}`}`;
    return `<text x="4" y="${y + 11}" font-size="11">${escapeHtml(label.slice(0, 20))}</text><line x1="${x1.toFixed(1)}" x2="${x2.toFixed(1)}" y1="${y + 7}" y2="${y + 7}" stroke="${colour}" stroke-width="8"${dash}><title>${escapeHtml(`${label} -> ${e.answer}`)}</title></line>`;
  });
  const height = 20 + timeline.length * row;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="timeline of the counterexample">${bars.join('')}</svg>`;
}
