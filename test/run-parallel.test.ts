// `run --parallel N` (README, "Cases side by side"): cases run side by side, but what a run
// sends, what it judges, what it deletes and what it records do not depend on N. Real CLI,
// real reference on loopback; which cases overlapped is read from the recording's timestamps.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordingMeta } from '../src/recording/recording-format.js';
import { scenarios } from '../suites/index.js';
import { createToken, listIds } from './helpers/api.js';
import { otherToken, ownerToken, readReport, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

const verdicts = (report: Awaited<ReturnType<typeof readReport>>) => report.cases.map((c) => `${c.scenario} / ${c.case}: ${c.status}`);

/** Each segment's time on the wire: from its first request's start to its last answer's end. */
async function segmentWindows(dir: string): Promise<Array<{ name: string; from: number; to: number }>> {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as RecordingMeta;
  const windows = [];
  for (const segment of meta.segments) {
    if (!segment.file) continue;
    const har = JSON.parse(await readFile(join(dir, segment.file), 'utf8')) as {
      log: { entries: Array<{ startedDateTime: string; time: number }> };
    };
    const starts = har.log.entries.map((e) => Date.parse(e.startedDateTime));
    const ends = har.log.entries.map((e) => Date.parse(e.startedDateTime) + e.time);
    windows.push({ name: segment.name, from: Math.min(...starts), to: Math.max(...ends) });
  }
  return windows;
}

describe('run --parallel', () => {
  it('prints the cases in the order of the suite, as a serial run does', { timeout: 120_000 }, async () => {
    const result = await runCli(['run', '--parallel', '8', '--out', await tempDir()]);
    expect(result.code).toBe(0);
    const printed = result.stdout
      .split('\n')
      .filter((line) => /^[✔✖!○?]/u.test(line))
      .map((line) => line.replace(/^\S+ /u, '').replace(/ \(\d+ ms\)$/, ''));
    expect(printed).toEqual(scenarios.flatMap((s) => s.cases.map((c) => `${s.name} › ${c.name}`)));
  });

  it('recorded at 8 against a slow target with per-identity IDs, replayed one case at a time: the same verdicts; identity isolation, the races, the burst and the paged listing had the target to themselves; tokens held before survive', {
    timeout: 240_000,
  }, async () => {
    const dir = await tempDir();
    const recording = join(dir, 'recording');
    // Per-identity IDs (1, 2, 3 for each identity) are where a probe of one case could name a
    // token another case creates meanwhile; 5 ms a request makes the cases overlap for real.
    const live = await withReference({ idStyle: 'per-identity', latencyMs: 5, rate: 0 }, async (server) => {
      const held = {
        owner: [(await createToken(server.url, ownerToken, 'held-1')).id, (await createToken(server.url, ownerToken, 'held-2')).id],
        other: [(await createToken(server.url, otherToken, 'held-3')).id, (await createToken(server.url, otherToken, 'held-4')).id],
      };
      const result = await runCli([
        'run',
        ...targetArgs(server.url),
        '--parallel',
        '8',
        '--record',
        recording,
        '--out',
        join(dir, 'live'),
        '--quiet',
      ]);
      expect((await listIds(server.url, ownerToken)).sort()).toEqual(held.owner.sort());
      expect((await listIds(server.url, otherToken)).sort()).toEqual(held.other.sort());
      return result;
    });
    expect(live.code).toBe(0);
    const liveReport = await readReport(join(dir, 'live'));
    expect(liveReport.leftovers).toEqual([]);

    // Segments are numbered in the order of the suite, whatever ran beside what.
    const windows = await segmentWindows(recording);
    const caseNames = scenarios.flatMap((s) => s.cases.map((c) => `${s.name} / ${c.name}`));
    expect(windows.map((w) => w.name).filter((n) => n !== 'preflight' && n !== 'cleanup')).toEqual(caseNames);
    // Ordinary cases did run side by side...
    const ordinary = windows.filter((w) => w.name.startsWith('unknown-id / '));
    expect(ordinary.some((a) => ordinary.some((b) => a !== b && a.from < b.to && b.from < a.to))).toBe(true);
    // ...and the cases that must have the target to themselves overlapped with no other.
    const alone = windows.filter(
      (w) =>
        w.name.startsWith('identity-isolation / ') ||
        w.name.startsWith('concurrent-conflict / ') ||
        w.name.startsWith('throttle-burst / ') ||
        w.name === 'valid-delete / token among more than a page of tokens',
    );
    expect(alone).toHaveLength(7);
    for (const a of alone) {
      const beside = windows.filter((w) => w !== a && w.from < a.to && a.from < w.to).map((w) => w.name);
      expect(beside, a.name).toEqual([]);
    }
    // missing-id's cases ran beside each other only.
    for (const m of windows.filter((w) => w.name.startsWith('missing-id / '))) {
      const beside = windows.filter((w) => w !== m && w.from < m.to && m.from < w.to).map((w) => w.name);
      expect(
        beside.every((name) => name.startsWith('missing-id / ')),
        `${m.name} beside ${beside.join(', ')}`,
      ).toBe(true);
    }

    const replay = await runCli(['run', '--replay', recording, '--parallel', '1', '--out', join(dir, 'replayed'), '--quiet']);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(verdicts(await readReport(join(dir, 'replayed')))).toEqual(verdicts(liveReport));
  });

  it('faults are found at any N: the same cases fail at 1 and at 8', { timeout: 180_000 }, async () => {
    const outcomes = await withReference({ faults: ['no-owner-check', 'missing-id-500', 'success-204'], rate: 0 }, async (server) => {
      const out: Record<string, string[]> = {};
      for (const n of ['1', '8']) {
        const dir = await tempDir();
        const result = await runCli(['run', ...targetArgs(server.url), '--parallel', n, '--seed', '7', '--out', dir, '--quiet']);
        expect(result.code).toBe(1);
        out[n] = (await readReport(dir)).cases.filter((c) => c.status === 'failed').map((c) => `${c.scenario} / ${c.case}`);
      }
      return out;
    });
    expect(outcomes['8']).toEqual(outcomes['1']);
    expect(outcomes['1']!.length).toBeGreaterThan(0);
  });

  it.each([['0'], ['65'], ['two'], ['1.5']])('--parallel %s is a usage error (exit 2) that names the flag', async (value) => {
    const result = await runCli(['run', '--parallel', value, '--out', await tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--parallel');
    expect(result.stdout).toBe('');
  });
});
