// `run --record` writes its HAR files itself, one segment per case (src/recording/run-recorder.ts):
// they must be what Polly's recorder writes for the same traffic in segments of the same names
// (entry for entry, the directory Polly would look in, meta.json), so that `run --replay`, which
// reads them through Polly, finds every answer. Segments opened side by side (--parallel) are
// numbered in the order they opened, and each holds only its own requests.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingMeta } from '../src/recording/recording-format.js';
import { createRecorder } from '../src/recording/recorder.js';
import { createRunRecorder } from '../src/recording/run-recorder.js';
import { pollyUrlOf, pollyUrlOfRequest } from '../src/recording/polly-identity.js';
import { pollyStatusTexts } from '../src/recording/polly-status-texts.js';
import { SecretRedactor } from '../src/secrets/registry.js';
import { Transport, defaultTransportBounds } from '../src/transport/transport.js';
import { harFiles, record, unclocked, variedTarget } from './helpers/recording-compare.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'patc-run-rec-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Names like a run's: spaces, slashes, punctuation, runs of dashes once sanitised. */
const segmentNames = [
  'preflight',
  "identity-isolation / the owner deletes; the other identity's tokens stay",
  'id-injection / x%2F..%2F<id>',
];

function redactorWithBearers(): SecretRedactor {
  const redactor = new SecretRedactor();
  redactor.add('first-bearer-0123456789', '<identity-1>');
  redactor.add('second-bearer-0123456789', '<identity-2>');
  return redactor;
}

const meta = (dir: string): Record<string, unknown> => {
  const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
  delete m.createdAt;
  return m;
};

describe("the run's recorder writes what Polly writes", () => {
  it('segment by segment: the directories, every entry, meta.json', async () => {
    const identities = ['<identity-1>', '<identity-2>'];
    const pollyDir = join(tempDir(), 'polly');
    const polly = await createRecorder({ dir: pollyDir, mode: 'record', redactor: redactorWithBearers(), identities });
    for (const name of segmentNames) {
      await polly.beginCase(name);
      await record(polly.tap, await variedTarget(cleanups));
    }
    await polly.finish({ kind: 'run', target: { url: 'http://target', embedded: false } });

    const ownDir = join(tempDir(), 'own');
    const own = await createRunRecorder({ dir: ownDir, redactor: redactorWithBearers(), identities });
    for (const name of segmentNames) {
      const segment = own.openSegment(name);
      await record(segment.tap, await variedTarget(cleanups));
      await segment.end();
    }
    await own.finish({ kind: 'run', target: { url: 'http://target', embedded: false } });

    const expected = harFiles(pollyDir);
    expect(Object.keys(expected)).toHaveLength(segmentNames.length);
    expect(harFiles(ownDir)).toEqual(expected);
    for (const file of Object.keys(expected)) {
      const text = (dir: string): string =>
        unclocked(readFileSync(join(dir, file), 'utf8'))
          .replace(/"startedDateTime": "[^"]*"/g, '')
          .replace(/"(time|wait)": \d+/g, '');
      expect(text(ownDir)).toBe(text(pollyDir));
    }
    expect(meta(ownDir)).toEqual(meta(pollyDir));
  });

  it('segments open side by side: numbered as they opened, each with its own requests only', async () => {
    const dir = join(tempDir(), 'parallel');
    const recorder = await createRunRecorder({ dir, redactor: redactorWithBearers(), identities: ['<identity-1>'] });
    const url = await variedTarget(cleanups);
    const first = recorder.openSegment('a / first');
    const second = recorder.openSegment('b / second');
    // Both at once, interleaved on the wire.
    await Promise.all([record(first.tap, url), record(second.tap, url)]);
    await Promise.all([second.end(), first.end()]);
    await recorder.finish({ kind: 'run', target: { url, embedded: false } });
    const written = meta(dir) as unknown as RecordingMeta;
    expect(written.segments.map((s) => [s.index, s.name])).toEqual([
      [0, 'a / first'],
      [1, 'b / second'],
    ]);
    const files = harFiles(dir) as Record<string, { log: { entries: Array<{ _order: number; _patConformance: { seq: number } }> } }>;
    for (const segment of written.segments) {
      const entries = files[`/${segment.file}`]!.log.entries;
      expect(entries.length).toBe(segment.exchanges);
      // The second PUT of the same body is the segment's own second (order 1), not a global count.
      expect(entries.filter((e) => e._order > 1)).toEqual([]);
      // In send order within the segment.
      const seqs = entries.map((e) => e._patConformance.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});

describe("the last scan of the run's recording", () => {
  it('finds a secret learnt after the entry that holds it was written: the recording fails, nothing is left', async () => {
    const parent = tempDir();
    const dir = join(parent, 'late');
    const redactor = redactorWithBearers();
    const recorder = await createRunRecorder({ dir, redactor, identities: ['<identity-1>'] });
    const url = await variedTarget(cleanups);
    const segment = recorder.openSegment('early');
    const transport = new Transport(url, { ...defaultTransportBounds, connections: 1 }, { tap: segment.tap });
    // Not a secret yet when it is sent, answered and written (the target echoes the path).
    const late = 'late-learnt-secret-0123456789';
    await transport.send({ method: 'GET', path: `/v1/echo/${late}`, headers: { authorization: 'Bearer first-bearer-0123456789' } });
    await transport.close();
    await segment.end();
    // Written to its file (kept in memory too) before the secret is known...
    await expect.poll(() => readdirSync(parent, { recursive: true }).some((f) => String(f).endsWith('recording.har'))).toBe(true);
    redactor.add(late, '<token-secret>');
    // ...and still found by the scan at the end.
    await expect(recorder.finish({ kind: 'run', target: { url, embedded: false } })).rejects.toThrow(/a token secret\) still appears in/);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('what the recorders know of Polly without loading @pollyjs/utils', () => {
  const requireFromCore = createRequire(createRequire(import.meta.url).resolve('@pollyjs/core'));
  const utils = requireFromCore('@pollyjs/utils') as { HTTP_STATUS_CODES: Record<string, string> };

  it("the status texts are the installed Polly's", () => {
    expect(Object.fromEntries(Object.entries(pollyStatusTexts).map(([k, v]) => [k, v]))).toEqual(utils.HTTP_STATUS_CODES);
  });

  it("an origin as WHATWG's URL writes it is Polly's form of it, or is given to Polly's URL", () => {
    const origins = [
      'http://127.0.0.1:43589',
      'http://localhost',
      'https://codecatalyst.global.api.aws',
      'http://a-b.example:8080',
      'https://x.y:8443',
    ];
    for (const given of origins) {
      const origin = new URL(given).origin;
      const path = '/v1/accessTokens/abc';
      expect(pollyUrlOfRequest(origin, path)).toEqual(pollyUrlOf(`${origin}${path}`));
    }
    // Not plain (IPv6, upper case): Polly's URL decides, and agrees with itself.
    for (const origin of ['http://[::1]:8080', 'HTTP://EXAMPLE.COM']) {
      expect(pollyUrlOfRequest(origin, '/x')).toEqual(pollyUrlOf(`${origin}/x`));
    }
  });
});

describe("a run's recording that cannot be written", () => {
  it('fails at finish, with no rejection left unhandled on the way, and leaves nothing behind', async () => {
    // Node ends the process on an unhandled rejection: a failed write must reach finish, nothing else.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanups.push(() => process.off('unhandledRejection', onUnhandled));
    const parent = tempDir();
    const dir = join(parent, 'unwritable');
    const recorder = await createRunRecorder({ dir, redactor: redactorWithBearers(), identities: ['<identity-1>'] });
    // A file where the working directory was: no segment's directory can be made in it.
    const workDir = join(parent, readdirSync(parent).find((f) => f.endsWith('.tmp'))!);
    rmSync(workDir, { recursive: true });
    writeFileSync(workDir, 'not a directory');
    const url = await variedTarget(cleanups);
    const segment = recorder.openSegment('first');
    const transport = new Transport(url, { ...defaultTransportBounds, connections: 1 }, { tap: segment.tap });
    const sent = await transport.send({ method: 'GET', path: '/v1/one', headers: {} });
    // More than the file's buffer: written (and failing) while the run goes on.
    await transport.send({ method: 'POST', path: '/v1/big', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(100_000) });
    await transport.send({ method: 'GET', path: '/v1/two', headers: {} });
    await transport.close();
    // The run itself is not held up: its answers came back.
    expect(sent.response?.status).toBe(200);
    // The failure comes from another thread: let it arrive before the segment ends.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await segment.end();
    await expect(recorder.finish({ kind: 'run', target: { url, embedded: false } })).rejects.toThrow(/ENOTDIR|not a directory/);
    expect(readdirSync(parent)).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
