// `replay DIR --target URL`: re-send a recorded session, in recorded send order, to another
// implementation, and report per exchange where the new target's answer differs from the
// recorded one (status, error name, body shape). A recorded session of one implementation thus
// becomes a regression test for another.
//
// What is mapped so the session makes sense to the new target:
//   - callers: `Bearer <identity-1>` is sent with --token, `<identity-2>` with --other-token
//     (more identities: --identity-token, in order); a credential the recording could only keep
//     as `<redacted>` is replaced by a made-up one (it was a stranger's, or not valid);
//   - token IDs: the accessTokenId of each replayed CreateAccessToken answer maps the recorded ID
//     to the new one, in paths (raw and label-encoded spellings) and bodies;
//   - nextToken: the same, from ListAccessTokens answers.
// What is not re-sent: answers the recording holds as 429 (the client sent the request again, and
// that retry is in the recording), and requests that got no answer at all. Requests go one at a
// time: the concurrency of a race or burst is not reproduced, so the winner of a recorded race
// may move (reported as a difference). A 429 from the new target is waited out (Retry-After) and
// the request sent again, within --throttle-budget. Tokens the replay created and did not see
// deleted are deleted at the end, by ID, by the identity that created them (docs/contract.md §9).
import { deleteRequest, listRequest, operationOf } from '../contract/operations.js';
import { encodeLabel, labelOf } from '../contract/paths.js';
import { credentialStatuses } from '../contract/statuses.js';
import { CaseChecks, describe as describeAnswer } from '../checks/case-checks.js';
import { readResponse } from '../checks/response-reading.js';
import { judgeShape } from '../checks/response-shape.js';
import type { Exchange, HttpMethod, HttpRequest } from '../transport/exchange.js';
import { Transport, defaultTransportBounds } from '../transport/transport.js';
import { CannotRunError, UsageError } from '../exit-codes.js';
import { StepError } from '../engine/step-error.js';
import { defaultThrottlePolicy, sendWaitingOutThrottle } from '../engine/throttle-wait.js';
import { createRandom } from '../random.js';
import { SecretRedactor } from '../secrets/registry.js';
import { statusOf, type CaseResult } from '../verdict.js';
import { notCopiedFromRecording } from './header-lists.js';
import { splitSegmentName } from '../recording/recording-format.js';
import { entryToExchange, loadTraffic, type LoadedTraffic, type RecordedEntry } from '../recording/recording-store.js';
import { identityPlaceholder, redactedValue } from '../secrets/placeholders.js';

export interface ReplaySessionOptions {
  recording: string;
  target: string;
  /** Bearer for <identity-1>, <identity-2>, ... in order. */
  tokens: string[];
  timeoutMs: number;
  throttleBudgetMs: number;
  strict: boolean;
  /** Called before and after each segment, for progress reporting. */
  onCaseStarted?: (scenario: string, name: string) => void;
  onCaseFinished?: (result: CaseResult) => void;
}

export interface ReplaySessionResult {
  traffic: LoadedTraffic;
  cases: CaseResult[];
  sent: number;
  skipped: number;
  leftovers: Array<{ id: string; identity: string; reason: string }>;
}

const source = 'the recorded session (replay)';
const rules = {
  status: { rule: 'the new target answers with the recorded status', source },
  errorName: { rule: 'the new target names its error as the recorded answer did', source },
  shape: { rule: "the new target's answer is as well-formed as the recorded one", source },
  answered: { rule: 'the new target answers every request', source },
};

/** At most this many differences are listed per segment; the rest are counted. */
const listedDifferences = 25;

export async function replaySession(options: ReplaySessionOptions): Promise<ReplaySessionResult> {
  const traffic = loadTraffic(options.recording);
  const identities = traffic.meta?.identities ?? inferIdentities(traffic);
  const missing = identities.filter((_, i) => !options.tokens[i]);
  if (missing.length > 0) {
    const flags = ['--token', '--other-token'];
    throw new UsageError(
      `the recording has requests of ${missing.join(', ')}; give ${missing.map((m) => flags[identities.indexOf(m)] ?? '--identity-token').join(' and ')}`,
    );
  }
  const redactor = new SecretRedactor();
  options.tokens.forEach((token, i) => redactor.add(token, identityPlaceholder(i + 1)));
  const random = createRandom(0x5eed);
  const strangerToken = `patc-unknown-${random.string(24)}`;
  const bearerFor = (pseudonym: string): string | undefined => {
    const match = /^<identity-(\d+)>$/.exec(pseudonym);
    return match ? options.tokens[Number(match[1]) - 1] : undefined;
  };
  const authorization = (recorded: string): string => {
    const match = /^(\S+)\s+(.*)$/s.exec(recorded);
    if (!match) return recorded === redactedValue ? strangerToken : recorded;
    const [, scheme = '', credentials = ''] = match;
    const token = bearerFor(credentials.trim());
    if (token) return `${scheme} ${token}`;
    if (credentials.trim() === redactedValue) return `${scheme} ${/^bearer$/i.test(scheme) ? strangerToken : 'cGF0Yzp1bmtub3du'}`;
    return recorded;
  };

  const http = new Transport(options.target, { ...defaultTransportBounds, timeoutMs: options.timeoutMs, giveUpAfterFailures: 0 });
  const policy = { ...defaultThrottlePolicy, budgetMs: options.throttleBudgetMs };
  const ids = new Map<string, string>();
  const nextTokens = new Map<string, string>();
  /** New token IDs this replay created, with the identity that created them, until deleted. */
  const created = new Map<string, string>();
  const cases: CaseResult[] = [];
  let sent = 0;
  let skipped = 0;

  try {
    // Only the identities the recording uses, each with the bearer given for it.
    await preflight(
      http,
      identities.map((_, i) => options.tokens[i]!),
      options.target,
    );
    for (const segment of traffic.sources) {
      const [scenario, name] = splitSegmentName(segment.name);
      options.onCaseStarted?.(scenario, name);
      const started = Date.now();
      const checks = new CaseChecks('must', redactor);
      let differences = 0;
      let matched = 0;
      const difference = (rule: { rule: string; source: string }, level: 'must' | 'should', message: string, exchange: Exchange): void => {
        differences++;
        if (differences <= listedDifferences) checks.record({ ...rule, level }, false, message, exchange);
      };
      for (const entry of segment.entries) {
        const recorded = entryToExchange(entry);
        if (recorded.response!.status === 429) {
          skipped++;
          continue;
        }
        const request = rewriteRequest(entry, recorded, { ids, nextTokens, authorization });
        let answer: Exchange;
        try {
          answer = await sendWaitingOutThrottle(() => http.send(request), policy, random);
        } catch (error) {
          if (!(error instanceof StepError)) throw error;
          difference(rules.status, 'must', `${request.method} ${shortPath(request.path)}: ${error.message}`, error.exchange ?? recorded);
          continue;
        }
        sent++;
        learn(recorded, answer, { ids, nextTokens, created, identity: identityOf(request) });
        if (!answer.response) {
          difference(
            rules.answered,
            'must',
            `${request.method} ${shortPath(request.path)}: recorded ${describeAnswer(recorded)}, now ${describeAnswer(answer)}`,
            answer,
          );
          continue;
        }
        const was = readResponse(recorded);
        const now = readResponse(answer);
        const label = `${request.method} ${shortPath(request.path)}`;
        if (recorded.response!.status !== answer.response.status) {
          // One client error for another (403 for 404 on a wrong owner, 400 for 404 on a probe)
          // can be two conformant choices: reported, failing only under --strict. A success
          // that became an error, or the reverse, or a 5xx, is a regression.
          const bothClientErrors = isClientError(recorded.response!.status) && isClientError(answer.response.status);
          difference(
            rules.status,
            bothClientErrors ? 'should' : 'must',
            `${label}: recorded ${describeAnswer(recorded, was)}, now ${describeAnswer(answer, now)}`,
            answer,
          );
          continue;
        }
        if (answer.response.status >= 300 && was.errorName !== now.errorName) {
          difference(
            rules.errorName,
            isClientError(answer.response.status) ? 'should' : 'must',
            `${label}: recorded ${was.errorName ?? '(unnamed)'}, now ${now.errorName ?? '(unnamed)'}`,
            answer,
          );
          continue;
        }
        const operation = operationOf(request.method, request.path);
        const wasShape = new Set(judgeShape(recorded, operation).map((f) => f.rule));
        const nowShape = judgeShape(answer, operation).filter((f) => !wasShape.has(f.rule));
        if (nowShape.length > 0) {
          difference(
            rules.shape,
            'must',
            `${label}: ${nowShape.map((f) => f.message).join('; ')} (the recorded answer was well-formed here)`,
            answer,
          );
          continue;
        }
        matched++;
      }
      if (differences > listedDifferences) {
        checks.record(
          { ...rules.status, level: 'must' },
          false,
          `${differences - listedDifferences} more differences in this segment are not listed`,
        );
      }
      if (matched > 0 && differences === 0) checks.record({ ...rules.status, level: 'must' }, true, `${matched} answers as recorded`);
      const result: CaseResult = {
        scenario,
        case: name,
        title: 'The new target answers the recorded session as the recorded target did',
        level: 'must',
        rule: 'same status, same error name, no new shape failure, for every re-sent request',
        source,
        status: checks.results.length === 0 ? 'skipped' : statusOf(checks.results, options.strict),
        ...(checks.results.length === 0 ? { reason: 'nothing to re-send in this segment' } : {}),
        checks: checks.results,
        durationMs: Date.now() - started,
      };
      cases.push(result);
      options.onCaseFinished?.(result);
    }
    const leftovers = await cleanUp(http, created, options.tokens);
    return { traffic, cases, sent, skipped, leftovers };
  } finally {
    await http.close();
  }
}

async function preflight(http: Transport, tokens: string[], target: string): Promise<void> {
  for (const [i, token] of tokens.entries()) {
    const answer = await http.send({
      ...listRequest(1, undefined),
      headers: { ...listRequest(1, undefined).headers, authorization: `Bearer ${token}` },
    });
    if (answer.transportError) throw new CannotRunError(`pre-flight: cannot reach ${target}: ${answer.transportError.message}`);
    const status = answer.response!.status;
    const flag = i === 0 ? '--token' : i === 1 ? '--other-token' : `--identity-token #${i + 1}`;
    if (credentialStatuses.includes(status))
      throw new CannotRunError(`pre-flight: the credentials of ${flag} were rejected (${describeAnswer(answer)})`);
  }
}

interface Mappings {
  ids: Map<string, string>;
  nextTokens: Map<string, string>;
  authorization: (recorded: string) => string;
}

/** The recorded request, with callers, token IDs and nextTokens mapped to the new target's. */
export function rewriteRequest(entry: RecordedEntry, recorded: Exchange, maps: Mappings): HttpRequest {
  const pairs: Array<[string, string]> = [];
  for (const [was, now] of maps.ids) {
    pairs.push([was, now]);
    if (encodeLabel(was) !== was) pairs.push([encodeLabel(was), encodeLabel(now)]);
  }
  pairs.sort((a, b) => b[0].length - a[0].length);
  const swap = (text: string): string => {
    let out = text;
    for (const [was, now] of pairs) if (out.includes(was)) out = out.split(was).join(now);
    return out;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded.request.headers)) {
    if (!notCopiedFromRecording.has(name)) headers[name] = value;
  }
  const auth = recorded.request.headers.authorization;
  if (auth !== undefined) headers.authorization = maps.authorization(auth);
  let body = recorded.request.body;
  if (body !== undefined) {
    body = swap(body);
    for (const [was, now] of maps.nextTokens) if (body.includes(was)) body = body.split(JSON.stringify(was)).join(JSON.stringify(now));
  }
  void entry;
  return {
    method: recorded.request.method as HttpMethod,
    path: swap(recorded.request.path),
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

function learn(
  recorded: Exchange,
  answer: Exchange,
  state: { ids: Map<string, string>; nextTokens: Map<string, string>; created: Map<string, string>; identity: string },
): void {
  const was = readResponse(recorded).json as { accessTokenId?: unknown; nextToken?: unknown } | undefined;
  const now = readResponse(answer).json as { accessTokenId?: unknown; nextToken?: unknown } | undefined;
  const operation = operationOf(answer.request.method, answer.request.path);
  if (operation === 'CreateAccessToken' && typeof now?.accessTokenId === 'string' && answer.response && answer.response.status < 300) {
    state.created.set(now.accessTokenId, state.identity);
    if (typeof was?.accessTokenId === 'string') state.ids.set(was.accessTokenId, now.accessTokenId);
  }
  if (typeof was?.nextToken === 'string' && typeof now?.nextToken === 'string') state.nextTokens.set(was.nextToken, now.nextToken);
  if (operation === 'DeleteAccessToken' && answer.response && answer.response.status >= 200 && answer.response.status < 300) {
    const label = labelOf(answer.request.path);
    try {
      state.created.delete(decodeURIComponent(label));
    } catch {
      // Not a well-formed label: it deleted nothing this replay created.
    }
  }
}

function identityOf(request: HttpRequest): string {
  return request.headers.authorization ?? '';
}

/** Tokens the replay created and never saw deleted: deleted now, by their creator. */
async function cleanUp(
  http: Transport,
  created: Map<string, string>,
  tokens: string[],
): Promise<Array<{ id: string; identity: string; reason: string }>> {
  const leftovers: Array<{ id: string; identity: string; reason: string }> = [];
  for (const [id, authorization] of created) {
    const identity = identityPlaceholder(tokens.findIndex((t) => authorization === `Bearer ${t}`) + 1);
    if (!tokens.some((t) => authorization === `Bearer ${t}`)) continue;
    const request = deleteRequest(id);
    const answer = await sendWaitingOutThrottle(
      () => http.send({ ...request, headers: { ...request.headers, authorization } }),
      { ...defaultThrottlePolicy, budgetMs: 10_000 },
      createRandom(1),
    ).catch(() => undefined);
    const status = answer?.response?.status ?? 0;
    if (status !== 200 && status !== 404)
      leftovers.push({ id, identity, reason: `cleanup delete answered ${answer ? describeAnswer(answer) : 'nothing'}` });
  }
  return leftovers;
}

/** A plain HAR has no meta: its pseudonyms are the <identity-N> bearers it holds. */
function inferIdentities(traffic: LoadedTraffic): string[] {
  let highest = 0;
  for (const source of traffic.sources) {
    for (const entry of source.entries) {
      for (const header of entry.request.headers) {
        const match = header.name.toLowerCase() === 'authorization' ? /<identity-(\d+)>/.exec(header.value) : null;
        if (match) highest = Math.max(highest, Number(match[1]));
      }
    }
  }
  return Array.from({ length: highest }, (_, i) => identityPlaceholder(i + 1));
}

function shortPath(path: string): string {
  return path.length > 100 ? `${path.slice(0, 97)}...` : path;
}

/** 4xx other than 429 (which is waited out, never compared). */
function isClientError(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429;
}
