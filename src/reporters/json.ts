// The machine-readable report: the RunReport exactly as the runner produced it, so that
// anything a consumer reads here is also what the other formats were rendered from.
// The format is documented in docs/report-format.md and described by ./report-schema.ts.
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { RunReport } from '../verdict.js';
import type { Reporter, ReporterFactory } from './reporter.js';

export const JSON_REPORT_FILE = 'pat-conformance.json';

export const jsonReporter: ReporterFactory = (context): Reporter => ({
  name: 'json',
  async finish(report: RunReport): Promise<string[]> {
    const path = join(context.outDir, JSON_REPORT_FILE);
    await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
    return [path];
  },
});
