// docs/contract.md §5.8: identical deletes released together; different deletes at once; and
// §6.7: creates released together with deletes of other tokens are not lost.
import {
  cite,
  defineScenario,
  describe,
  InconclusiveCase,
  isErrorAnswer,
  openConnections,
  ops,
  readResponse,
  retryAfterMs,
  now,
  sleep,
  type ConnectionPool,
  type CreatedToken,
  type Exchange,
  type Rule,
  type ScenarioContext,
} from '../src/scenario-api.js';

const source = cite('5.8');

const rules = {
  oneWinner: { rule: 'exactly one of the racing deletes answers 200', source },
  losers: { rule: 'every other racer answers 404 ResourceNotFoundException or 409 ConflictException', source },
  noServerError: { rule: 'no racer gets a 5xx or a dropped connection', source },
  gone: { rule: 'the token is gone after the race', source },
  allSucceed: { rule: 'concurrent deletes of different tokens all answer 200 (no false conflicts)', source },
  allGone: { rule: 'every one of the different tokens is gone', source },
  createsKept: { rule: 'every token whose create answered 201 during the race is listed afterwards', source: cite('6.7') },
  deletesDone: { rule: 'every token whose delete answered 200 during the race is gone afterwards', source: cite('6.7') },
} satisfies Record<string, Rule>;

/** Races whose racers were nearly all throttled prove nothing and are run again, this often. */
const maxRaceAttempts = 3;

/** After a race lost to throttling, wait as the target asked before racing again. */
function waitAfterThrottledRace(context: ScenarioContext, answers: Exchange[]): Promise<void> {
  const advised = answers.map((a) => retryAfterMs(a, now()) ?? 0);
  const wait = Math.min(Math.max(1000, ...advised), context.settings.throttleWaitMaxMs);
  return sleep(wait, context.signal);
}

export default defineScenario({
  name: 'concurrent-conflict',
  title: 'Racing deletes of one token: one 200, the rest 404 or 409; different tokens never conflict',
  source,
  // Under --parallel the races run alone: requests of other cases would blur what the race
  // released together, and spend the throttling budget the racers need.
  exclusive: 'case',
  cases: [
    {
      name: 'identical deletes of one token',
      level: 'must',
      rule: 'exactly one 200; every other answer 404 or 409; no 5xx; the token is gone',
      source,
      kind: 'same' as const,
    },
    { name: 'deletes of different tokens', level: 'must', rule: rules.allSucceed.rule, source, kind: 'different' as const },
    // A delete that rewrites the identity's whole token set (read, modify, write back) loses the
    // creates that landed in between: only creates and deletes released together show it.
    {
      name: 'creates racing deletes',
      level: 'must',
      rule: 'creates released with deletes of other tokens: every 201 is listed, every 200 is gone',
      source: cite('6.7'),
      kind: 'creates' as const,
    },
  ],
  async run(context, testCase) {
    const width = context.settings.concurrency;
    const pool = context.http.connections(width);
    try {
      if (testCase.kind === 'same') await raceOneToken(context, pool, width);
      else if (testCase.kind === 'different') await raceDifferentTokens(context, pool, width);
      else await raceCreatesWithDeletes(context, pool, width);
    } finally {
      await pool.close();
    }
  },
});

async function raceOneToken(context: ScenarioContext, pool: ConnectionPool, width: number): Promise<void> {
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
      return !isErrorAnswer(a.response?.status, readResponse(a).errorName, ['ResourceNotFoundException', 'ConflictException']);
    });
    const tally = summarize(judged);
    check.record(
      rules.oneWinner,
      winners.length === 1,
      `${winners.length} of ${judged.length} unthrottled racers answered 200 (${tally})`,
      winners[1] ?? judged.find((a) => a.response?.status !== 200),
    );
    check.record(
      rules.losers,
      badLosers.length === 0,
      badLosers.length === 0 ? `losers: ${tally}` : `${badLosers.length} losers answered otherwise (${tally})`,
      badLosers[0],
    );
    check.record(
      rules.noServerError,
      broken.length === 0,
      broken.length === 0 ? 'no 5xx, no dropped connection' : `${broken.length} racers got ${describe(broken[0]!)}`,
      broken[0],
    );
    const { listed, lastPage } = await owner.isListed(token.id);
    check.record(rules.gone, !listed, listed ? `token ${token.id} is still listed after the race` : 'the token is gone', lastPage);
    return;
  }
}

async function raceDifferentTokens(context: ScenarioContext, pool: ConnectionPool, width: number): Promise<void> {
  const { owner, check } = context;
  const tokens = [];
  tokens.push(...(await owner.createTokens(width)));
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
  check.record(
    rules.allSucceed,
    failed.length === 0,
    failed.length === 0
      ? `all ${width} deletes answered 200`
      : `${failed.length} of ${width} deletes did not answer 200 (${summarize(final)})`,
    failed[0],
  );
  const { tokens: listed, lastPage } = await owner.listAll();
  const ids = new Set(listed.map((t) => t.id));
  const remaining = tokens.filter((t) => ids.has(t.id));
  check.record(
    rules.allGone,
    remaining.length === 0,
    remaining.length === 0 ? `all ${width} tokens gone` : `${remaining.length} tokens still listed`,
    lastPage,
  );
}

async function raceCreatesWithDeletes(context: ScenarioContext, pool: ConnectionPool, width: number): Promise<void> {
  const { owner, check } = context;
  // Half the racers delete, half create; at least one of each.
  const deletes = Math.max(1, Math.floor(width / 2));
  const creates = Math.max(1, width - deletes);
  for (let attempt = 1; attempt <= maxRaceAttempts; attempt++) {
    const doomed: CreatedToken[] = [];
    doomed.push(...(await owner.createTokens(deletes)));
    await openConnections(context, pool, width);
    // Sent alternately, so that a target that lets only a few requests through lets both kinds.
    const racers = Array.from({ length: Math.max(deletes, creates) }, (_, i) => ({
      delete: i < deletes ? owner.sendOnce(ops.deleteRequest(doomed[i]!.id), pool) : undefined,
      create: i < creates ? owner.createOnce(pool) : undefined,
    }));
    const deleteAnswers = await Promise.all(racers.flatMap((r) => (r.delete ? [r.delete] : [])));
    const createOutcomes = await Promise.all(racers.flatMap((r) => (r.create ? [r.create] : [])));
    deleteAnswers.forEach((a, i) => owner.noteDelete(doomed[i]!.id, a));
    // Throttled racers had no effect (contract §4) and are not judged; the case's cleanup deletes what remains.
    const created = createOutcomes.filter((o) => o.token).map((o) => o.token!);
    const deletedIds = doomed.filter((_, i) => deleteAnswers[i]!.response?.status === 200).map((t) => t.id);
    if (created.length === 0 || deletedIds.length === 0) {
      if (attempt === maxRaceAttempts) {
        throw new InconclusiveCase(
          `in ${maxRaceAttempts} races, creates and deletes never both got through (last: ${created.length} creates answered 201, ${deletedIds.length} deletes 200)`,
        );
      }
      await waitAfterThrottledRace(context, [...deleteAnswers, ...createOutcomes.map((o) => o.exchange)]);
      continue;
    }
    const { tokens, lastPage } = await owner.listAll();
    const listed = new Map(tokens.map((t) => [t.id, t.name]));
    // Listed under its own name: two creates that got one ID (a counter read, awaited, then
    // written) leave one token where two were answered 201. (The ID itself is also caught by
    // the run-wide check every create goes through, contract §6.6.)
    const lost = created.filter((t) => listed.get(t.id) !== t.name);
    const kept = deletedIds.filter((id) => listed.has(id));
    const lostEvidence = createOutcomes.find((o) => o.token && lost.includes(o.token))?.exchange;
    check.record(
      rules.createsKept,
      lost.length === 0,
      lost.length === 0
        ? `all ${created.length} created tokens listed`
        : `${lost.length} of ${created.length} tokens answered 201 are not listed under their names: ${lost.map((t) => `${t.id} (${t.name})`).join(', ')}`,
      lostEvidence ?? lastPage,
    );
    check.record(
      rules.deletesDone,
      kept.length === 0,
      kept.length === 0
        ? `all ${deletedIds.length} deleted tokens gone`
        : `${kept.length} of ${deletedIds.length} tokens answered 200 are still listed: ${kept.join(', ')}`,
      lastPage,
    );
    return;
  }
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
