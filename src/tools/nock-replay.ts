// Replay a recording into a Node program under test, in-process, through nock: requests that
// the program sends with node:http or fetch to `origin` get the recorded answers (the AWS SDK for
// JavaScript v3 uses node:http). Matching as for `serve --replay` (recorded-answers.ts): method,
// exact path and query, body; identical requests get the recorded answers in recorded order; a
// request the recording does not hold gets 501 PatConformanceReplayMiss and is listed by
// `misses()`. undici's own dispatcher is not intercepted (nock does not see it).
//
//   const replay = await replayWithNock('recordings/sdk-session', { origin: 'https://codecatalyst.test' });
//   const client = new CodeCatalystClient({ endpoint: replay.origin, token: { token: 'any' } });
//   ... exercise the code under test ...
//   replay.done();   // every recorded exchange was asked for, and nothing else
//   replay.stop();
//
// nock is loaded only when this is called, so importing the library does not intercept anything.
import { missAnswer, RecordedAnswers, type Miss } from './recorded-answers.js';
import { loadTraffic } from '../recording/recording-store.js';

export interface NockReplayOptions {
  /** Origin the program under test sends to (default: the recorded target's). */
  origin?: string;
}

export interface NockReplay {
  /** The origin whose requests are answered, e.g. "https://codecatalyst.test". */
  readonly origin: string;
  /** Requests that found no recorded answer, in order. */
  misses(): Miss[];
  /** Recorded exchanges not asked for yet. */
  pending(): string[];
  /** Throws unless every recorded exchange was asked for and no request missed. */
  done(): void;
  /** Remove the interception (other nock scopes are left alone). */
  stop(): void;
}

const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

export async function replayWithNock(recording: string, options: NockReplayOptions = {}): Promise<NockReplay> {
  const traffic = loadTraffic(recording);
  const originText = options.origin ?? traffic.meta?.target.url;
  if (!originText) throw new Error(`replayWithNock: "${recording}" does not say which origin it was recorded from; pass { origin }`);
  const origin = new URL(originText).origin;
  const answers = new RecordedAnswers(traffic);
  const { default: nock } = await import('nock');
  const scope = nock(origin).persist();
  const interceptors = methods.map((method) => {
    const interceptor = scope.intercept(() => true, method);
    interceptor.reply((uri: string, body: unknown) => {
      const text =
        body === undefined || body === ''
          ? undefined
          : typeof body === 'string'
            ? body
            : Buffer.isBuffer(body)
              ? body.toString('utf8')
              : JSON.stringify(body);
      const answer = answers.answer(method, uri, text);
      if (!answer) {
        const miss = missAnswer(method, uri);
        return [miss.status, miss.body, miss.headers] as const;
      }
      return [answer.status, answer.body, answer.headers] as const;
    });
    return interceptor;
  });
  return {
    origin,
    misses: () => answers.misses(),
    pending: () => answers.pending(),
    done() {
      const misses = answers.misses();
      const pending = answers.pending();
      if (misses.length > 0 || pending.length > 0) {
        const parts = [];
        if (misses.length > 0) parts.push(`not in the recording: ${misses.map((m) => `${m.method} ${m.path}`).join(', ')}`);
        if (pending.length > 0) parts.push(`recorded but never asked for: ${pending.join(', ')}`);
        throw new Error(`replay of "${recording}" is not done; ${parts.join('; ')}`);
      }
    },
    stop() {
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
    },
  };
}
