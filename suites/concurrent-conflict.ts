// SPEC.md, scenario 5: identical deletes released together; different deletes at once.
import { defineScenario, InconclusiveCase, type ScenarioContext } from '../src/scenario.js';
import * as ops from '../src/api/operations.js';
import type { Exchange } from '../src/client/exchange.js';
import type { Rule } from '../src/checks/case-checks.js';
import { describe } from '../src/checks/case-checks.js';
import { readResponse, retryAfterMs } from '../src/checks/response-reading.js';
import { sleep } from '../src/fixtures/throttle-wait.js';
import type { Pool } from 'undici';

const source = 'SPEC.md, scenario 5 (concurrent conflict)';

const rules = {
  oneWinner: { rule: 'exactly one of the racing deletes answers 200', source },
  losers: { rule: 'every other racer answers 404 ResourceNotFoundException or 409 ConflictException', source },
  noServerError: { rule: 'no racer gets a 5xx or a dropped connection', source },
  gone: { rule: 'the token is gone after the race', source },
  allSucceed: { rule: 'concurrent deletes of different tokens all answer 200 (no false conflicts)', source },
  allGone: { rule: 'every one of the different tokens is gone', source },
} satisfies Record<string, Rule>;

/** Races whose racers were nearly all throttled prove nothing and are run again, this often. */
const maxRaceAttempts = 3;

/**
 * Open every connection of the pool before the race, so the deletes leave together. The
 * warm-up requests carry no credentials: they must not spend the owner's throttling budget,
 * which the race itself needs.
 */
async function openConnections(context: ScenarioContext, pool: Pool, count: number): Promise<void> {
  const anonymous = context.stranger(undefined, 'connection warm-up');
  await Promise.all(Array.from({ length: count }, () => anonymous.sendOnce(ops.listRequest(1, undefined), pool)));
}

/** After a race lost to throttling, wait as the target asked before racing again. */
function waitAfterThrottledRace(context: ScenarioContext, answers: Exchange[]): Promise<void> {
  const advised = answers.map((a) => retryAfterMs(a) ?? 0);
  const wait = Math.min(Math.max(1000, ...advised), context.settings.throttleWaitMaxMs);
  return sleep(wait, context.signal);
}

export default defineScenario({
  name: 'concurrent-conflict',
  title: 'Racing deletes of one token: one 200, the rest 404 or 409; different tokens never conflict',
  source,
  cases: [
    { name: 'identical deletes of one token', level: 'must', rule: 'exactly one 200; every other answer 404 or 409; no 5xx; the token is gone', source, kind: 'same' as const },
    { name: 'deletes of different tokens', level: 'must', rule: rules.allSucceed.rule, source, kind: 'different' as const },
  ],
  async run(context, testCase) {
    const width = context.settings.concurrency;
    const pool = context.http.createPool(width);
    try {
      if (testCase.kind === 'same') await raceOneToken(context, pool, width);
      else await raceDifferentTokens(context, pool, width);
    } finally {
      await pool.destroy();
    }
  },
});

async function raceOneToken(context: ScenarioContext, pool: Pool, width: number): Promise<void> {
  const { owner, check } = context;
  for (let attempt = 1; attempt <= maxRaceAttempts; attempt++) {
    const token = await owner.createToken();
    await openConnections(context, pool, width);
    const request = ops.deleteRequest(token.id);
    const answers = await Promise.all(Array.from({ length: width }, () => owner.sendOnce(request, pool)));
    answers.forEach((a) => owner.noteDelete(token.id, a));
    // Throttled racers are set aside: the rule holds over the answers that were not throttled.
    const judged = answers.filter((a) => a.response?.status !== 429);
    if (judged.length < 2) {
      // A throttled delete has no effect, so the token may still be there: the next attempt uses a new one.
      if (attempt === maxRaceAttempts) {
        throw new InconclusiveCase(`in ${maxRaceAttempts} races of ${width}, fewer than two racers were not throttled`);
      }
      await waitAfterThrottledRace(context, answers);
      continue;
    }
    const winners = judged.filter((a) => a.response?.status === 200);
    const broken = judged.filter((a) => !a.response || a.response.status >= 500);
    const badLosers = judged.filter((a) => {
      if (a.response?.status === 200 || broken.includes(a)) return false;
      const name = readResponse(a).errorName;
      return !((a.response?.status === 404 && name === 'ResourceNotFoundException') || (a.response?.status === 409 && name === 'ConflictException'));
    });
    const tally = summarize(judged);
    check.record(rules.oneWinner, winners.length === 1, `${winners.length} of ${judged.length} unthrottled racers answered 200 (${tally})`, winners[1] ?? judged.find((a) => a.response?.status !== 200));
    check.record(rules.losers, badLosers.length === 0, badLosers.length === 0 ? `losers: ${tally}` : `${badLosers.length} losers answered otherwise (${tally})`, badLosers[0]);
    check.record(rules.noServerError, broken.length === 0, broken.length === 0 ? 'no 5xx, no dropped connection' : `${broken.length} racers got ${describe(broken[0]!)}`, broken[0]);
    const { listed, lastPage } = await owner.isListed(token.id);
    check.record(rules.gone, !listed, listed ? `token ${token.id} is still listed after the race` : 'the token is gone', lastPage);
    return;
  }
}

async function raceDifferentTokens(context: ScenarioContext, pool: Pool, width: number): Promise<void> {
  const { owner, check } = context;
  const tokens = [];
  for (let i = 0; i < width; i++) tokens.push(await owner.createToken());
  await openConnections(context, pool, width);
  const answers = await Promise.all(tokens.map((t) => owner.sendOnce(ops.deleteRequest(t.id), pool)));
  // Set-aside (throttled) deletes of different tokens are retried and judged.
  const final: Exchange[] = [];
  for (const [i, answer] of answers.entries()) {
    const token = tokens[i]!;
    const judged = answer.response?.status === 429 ? await owner.deleteToken(token.id) : answer;
    owner.noteDelete(token.id, judged);
    final.push(judged);
  }
  const failed = final.filter((a) => a.response?.status !== 200);
  check.record(rules.allSucceed, failed.length === 0, failed.length === 0 ? `all ${width} deletes answered 200` : `${failed.length} of ${width} deletes did not answer 200 (${summarize(final)})`, failed[0]);
  const { tokens: listed, lastPage } = await owner.listAll();
  const ids = new Set(listed.map((t) => t.id));
  const remaining = tokens.filter((t) => ids.has(t.id));
  check.record(rules.allGone, remaining.length === 0, remaining.length === 0 ? `all ${width} tokens gone` : `${remaining.length} tokens still listed`, lastPage);
}

/** "1×200, 15×404" */
function summarize(answers: Exchange[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const key = a.response ? String(a.response.status) : (a.transportError?.kind ?? 'error');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([k, n]) => `${n}×${k}`).join(', ');
}
