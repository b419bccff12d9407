// mapConcurrently (src/concurrency.ts): behind the throttle burst, setup, cleanup and the
// recording's last scan. Calls are released by hand, so the bound is checked, not timed.
import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../src/concurrency.js';

describe('mapConcurrently', () => {
  it('keeps at most `limit` calls in flight, starts the next as one ends, and returns results by index', async () => {
    const release: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const done = mapConcurrently(7, 3, async (i) => {
      started.push(i);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => release.push(r));
      inFlight--;
      return `r${i}`;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    // End them out of order: each ending lets exactly one more start.
    release[1]!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2, 3]);
    while (started.length < 7 || release.length > 0) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await done).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(most).toBe(3);
  });

  it('runs each worker through runWorker, no more workers than calls, and nothing for a count of 0', async () => {
    let workers = 0;
    const runWorker = (worker: () => Promise<void>) => {
      workers++;
      return worker();
    };
    expect(await mapConcurrently(2, 8, async (i) => i * 10, runWorker)).toEqual([0, 10]);
    expect(workers).toBe(2);
    expect(await mapConcurrently(0, 4, async () => 1, runWorker)).toEqual([]);
    expect(workers).toBe(2);
  });
});
