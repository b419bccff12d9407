// Per-identity throttling: one token bucket per identity, refilled continuously.
//
// A bucket (rather than a fixed window) lets an idle client send a burst at once and then
// settles at `rate`, which is how real services behave and what the throttle scenario probes.
// Retry-After is computed from the bucket, so a client that honours it is served again.

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  /** Monotonic time (ms) of the last refill. */
  at: number;
}

/** Above this many identities, full buckets are dropped: a full bucket equals no bucket. */
const pruneThreshold = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * @param rate tokens added per second; 0 disables throttling entirely.
   * @param capacity bucket size, the largest burst an idle identity may send.
   * @param now monotonic clock in milliseconds (injectable for tests).
   */
  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key` if there is one; otherwise says how long until there will be. */
  take(key: string): TakeResult {
    if (this.rate <= 0) return { allowed: true };
    const t = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= pruneThreshold) this.prune(t);
      bucket = { tokens: this.capacity, at: t };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + ((t - bucket.at) / 1000) * this.rate);
      bucket.at = t;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // Whole seconds, at least 1: Retry-After has no fractions, and 0 would invite a hot loop.
    const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
    return { allowed: false, retryAfterSeconds: seconds };
  }

  private prune(t: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.rate >= this.capacity) this.buckets.delete(key);
    }
  }
}
