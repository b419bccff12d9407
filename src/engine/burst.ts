// Sends `count` requests with at most `concurrency` in flight: the throttle burst's driver.
// Workers pull the next index as soon as they are free, so the target sees a steady wall of
// requests rather than waves.
import { inOwnTime } from './clock.js';

export async function runBurst<T>(count: number, concurrency: number, send: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await send(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => inOwnTime(worker)));
  return results;
}
