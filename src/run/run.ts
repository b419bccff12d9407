// One conformance run, start to finish: target, pre-flight, every selected case, cleanup,
// reports. Data flows one way: config -> transport -> scenarios -> verdicts -> reporters.
import { ExitCode } from '../exit-codes.js';
import { Transport, defaultTransportBounds, type TrafficTap, type TransportBounds } from '../transport/transport.js';
import { Actor, type ActorEnvironment } from '../engine/actor.js';
import { TokenLedger } from '../engine/token-ledger.js';
import { defaultThrottlePolicy, freshThrottleMemory } from '../engine/throttle-wait.js';
import { createRandom, derivedSeed } from '../random.js';
import { SecretRedactor } from '../secrets/registry.js';
import type { Reporter } from '../reporters/reporter.js';
import { scenarios } from '../../suites/index.js';
import { toolName, toolVersion } from '../tool-info.js';
import { runVerdict, summarize, type CaseResult, type RunReport } from '../verdict.js';
import { deleteCreatedTokens, deleteOpenTokens, type Leftover } from '../engine/cleanup.js';
import { startEmbeddedTarget, type EmbeddedTarget } from './embedded-target.js';
import { preflight } from '../engine/preflight.js';
import { publicOptions, type RunConfig } from '../run-config.js';
import { runCase } from './run-case.js';
import { runScheduled } from './case-schedule.js';
import { DeleteGate } from '../engine/delete-gate.js';
import { inOwnTime } from '../engine/clock.js';
import type { CaseDefinition, Scenario } from '../scenario.js';
import type { RunTraffic } from './run-traffic.js';
import { identityPlaceholder } from '../secrets/placeholders.js';

export interface RunHooks {
  reporters: Reporter[];
  /** Aborted on SIGINT/SIGTERM: no new requests, then cleanup and reports. */
  signal: AbortSignal;
  interruptedBy: () => 'SIGINT' | 'SIGTERM' | undefined;
  /** The run's redactor, when the caller needs it too (the recorder redacts with it). */
  redactor?: SecretRedactor;
  /** --record / --replay: every request goes through a segment's tap, one segment per case. */
  traffic?: RunTraffic;
}

/** How long cleanup may take, on its own clock (the run's may already be spent). */
const cleanupDeadlineMs = 60_000;

export async function executeRun(config: RunConfig, hooks: RunHooks): Promise<RunReport> {
  const startedAt = new Date();
  const redactor = hooks.redactor ?? new SecretRedactor();
  const traffic = hooks.traffic;
  let embedded: EmbeddedTarget | undefined;
  if (!config.target) embedded = await startEmbeddedTarget();
  const targetUrl = config.target ?? embedded!.server.url;
  const ownerToken = config.token ?? embedded!.ownerToken;
  const otherToken = config.otherToken ?? embedded?.otherToken;
  redactor.add(ownerToken, identityPlaceholder(1));
  redactor.add(otherToken, identityPlaceholder(2));

  const random = createRandom(config.seed);
  const ledger = new TokenLedger();
  const bounds: TransportBounds = { ...defaultTransportBounds, timeoutMs: config.timeoutMs };
  const http = new Transport(targetUrl, bounds, { signal: hooks.signal });
  const actorEnv: Omit<ActorEnvironment, 'observe'> = {
    http,
    throttle: { ...defaultThrottlePolicy, budgetMs: config.throttleBudgetMs },
    throttleMemory: freshThrottleMemory(),
    random,
    redactor,
    ledger,
    namePrefix: `patc-${random.string(8)}`,
    // A day: long enough for any run, short enough that a token lost to a crash expires soon.
    expiresTime: new Date((traffic?.clock ?? startedAt).getTime() + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    signal: hooks.signal,
  };
  const ownerAuthorization = `Bearer ${ownerToken}`;
  const otherAuthorization = otherToken ? `Bearer ${otherToken}` : undefined;

  const results: CaseResult[] = [];
  let leftovers: Leftover[] = [];
  try {
    const preflightSegment = traffic?.openSegment('preflight');
    const preflightEnv = { ...actorEnv, http: http.withTap(preflightSegment?.tap), observe: () => {} };
    const preflightActors = [{ actor: new Actor('owner', ownerAuthorization, preflightEnv), flag: '--token' }];
    if (otherAuthorization) preflightActors.push({ actor: new Actor('other', otherAuthorization, preflightEnv), flag: '--other-token' });
    try {
      await preflight(targetUrl, preflightActors);
    } finally {
      await preflightSegment?.end();
    }

    const selected = scenarios.filter((s) => config.scenarios.includes(s.name));
    const totalCases = selected.reduce((n, s) => n + s.cases.length, 0);
    for (const reporter of hooks.reporters) reporter.runStarted?.({ targetUrl, totalCases });

    const deleteGate = new DeleteGate(ledger);
    const runOneCase = async (scenario: Scenario, testCase: CaseDefinition, number: number): Promise<CaseResult | undefined> => {
      const scope = `${scenario.name} / ${testCase.name}`;
      // Opened before anything is awaited: segments are numbered in the order cases start.
      const segment = traffic?.openSegment(scope);
      const caseHttp = segment ? http.withTap(segment.tap) : http;
      // Each case draws from its own seeded source and names its tokens with its own number, so
      // what it sends does not depend on which cases run beside it (a recording replays at any --parallel).
      const caseEnv: Omit<ActorEnvironment, 'observe'> = {
        ...actorEnv,
        http: caseHttp,
        random: createRandom(derivedSeed(config.seed, number)),
        namePrefix: `${actorEnv.namePrefix}-${number}`,
        scope,
        deleteGate,
      };
      deleteGate.caseStarted(scope);
      for (const reporter of hooks.reporters) reporter.caseStarted?.({ scenario: scenario.name, case: testCase.name });
      try {
        const result = await runCase(scenario, testCase, {
          actorEnv: caseEnv,
          ownerAuthorization,
          otherAuthorization,
          settings: {
            concurrency: config.concurrency,
            burst: config.burst,
            burstConcurrency: config.burstConcurrency,
            expectThrottle: config.expectThrottle,
            throttleWaitMaxMs: actorEnv.throttle.maxWaitMs,
          },
          strict: config.strict,
          http: caseHttp,
        });
        // The case's tokens go now, not at the end of the run: a target with a per-user quota
        // then only ever holds a few cases' worth (the final cleanup verifies and catches the rest).
        if (!hooks.signal.aborted)
          await deleteOpenTokens(ledger, identityActors({ ...caseEnv, observe: () => {} }, ownerAuthorization, otherAuthorization), scope);
        // A case that ends after the interruption was cut short: it is not a verdict on the target.
        return hooks.signal.aborted ? undefined : result;
      } finally {
        deleteGate.caseEnded(scope);
        await segment?.end();
      }
    };

    const planned = selected.flatMap((scenario) => scenario.cases.map((testCase) => ({ scenario, testCase })));
    await runScheduled(
      planned.map(({ scenario, testCase }, index) => ({
        group: scenario.exclusive === 'scenario' ? `scenario ${scenario.name}` : 'shared',
        alone: scenario.exclusive === 'case' || testCase.exclusive === true,
        run: () => inOwnTime(() => runOneCase(scenario, testCase, index + 1)),
      })),
      config.parallel,
      () => hooks.signal.aborted,
      (result) => {
        results.push(result);
        for (const reporter of hooks.reporters) reporter.caseFinished?.(result);
      },
    );
  } finally {
    const cleanupSegment = traffic?.openSegment('cleanup');
    leftovers = await cleanUp(targetUrl, bounds, cleanupSegment?.tap, actorEnv, ledger, ownerAuthorization, otherAuthorization);
    await cleanupSegment?.end();
    await http.close();
    await embedded?.server.close();
  }

  const finishedAt = new Date();
  const interrupted = hooks.interruptedBy();
  const summary = summarize(results);
  // A target that did not let the run delete its own tokens fails the gate too (docs/contract.md §9).
  const verdict = runVerdict(summary, leftovers.length, interrupted);
  const exitCode = interrupted
    ? interrupted === 'SIGTERM'
      ? ExitCode.Sigterm
      : ExitCode.Sigint
    : verdict === 'non-conformant'
      ? ExitCode.NonConformant
      : ExitCode.Conformant;
  return {
    schemaVersion: 1,
    tool: { name: toolName, version: toolVersion },
    target: { url: targetUrl, embedded: embedded !== undefined, ...(traffic?.replayOf ? { replay: traffic.replayOf } : {}) },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    options: publicOptions(config),
    strict: config.strict,
    complete: !interrupted,
    ...(interrupted ? { interrupted } : {}),
    verdict,
    exitCode,
    summary,
    cases: results,
    leftovers,
  };
}

async function cleanUp(
  targetUrl: string,
  bounds: TransportBounds,
  tap: TrafficTap | undefined,
  actorEnv: Omit<ActorEnvironment, 'observe'>,
  ledger: TokenLedger,
  ownerAuthorization: string,
  otherAuthorization: string | undefined,
): Promise<Leftover[]> {
  if (ledger.size === 0) return [];
  // Its own transport and clock: the run's signal may already be aborted by SIGINT. Still
  // recorded (the tap): a replay sends the same cleanup.
  const deadline = AbortSignal.timeout(cleanupDeadlineMs);
  const http = new Transport(targetUrl, bounds, { signal: deadline, tap });
  const env: ActorEnvironment = {
    ...actorEnv,
    http,
    signal: deadline,
    observe: () => {},
    throttle: { ...actorEnv.throttle, budgetMs: Math.min(actorEnv.throttle.budgetMs, cleanupDeadlineMs) },
    // Cleanup gets a full budget of its own even if the run's target was stuck.
    throttleMemory: freshThrottleMemory(),
  };
  try {
    return await deleteCreatedTokens(ledger, identityActors(env, ownerAuthorization, otherAuthorization), actorEnv.namePrefix);
  } catch (error) {
    return ledger
      .all()
      .filter((e) => !e.deleteAnswered)
      .map((e) => ({ id: e.id, identity: e.identity, reason: `cleanup stopped: ${(error as Error).message}` }));
  } finally {
    await http.close();
  }
}

/** The run's identities as actors, by the label the ledger knows them by. */
function identityActors(env: ActorEnvironment, ownerAuthorization: string, otherAuthorization: string | undefined): Map<string, Actor> {
  const actors = new Map<string, Actor>([['owner', new Actor('owner', ownerAuthorization, env)]]);
  if (otherAuthorization) actors.set('other', new Actor('other', otherAuthorization, env));
  return actors;
}
