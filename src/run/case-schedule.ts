// How the cases of a run share the target (`--parallel N`): in the order of the suite, at most N
// at once. Each case belongs to a group; cases of one group run beside each other, never beside
// another group's. Ordinary cases form one group; a scenario that must keep the target from
// other scenarios is a group of its own; a case that must run alone is a group of one. A case
// starts only after every case before it has started, so recording segments are numbered in
// case order whatever N is, and results are handed on in case order as each becomes the next one
// due: the console reads like a serial run.

export interface ScheduledCase<T> {
  /** Cases of the same group may run at once. */
  group: string;
  /** Nothing else runs while it does. */
  alone: boolean;
  /** Runs the case; undefined: it ended after the run was interrupted and has no result. */
  run(): Promise<T | undefined>;
}

export async function runScheduled<T>(
  cases: ReadonlyArray<ScheduledCase<T>>,
  parallel: number,
  stopped: () => boolean,
  onResult: (result: T) => void,
): Promise<void> {
  const running = new Map<Promise<void>, ScheduledCase<T>>();
  const finished = new Map<number, T | undefined>();
  let due = 0;
  let failure: { error: unknown } | undefined;
  const handOn = (): void => {
    while (finished.has(due)) {
      const result = finished.get(due);
      finished.delete(due);
      due++;
      if (result !== undefined) onResult(result);
    }
  };
  const mayStart = (next: ScheduledCase<T>): boolean => {
    if (running.size === 0) return true;
    if (next.alone || running.size >= parallel) return false;
    for (const other of running.values()) if (other.alone || other.group !== next.group) return false;
    return true;
  };
  for (const [index, scheduled] of cases.entries()) {
    while (!mayStart(scheduled)) await Promise.race(running.keys());
    if (stopped() || failure) break;
    const started: Promise<void> = scheduled
      .run()
      .then(
        (result) => {
          finished.set(index, result);
          handOn();
        },
        (error: unknown) => {
          // A fault of the runner: start nothing more, let the others finish, then raise it.
          failure ??= { error };
        },
      )
      .finally(() => running.delete(started));
    running.set(started, scheduled);
  }
  await Promise.all(running.keys());
  if (failure) throw failure.error;
}
