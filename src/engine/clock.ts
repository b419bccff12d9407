// The run's one clock. A replayed run (src/record) does not really wait: inside
// `withVirtualClock`, `sleep` only advances `now()` by the time it would have slept. Scoped to
// that async context, not global. Everything that waits or measures a wait in the engine uses
// this clock; timestamps of exchanges and reports are wall-clock time.
import { AsyncLocalStorage } from 'node:async_hooks';
import { InterruptedError } from './step-error.js';

const virtualClock = new AsyncLocalStorage<{ skippedMs: number }>();

export function withVirtualClock<T>(run: () => Promise<T>): Promise<T> {
  return virtualClock.run({ skippedMs: 0 }, run);
}

/**
 * Work that runs beside other work (a case of a parallel run, a worker of a burst) keeps its own
 * virtual time: two waits of 10 s side by side take 10 s, not 20, in a replay as they did live.
 */
export function inOwnTime<T>(run: () => Promise<T>): Promise<T> {
  const shared = virtualClock.getStore();
  return shared ? virtualClock.run({ skippedMs: shared.skippedMs }, run) : run();
}

/** Date.now(), plus the waits a virtual clock skipped. */
export function now(): number {
  return Date.now() + (virtualClock.getStore()?.skippedMs ?? 0);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const virtual = virtualClock.getStore();
    if (virtual) {
      virtual.skippedMs += ms;
      return resolve();
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
