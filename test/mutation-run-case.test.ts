// How one case becomes a CaseResult (src/run/run-case.ts): which status its checks and the way
// it ended give it, in-process, with scenarios and an HTTP client made by hand. Found missing by
// mutation testing (npm run mutation): the CLI tests see this only through whole runs.
import { describe, expect, it } from 'vitest';
import type { Exchange, HttpRequest } from '../src/transport/exchange.js';
import type { Transport } from '../src/transport/transport.js';
import { cite } from '../src/contract/sections.js';
import { InterruptedError, StepError } from '../src/engine/step-error.js';
import { defaultThrottlePolicy, freshThrottleMemory } from '../src/engine/throttle-wait.js';
import { TokenLedger } from '../src/engine/token-ledger.js';
import { createRandom } from '../src/random.js';
import { SecretRedactor } from '../src/secrets/registry.js';
import { runCase, type CaseRunEnvironment } from '../src/run/run-case.js';
import { InconclusiveCase, SkipCase, defineScenario, type CaseDefinition, type Scenario, type ScenarioContext } from '../src/scenario.js';
import { statusOf, type CheckResult, type Level } from '../src/verdict.js';

const check = (level: Level, passed: boolean): CheckResult => ({ rule: 'r', source: 's', level, passed, message: 'm' });

describe('statusOf', () => {
  it('passes a case whose checks all passed, strict or not', () => {
    expect(statusOf([], false)).toBe('passed');
    expect(statusOf([check('must', true), check('should', true)], true)).toBe('passed');
  });

  it('fails a case on any failed must, whatever else happened', () => {
    expect(statusOf([check('should', true), check('must', false)], false)).toBe('failed');
    expect(statusOf([check('must', false)], false, 'inconclusive')).toBe('failed');
  });

  it('warns on a failed should, and fails on it under --strict', () => {
    expect(statusOf([check('must', true), check('should', false)], false)).toBe('warned');
    expect(statusOf([check('must', true), check('should', false)], true)).toBe('failed');
  });

  it('lets the way the case ended stand when no check that counts failed', () => {
    expect(statusOf([], false, 'inconclusive')).toBe('inconclusive');
    expect(statusOf([check('should', false)], false, 'inconclusive')).toBe('inconclusive');
  });
});

/** An HTTP client that answers every request with the same response, and keeps the requests. */
function fakeHttp(status: number, body = '', headers: Record<string, string> = {}): { http: Transport; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const http = {
    send: async (request: HttpRequest): Promise<Exchange> => {
      sent.push(request);
      return {
        request,
        response: { status, headers, body, bodyBytes: Buffer.byteLength(body), truncated: false },
        startedAt: 0,
        durationMs: 1,
      };
    },
  } as unknown as Transport;
  return { http, sent };
}

function environment(overrides: Partial<CaseRunEnvironment> & { ledger?: TokenLedger; signal?: AbortSignal } = {}): CaseRunEnvironment {
  const { http } = fakeHttp(204);
  const { ledger, signal, ...rest } = overrides;
  return {
    actorEnv: {
      http,
      throttle: defaultThrottlePolicy,
      throttleMemory: freshThrottleMemory(),
      random: createRandom(1),
      redactor: new SecretRedactor(),
      ledger: ledger ?? new TokenLedger(),
      namePrefix: 'patc-test',
      expiresTime: '2030-01-01T00:00:00Z',
      signal,
    },
    ownerAuthorization: 'Bearer owner',
    otherAuthorization: 'Bearer other',
    settings: { concurrency: 2, burst: 4, burstConcurrency: 2, expectThrottle: false, throttleWaitMaxMs: 1000 },
    strict: false,
    http,
    ...rest,
  };
}

const testCase: CaseDefinition = { name: 'the case', level: 'must', rule: 'the rule of the case', source: cite('5.1') };
const rule = { rule: 'a rule', source: cite('5.1') };

function scenario(run: (context: ScenarioContext) => Promise<void> | void, requires?: Scenario['requires']): Scenario {
  return defineScenario({
    name: 'made-up',
    title: 'A made-up scenario',
    source: cite('5.1'),
    requires,
    cases: [testCase],
    run: async (context) => run(context),
  });
}

describe('runCase', () => {
  it('skips a case that needs a second identity when there is none, without running it', async () => {
    let ran = false;
    const result = await runCase(
      scenario(
        () => {
          ran = true;
        },
        { otherIdentity: true },
      ),
      testCase,
      environment({ otherAuthorization: undefined }),
    );
    expect(ran).toBe(false);
    expect(result).toEqual({
      scenario: 'made-up',
      case: 'the case',
      title: 'A made-up scenario',
      level: 'must',
      rule: 'the rule of the case',
      source: cite('5.1'),
      status: 'skipped',
      reason: 'needs a second identity (--other-token)',
      checks: [],
      durationMs: 0,
    });
  });

  it('runs such a case when there is a second identity, and hands it both identities', async () => {
    const labels: Array<string | undefined> = [];
    const result = await runCase(
      scenario(
        (context) => {
          labels.push(context.owner.label, context.other?.label, context.stranger(undefined, 'nobody').label);
        },
        { otherIdentity: true },
      ),
      testCase,
      environment(),
    );
    expect(labels).toEqual(['owner', 'other', 'nobody']);
    expect(result.status).toBe('passed');
    expect(result).not.toHaveProperty('reason');
    expect(result).not.toHaveProperty('timeline');
  });

  it('hands a case no other identity when there is none', async () => {
    let other: unknown = 'unset';
    await runCase(
      scenario((context) => {
        other = context.other;
      }),
      testCase,
      environment({ otherAuthorization: undefined }),
    );
    expect(other).toBeUndefined();
  });

  it('hands the case the run settings, random source, client and signal', async () => {
    const env = environment({ signal: new AbortController().signal });
    let seen: unknown[] = [];
    await runCase(
      scenario((context) => {
        seen = [context.settings, context.random, context.http, context.signal];
      }),
      testCase,
      env,
    );
    expect(seen).toEqual([env.settings, env.actorEnv.random, env.http, env.actorEnv.signal]);
  });

  it('judges the shape of every exchange and shows each to the run, sending as the owner', async () => {
    const { http, sent } = fakeHttp(200, '{"deleted":true}');
    const seen: Exchange[] = [];
    const result = await runCase(
      scenario(async (context) => {
        await context.owner.sendOnce({ method: 'DELETE', path: '/v1/accessTokens/a', headers: {} });
        context.check.record(rule, true, 'fine');
      }),
      testCase,
      environment({ actorEnv: { ...environment().actorEnv, http }, onExchange: (e) => seen.push(e) }),
    );
    expect(sent[0]?.headers.authorization).toBe('Bearer owner');
    expect(seen).toHaveLength(1);
    expect(result.status).toBe('failed');
    expect(result.checks.map((c) => [c.rule, c.passed])).toEqual([
      ['a rule', true],
      ['a successful delete has a zero-byte body or {}', false],
    ]);
  });

  it('passes a case whose exchanges are well-formed and whose checks passed', async () => {
    const result = await runCase(
      scenario(async (context) => {
        const answer = await context.owner.sendOnce({ method: 'DELETE', path: '/v1/accessTokens/a', headers: {} });
        context.check.status(answer, [204], rule);
      }),
      testCase,
      environment(),
    );
    expect(result.status).toBe('passed');
    expect(result.checks.map((c) => c.message)).toEqual(['answered 204 (0 bytes)', '1 responses checked']);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.durationMs).toBeLessThan(60_000);
  });

  it('warns on a failed should, and fails on it under --strict', async () => {
    const shouldFail = scenario((context) => {
      context.check.record({ ...rule, level: 'should' }, false, 'not quite');
    });
    expect((await runCase(shouldFail, testCase, environment())).status).toBe('warned');
    expect((await runCase(shouldFail, testCase, environment({ strict: true }))).status).toBe('failed');
  });

  it('fails the case when a run-wide rule is broken inside it, at must level', async () => {
    const ledger = new TokenLedger();
    ledger.add('reused-id', 'old', 'owner');
    ledger.markDeleteAnswered('owner', 'reused-id');
    const { http } = fakeHttp(201, '{"accessTokenId":"reused-id","secret":"s3cr3t-s3cr3t","name":"n"}');
    const shouldCase = { ...testCase, level: 'should' as const };
    const result = await runCase(
      scenario(async (context) => {
        await context.owner.createOnce(undefined as never);
      }),
      shouldCase,
      environment({ actorEnv: { ...environment().actorEnv, http, ledger } }),
    );
    expect(result.status).toBe('failed');
    expect(result.checks[0]).toMatchObject({ level: 'must', passed: false, source: cite('6.6'), evidence: { response: { status: 201 } } });
  });

  it('records a step that could not be carried out, and errors the case', async () => {
    const { http } = fakeHttp(500);
    const result = await runCase(
      scenario(async (context) => {
        const answer = await context.owner.sendOnce({ method: 'DELETE', path: '/v1/accessTokens/a', headers: {} });
        throw new StepError('setup: the target answered 500', answer);
      }),
      { ...testCase, level: 'should' },
      environment({ actorEnv: { ...environment().actorEnv, http } }),
    );
    expect(result.status).toBe('errored');
    expect(result.reason).toBe('setup: the target answered 500');
    expect(result.checks[0]).toMatchObject({
      rule: 'every step of the case gets an answer it can go on with',
      source: cite('8'),
      level: 'must',
      passed: false,
      message: 'setup: the target answered 500',
      evidence: { response: { status: 500 } },
    });
  });

  it('fails, not errors, the case when the step itself breaks a rule', async () => {
    const result = await runCase(
      scenario(() => {
        throw new StepError('a create answered 500', undefined, 'failed', cite('2.1'));
      }),
      testCase,
      environment(),
    );
    expect(result.status).toBe('failed');
    expect(result).not.toHaveProperty('reason');
    expect(result.checks[0]).toMatchObject({ source: cite('2.1'), passed: false });
  });

  it('calls a case inconclusive when it says so, unless a must already failed', async () => {
    const inconclusive = await runCase(
      scenario(() => {
        throw new InconclusiveCase('every racer was throttled');
      }),
      testCase,
      environment(),
    );
    expect(inconclusive).toMatchObject({ status: 'inconclusive', reason: 'every racer was throttled' });
    const failed = await runCase(
      scenario((context) => {
        context.check.record(rule, false, 'wrong');
        throw new InconclusiveCase('and then nothing to prove');
      }),
      testCase,
      environment(),
    );
    expect(failed).toMatchObject({ status: 'failed', reason: 'and then nothing to prove' });
  });

  it('skips a case that says it does not apply, even after a failed check', async () => {
    const result = await runCase(
      scenario((context) => {
        context.check.record(rule, false, 'wrong');
        throw new SkipCase('the target has no such feature');
      }),
      testCase,
      environment(),
    );
    expect(result).toMatchObject({ status: 'skipped', reason: 'the target has no such feature' });
  });

  it('errors a case interrupted by the run, or whose run was aborted whatever it threw', async () => {
    const interrupted = await runCase(
      scenario(() => {
        throw new InterruptedError();
      }),
      testCase,
      environment(),
    );
    expect(interrupted).toMatchObject({ status: 'errored', reason: 'interrupted before the case finished' });
    const controller = new AbortController();
    controller.abort();
    const aborted = await runCase(
      scenario(() => {
        throw new InconclusiveCase('gave up');
      }),
      testCase,
      environment({ signal: controller.signal }),
    );
    expect(aborted).toMatchObject({ status: 'errored', reason: 'interrupted before the case finished' });
  });

  it('blames the runner, not the target, for anything else a case throws', async () => {
    const error = await runCase(
      scenario(() => {
        throw new TypeError('x is undefined');
      }),
      testCase,
      environment(),
    );
    expect(error).toMatchObject({ status: 'errored', reason: 'internal error: x is undefined' });
    const thrown = await runCase(
      scenario(() => {
        throw 'a string';
      }),
      testCase,
      environment(),
    );
    expect(thrown).toMatchObject({ status: 'errored', reason: 'internal error: a string' });
  });

  it('keeps the timeline a case handed over', async () => {
    const burst: Exchange = {
      request: { method: 'DELETE', path: '/v1/accessTokens/a', headers: {} },
      transportError: { kind: 'reset', message: 'x' },
      startedAt: 5,
      durationMs: 2,
    };
    const result = await runCase(
      scenario((context) => {
        context.check.timeline([burst]);
      }),
      testCase,
      environment(),
    );
    expect(result.timeline).toEqual([{ atMs: 0, durationMs: 2, outcome: 'reset' }]);
  });
});

describe('runCase: the callers a case is handed beyond its identities', () => {
  it("impostor: the owner's bearer with the suffix appended; ownerCredentialAs: the owner's bearer under another scheme, raw or as a Basic user name", async () => {
    const { http, sent } = fakeHttp(401, '{"message":"no"}', { 'x-amzn-errortype': 'UnauthorizedException' });
    await runCase(
      scenario(async (context) => {
        await context.impostor('-xyz', 'impostor').deleteToken('t1');
        await context.ownerCredentialAs('Basic', 'raw').deleteToken('t2');
        await context.ownerCredentialAs('Basic', 'user name').deleteToken('t3');
      }),
      testCase,
      environment({ http, actorEnv: { ...environment().actorEnv, http } }),
    );
    expect(sent.map((r) => r.headers.authorization)).toEqual([
      'Bearer owner-xyz',
      'Basic owner',
      `Basic ${Buffer.from('owner:').toString('base64')}`,
    ]);
  });

  it('a run-wide rule broken during the case fails it, at must level, with the exchange as evidence', async () => {
    const ledger = new TokenLedger();
    ledger.add('t1', 'patc-test-9', 'owner');
    ledger.markDeleteAnswered('owner', 't1');
    // Every create answers the ID of the token deleted above.
    const { http } = fakeHttp(201, '{"secret":"s","name":"n","accessTokenId":"t1"}');
    const result = await runCase(
      scenario(async (context) => {
        await context.owner.createToken();
      }),
      { ...testCase, level: 'should' },
      environment({ http, actorEnv: { ...environment({ ledger }).actorEnv, http } }),
    );
    const broken = result.checks.filter((k) => !k.passed);
    expect(broken.map((k) => [k.source, k.level])).toEqual([[cite('6.6'), 'must']]);
    expect(broken[0]!.message).toMatch(/returned t1, the ID of a token deleted earlier in this run/);
    expect(broken[0]!.evidence?.request.method).toBe('PUT');
    expect(result.status).toBe('failed');
  });
});
