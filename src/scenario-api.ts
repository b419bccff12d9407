// The one module a scenario imports: how a scenario is defined, what it is handed (actors,
// checks), the contract it cites, the requests it sends, and the helpers that probe and compare.
// Scenarios never reach the network but through their actors, and never import undici or the
// client's internals: what they need of those is said here.

export { defineScenario, InconclusiveCase, SkipCase, type CaseDefinition, type Scenario, type ScenarioContext } from './scenario.js';
export { cite } from './contract/sections.js';
export * as ops from './contract/operations.js';
export { listRequest } from './contract/operations.js';
export { collectionPath, encodeLabel, labelOf, rawDeletePath } from './contract/paths.js';
export { isErrorAnswer, type ModeledErrorName } from './contract/errors.js';
export { credentialStatuses, missingIdStatuses } from './contract/statuses.js';
export { limits } from './contract/limits.js';
export { describe, type Rule } from './checks/case-checks.js';
export { readResponse, retryAfterMs } from './checks/response-reading.js';
export type { Exchange } from './transport/exchange.js';
export { runBurst } from './engine/burst.js';
export { idsNotReused, type Actor, type CreatedToken } from './engine/actor.js';
export { expectCanariesSurvive, plantCanaries } from './engine/canaries.js';
export { openConnections } from './engine/connections.js';
export { namesLiveToken } from './engine/probe-guard.js';
export { StepError } from './engine/step-error.js';
export { now, sleep } from './engine/clock.js';
export { differences, expectUnchanged, takeListing } from './engine/unchanged.js';
export type { Random } from './random.js';

/** A pool of connections of the run's transport, for races and bursts (opened with openConnections). */
export type { ConnectionPool } from './transport/transport.js';
