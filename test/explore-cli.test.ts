// `explore` through the real CLI against the reference on loopback: defects that only show
// across a sequence or under concurrency are found by explore alone, with its default settings;
// the legitimate variations of the reference raise no false alarm over several seeds; safety,
// secrets, recording, exit codes and interruption as in `run`.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExploreReport } from '../src/explore/report.js';
import type { FaultName } from '../src/reference/faults.js';
import type { ReferenceOptions } from '../src/reference/options.js';
import { createToken, listIds } from './helpers/api.js';
import { otherToken, ownerToken, runCli, targetArgs, tempDirs, withReference } from './helpers/cli.js';

const tempDir = tempDirs();

async function readExploreReport(out: string): Promise<ExploreReport> {
  return JSON.parse(await readFile(join(out, 'explore.json'), 'utf8')) as ExploreReport;
}

function expectNoBearer(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(ownerToken);
    expect(text).not.toContain(otherToken);
  }
}

describe('explore: the embedded reference', () => {
  it('passes without --target, prints its seed, and writes explore.json and explore.html', { timeout: 120_000 }, async () => {
    const out = await tempDir();
    const result = await runCli(['explore', '--budget', '300', '--out', out, '--reporter', 'json', '--reporter', 'html']);
    expect(result.code).toBe(0);
    const report = await readExploreReport(out);
    expect(report).toMatchObject({ kind: 'explore', verdict: 'no-violation', exitCode: 0, stopped: 'budget', leftovers: [] });
    expect(report.violation).toBeUndefined();
    expect(report.programs).toBeGreaterThan(5);
    expect(report.requests).toBeLessThanOrEqual(300);
    expect(result.stdout).toContain(`seed ${report.seed} (again: --seed ${report.seed})`);
    expect(result.stdout).toMatch(/explore: no violation found \(\d+ programs, \d+ requests/);
    expect(await readFile(join(out, 'explore.html'), 'utf8')).toContain('explore: no violation found');
  });
});

describe('explore: defects that only a sequence or a race shows, found with the default settings', () => {
  // Each fault is seen by a rule of contract §10's model; the sections a violation may cite.
  const faults: Array<[FaultName, Partial<ReferenceOptions>, string[]]> = [
    ['race-double-success', {}, ['5.8', '6.5']],
    ['create-lost-in-race', {}, ['6.7', '2.3', '6.5']],
    ['reuse-deleted-ids', {}, ['6.6']],
    ['delete-across-identities', { idStyle: 'per-identity' }, ['6.7', '2.3', '6.3', '6.5']],
    ['lost-delete-under-load', {}, ['5.8', '6.5', '6.7', '2.3']],
  ];
  it.each(faults)('%s: exit 1, the smallest failing program and its timeline', { timeout: 200_000 }, async (fault, options, sections) => {
    await withReference({ ...options, faults: [fault] }, async (server) => {
      const out = await tempDir();
      const result = await runCli(
        ['explore', ...targetArgs(server.url), '--timeout', '3000', '--out', out, '--reporter', 'json', '--reporter', 'html'],
        {
          killAfterMs: 190_000,
        },
      );
      expect(result.code, result.stdout + result.stderr).toBe(1);
      const report = await readExploreReport(out);
      expect(report.verdict).toBe('violation');
      const violation = report.violation!;
      expect(sections).toContain(violation.section);
      expect(violation.source).toMatch(/^contract §10 Histories under concurrency; contract §/);
      expect(violation.program.length).toBeGreaterThan(0);
      expect(violation.timeline.some((entry) => entry.involved)).toBe(true);
      expect(violation.confirmed?.runs).toBeGreaterThan(0);
      expect(result.stdout).toContain('VIOLATION contract §10');
      expect(result.stdout).toMatch(/^ {4}> #\d+ /m);
      expect(await readFile(join(out, 'explore.html'), 'utf8')).toContain('<svg');
      expectNoBearer(
        result.stdout,
        result.stderr,
        await readFile(join(out, 'explore.json'), 'utf8'),
        await readFile(join(out, 'explore.html'), 'utf8'),
      );
      // Only its own tokens, and all of them, were deleted.
      expect(report.leftovers).toEqual([]);
      expect(await listIds(server.url, ownerToken)).toEqual([]);
    });
  });
});

describe('explore: what the identities held before', () => {
  it("a delete that also removes the other identity's tokens with that ID: its 20 tokens held before are missed, exit 1 (§6.3)", {
    timeout: 120_000,
  }, async () => {
    await withReference({ idStyle: 'per-identity', faults: ['delete-across-identities'] }, async (server) => {
      for (let i = 1; i <= 20; i++) await createToken(server.url, otherToken, `kept-${i}`);
      const out = await tempDir();
      const result = await runCli(['explore', ...targetArgs(server.url), '--out', out]);
      expect(result.code, result.stdout).toBe(1);
      const violation = (await readExploreReport(out)).violation!;
      expect(violation.section).toMatch(/^(6\.3|6\.7|2\.3|6\.5)$/);
      expect(violation.message).toMatch(/held before the exploration|other's/);
    });
  });

  it('a listing that never ends (nextToken ignored) before the exploration: a violation of §2.2 with a report, not a crash', {
    timeout: 60_000,
  }, async () => {
    await withReference({ faults: ['list-ignores-next-token'] }, async (server) => {
      for (let i = 1; i <= 15; i++) await createToken(server.url, otherToken, `kept-${i}`);
      const out = await tempDir();
      const result = await runCli(['explore', ...targetArgs(server.url), '--out', out]);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stderr).not.toMatch(/internal error/);
      const report = await readExploreReport(out);
      expect(report.violation).toMatchObject({ section: '2.2', rule: 'a listing can be followed to its last page' });
      expect(report.violation!.message).toMatch(/^before the exploration: /);
    });
  });
});

describe('explore: legitimate variations raise no false alarm', () => {
  const variations: Array<[string, Partial<ReferenceOptions>]> = [
    ['IDs per identity', { idStyle: 'per-identity' }],
    ['409 for racing deletes', { conflictWindowMs: 200 }],
    ['404 for the wrong owner', { wrongOwnerStatus: 404 }],
    ['strict throttling', { rate: 50, burst: 10 }],
    ['pages of 2', { pageSize: 2 }],
    ['short IDs', { idStyle: 'short' }],
    ['duplicate names refused', { duplicateNames: 'reject' }],
  ];
  const cases = variations.flatMap(([name, options]) => [1, 2].map((seed) => [name, seed, options] as const));
  it.concurrent.each(cases)('%s, seed %i: exit 0', { timeout: 120_000 }, async (_name, seed, options) => {
    await withReference(options, async (server) => {
      const out = await tempDir();
      const result = await runCli([
        'explore',
        ...targetArgs(server.url),
        '--seed',
        String(seed),
        '--budget',
        '400',
        '--time-limit',
        '30',
        '--out',
        out,
      ]);
      expect(result.code, result.stdout).toBe(0);
      expect((await readExploreReport(out)).verdict).toBe('no-violation');
    });
  });

  it('IDs per identity, the other identity holding 60 tokens before: exit 0, and all 60 survive unchanged', {
    timeout: 120_000,
  }, async () => {
    await withReference({ idStyle: 'per-identity' }, async (server) => {
      const before: string[] = [];
      for (let i = 1; i <= 60; i++) before.push((await createToken(server.url, otherToken, `kept-${i}`)).id);
      const out = await tempDir();
      const result = await runCli(['explore', ...targetArgs(server.url), '--budget', '800', '--out', out]);
      expect(result.code, result.stdout).toBe(0);
      expect((await listIds(server.url, otherToken)).sort()).toEqual(before.sort());
      expect(await listIds(server.url, ownerToken)).toEqual([]);
    });
  });
});

describe('explore: bad input, unreachable targets, interruption, recording', () => {
  it.each([
    [['--budget', '0'], /--budget must be a whole number of 1 or more, not 0/],
    [['--concurrency', '100'], /--concurrency must be a whole number from 1 to 64/],
    [['--time-limit', '0'], /--time-limit must be a number of seconds above 0/],
    [['--reporter', 'junit'], /unknown reporter "junit" for explore; valid names: console, json, html/],
    [['--target', 'http://127.0.0.1:9'], /--target needs --token/],
    [['--token', 'x'], /--token and --other-token go with --target/],
  ])('%j: exit 2 with one line', async (args, message) => {
    const result = await runCli(['explore', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('options come from PAT_CONFORMANCE_* and --config too; a variable of another command is ignored', async () => {
    const fromEnvironment = await runCli(['explore'], { env: { PAT_CONFORMANCE_BUDGET: '0' } });
    expect(fromEnvironment.code).toBe(2);
    expect(fromEnvironment.stderr).toMatch(/--budget must be a whole number of 1 or more, not 0/);
    const out = await tempDir();
    const config = join(out, 'options.json');
    await writeFile(config, JSON.stringify({ budget: 40, seed: 7 }));
    const configured = await runCli(['explore', '--config', config, '--out', out], { env: { PAT_CONFORMANCE_BURST: '5' } });
    expect(configured.code, configured.stderr).toBe(0);
    expect(await readExploreReport(out)).toMatchObject({ seed: 7, options: { budget: 40 } });
  });

  it('empty PAT_CONFORMANCE_TARGET and _TOKEN (as a CI step sets them) mean not given: the embedded reference', async () => {
    const out = await tempDir();
    const result = await runCli(['explore', '--budget', '40', '--out', out], {
      env: { PAT_CONFORMANCE_TARGET: '', PAT_CONFORMANCE_TOKEN: '', PAT_CONFORMANCE_OTHER_TOKEN: '' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect((await readExploreReport(out)).target.embedded).toBe(true);
  });

  it.each(['0/2', '3/2', 'x', '1/0'])('--shard %s: exit 2 with one line', async (shard) => {
    const result = await runCli(['explore', '--shard', shard]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^pat-conformance: --shard must be i\/n with 1 <= i <= n <= 1000/);
  });

  it('--shard i/n: each shard explores with a seed of its own, derived from --seed and printed; shard 1 keeps the seed', async () => {
    const seeds: number[] = [];
    for (const shard of ['1/3', '2/3', '3/3', '2/3']) {
      const out = await tempDir();
      const result = await runCli(['explore', '--seed', '42', '--shard', shard, '--budget', '30', '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      const report = await readExploreReport(out);
      expect(report.options.shard).toEqual({ index: Number(shard[0]), count: 3, seed: 42 });
      expect(result.stdout).toContain(`seed ${report.seed}, shard ${shard} of seed 42 (again: --seed ${report.seed})`);
      seeds.push(report.seed);
    }
    expect(seeds[0]).toBe(42);
    expect(new Set(seeds.slice(0, 3)).size).toBe(3);
    // The same shard of the same seed: the same programs again.
    expect(seeds[3]).toBe(seeds[1]);
  });

  it('an unreachable target: exit 3, one line', async () => {
    const result = await runCli(['explore', '--target', 'http://127.0.0.1:9', '--token', 'a-token-0123456789', '--timeout', '1000']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^pat-conformance: pre-flight: cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('SIGINT: stops, deletes every token it created, exit 130', { timeout: 120_000 }, async () => {
    // Throttled so that the exploration is still running when the signal comes.
    await withReference({ rate: 20, burst: 10 }, async (server) => {
      const out = await tempDir();
      const result = await runCli(['explore', ...targetArgs(server.url), '--out', out], {
        onSpawn: (child) => {
          child.stdout!.once('data', () => setTimeout(() => child.kill('SIGINT'), 1500));
        },
      });
      expect(result.code).toBe(130);
      const report = await readExploreReport(out);
      expect(report).toMatchObject({ verdict: 'incomplete', stopped: 'interrupted', exitCode: 130 });
      expect(report.requests).toBeGreaterThan(0);
      expect(await listIds(server.url, ownerToken)).toEqual([]);
      expect(await listIds(server.url, otherToken)).toEqual([]);
    });
  });

  it('--record: one segment per program, bearers and secrets redacted, and `check` judges the recording', {
    timeout: 120_000,
  }, async () => {
    await withReference({}, async (server) => {
      const out = await tempDir();
      const dir = join(out, 'rec');
      const result = await runCli(['explore', ...targetArgs(server.url), '--budget', '150', '--out', out, '--record', dir]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stderr).toMatch(/recorded \d+ exchanges in \d+ segments to /);
      const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { kind: string; segments: Array<{ name: string }> };
      expect(meta.kind).toBe('explore');
      expect(meta.segments[0]!.name).toBe('preflight');
      expect(meta.segments.some((s) => s.name.startsWith('program '))).toBe(true);
      const files = await readdir(dir, { recursive: true });
      const texts = await Promise.all(
        files.filter((f) => f.endsWith('.har') || f.endsWith('.json')).map((f) => readFile(join(dir, f), 'utf8')),
      );
      expect(texts.join('')).toContain('<token-secret>');
      expectNoBearer(...texts);
      const check = await runCli(['check', dir, '--out', join(out, 'check')]);
      expect(check.code, check.stdout).toBe(0);
    });
  });
});
