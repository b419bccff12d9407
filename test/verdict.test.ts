// How a run's cases become its verdict (src/verdict.ts), the one rule `run`, `check` and
// `replay` share, on summaries made by hand.
import { describe, expect, it } from 'vitest';
import { runVerdict, summarize, type CaseResult, type CaseStatus } from '../src/verdict.js';

const results = (...statuses: CaseStatus[]): CaseResult[] =>
  statuses.map((status, i) => ({
    scenario: 's',
    case: `c${i}`,
    title: 't',
    level: 'must',
    rule: 'r',
    source: 'x',
    status,
    checks: [],
    durationMs: 0,
  }));

describe('runVerdict', () => {
  it('is conformant when nothing failed or errored and no token was left behind', () => {
    expect(runVerdict(summarize([]), 0)).toBe('conformant');
    expect(runVerdict(summarize(results('passed', 'warned', 'skipped', 'inconclusive')), 0)).toBe('conformant');
  });

  it('is non-conformant on a failed or errored case, or on a leftover token', () => {
    expect(runVerdict(summarize(results('passed', 'failed')), 0)).toBe('non-conformant');
    expect(runVerdict(summarize(results('passed', 'errored')), 0)).toBe('non-conformant');
    expect(runVerdict(summarize(results('passed')), 1)).toBe('non-conformant');
  });

  it('concludes nothing when the run was interrupted, whatever its cases said', () => {
    expect(runVerdict(summarize(results('failed')), 1, 'SIGINT')).toBe('incomplete');
    expect(runVerdict(summarize(results('passed')), 0, 'SIGTERM')).toBe('incomplete');
  });
});

describe('summarize', () => {
  it('counts every status, and the total', () => {
    expect(summarize(results('passed', 'passed', 'failed', 'warned', 'skipped', 'inconclusive', 'errored'))).toEqual({
      total: 7,
      passed: 2,
      failed: 1,
      warned: 1,
      skipped: 1,
      inconclusive: 1,
      errored: 1,
    });
  });
});
