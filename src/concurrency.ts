// `count` calls with at most `limit` in flight: workers pull the next index as soon as they are
// free, so there is a steady stream of calls rather than waves. The throttle burst, setup and
// cleanup (src/engine/burst.ts) and the recording's last scan (src/recording/recording-commit.ts)
// all need exactly this.

/** How each worker is run: the engine runs each in its own virtual time (src/engine/clock.ts). */
export type WorkerRunner = (worker: () => Promise<void>) => Promise<void>;

/** The results of `map(0)` ... `map(count - 1)`, in the order of their indexes. */
export async function mapConcurrently<T>(
  count: number,
  limit: number,
  map: (index: number) => Promise<T>,
  runWorker: WorkerRunner = (worker) => worker(),
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await map(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, () => runWorker(worker)));
  return results;
}
