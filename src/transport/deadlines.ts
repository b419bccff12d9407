// The total-time bound of the requests a Transport has in flight, kept by one timer for all of
// them rather than a timer per request. Every request of a Transport has the same timeout, so
// the order they started in is the order of their deadlines: a list, oldest first, and a timer
// that only ever waits for the oldest one. A request that ends unlinks itself (a few pointer
// writes); the timer is moved only when it fires, so a burst of short requests costs no timer
// work per request. (A setTimeout, unref and clearTimeout per request were a measurable part of
// what Transport cost the burst driver over undici itself, see bench/README.md; a Map or Set of
// requests in flight cost more still: every new key needs a hash.)
// performance is Node's global (the one fake timers replace in tests).

/** Something in flight that its deadline can end. The fields are the table's. */
export abstract class Expiring {
  /** performance.now() milliseconds. */
  deadline = 0;
  previous: Expiring | undefined = undefined;
  next: Expiring | undefined = undefined;
  listed = false;

  /** Its time is up: called once, unless it left the table before. */
  abstract expire(): void;
}

/** The longest delay setTimeout keeps (2^31 - 1 ms, about 24.8 days). */
const maxTimerDelayMs = 2_147_483_647;

export class Deadlines {
  private oldest: Expiring | undefined = undefined;
  private newest: Expiring | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(readonly timeoutMs: number) {}

  /** From now, `item` has `timeoutMs` to leave. */
  add(item: Expiring): void {
    item.deadline = performance.now() + this.timeoutMs;
    item.listed = true;
    item.previous = this.newest;
    item.next = undefined;
    if (this.newest) this.newest.next = item;
    else this.oldest = item;
    this.newest = item;
    if (this.timer === undefined) this.arm(this.timeoutMs);
  }

  /** `item` ended in time (or expired): its deadline no longer counts. */
  delete(item: Expiring): void {
    if (!item.listed) return;
    item.listed = false;
    const { previous, next } = item;
    if (previous) previous.next = next;
    else this.oldest = next;
    if (next) next.previous = previous;
    else this.newest = previous;
    item.previous = undefined;
    item.next = undefined;
  }

  private arm(ms: number): void {
    // Whole milliseconds, rounded up: the timer may fire a little late, never before a deadline.
    // Node fires a longer delay than its maximum after 1 ms; capped, it fires early, finds the
    // oldest not yet due and waits again.
    this.timer = setTimeout(() => this.fire(), Math.min(Math.ceil(ms), maxTimerDelayMs));
    // In flight, a request's socket keeps the process alive; the timer alone must not.
    this.timer.unref();
  }

  private fire(): void {
    const now = performance.now();
    for (let item = this.oldest; item !== undefined && item.deadline <= now; item = this.oldest) {
      this.delete(item);
      item.expire();
    }
    // The oldest not yet due, if any: the next wake-up is its deadline.
    this.timer = undefined;
    if (this.oldest) this.arm(this.oldest.deadline - now);
  }
}
