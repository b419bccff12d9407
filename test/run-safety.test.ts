// A run must never harm the account it runs against (docs/contract.md §9): tokens that
// existed before survive, nothing the run created is left behind, and no bearer token or token
// secret reaches any file or line the tool writes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../src/reference/faults.js';
import type { ReferenceOptions } from '../src/reference/options.js';
import { createToken, listIds } from './helpers/api.js';
import { passThroughProxy } from './helpers/pass-through-proxy.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

describe('tokens that existed before the run', () => {
  // A conformant target, and broken ones whose defects touch the run's own tokens.
  // Sequential IDs (1, 2, 3, ...) are where a carelessly invented "unknown" ID names a live token.
  const targets: Array<[string, FaultName[], Partial<ReferenceOptions>]> = [
    ['conformant', [], {}],
    ['conformant, sequential-ID', [], { idStyle: 'sequential' }],
    ['truncate-long-id', ['truncate-long-id'], {}],
    ['no-owner-check', ['no-owner-check'], { idStyle: 'sequential' }],
    ['id-path-normalize', ['id-path-normalize'], {}],
  ];
  it.concurrent.each(targets)(
    'survive a run against a %s target, and nothing the run created is left',
    { timeout: 180_000 },
    async (_name, faults, options) => {
      await withReference({ ...options, faults }, async (server) => {
        const before = {
          owner: [await createToken(server.url, ownerToken, 'mine-1'), await createToken(server.url, ownerToken, 'mine-2')].map(
            (t) => t.id,
          ),
          other: [await createToken(server.url, otherToken, 'theirs-1'), await createToken(server.url, otherToken, 'theirs-2')].map(
            (t) => t.id,
          ),
        };
        const out = await tempDir();
        const result = await runCli(['run', ...targetArgs(server.url), '--quiet', '--out', out]);
        expect(result.code).toBe(faults.length === 0 ? 0 : 1);
        expect((await listIds(server.url, ownerToken)).sort()).toEqual(before.owner.sort());
        expect((await listIds(server.url, otherToken)).sort()).toEqual(before.other.sort());
        expect((await readReport(out)).leftovers).toEqual([]);
      });
    },
  );
});

describe('probes never name a token of the other identity', () => {
  // With sequential IDs shared by both identities, the other identity holding tokens 1 to 40
  // makes every one-character digit, and every prefix of the owner's new token 41, a token of
  // theirs: unknown-id's "unknown" IDs must be chosen around them, or a target without an owner
  // check deletes one (it did, for every seed, before the other identity's listing was checked).
  it.concurrent.each([1, 2])('unknown-id, seed %i: the other identity keeps all its tokens', { timeout: 60_000 }, async (seed) => {
    await withReference({ idStyle: 'sequential', faults: ['no-owner-check'], rate: 0 }, async (server) => {
      const theirs: string[] = [];
      for (let i = 1; i <= 40; i++) theirs.push((await createToken(server.url, otherToken, `theirs-${i}`)).id);
      const out = await tempDir();
      await runCli(['run', ...targetArgs(server.url), '--quiet', '--out', out, '--scenario', 'unknown-id', '--seed', String(seed)]);
      expect((await listIds(server.url, otherToken)).sort()).toEqual(theirs.sort());
    });
  });
});

/**
 * A pass-through proxy that notes every `secret` the target hands out, so the test knows the
 * secrets the runner saw without trusting the runner to say.
 */
async function secretCapturingProxy(targetUrl: string): Promise<{ url: string; secrets: Set<string>; close: () => void }> {
  const secrets = new Set<string>();
  const proxy = await passThroughProxy(targetUrl, ({ body }) => {
    for (const m of body.toString().matchAll(/"secret"\s*:\s*"([^"]+)"/g)) secrets.add(m[1]!);
  });
  return { ...proxy, secrets };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('secrets', () => {
  it('no bearer token or token secret appears in any report file or output line', { timeout: 180_000 }, async () => {
    // A failing target, so that reports carry evidence (requests with their headers).
    await withReference({ faults: ['body-on-success', 'error-not-json'] }, async (server) => {
      const proxy = await secretCapturingProxy(server.url);
      const out = await tempDir();
      const summary = join(out, 'step-summary.md');
      try {
        const result = await runCli(
          [
            'run',
            ...targetArgs(proxy.url),
            '--out',
            out,
            '--reporter',
            'json',
            '--reporter',
            'junit',
            '--reporter',
            'markdown',
            '--scenario',
            'valid-delete,wrong-owner,unauthenticated,concurrent-conflict',
          ],
          { env: { GITHUB_STEP_SUMMARY: summary } },
        );
        expect(result.code).toBe(1);
        expect(proxy.secrets.size).toBeGreaterThan(10);
        const files = await filesUnder(out);
        expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual([
          'junit.xml',
          'pat-conformance.json',
          'step-summary.md',
          'summary.md',
        ]);
        const texts = [result.stdout, result.stderr, ...(await Promise.all(files.map((f) => readFile(f, 'utf8'))))];
        // The evidence is there (so the scan is not vacuous) ...
        expect(texts.join('\n')).toContain('authorization: Bearer <identity-1>');
        // ... and none of the secrets.
        for (const secret of [ownerToken, otherToken, ...proxy.secrets]) {
          for (const text of texts) expect(text.includes(secret), `a secret leaked: ${secret.slice(0, 6)}...`).toBe(false);
        }
      } finally {
        proxy.close();
      }
    });
  });
});

describe('leftovers', () => {
  it('a target whose deletes answer 200 but keep the token: every token still there is a leftover, and the run fails', {
    timeout: 120_000,
  }, async () => {
    await withReference({ faults: ['delete-not-persisted'] }, async (server) => {
      const out = await tempDir();
      const result = await runCli(['run', ...targetArgs(server.url), '--scenario', 'unknown-id', '--quiet', '--out', out]);
      expect(result.code).toBe(1);
      const report = await readReport(out);
      // unknown-id's cases pass on their own: the failure is the leftovers alone.
      expect(report.cases.every((c) => c.status === 'passed')).toBe(true);
      const stillThere = await listIds(server.url, ownerToken);
      expect(stillThere.length).toBe(report.cases.length);
      expect(report.leftovers.map((l) => l.id).sort()).toEqual([...stillThere].sort());
      expect(report.leftovers.every((l) => /still listed after its delete answered 200/.test(l.reason))).toBe(true);
      expect(report.verdict).toBe('non-conformant');
    });
  });
});
