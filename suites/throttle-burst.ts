// docs/contract.md §5.9: a burst of requests. Throttling is allowed; anything else is not. And
// §6.5: a delete answered 200 under load has removed its token.
import {
  cite,
  defineScenario,
  describe,
  differences,
  openConnections,
  ops,
  runBurst,
  StepError,
  takeListing,
  type CreatedToken,
  type Exchange,
  type Rule,
} from '../src/scenario-api.js';

const source = cite('5.9');

const rules = {
  normalOrThrottled: { rule: 'every answer in the burst is the normal one or a 429 ThrottlingException', source },
  noServerError: { rule: 'no 5xx and no dropped connection during the burst', source },
  throttledNoEffect: {
    rule: 'a throttled delete has no effect (its token is still listed, with the same name and expiresTime)',
    source: cite('5.9', '6.2'),
  },
  recovers: { rule: 'after the burst, with backoff, the target answers normally again', source },
  deletesRecover: { rule: 'after the burst, with backoff, a throttled delete succeeds when repeated', source },
  answeredDeletesGone: { rule: 'every token whose delete was answered 200 in the burst is gone', source: cite('6.5') },
  sawThrottle: { rule: 'the burst is throttled at least once (--expect-throttle)', source },
} satisfies Record<string, Rule>;

export default defineScenario({
  name: 'throttle-burst',
  title: 'A burst is answered normally or with well-formed 429s, throttled deletes do nothing, and the target recovers',
  source,
  // Under --parallel the burst runs alone: it spends the target's throttling budget, and the
  // cases beside it would spend their time waiting out its 429s.
  exclusive: 'case',
  cases: [
    {
      name: 'burst of lists and deletes',
      level: 'must',
      rule: 'every answer normal or 429 ThrottlingException; no 5xx; throttled deletes do nothing; recovery',
      source,
    },
  ],
  async run(context, _testCase) {
    const { owner, check, http, settings } = context;
    // Deletes are spread through the burst: the early ones usually get through (a 200 must
    // have removed its token, §6.5), the late ones meet a target out of budget (a 429 must have
    // had no effect). Lists make up the rest.
    const deletes = Math.max(1, Math.min(20, Math.floor(settings.burst / 10)));
    const tokens: CreatedToken[] = [];
    tokens.push(...(await owner.createTokens(deletes)));
    const deleteAt = new Map(
      tokens.map((token, j) => [Math.min(settings.burst - 1, Math.floor(((j + 0.5) * settings.burst) / deletes)), token]),
    );
    // Listed before the burst: a throttled delete must not have changed its token either (§6.2).
    const before = await takeListing(owner);
    const pool = http.connections(settings.burstConcurrency);
    let answers: Exchange[];
    try {
      // The first wave leaves together, deletes among it: the target is under load at once.
      await openConnections(context, pool, Math.min(settings.burst, settings.burstConcurrency));
      answers = await runBurst(settings.burst, settings.burstConcurrency, (i) => {
        const token = deleteAt.get(i);
        return owner.sendOnce(token ? ops.deleteRequest(token.id) : ops.listRequest(1, undefined), pool);
      });
    } finally {
      await pool.close();
    }
    check.timeline(answers);
    const deleteAnswers = [...deleteAt.keys()].map((i) => answers[i]!);
    deleteAnswers.forEach((a, i) => owner.noteDelete(tokens[i]!.id, a));

    const throttled = answers.filter((a) => a.response?.status === 429);
    const broken = answers.filter((a) => !a.response || a.response.status >= 500);
    const abnormal = answers.filter((a) => {
      const status = a.response?.status;
      return status !== undefined && status < 500 && status !== 429 && status !== 200;
    });
    check.record(
      rules.noServerError,
      broken.length === 0,
      broken.length === 0
        ? `${answers.length} answers, none 5xx or dropped`
        : `${broken.length} of ${answers.length} answers were ${describe(broken[0]!)}`,
      broken[0],
    );
    check.record(
      rules.normalOrThrottled,
      abnormal.length === 0,
      abnormal.length === 0
        ? `${answers.length - throttled.length - broken.length} normal, ${throttled.length} throttled`
        : `${abnormal.length} answers were neither normal nor 429, e.g. ${describe(abnormal[0]!)}`,
      abnormal[0],
    );
    check.record(
      { ...rules.sawThrottle, level: settings.expectThrottle ? 'must' : 'should' },
      throttled.length > 0,
      throttled.length > 0
        ? `${throttled.length} of ${answers.length} requests were throttled`
        : `none of ${answers.length} requests at concurrency ${settings.burstConcurrency} was throttled`,
    );

    // Recovery first: the listing that proves what the throttled deletes did needs a target that answers.
    let recovered: Exchange;
    try {
      recovered = await owner.send(ops.listRequest(1, undefined));
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      check.record(rules.recovers, false, error.message, error.exchange);
      return;
    }
    const ok = recovered.response?.status === 200;
    check.record(rules.recovers, ok, ok ? 'answers 200 again' : `after the burst: ${describe(recovered)}`, recovered);

    const { tokens: listed, lastPage } = await owner.listAll();
    const ids = new Set(listed.map((t) => t.id));
    const answered = deleteAnswers.map((a, i) => ({ a, token: tokens[i]! })).filter(({ a }) => a.response?.status === 200);
    if (answered.length > 0) {
      const kept = answered.filter(({ token }) => ids.has(token.id));
      check.record(
        rules.answeredDeletesGone,
        kept.length === 0,
        kept.length === 0
          ? `${answered.length} deletes answered 200, every token gone`
          : `${kept.length} of ${answered.length} deletes answered 200 left their token listed: ${kept.map(({ token }) => token.id).join(', ')}`,
        kept[0]?.a ?? lastPage,
      );
    }

    const throttledDeletes = deleteAnswers.map((a, i) => ({ a, token: tokens[i]! })).filter(({ a }) => a.response?.status === 429);
    if (throttledDeletes.length > 0) {
      const after = { ...before, byId: new Map(listed.map((t) => [t.id, t])) };
      const touched = throttledDeletes
        .map(({ a, token }) => ({ a, found: differences(before, after, [token.id]) }))
        .filter(({ found }) => found.length > 0);
      check.record(
        rules.throttledNoEffect,
        touched.length === 0,
        touched.length === 0
          ? `${throttledDeletes.length} throttled deletes, every token still listed with the same name and expiresTime`
          : `${touched.length} of ${throttledDeletes.length} throttled deletes had an effect: ${touched
              .flatMap(({ found }) => found)
              .slice(0, 3)
              .join('; ')}`,
        touched[0]?.a ?? lastPage,
      );

      // Recovery is per operation too: a target whose lists recover but whose deletes stay
      // throttled has not recovered. The delete that was throttled is repeated, with backoff.
      const retried = throttledDeletes.find(({ token }) => ids.has(token.id));
      if (retried) {
        try {
          const again = await owner.deleteToken(retried.token.id);
          check.record(
            rules.deletesRecover,
            again.response?.status === 200,
            `the throttled delete, repeated, answered ${describe(again)}`,
            again,
          );
        } catch (error) {
          if (!(error instanceof StepError)) throw error;
          check.record(rules.deletesRecover, false, error.message, error.exchange);
        }
      }
    }
  },
});
