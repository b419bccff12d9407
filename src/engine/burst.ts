// Sends `count` requests with at most `concurrency` in flight: the throttle burst's driver (and
// setup's creates, cleanup's deletes). Each worker keeps its own virtual time in a replay, so
// waits made side by side are not added up.
import { mapConcurrently } from '../concurrency.js';
import { inOwnTime } from './clock.js';

export function runBurst<T>(count: number, concurrency: number, send: (index: number) => Promise<T>): Promise<T[]> {
  return mapConcurrently(count, concurrency, send, inOwnTime);
}
