// Counting case results by status: the summary every report carries.
import type { CaseResult, RunSummary } from '../verdict.js';

export function summarize(results: readonly CaseResult[]): RunSummary {
  const count = (status: CaseResult['status']) => results.filter((r) => r.status === status).length;
  return {
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    warned: count('warned'),
    skipped: count('skipped'),
    inconclusive: count('inconclusive'),
    errored: count('errored'),
  };
}
