// The library surface: what other people's tests import from 'pat-conformance'.
export { startReferenceServer, type ReferenceServer } from './reference/server.js';
export type { ReferenceOptions } from './reference/options.js';
export { faults, type FaultName } from './reference/faults.js';
export type { RunReport, CaseResult, CheckResult, Evidence } from './verdict.js';
