// The data that flows from scenarios to reporters, and the rules that turn a case's checks into
// its status and a run's cases into its verdict (at the end of this file). Those rules are
// computed here only, for `run`, `check` and `replay` alike. Reporters read these types and never
// decide anything: every verdict is already here when they see it.

/** must: fails the gate. should: reported, fails only under --strict. */
export type Level = 'must' | 'should';

/** What was sent, with secrets already redacted. */
export interface RequestEvidence {
  method: string;
  /** Path and query exactly as sent on the wire (percent-encoding kept). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What came back, cut to a sane length. */
export interface ResponseEvidence {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the body was longer than what is shown here. */
  truncated: boolean;
}

export interface Evidence {
  request: RequestEvidence;
  response?: ResponseEvidence;
  /** Set when no HTTP response was obtained (timeout, reset, refused, garbage). */
  transportError?: string;
  /** JSON Schema location of the first schema failure, e.g. "#/properties/message/type". */
  schemaPath?: string;
  /** Instance path of the first schema failure, e.g. "/message". */
  instancePath?: string;
}

export interface CheckResult {
  /** What was checked, stated as the rule: "second delete answers 404 ResourceNotFoundException". */
  rule: string;
  /** Where the rule comes from, e.g. "contract §5.1 Valid delete" (docs/contract.md). */
  source: string;
  level: Level;
  passed: boolean;
  /** Why it failed (or a short confirmation when it passed). */
  message: string;
  evidence?: Evidence;
}

export type CaseStatus =
  | 'passed' // every check passed
  | 'failed' // a check that counts failed (must, or should under --strict)
  | 'warned' // only should-level checks failed and --strict is off
  | 'skipped' // not run, with a reason (e.g. no second identity)
  | 'inconclusive' // the target did not let the case prove anything (e.g. every racer throttled)
  | 'errored'; // the case could not be carried out (setup failed, target stays throttled)

/**
 * One request of a series the case sent as a whole (the throttle burst), for the reports'
 * picture of it. Times come from the client's clock, in milliseconds.
 */
export interface TimelineEntry {
  /** When the request started, relative to the start of the series' first request. */
  atMs: number;
  /** How long it took, to the last byte of the answer or to the transport error. */
  durationMs: number;
  /** The HTTP status as a string ("200", "429"), or the transport error kind ("reset", "timeout"). */
  outcome: string;
}

export interface CaseResult {
  scenario: string;
  case: string;
  /** The scenario's one-line title. */
  title: string;
  level: Level;
  /** The rule the case checks and its section of docs/contract.md. */
  rule: string;
  source: string;
  status: CaseStatus;
  /** Reason for skipped / inconclusive / errored. */
  reason?: string;
  checks: CheckResult[];
  /**
   * Set by cases that send a series of requests as one (the throttle burst): one entry per
   * request, in the order they were issued.
   */
  timeline?: TimelineEntry[];
  durationMs: number;
}

export type RunVerdict = 'conformant' | 'non-conformant' | 'incomplete';

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
  inconclusive: number;
  errored: number;
}

/** The complete, versioned result of a run: what the JSON reporter writes. */
export interface RunReport {
  /** Bumped on any incompatible change to this shape. */
  schemaVersion: 1;
  tool: { name: string; version: string };
  target: { url: string; embedded: boolean; replay?: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The options the run used, secrets removed. */
  options: Record<string, unknown>;
  strict: boolean;
  /** False when the run was interrupted or cut short. */
  complete: boolean;
  /** Set when a signal interrupted the run. */
  interrupted?: 'SIGINT' | 'SIGTERM';
  verdict: RunVerdict;
  exitCode: number;
  summary: RunSummary;
  cases: CaseResult[];
  /** Tokens the run created that it could not delete (ID only, never the secret). */
  leftovers: Array<{ id: string; identity: string; reason: string }>;
}

/** must failures fail; should failures fail only under --strict, else warn. */
export function statusOf(checks: readonly CheckResult[], strict: boolean, fallback?: CaseStatus): CaseStatus {
  const failed = checks.filter((c) => !c.passed);
  if (failed.some((c) => c.level === 'must' || strict)) return 'failed';
  if (fallback) return fallback;
  return failed.length > 0 ? 'warned' : 'passed';
}

/** Case results counted by status: the summary every report carries. */
export function summarize(results: readonly CaseResult[]): RunSummary {
  const count = (status: CaseStatus) => results.filter((r) => r.status === status).length;
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

/**
 * What a run concludes. A failed or errored case makes the target non-conformant, and so does a
 * token the run could not delete (docs/contract.md §9); an interrupted run concludes nothing.
 */
export function runVerdict(summary: RunSummary, leftovers: number, interrupted?: RunReport['interrupted']): RunVerdict {
  if (interrupted) return 'incomplete';
  return summary.failed > 0 || summary.errored > 0 || leftovers > 0 ? 'non-conformant' : 'conformant';
}
