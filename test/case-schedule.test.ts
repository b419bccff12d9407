// The schedule of a parallel run (src/run/case-schedule.ts), driven by hand: each case is a
// promise the test settles, so which cases run at once is observed, never timed.
import { describe, expect, it } from 'vitest';
import { runScheduled, type ScheduledCase } from '../src/run/case-schedule.js';

interface Handle {
  name: string;
  finish(result?: string): void;
  fail(error: Error): void;
}

/** Cases that start when the schedule says and end when the test says. */
function harness(specs: Array<{ name: string; group?: string; alone?: boolean }>) {
  const running = new Set<string>();
  const started: string[] = [];
  const handles = new Map<string, Handle>();
  const overlaps: string[][] = [];
  const cases: ScheduledCase<string>[] = specs.map((spec) => ({
    group: spec.group ?? 'shared',
    alone: spec.alone ?? false,
    run: () =>
      new Promise<string | undefined>((resolve, reject) => {
        running.add(spec.name);
        started.push(spec.name);
        overlaps.push([...running]);
        handles.set(spec.name, {
          name: spec.name,
          finish: (result = spec.name) => {
            running.delete(spec.name);
            resolve(result === '-' ? undefined : result);
          },
          fail: (error) => {
            running.delete(spec.name);
            reject(error);
          },
        });
      }),
  }));
  return { cases, running, started, handles, overlaps };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runScheduled', () => {
  it('runs at most N at once, starts in order, and hands results on in order', async () => {
    const h = harness(['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })));
    const results: string[] = [];
    const done = runScheduled(
      h.cases,
      2,
      () => false,
      (r) => results.push(r),
    );
    await tick();
    expect([...h.running]).toEqual(['a', 'b']);
    h.handles.get('b')!.finish();
    await tick();
    // b is done, but a is due first: nothing is handed on yet; c took b's place.
    expect(results).toEqual([]);
    expect([...h.running].sort()).toEqual(['a', 'c']);
    h.handles.get('a')!.finish();
    await tick();
    expect(results).toEqual(['a', 'b']);
    for (const name of ['c', 'd', 'e']) {
      await tick();
      h.handles.get(name)!.finish();
    }
    await done;
    expect(results).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(h.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Math.max(...h.overlaps.map((o) => o.length))).toBe(2);
  });

  it('a case that runs alone waits for the others to end, and nothing starts beside it', async () => {
    const h = harness([{ name: 'a' }, { name: 'b' }, { name: 'race', alone: true }, { name: 'c' }]);
    const results: string[] = [];
    const done = runScheduled(
      h.cases,
      4,
      () => false,
      (r) => results.push(r),
    );
    await tick();
    expect([...h.running]).toEqual(['a', 'b']);
    h.handles.get('a')!.finish();
    await tick();
    expect([...h.running]).toEqual(['b']);
    h.handles.get('b')!.finish();
    await tick();
    expect([...h.running]).toEqual(['race']);
    h.handles.get('race')!.finish();
    await tick();
    expect([...h.running]).toEqual(['c']);
    h.handles.get('c')!.finish();
    await done;
    expect(results).toEqual(['a', 'b', 'race', 'c']);
  });

  it("a scenario's own group runs its cases beside each other, never beside another group's", async () => {
    const h = harness([{ name: 'a' }, { name: 'm1', group: 'missing-id' }, { name: 'm2', group: 'missing-id' }, { name: 'b' }]);
    const done = runScheduled(
      h.cases,
      4,
      () => false,
      () => {},
    );
    await tick();
    expect([...h.running]).toEqual(['a']);
    h.handles.get('a')!.finish();
    await tick();
    expect([...h.running]).toEqual(['m1', 'm2']);
    h.handles.get('m1')!.finish();
    await tick();
    expect([...h.running]).toEqual(['m2']);
    h.handles.get('m2')!.finish();
    await tick();
    expect([...h.running]).toEqual(['b']);
    h.handles.get('b')!.finish();
    await done;
  });

  it('with N = 1 it is a serial run', async () => {
    const h = harness(['a', 'b', 'c'].map((name) => ({ name })));
    const done = runScheduled(
      h.cases,
      1,
      () => false,
      () => {},
    );
    for (const name of ['a', 'b', 'c']) {
      await tick();
      expect([...h.running]).toEqual([name]);
      h.handles.get(name)!.finish();
    }
    await done;
    expect(Math.max(...h.overlaps.map((o) => o.length))).toBe(1);
  });

  it('once stopped, starts nothing more; cases in flight finish; results after the stop are dropped', async () => {
    let stopped = false;
    const h = harness(['a', 'b', 'c'].map((name) => ({ name })));
    const results: string[] = [];
    const done = runScheduled(
      h.cases,
      2,
      () => stopped,
      (r) => results.push(r),
    );
    await tick();
    stopped = true;
    // a had its answer before the interruption; b ends after it, and the runner hands back no result.
    h.handles.get('a')!.finish();
    await tick();
    h.handles.get('b')!.finish('-');
    await done;
    expect(results).toEqual(['a']);
    expect(h.started).toEqual(['a', 'b']);
  });

  it('a fault of the runner starts nothing more, lets the others finish, then is raised', async () => {
    const h = harness(['a', 'b', 'c'].map((name) => ({ name })));
    const done = runScheduled(
      h.cases,
      2,
      () => false,
      () => {},
    );
    await tick();
    h.handles.get('a')!.fail(new Error('bug'));
    await tick();
    expect([...h.running]).toEqual(['b']);
    h.handles.get('b')!.finish();
    await expect(done).rejects.toThrow('bug');
    expect(h.started).toEqual(['a', 'b']);
  });
});
