// SIGINT or SIGTERM during a run: no new requests, every token the run created deleted, reports
// written and marked incomplete, no half-written file, exit 130 (143 for SIGTERM). A second
// SIGINT exits at once.
import { readdir } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listIds } from './helpers/api.js';
import { passThroughProxy } from './helpers/pass-through-proxy.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

/** Send `signal` once the run has finished `afterCases` cases (seen on the console). */
function signalAfterCases(signal: NodeJS.Signals, afterCases: number) {
  return (child: ChildProcess) => {
    let seen = 0;
    let sent = false;
    child.stdout!.on('data', (d: Buffer) => {
      seen += (d.toString().match(/^✔|\n✔|^✖|\n✖/g) ?? []).length;
      if (!sent && seen >= afterCases) {
        sent = true;
        child.kill(signal);
      }
    });
  };
}

/** A proxy that calls `onCreated` when the n-th create has been answered 201, before the runner sees it. */
function proxyThatWatchesCreates(targetUrl: string, n: number, onCreated: () => Promise<void>): ReturnType<typeof passThroughProxy> {
  let creates = 0;
  return passThroughProxy(targetUrl, async ({ method, status }) => {
    if (method === 'PUT' && status === 201 && ++creates === n) await onCreated();
  });
}

describe('interruption', () => {
  // Throttled to 10 requests a second so that the run is still going when the signal comes.
  const slow = { rate: 10, burst: 10 };

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: cleans up, writes incomplete reports, exits %i', { timeout: 120_000 }, async (signal, code) => {
    await withReference(slow, async (server) => {
      const out = await tempDir();
      const result = await runCli(
        ['run', ...targetArgs(server.url), '--out', out, '--reporter', 'json', '--reporter', 'junit', '--reporter', 'markdown'],
        {
          onSpawn: signalAfterCases(signal, 3),
        },
      );
      expect(result.code).toBe(code);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const report = await readReport(out);
      expect(report.complete).toBe(false);
      expect(report.verdict).toBe('incomplete');
      expect(report.interrupted).toBe(signal);
      expect(report.cases.length).toBeGreaterThanOrEqual(3);
      expect(report.leftovers).toEqual([]);
      expect(result.stdout).toMatch(/INCOMPLETE/);
      // Every token the run created is gone; the run created some (it got past three cases).
      expect(await listIds(server.url, ownerToken)).toEqual([]);
      expect(await listIds(server.url, otherToken)).toEqual([]);
      // Whole files only: no temp file left behind.
      expect((await readdir(out)).sort()).toEqual(['junit.xml', 'pat-conformance.json', 'summary.md']);
    });
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the run holds tokens: every one of them is deleted before exit %i', { timeout: 120_000 }, async (signal, code) => {
    await withReference({}, async (server) => {
      let child: ChildProcess | undefined;
      let aliveAtSignal: string[] = [];
      // The 10th create falls inside valid-delete's 12-token case, whose tokens live until it ends.
      const proxy = await proxyThatWatchesCreates(server.url, 10, async () => {
        aliveAtSignal = await listIds(server.url, ownerToken);
        child!.kill(signal);
      });
      try {
        const out = await tempDir();
        const result = await runCli(['run', ...targetArgs(proxy.url), '--scenario', 'valid-delete', '--out', out, '--quiet'], {
          onSpawn: (c) => (child = c),
        });
        expect(result.code).toBe(code);
        expect(aliveAtSignal.length).toBeGreaterThan(0);
        expect(await listIds(server.url, ownerToken)).toEqual([]);
        const report = await readReport(out);
        expect(report.interrupted).toBe(signal);
        expect(report.leftovers).toEqual([]);
      } finally {
        proxy.close();
      }
    });
  });

  it('a second SIGINT exits at once', { timeout: 120_000 }, async () => {
    // Every delete takes 3 s here, and the first signal lands while the run holds tokens (at its
    // second create): cleanup then has deletes to wait for. The second signal is sent once the
    // run has said it is cleaning up, so it lands during cleanup whatever the machine's speed.
    await withReference({ conflictWindowMs: 3000 }, async (server) => {
      let child: ChildProcess | undefined;
      const proxy = await proxyThatWatchesCreates(server.url, 2, async () => {
        child!.kill('SIGINT');
      });
      try {
        const out = await tempDir();
        const result = await runCli(['run', ...targetArgs(proxy.url), '--out', out], {
          onSpawn: (c) => {
            child = c;
            let said = '';
            let sent = false;
            c.stderr!.on('data', (d: Buffer) => {
              said += d.toString();
              if (!sent && /SIGINT: stopping/.test(said)) {
                sent = true;
                c.kill('SIGINT');
              }
            });
          },
        });
        expect(result.code).toBe(130);
        expect(result.stderr).toMatch(/again, exiting without cleanup/);
        expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      } finally {
        proxy.close();
      }
    });
  });
});
