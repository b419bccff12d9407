// The performance goals in one table at the end of `npm run bench`: every row of the project's
// performance table, the value this run measured, its goal and whether it was met. Each value
// is computed by its own section (side by side with its peer, medians over rounds); this only
// gathers them, from the sections that ran.
import { round } from './stats.js';

export interface GoalRow {
  measure: string;
  value: string;
  goal: string;
  met: boolean | undefined;
}

interface Sections {
  startup?: { rows: Array<{ ratio: number; goal: number; met: boolean }> };
  throughput?: { driverOverUndiciDispatch: { requestsPerSecond: { median: number; met: boolean; target: { min: number } } } };
  run?: { recordedVsLive: { median: number; met?: boolean; target?: { max?: number } } | null };
  latency?: { rows: Array<{ ratio: number; goal?: number; met?: boolean; parallel: number }> };
  proxy?: {
    throughput: { medianRatio: number; goal: { min: number }; met: boolean };
    scale: {
      peakRssGoalMiB: number;
      summary: Array<{
        exchanges: number;
        startRate: number;
        endRate: number;
        rssAt10kMiB: number;
        rssAtEndMiB: number;
        peakRssMiB: number;
        peakMet: boolean;
      }>;
    };
  };
}

const f = (n: number, digits = 2): string => (Number.isFinite(n) ? round(n, digits).toFixed(digits) : '-');

/** `report`: the bench's JSON report (each section as it returned it; absent or null when it did not run). */
export function goalRows(report: Record<string, unknown>): GoalRow[] {
  const s = report as Sections;
  const rows: GoalRow[] = [];
  if (s.startup) {
    const [help, run] = s.startup.rows;
    if (help) rows.push({ measure: '`--help` wall / `node -e 0`', value: `${f(help.ratio)}x`, goal: `<= ${help.goal}x`, met: help.met });
    if (run) rows.push({ measure: 'embedded `run` wall / `node -e 0`', value: `${f(run.ratio)}x`, goal: `<= ${run.goal}x`, met: run.met });
  }
  if (s.run?.recordedVsLive) {
    const r = s.run.recordedVsLive;
    rows.push({ measure: 'recorded run / live run (wall)', value: `${f(r.median)}x`, goal: `<= ${r.target?.max ?? '?'}x`, met: r.met });
  }
  const latency = s.latency?.rows.find((r) => r.goal !== undefined);
  if (latency) {
    rows.push({
      measure: `run against a 50 ms target (--parallel ${latency.parallel}): wall / (requests x 50 ms)`,
      value: f(latency.ratio),
      goal: `<= ${latency.goal}`,
      met: latency.met,
    });
  }
  if (s.proxy) {
    const t = s.proxy.throughput;
    rows.push({ measure: '`proxy --record` req/s / direct', value: f(t.medianRatio), goal: `>= ${t.goal.min}`, met: t.met });
    for (const size of s.proxy.scale.summary) {
      const flat = size.rssAtEndMiB / size.rssAt10kMiB;
      rows.push({
        measure: `\`proxy --record\` over ${size.exchanges} exchanges: peak RSS (RSS at 10k -> end; req/s first -> last 10k)`,
        value: `${f(size.peakRssMiB, 0)} MiB (${f(size.rssAt10kMiB, 0)} -> ${f(size.rssAtEndMiB, 0)}, x${f(flat)}; ${f(size.startRate, 0)} -> ${f(size.endRate, 0)})`,
        goal: `<= ${s.proxy.scale.peakRssGoalMiB} MiB, flat`,
        met: size.peakMet,
      });
    }
  }
  if (s.throughput) {
    const d = s.throughput.driverOverUndiciDispatch.requestsPerSecond;
    rows.push({ measure: 'burst driver req/s / raw undici `dispatch()`', value: f(d.median), goal: `>= ${d.target.min}`, met: d.met });
  }
  return rows;
}
