// `run` options that shape the throttle burst and the judgement of it, and what `run --replay`
// refuses, through the real CLI against real loopback servers:
//   --expect-throttle       "the burst is throttled at least once" becomes a must;
//   --burst / --burst-concurrency   how many requests the burst sends, and how many at once
//                           (counted by a server in front of the reference that holds them);
//   run --replay DIR        an option that would change the recorded requests is a usage error
//                           naming it; the recorded value itself is accepted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseResult, CheckResult } from '../src/verdict.js';
import { readReport, runCli, targetArgs, tempDirs, withReference, ownerToken, otherToken } from './helpers/cli.js';
import { startForwarder, type Forwarder } from './helpers/untested-targets.js';

const tempDir = tempDirs();
const users = [ownerToken, otherToken];
const burstCase = (cases: CaseResult[]): CaseResult => {
  const found = cases.find((c) => c.scenario === 'throttle-burst' && c.case === 'burst of lists and deletes');
  if (!found) throw new Error(`no throttle-burst case in ${cases.map((c) => c.scenario).join(', ')}`);
  return found;
};
const sawThrottle = (c: CaseResult): CheckResult => {
  const found = c.checks.find((k) => k.rule === 'the burst is throttled at least once (--expect-throttle)');
  if (!found) throw new Error(`no "throttled at least once" check in ${c.checks.map((k) => k.rule).join('; ')}`);
  return found;
};

describe('run --expect-throttle', () => {
  it('against a target that never throttles: the "at least one 429" check is a must that fails, exit 1', async () => {
    const out = await tempDir();
    const result = await withReference({ users, rate: 0 }, (server) =>
      runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'throttle-burst',
        '--burst',
        '20',
        '--expect-throttle',
        '--out',
        out,
        '--reporter',
        'json',
      ]),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/must the burst is throttled at least once \(--expect-throttle\)/);
    const report = await readReport(out);
    expect(report.options.expectThrottle).toBe(true);
    expect(report.verdict).toBe('non-conformant');
    const c = burstCase(report.cases);
    expect(c.status).toBe('failed');
    expect(sawThrottle(c)).toMatchObject({ level: 'must', passed: false, message: 'none of 20 requests at concurrency 50 was throttled' });
    // Nothing else failed: the flag alone turned the run non-conformant.
    expect(c.checks.filter((k) => !k.passed)).toHaveLength(1);
  });

  it('the same run without the flag: the check is a should-level warning, exit 0', async () => {
    const out = await tempDir();
    const result = await withReference({ users, rate: 0 }, (server) =>
      runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'throttle-burst',
        '--burst',
        '20',
        '--out',
        out,
        '--reporter',
        'json',
        '--quiet',
      ]),
    );
    expect(result.code).toBe(0);
    const report = await readReport(out);
    expect(report.options.expectThrottle).toBe(false);
    expect(report.verdict).toBe('conformant');
    const c = burstCase(report.cases);
    expect(c.status).toBe('warned');
    expect(sawThrottle(c)).toMatchObject({ level: 'should', passed: false });
    expect(report.summary).toMatchObject({ warned: 1, failed: 0 });
  });

  it('... and with --strict the warning fails the run (the level really is should)', async () => {
    const out = await tempDir();
    const result = await withReference({ users, rate: 0 }, (server) =>
      runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'throttle-burst',
        '--burst',
        '20',
        '--strict',
        '--out',
        out,
        '--reporter',
        'json',
        '--quiet',
      ]),
    );
    expect(result.code).toBe(1);
    expect(sawThrottle(burstCase((await readReport(out)).cases))).toMatchObject({ level: 'should', passed: false });
  });

  it('against a target that throttles: the must passes, exit 0', async () => {
    const out = await tempDir();
    // A bucket of 15 refilled at 5/s: a burst of 40 requests could only pass unthrottled if it
    // took several seconds, and it is sent 50 at a time.
    const result = await withReference({ users, rate: 5, burst: 15 }, (server) =>
      runCli([
        'run',
        ...targetArgs(server.url),
        '--scenario',
        'throttle-burst',
        '--burst',
        '40',
        '--expect-throttle',
        '--out',
        out,
        '--reporter',
        'json',
        '--quiet',
      ]),
    );
    const report = await readReport(out);
    const c = burstCase(report.cases);
    expect(c.checks.filter((k) => !k.passed)).toEqual([]);
    expect(result.code).toBe(0);
    expect(c.status).toBe('passed');
    const check = sawThrottle(c);
    expect(check).toMatchObject({ level: 'must', passed: true });
    expect(check.message).toMatch(/^\d+ of 40 requests were throttled$/);
    expect(c.timeline!.some((t) => t.outcome === '429')).toBe(true);
  });
});

/**
 * A server in front of the reference that holds the throttle burst's requests. Once the
 * scenario's creates are done, every burst request is held until `width` of them wait (or the
 * last of the `burst` requests arrived), so the client must really keep `width` in flight. A full
 * wave waits a little more before it is released, so that a client sending more than `width` at
 * once gets its extra requests counted (not a measurement: a client that keeps to its limit sends
 * nothing until answered). The forwarder counts requests in flight (arrived, answer not yet
 * written); outside the burst the run sends one request at a time.
 */
async function burstHolder(
  targetUrl: string,
  burst: number,
  width: number,
): Promise<Forwarder & { burstSeen(): number; waves(): number[] }> {
  const creates = Math.max(1, Math.min(20, Math.floor(burst / 10)));
  let createsSeen = 0;
  let burstSeen = 0;
  let held: Array<() => void> = [];
  let releasing = false;
  const waves: number[] = [];
  const release = (): void => {
    releasing = false;
    const wave = held;
    if (wave.length === 0) return;
    held = [];
    waves.push(wave.length);
    for (const go of wave) go();
  };
  const forwarder = await startForwarder(targetUrl, {
    hold(seen) {
      if (seen.method === 'PUT') {
        createsSeen++;
        return;
      }
      // After the creates, one full listing (the tokens' state before the burst) and the
      // connection warm-ups (no credentials) go through.
      if (createsSeen < creates || burstSeen >= burst || seen.body === '{"maxResults":10}' || !seen.authorization) return;
      burstSeen++;
      return new Promise<void>((resolve) => {
        held.push(resolve);
        if (burstSeen === burst) release();
        else if (held.length >= width && !releasing) {
          releasing = true;
          setTimeout(release, 150);
        }
      });
    },
  });
  return Object.assign(forwarder, { burstSeen: () => burstSeen, waves: () => [...waves] });
}

/**
 * The requests between the listing taken after the last create (before the burst) and the
 * recovery list that precedes the full listing after the burst.
 */
function burstRequests(forwarder: Forwarder, burst: number): Forwarder['seen'] {
  const lastCreate = forwarder.seen.findLastIndex((r) => r.method === 'PUT');
  const listingBefore = forwarder.seen.findIndex((r, i) => i > lastCreate && r.body === '{"maxResults":10}');
  const fullListing = forwarder.seen.findIndex((r, i) => i > listingBefore && r.body === '{"maxResults":10}');
  expect(lastCreate, 'a create').toBeGreaterThan(0);
  expect(listingBefore, 'a listing before the burst').toBe(lastCreate + 1);
  expect(fullListing, 'a full listing after the burst').toBeGreaterThan(listingBefore + burst);
  expect(forwarder.seen[fullListing - 1]!.body, 'the recovery list').toBe('{"maxResults":1}');
  // The connection warm-ups carry no credentials and are not the burst's.
  return forwarder.seen.slice(listingBefore + 1, fullListing - 1).filter((r) => r.authorization);
}

describe('run --burst N --burst-concurrency M', () => {
  it('sends exactly N burst requests, never more than M in flight (and M really are)', async () => {
    const out = await tempDir();
    const burst = 20;
    const width = 4;
    const { result, holder } = await withReference({ users, rate: 0 }, async (server) => {
      const holder = await burstHolder(server.url, burst, width);
      try {
        const result = await runCli([
          'run',
          ...targetArgs(holder.url),
          '--scenario',
          'throttle-burst',
          '--burst',
          String(burst),
          '--burst-concurrency',
          String(width),
          '--out',
          out,
          '--reporter',
          'json',
          '--quiet',
        ]);
        return { result, holder };
      } finally {
        await holder.close();
      }
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(holder.maxInFlight).toBe(width);
    // Every wave was full: the client refilled to M after each release.
    expect(holder.waves()).toEqual([4, 4, 4, 4, 4]);
    expect(holder.burstSeen()).toBe(burst);
    const report = await readReport(out);
    expect(report.options).toMatchObject({ burst, burstConcurrency: width });
    const c = burstCase(report.cases);
    expect(c.timeline).toHaveLength(burst);
    expect(c.timeline!.every((t) => t.outcome === '200')).toBe(true);
    // Seen from the server: between the scenario's last create and its recovery list (the one
    // before the full listing with maxResults 10) come exactly the burst's requests.
    expect(burstRequests(holder, burst)).toHaveLength(burst);
    expect(burstRequests(holder, burst).filter((r) => r.method === 'DELETE')).toHaveLength(2);
  });

  it('without --burst-concurrency the default (50) puts the whole burst of 20 in flight at once', async () => {
    const out = await tempDir();
    const burst = 20;
    const { result, holder } = await withReference({ users, rate: 0 }, async (server) => {
      // Held until all 20 wait: only a client with 20 or more in flight gets past this.
      const holder = await burstHolder(server.url, burst, burst);
      try {
        const result = await runCli([
          'run',
          ...targetArgs(holder.url),
          '--scenario',
          'throttle-burst',
          '--burst',
          String(burst),
          '--out',
          out,
          '--reporter',
          'json',
          '--quiet',
        ]);
        return { result, holder };
      } finally {
        await holder.close();
      }
    });
    expect(result.code).toBe(0);
    expect(holder.maxInFlight).toBe(burst);
    expect(holder.waves()).toEqual([burst]);
    expect(burstRequests(holder, burst)).toHaveLength(burst);
    const report = await readReport(out);
    expect(report.options).toMatchObject({ burst, burstConcurrency: 50 });
    expect(burstCase(report.cases).timeline).toHaveLength(burst);
  });

  it('--burst alone changes the number of requests (7: one delete, six lists)', async () => {
    const out = await tempDir();
    const burst = 7;
    const { result, holder } = await withReference({ users, rate: 0 }, async (server) => {
      const holder = await burstHolder(server.url, burst, burst);
      try {
        const result = await runCli([
          'run',
          ...targetArgs(holder.url),
          '--scenario',
          'throttle-burst',
          '--burst',
          String(burst),
          '--out',
          out,
          '--reporter',
          'json',
          '--quiet',
        ]);
        return { result, holder };
      } finally {
        await holder.close();
      }
    });
    expect(result.code).toBe(0);
    expect(holder.maxInFlight).toBe(burst);
    expect(burstRequests(holder, burst)).toHaveLength(burst);
    expect(burstRequests(holder, burst).filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(burstCase((await readReport(out)).cases).timeline).toHaveLength(burst);
  });
});

describe('run --replay DIR: options that would change the recorded requests', () => {
  // One recording with every request-shaping option away from its default.
  const recorded = { concurrency: 4, burst: 20, burstConcurrency: 5, timeoutMs: 9000, throttleBudgetMs: 20_000 };
  let made: Promise<string> | undefined;
  const recording = (): Promise<string> =>
    (made ??= (async () => {
      const dir = await tempDir();
      const rec = join(dir, 'rec');
      const result = await withReference({ users, rate: 0 }, (server) =>
        runCli([
          'run',
          ...targetArgs(server.url),
          '--scenario',
          'throttle-burst,concurrent-conflict',
          '--concurrency',
          '4',
          '--burst',
          '20',
          '--burst-concurrency',
          '5',
          '--timeout',
          '9000',
          '--throttle-budget',
          '20000',
          '--seed',
          '4242',
          '--record',
          rec,
          '--out',
          join(dir, 'out'),
          '--quiet',
        ]),
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return rec;
    })());

  async function replay(extra: string[]): Promise<{ code: number | null; stderr: string; out: string }> {
    const out = await tempDir();
    const result = await runCli(['run', '--replay', await recording(), '--out', out, '--reporter', 'json', '--quiet', ...extra]);
    return { code: result.code, stderr: result.stderr, out };
  }

  const refused: Array<[string[], RegExp]> = [
    [
      ['--concurrency', '8'],
      /^pat-conformance: --concurrency cannot change a replay: the recording was made with --concurrency 4 \(see --help\)$/,
    ],
    [['--burst', '30'], /^pat-conformance: --burst cannot change a replay: the recording was made with --burst 20 \(see --help\)$/],
    [
      ['--burst-concurrency', '6'],
      /^pat-conformance: --burst-concurrency cannot change a replay: the recording was made with --burst-concurrency 5 \(see --help\)$/,
    ],
    [
      ['--timeout', '9001'],
      /^pat-conformance: --timeout cannot change a replay: the recording was made with --timeout 9000 \(see --help\)$/,
    ],
    [
      ['--throttle-budget', '1000'],
      /^pat-conformance: --throttle-budget cannot change a replay: the recording was made with --throttle-budget 20000 \(see --help\)$/,
    ],
    [['--seed', '4243'], /^pat-conformance: --seed cannot change a replay: the recording was made with --seed 4242 \(see --help\)$/],
    [
      ['--scenario', 'valid-delete'],
      /^pat-conformance: --scenario cannot change a replay: the recording holds concurrent-conflict, throttle-burst \(see --help\)$/,
    ],
    [
      ['--scenario', 'throttle-burst'],
      /^pat-conformance: --scenario cannot pick part of a replay: every case of the recording is replayed in order \(see --help\)$/,
    ],
  ];
  for (const [args, message] of refused) {
    it(`refuses ${args.join(' ')}: exit 2, one line naming the option, no report`, async () => {
      const result = await replay(args);
      expect(result.code).toBe(2);
      expect(result.stderr.endsWith('\n')).toBe(true);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(message);
      await expect(readReport(result.out)).rejects.toThrow(/ENOENT/);
    });
  }

  it('accepts every option given with its recorded value, and replays with the recorded options', async () => {
    const result = await replay([
      '--concurrency',
      '4',
      '--burst',
      '20',
      '--burst-concurrency',
      '5',
      '--timeout',
      '9000',
      '--throttle-budget',
      '20000',
      '--seed',
      '4242',
      '--scenario',
      'throttle-burst',
      '--scenario',
      'concurrent-conflict',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = await readReport(result.out);
    expect(report.options).toMatchObject({ ...recorded, seed: 4242, scenarios: ['concurrent-conflict', 'throttle-burst'] });
    expect(burstCase(report.cases).timeline).toHaveLength(20);
  });

  it("an option's default typed out is not told from its absence: the recorded value is used (recordings/README.md)", async () => {
    // yargs hands the command every default, so --burst 200 looks like no --burst at all.
    const result = await replay(['--burst', '200', '--concurrency', '16', '--burst-concurrency', '50']);
    expect(result.code).toBe(0);
    const report = await readReport(result.out);
    expect(report.options).toMatchObject({ burst: 20, concurrency: 4, burstConcurrency: 5 });
    expect(burstCase(report.cases).timeline).toHaveLength(20);
  });

  it('without any of them the replay takes the recorded options', async () => {
    const result = await replay([]);
    expect(result.code).toBe(0);
    expect((await readReport(result.out)).options).toMatchObject({ ...recorded, seed: 4242 });
  });
});
