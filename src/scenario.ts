// What a scenario is: a family of data-driven cases, each stating its level and the rule it
// checks and the section of docs/contract.md it comes from, and one function that runs a case against the actors and checks it is handed.
// Scenarios never print, never read options and reach the network only through their actors.
import type { CaseChecks } from './checks/case-checks.js';
import type { Actor } from './engine/actor.js';
import type { Transport } from './transport/transport.js';
import type { Random } from './random.js';
import type { Level } from './verdict.js';

export interface CaseDefinition {
  name: string;
  level: Level;
  /** The rule the case checks, in one sentence. */
  rule: string;
  /** Where the rule comes from, cited with cite(): "contract §5.4 ID over 36 characters". */
  source: string;
  /** Runs with the target to itself under --parallel (say why beside it). */
  exclusive?: boolean;
}

export interface ScenarioSettings {
  /** Racers in the concurrent-conflict scenario. */
  concurrency: number;
  /** Requests in the throttle burst, and how many are in flight at once. */
  burst: number;
  burstConcurrency: number;
  /** --expect-throttle: at least one 429 in the burst is a must. */
  expectThrottle: boolean;
  /** Longest single wait for throttling to pass. */
  throttleWaitMaxMs: number;
}

export interface ScenarioContext {
  owner: Actor;
  /** The second identity; undefined when the run has none (such cases are skipped). */
  other?: Actor;
  /** A caller with this Authorization header (undefined: none), for unauthenticated probes. */
  stranger(authorization: string | undefined, label: string): Actor;
  /**
   * A caller whose bearer is the owner's with `suffix` appended: not a credential the target
   * issued, but one a prefix or fuzzy match of bearers would take for the owner's. Its
   * Authorization is redacted like the owner's (`<identity-1>` plus the suffix).
   */
  impostor(suffix: string, label: string): Actor;
  /**
   * A caller that sends the owner's bearer under another scheme: `raw` (`Basic <bearer>`) or as
   * a Basic `user name` (base64 of `<bearer>:`). Redacted like the owner's Authorization.
   */
  ownerCredentialAs(scheme: string, form: 'raw' | 'user name'): Actor;
  check: CaseChecks;
  random: Random;
  settings: ScenarioSettings;
  /** For pools of their own (the race opens its connections before releasing the deletes). */
  http: Transport;
  signal?: AbortSignal;
}

export interface Scenario<C extends CaseDefinition = CaseDefinition> {
  name: string;
  /** One line: what the scenario shows. */
  title: string;
  source: string;
  requires?: { otherIdentity?: boolean };
  /**
   * Under --parallel, ordinary cases of all scenarios run side by side (at most --parallel at
   * once). `case`: each case runs with the target to itself. `scenario`: its cases run beside
   * each other but beside no other scenario's. Say why beside it.
   */
  exclusive?: 'case' | 'scenario';
  cases: readonly C[];
  run(context: ScenarioContext, testCase: C): Promise<void>;
}

export function defineScenario<C extends CaseDefinition>(scenario: Scenario<C>): Scenario<C> {
  return scenario;
}

/** Thrown by a case that cannot prove anything this time (e.g. every racer was throttled). */
export class InconclusiveCase extends Error {}

/** Thrown by a case that does not apply to this target. */
export class SkipCase extends Error {}
