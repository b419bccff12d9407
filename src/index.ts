// The library surface: what other people's tests import from 'pat-conformance'.
export { startReferenceServer, type ReferenceServer } from './reference/server.js';
export type { ReferenceOptions } from './reference/options.js';
export { faults, type FaultName } from './reference/faults.js';
export type { RunReport, CaseResult, CheckResult, Evidence } from './verdict.js';
// Recorded sessions (src/record): answers from a recording, in-process through nock or as a server.
export { replayWithNock, type NockReplay, type NockReplayOptions } from './tools/nock-replay.js';
export { startReplayServer, type ReplayServer, type ReplayServerOptions } from './tools/replay-server.js';
// `run` and `explore` as functions: typed options, the versioned report as the result, no output.
export { runConformance, type RunConformanceOptions } from './api/run-conformance.js';
export { exploreConformance, type ExploreConformanceOptions, type ExploreReporterName } from './api/explore-conformance.js';
export type { ReporterName } from './reporters/names.js';
export type { RunVerdict, RunSummary, CaseStatus, Level } from './verdict.js';
export type {
  ExploreReport,
  ExploreSummary,
  ExploreViolation,
  ExploreFinding,
  TimelineEntry as ExploreTimelineEntry,
} from './explore/report.js';
export { ExitCode, UsageError, CannotRunError } from './exit-codes.js';
