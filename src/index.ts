// The library surface: what other people's tests import from 'pat-conformance'.
export { startReferenceServer, type ReferenceServer } from './reference/server.js';
export type { ReferenceOptions } from './reference/options.js';
export { faults, type FaultName } from './reference/faults.js';
export type { RunReport, CaseResult, CheckResult, Evidence } from './verdict.js';
// Recorded sessions (src/record): answers from a recording, in-process through nock or as a server.
export { replayWithNock, type NockReplay, type NockReplayOptions } from './tools/nock-replay.js';
export { startReplayServer, type ReplayServer, type ReplayServerOptions } from './tools/replay-server.js';
