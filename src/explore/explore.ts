// `explore`: generated programs under concurrency, each run against the target and its history
// judged for linearizability (docs/contract.md §10). fast-check generates the programs from the
// seed; the first that fails is shrunk (every smaller candidate is run against the target
// again), the smallest that still fails is run a few more times to confirm it, and its history
// is the counterexample. Bounded by a request budget and a time limit; cleanup after every
// program deletes the tokens it created, by ID (§9).
import fc from 'fast-check';
import * as ops from '../contract/operations.js';
import { cite } from '../contract/sections.js';
import { judgeShape } from '../checks/response-shape.js';
import { Actor, type ActorEnvironment } from '../engine/actor.js';
import { deleteCreatedTokens, type Leftover } from '../engine/cleanup.js';
import { sleep } from '../engine/clock.js';
import { preflight } from '../engine/preflight.js';
import { StepError } from '../engine/step-error.js';
import { defaultThrottlePolicy, freshThrottleMemory, throttleDelay } from '../engine/throttle-wait.js';
import { TokenLedger } from '../engine/token-ledger.js';
import { createRandom } from '../random.js';
import type { SecretRedactor } from '../secrets/registry.js';
import type { Exchange } from '../transport/exchange.js';
import { type TrafficTap, Transport, defaultTransportBounds } from '../transport/transport.js';
import { Execution, type RequestBudget } from './execution.js';
import { type HeldBefore, type HeldToken, heldTokensAfter, heldTokensFinding } from './held-before.js';
import { byNamePrefix, type Operation } from './history.js';
import { judgeHistory } from './judge.js';
import type { Step, Who } from './program.js';
import { type ExploreModel, type ExploreReal, freshModel, programArbitrary } from './round-command.js';
import { timelineOf, type ExploreFinding, type ExploreSummary, type ExploreViolation } from './report.js';

export interface ExploreSettings {
  targetUrl: string;
  ownerToken: string;
  otherToken?: string;
  seed: number;
  /** Requests the exploration may send (shrinking and confirming get as many again). */
  budget: number;
  /** Operations released together at most. */
  concurrency: number;
  /** Milliseconds the search may take (shrinking and confirming get half as long again). */
  timeLimitMs: number;
  timeoutMs: number;
  redactor: SecretRedactor;
  signal: AbortSignal;
  /** Recording: one segment per program run. */
  traffic?: { tap: TrafficTap; beginCase(name: string): Promise<void>; endCase(): Promise<void> };
  progress?: (line: string) => void;
}

/** One program run: what it did and what the judge said. */
interface ProgramRun {
  index: number;
  program: string[];
  operations: Operation[];
  exchanges: Map<number, Exchange[]>;
  finding?: ExploreFinding;
  leftovers: Leftover[];
}

/** Confirmation runs of the smallest failing program. */
const confirmations = 3;

export async function explore(settings: ExploreSettings): Promise<ExploreSummary> {
  const started = Date.now();
  // Intervals need sub-millisecond precision: answers on loopback come within a millisecond.
  const startedPrecise = performance.now();
  const deadline = started + settings.timeLimitMs;
  const transport = new Transport(
    settings.targetUrl,
    { ...defaultTransportBounds, timeoutMs: settings.timeoutMs, giveUpAfterFailures: 0 },
    { signal: settings.signal, tap: settings.traffic?.tap },
  );
  const random = createRandom(settings.seed);
  const runPrefix = `patx-${random.string(6)}`;
  const actorEnv: ActorEnvironment = {
    http: transport,
    observe: () => {},
    throttle: { ...defaultThrottlePolicy },
    throttleMemory: freshThrottleMemory(),
    random,
    redactor: settings.redactor,
    // The actors only list and send here; each program keeps its own ledger (runProgram).
    ledger: new TokenLedger(),
    namePrefix: runPrefix,
    expiresTime: new Date(started + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    signal: settings.signal,
  };
  const actors: Partial<Record<Who, Actor>> = { owner: new Actor('owner', `Bearer ${settings.ownerToken}`, actorEnv) };
  if (settings.otherToken) actors.other = new Actor('other', `Bearer ${settings.otherToken}`, actorEnv);

  await settings.traffic?.beginCase('preflight');
  await preflight(settings.targetUrl, [
    { actor: actors.owner!, flag: '--token' },
    ...(actors.other ? [{ actor: actors.other, flag: '--other-token' }] : []),
  ]);
  // What each identity held before: the other identity never gets a delete for one of these IDs,
  // and every complete listing must still show them, unchanged.
  const heldBefore: HeldBefore = { owner: new Map(), other: new Map() };
  // A token that expires while the exploration may still run is not judged if it vanishes.
  const horizon = started + 2 * settings.timeLimitMs + 120_000;
  try {
    for (const who of ['owner', 'other'] as const) {
      const actor = actors[who];
      if (actor) heldBefore[who] = new Map((await actor.listAll()).tokens.map((token) => [token.id, token]));
    }
  } catch (error) {
    // A listing that cannot be followed to its end breaks a rule of its own (§2.2): a verdict, not a crash.
    if (!(error instanceof StepError)) throw error;
    await settings.traffic?.endCase();
    await transport.close();
    const finding: ExploreFinding = {
      section: '2.2',
      rule: 'a listing can be followed to its last page',
      source: cite('10', '2.2'),
      message: `before the exploration: ${error.message}`,
      operations: [],
    };
    return {
      seed: settings.seed,
      programs: 0,
      requests: 0,
      stopped: 'violation',
      shrinks: 0,
      leftovers: [],
      violation: { ...finding, program: [], timeline: [] },
    };
  }
  await settings.traffic?.endCase();

  const budget: RequestBudget = { spent: 0, limit: settings.budget };
  const pool = transport.connections(Math.max(1, settings.concurrency));
  const everGiven: Record<Who, Map<string, number>> = { owner: new Map(), other: new Map() };
  const runs: ProgramRun[] = [];
  let failing: ProgramRun | undefined;
  let shrinkBudget: RequestBudget | undefined;
  let shrinkDeadline = 0;
  let stopped: ExploreSummary['stopped'] = 'runs';
  let requestsSent = 0;

  const runProgram = async (commands: Iterable<fc.AsyncCommand<ExploreModel, ExploreReal>>, label: string): Promise<ProgramRun> => {
    const index = runs.length + 1;
    const namePrefix = `${runPrefix}-${index}`;
    const exchanges = new Map<number, Exchange[]>();
    const shapeFindings: ExploreFinding[] = [];
    // The program's own tokens: its cleanup deletes and reports these, not an earlier program's again.
    const ledger = new TokenLedger();
    const execution = new Execution({
      actors,
      pool,
      namePrefix,
      expiresTime: actorEnv.expiresTime,
      ledger,
      budget: shrinkBudget ?? budget,
      heldBefore,
      // Hundredths of a millisecond: enough to order answers on loopback, short in messages.
      now: () => Math.round((performance.now() - startedPrecise) * 100) / 100,
      signal: settings.signal,
      observe: (exchange, operation) => {
        requestsSent++;
        exchanges.set(operation, [...(exchanges.get(operation) ?? []), exchange]);
        if (shapeFindings.length > 0) return;
        const [finding] = judgeShape(exchange, ops.operationOf(exchange.request.method, exchange.request.path));
        if (finding)
          shapeFindings.push({
            section: '7',
            rule: finding.rule,
            source: finding.source,
            message: finding.message,
            operations: [operation],
          });
      },
    });
    let throttledRounds = 0;
    const real: ExploreReal = {
      round: async (steps: readonly Step[]) => {
        await execution.runRound(steps);
        // A throttled round is waited out before the next one, as `run` waits (contract §4).
        const throttled = execution.throttled[0];
        if (throttled && !settings.signal.aborted)
          await sleep(
            throttleDelay(throttled, throttledRounds++, { ...defaultThrottlePolicy, maxWaitMs: 5000 }, random),
            settings.signal,
          ).catch(() => undefined);
        else throttledRounds = 0;
      },
    };
    await settings.traffic?.beginCase(`${label} ${index}`);
    await fc.asyncModelRun(() => ({ model: freshModel(), real }), commands);
    const operations = execution.history();
    const leftovers = await cleanUp(settings, ledger, namePrefix);
    await settings.traffic?.endCase();
    const program = [...commands].map(String);
    const run: ProgramRun = { index, program, operations, exchanges, leftovers };
    run.finding =
      shapeFindings[0] ??
      reusedAcrossPrograms(operations, everGiven, index) ??
      heldTokensFinding(operations, heldBefore, horizon) ??
      judged(operations, namePrefix);
    if (!run.finding && leftovers.length > 0) {
      run.finding = {
        section: '9',
        rule: 'every token the exploration created can be deleted',
        source: cite('9'),
        message: `${leftovers.length} token(s) could not be deleted: ${leftovers[0]!.reason}`,
        operations: [],
      };
    }
    runs.push(run);
    return run;
  };

  // fast-check runs the property until it fails or numRuns is reached; the budget and the clock
  // end the search sooner by answering "passed" without sending anything.
  const exhausted = (): boolean => {
    const reason: ExploreSummary['stopped'] | undefined = settings.signal.aborted
      ? 'interrupted'
      : shrinkBudget
        ? undefined
        : budget.spent >= budget.limit
          ? 'budget'
          : Date.now() > deadline
            ? 'time'
            : undefined;
    if (reason) stopped = reason;
    if (shrinkBudget && !settings.signal.aborted) return shrinkBudget.spent >= shrinkBudget.limit || Date.now() > shrinkDeadline;
    return reason !== undefined;
  };
  const shape = { concurrency: settings.concurrency, otherIdentity: actors.other !== undefined };
  const property = fc.asyncProperty(programArbitrary(shape), async (commands) => {
    if (exhausted()) return true;
    const run = await runProgram(commands, shrinkBudget ? 'shrink' : 'program');
    if (!run.finding) return true;
    failing = run;
    if (!shrinkBudget) {
      settings.progress?.(`program ${run.index} failed (${run.finding.message}); shrinking`);
      stopped = 'violation';
      shrinkBudget = { spent: 0, limit: settings.budget };
      shrinkDeadline = Date.now() + settings.timeLimitMs / 2;
    }
    return false;
  });
  const details = await fc.check(property, {
    seed: settings.seed,
    // Every run sends requests; the budget ends the search long before this many.
    numRuns: Math.max(1, Math.ceil(settings.budget / 4)),
    endOnFailure: false,
  });

  // A property that threw (not one that answered false) is a fault of the explorer, not a verdict.
  if (details.failed && !failing) throw details.errorInstance;
  let confirmed: ExploreViolation['confirmed'];
  if (details.failed && failing) {
    // The smallest program that failed, run again: a race does not fail every time.
    const smallest = failing;
    let reproduced = 0;
    let ran = 0;
    shrinkBudget = { spent: 0, limit: settings.budget };
    shrinkDeadline = Date.now() + settings.timeLimitMs / 2;
    for (let i = 0; i < confirmations && !exhausted(); i++) {
      ran++;
      const again = await runProgram(details.counterexample![0], 'confirm');
      if (again.finding) reproduced++;
    }
    confirmed = { runs: ran, reproduced };
    failing = smallest;
  }
  await transport.close();
  // After the last program: the tokens held before are all still there, and nothing named like
  // the exploration's tokens is left (a refused create that took effect, a cleanup that failed).
  const after = await finalListings(settings);
  const leftovers = runs.flatMap((r) => r.leftovers);
  for (const who of ['owner', 'other'] as const) {
    for (const token of after[who] ?? []) {
      if (!token.name?.startsWith(`${runPrefix}-`) || leftovers.some((l) => l.id === token.id && l.identity === who)) continue;
      leftovers.push({
        id: token.id,
        identity: who,
        reason: `still listed after the exploration (${token.name}): not deleted, or created by a request that was not answered 201`,
      });
    }
  }
  const heldAfter = details.failed ? undefined : heldTokensAfter(after, heldBefore, horizon);
  if (heldAfter)
    return {
      seed: settings.seed,
      programs: runs.length,
      requests: requestsSent,
      stopped: 'violation',
      shrinks: 0,
      leftovers,
      violation: { ...heldAfter, program: [], timeline: [] },
    };
  const finding = details.failed ? failing?.finding : undefined;
  return {
    seed: settings.seed,
    programs: runs.length,
    requests: requestsSent,
    stopped: settings.signal.aborted ? 'interrupted' : stopped,
    shrinks: details.numShrinks,
    leftovers,
    ...(finding && failing
      ? {
          violation: {
            ...finding,
            program: failing.program,
            timeline: timelineOf(
              failing.operations,
              failing.exchanges,
              finding.operations,
              settings.redactor,
              `${runPrefix}-${failing.index}-`,
            ),
            ...(confirmed ? { confirmed } : {}),
          },
        }
      : {}),
  };
}

/** The judge's verdict on one program's history, as a finding. */
function judged(operations: Operation[], namePrefix: string): ExploreFinding | undefined {
  // IDs may be scoped per identity (contract §2.5): only reuse within one identity is a violation.
  const judgement = judgeHistory({ operations, isExplorationToken: byNamePrefix(`${namePrefix}-`) }, { idsScopedPerIdentity: true });
  if (judgement.ok === true) return undefined;
  if (judgement.ok === 'unknown') return undefined;
  const v = judgement.violation;
  return { section: v.section, rule: v.rule, source: cite('10', v.section), message: v.message, operations: [...v.operations] };
}

/** §6.6 across programs: an ID given in an earlier program of the exploration, given again. */
function reusedAcrossPrograms(
  operations: Operation[],
  everGiven: Record<Who, Map<string, number>>,
  index: number,
): ExploreFinding | undefined {
  let finding: ExploreFinding | undefined;
  for (const op of operations) {
    if (op.kind !== 'create' || op.answer?.tokenId === undefined) continue;
    const who = op.identity as Who;
    const earlier = everGiven[who].get(op.answer.tokenId);
    if (earlier !== undefined && earlier !== index && !finding) {
      finding = {
        section: '6.6',
        rule: 'a create never returns an ID its identity was given before',
        source: cite('10', '6.6'),
        message: `${who}'s create answered 201 with ID ${op.answer.tokenId}, which program ${earlier} of this exploration was already given`,
        operations: [op.id],
      };
    }
    everGiven[who].set(op.answer.tokenId, index);
  }
  return finding;
}

/** Delete every token the program created, with a deadline of its own (also after SIGINT). */
async function cleanUp(settings: ExploreSettings, ledger: TokenLedger, namePrefix: string): Promise<Leftover[]> {
  const open = ledger.all().filter((e) => !e.deleteAnswered);
  if (open.length === 0) return [];
  const deadline = AbortSignal.timeout(60_000);
  const transport = new Transport(
    settings.targetUrl,
    { ...defaultTransportBounds, timeoutMs: settings.timeoutMs },
    { signal: deadline, tap: settings.traffic?.tap },
  );
  const env = cleanupEnvironment(settings, transport, deadline, ledger, namePrefix);
  const actors = new Map<string, Actor>([['owner', new Actor('owner', `Bearer ${settings.ownerToken}`, env)]]);
  if (settings.otherToken) actors.set('other', new Actor('other', `Bearer ${settings.otherToken}`, env));
  try {
    return await deleteCreatedTokens(ledger, actors, namePrefix);
  } finally {
    await transport.close();
  }
}

/** Each identity's tokens after the exploration, with a deadline of its own (also after SIGINT). */
async function finalListings(settings: ExploreSettings): Promise<Partial<Record<Who, HeldToken[]>>> {
  const deadline = AbortSignal.timeout(60_000);
  const transport = new Transport(
    settings.targetUrl,
    { ...defaultTransportBounds, timeoutMs: settings.timeoutMs },
    { signal: deadline, tap: settings.traffic?.tap },
  );
  const env = cleanupEnvironment(settings, transport, deadline, new TokenLedger(), '');
  const out: Partial<Record<Who, HeldToken[]>> = {};
  try {
    await settings.traffic?.beginCase('after');
    for (const [who, token] of [
      ['owner', settings.ownerToken],
      ['other', settings.otherToken],
    ] as const) {
      if (!token) continue;
      // A listing that fails here was judged already by the programs; nothing more to say.
      out[who] = await new Actor(who, `Bearer ${token}`, env)
        .listAll()
        .then((l) => l.tokens)
        .catch(() => undefined);
    }
    await settings.traffic?.endCase();
  } finally {
    await transport.close();
  }
  return out;
}

/** Actors for the work after a program (cleanup, the last listings): no exploring, just waiting out 429s. */
function cleanupEnvironment(
  settings: ExploreSettings,
  transport: Transport,
  signal: AbortSignal,
  ledger: TokenLedger,
  namePrefix: string,
): ActorEnvironment {
  return {
    http: transport,
    observe: () => {},
    throttle: { ...defaultThrottlePolicy },
    throttleMemory: freshThrottleMemory(),
    random: createRandom(1),
    redactor: settings.redactor,
    ledger,
    namePrefix,
    expiresTime: '',
    signal,
  };
}
