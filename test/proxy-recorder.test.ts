// The proxy's recorder writes its HAR files itself, without Polly (src/recording/proxy-recorder.ts).
// Its files must be what Polly's recorder writes for the same traffic, entry for entry (`_id`,
// `_order`, every field, redaction, `_patConformance`), in the same directories; and under load,
// with a small segment size, every exchange must land in a segment, in send order, redacted by
// then (an answer's own secret included), and `check` must pass the recording.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxyRecorder } from '../src/recording/proxy-recorder.js';
import { pollyUrlOf, pollyUrlOfRequest } from '../src/recording/polly-identity.js';
import { createRecorder } from '../src/recording/recorder.js';
import { loadTraffic } from '../src/recording/recording-store.js';
import { SecretRedactor } from '../src/secrets/registry.js';
import { startRecordingProxy } from '../src/tools/proxy.js';
import { runCli, withReference } from './helpers/cli.js';
import { harFiles, record, unclocked, variedTarget } from './helpers/recording-compare.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'patc-proxy-rec-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('the proxy recorder writes what Polly writes', () => {
  it('entry for entry: ids, orders, every field, redaction, the directory and the file', async () => {
    // A target each: the secrets it hands out are numbered.
    const url = await variedTarget(cleanups);
    const pollyDir = join(tempDir(), 'polly');
    const polly = await createRecorder({ dir: pollyDir, mode: 'record', redactor: new SecretRedactor(), pseudonymizeBearers: true });
    await polly.beginCase('proxy 1');
    await record(polly.tap, url);
    await polly.finish({ kind: 'proxy', target: { url, embedded: false } });

    const ownUrl = await variedTarget(cleanups);
    const ownDir = join(tempDir(), 'own');
    const own = await createProxyRecorder({ dir: ownDir, redactor: new SecretRedactor(), segmentSize: 500 });
    await record(own.tap, ownUrl);
    await own.finish({ kind: 'proxy', target: { url, embedded: false } });

    const expected = harFiles(pollyDir);
    expect(Object.keys(expected)).toHaveLength(1);
    expect(harFiles(ownDir)).toEqual(expected);
    // Byte for byte but for the clock: the same layout, whitespace included.
    const text = (dir: string): string =>
      unclocked(readFileSync(join(dir, Object.keys(expected)[0]!), 'utf8'))
        .replace(/"startedDateTime": "[^"]*"/g, '')
        .replace(/"(time|wait)": \d+/g, '');
    expect(text(ownDir)).toBe(text(pollyDir));
    const meta = (dir: string) => {
      const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
      delete m.createdAt;
      return m;
    };
    expect(meta(ownDir)).toEqual(meta(pollyDir));
  });

  it('computes the URL of a plain path as Polly does, without parsing it', () => {
    const origins = ['http://127.0.0.1:8080', 'http://example.test', 'http://example.test:80', 'https://h.test:443'];
    const pathChars = fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@%/".split(''));
    fc.assert(
      fc.property(fc.constantFrom(...origins), fc.array(pathChars, { maxLength: 30 }), (origin, chars) => {
        const path = `/${chars.join('')}`;
        expect(pollyUrlOfRequest(origin, path)).toEqual(pollyUrlOf(`${origin}${path}`));
      }),
      { numRuns: 300 },
    );
  });
});

describe('the proxy under load, with small segments', () => {
  it('streams every exchange into its segment, in send order, redacted, and check passes the recording', async () => {
    const dir = tempDir();
    const recording = join(dir, 'rec');
    const bearer = 'load-test-bearer-0123456789';
    const sessions = 700;
    const secrets: string[] = [];
    await withReference({ users: [bearer], rate: 0, maxInFlight: 0 }, async (server) => {
      const proxy = await startRecordingProxy({ target: server.url, host: '127.0.0.1', port: 0, record: recording, segmentSize: 97 });
      const pool = new Pool(proxy.url, { connections: 10 });
      const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
      // 10 clients, each create -> delete -> list: 2,100 exchanges, a new secret every third.
      const client = async (c: number): Promise<void> => {
        for (let i = c; i < sessions; i += 10) {
          const created = await pool.request({ path: '/v1/accessTokens', method: 'PUT', headers, body: JSON.stringify({ name: `t${i}` }) });
          const token = (await created.body.json()) as { accessTokenId: string; secret: string };
          secrets.push(token.secret);
          const deleted = await pool.request({ path: `/v1/accessTokens/${token.accessTokenId}`, method: 'DELETE', headers });
          await deleted.body.dump();
          const listed = await pool.request({ path: '/v1/accessTokens', method: 'POST', headers, body: '{}' });
          await listed.body.dump();
          expect([created.statusCode, deleted.statusCode, listed.statusCode]).toEqual([201, 200, 200]);
        }
      };
      await Promise.all(Array.from({ length: 10 }, (_, c) => client(c)));
      await pool.close();
      const summary = await proxy.stop();
      expect(summary).toMatchObject({ exchanges: 3 * sessions, segments: Math.ceil((3 * sessions) / 97), transportErrors: 0 });
    });

    const traffic = loadTraffic(recording);
    expect(traffic.sources.map((s) => s.entries.length)).toEqual(
      Array.from({ length: Math.ceil((3 * sessions) / 97) }, (_, i) => Math.min(97, 3 * sessions - 97 * i)),
    );
    const entries = traffic.sources.flatMap((s) => s.entries);
    expect(entries.map((e) => e._patConformance!.seq)).toEqual(Array.from({ length: 3 * sessions }, (_, i) => i + 1));
    // Every create's own answer is redacted: its secret was learnt before its entry was written.
    const creates = entries.filter((e) => e.request.method === 'PUT');
    expect(creates).toHaveLength(sessions);
    for (const e of creates) expect(JSON.parse(e.response.content.text!)).toMatchObject({ secret: '<token-secret>' });
    const all = readdirSync(recording, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
      .join('\n');
    expect(secrets).toHaveLength(sessions);
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toContain(bearer);

    const check = await runCli(['check', recording, '--quiet', '--out', join(dir, 'out')]);
    expect(check.code).toBe(0);
  });
});
