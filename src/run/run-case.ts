// Runs one scenario case with fresh checks and actors, and turns what happened into a
// CaseResult. Failures of the target are verdicts; only a fault of the runner is 'errored'.
import { CaseChecks } from '../checks/case-checks.js';
import type { Exchange } from '../transport/exchange.js';
import type { Transport } from '../transport/transport.js';
import { Actor, type ActorEnvironment } from '../engine/actor.js';
import { InterruptedError, StepError } from '../engine/step-error.js';
import { InconclusiveCase, SkipCase, type CaseDefinition, type Scenario, type ScenarioSettings } from '../scenario.js';
import { statusOf, type CaseResult, type CaseStatus } from '../verdict.js';

export interface CaseRunEnvironment {
  actorEnv: Omit<ActorEnvironment, 'observe'>;
  /** Every exchange of the run, for statistics and recording. */
  onExchange?: (exchange: Exchange) => void;
  ownerAuthorization: string;
  otherAuthorization: string | undefined;
  settings: ScenarioSettings;
  strict: boolean;
  http: Transport;
}

export async function runCase(scenario: Scenario, testCase: CaseDefinition, env: CaseRunEnvironment): Promise<CaseResult> {
  const started = Date.now();
  const base = {
    scenario: scenario.name,
    case: testCase.name,
    title: scenario.title,
    level: testCase.level,
    rule: testCase.rule,
    source: testCase.source,
  };
  if (scenario.requires?.otherIdentity && !env.otherAuthorization) {
    return { ...base, status: 'skipped', reason: 'needs a second identity (--other-token)', checks: [], durationMs: 0 };
  }

  const checks = new CaseChecks(testCase.level, env.actorEnv.redactor);
  const actorEnv: ActorEnvironment = {
    ...env.actorEnv,
    observe: (exchange) => {
      checks.observe(exchange);
      env.onExchange?.(exchange);
    },
    // Run-wide rules (contract §6.6) are judged where they are broken, in whichever case that is.
    ruleBroken: (rule, message, exchange) => checks.record({ ...rule, level: 'must' }, false, message, exchange),
  };
  // One count for all the case's actors: its names never repeat (the case's own name prefix
  // keeps them apart from other cases').
  const nameCounter = { next: 1 };
  const actor = (label: string, authorization: string | undefined) => new Actor(label, authorization, actorEnv, nameCounter);
  const context = {
    owner: actor('owner', env.ownerAuthorization),
    other: env.otherAuthorization ? actor('other', env.otherAuthorization) : undefined,
    stranger: (authorization: string | undefined, label: string) => actor(label, authorization),
    impostor: (suffix: string, label: string) => actor(label, `${env.ownerAuthorization}${suffix}`),
    ownerCredentialAs: (scheme: string, form: 'raw' | 'user name') => {
      const bearer = env.ownerAuthorization.replace(/^Bearer /, '');
      const credential = form === 'raw' ? bearer : Buffer.from(`${bearer}:`).toString('base64');
      return actor(`the owner's bearer as ${scheme} (${form})`, `${scheme} ${credential}`);
    },
    check: checks,
    random: env.actorEnv.random,
    settings: env.settings,
    http: env.http,
    signal: env.actorEnv.signal,
  };

  let forced: { status: CaseStatus; reason: string } | undefined;
  try {
    await scenario.run(context, testCase);
  } catch (error) {
    if (error instanceof InterruptedError || env.actorEnv.signal?.aborted) {
      forced = { status: 'errored', reason: 'interrupted before the case finished' };
    } else if (error instanceof StepError) {
      checks.record(
        { rule: 'every step of the case gets an answer it can go on with', source: error.source, level: 'must' },
        false,
        error.message,
        error.exchange,
      );
      if (error.outcome === 'errored') forced = { status: 'errored', reason: error.message };
    } else if (error instanceof InconclusiveCase) {
      forced = { status: 'inconclusive', reason: error.message };
    } else if (error instanceof SkipCase) {
      forced = { status: 'skipped', reason: error.message };
    } else {
      // A bug in the runner or a scenario: say so plainly rather than blame the target.
      forced = { status: 'errored', reason: `internal error: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  checks.finishShapeChecks();
  const status =
    forced?.status === 'errored' || forced?.status === 'skipped' ? forced.status : statusOf(checks.results, env.strict, forced?.status);
  const timeline = checks.timelineData ? { timeline: checks.timelineData } : {};
  return {
    ...base,
    status,
    ...(forced ? { reason: forced.reason } : {}),
    checks: checks.results,
    ...timeline,
    durationMs: Date.now() - started,
  };
}
