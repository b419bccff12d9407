// The one timer that bounds every request a Transport has in flight (src/transport/deadlines.ts):
// which requests expire and in what order, on a fake clock (no timing is measured here).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, Expiring } from '../src/transport/deadlines.js';

class Request extends Expiring {
  constructor(
    readonly name: string,
    private readonly expired: string[],
  ) {
    super();
  }

  override expire(): void {
    this.expired.push(this.name);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Deadlines', () => {
  it('expires what is still in flight at its deadline, oldest first, and nothing that left before', () => {
    const expired: string[] = [];
    const deadlines = new Deadlines(1000);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => new Request(name, expired));
    deadlines.add(a!);
    vi.advanceTimersByTime(100);
    deadlines.add(b!);
    vi.advanceTimersByTime(100);
    deadlines.add(c!);
    deadlines.delete(b!);
    vi.advanceTimersByTime(799);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a']);
    // b left in time; c is due 1000 after it started, not when the timer first fired.
    vi.advanceTimersByTime(199);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'c']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after the oldest leaves, the timer still fires for the next one at its own deadline', () => {
    const expired: string[] = [];
    const deadlines = new Deadlines(500);
    const first = new Request('first', expired);
    const second = new Request('second', expired);
    deadlines.add(first);
    vi.advanceTimersByTime(300);
    deadlines.add(second);
    deadlines.delete(first);
    vi.advanceTimersByTime(200);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(299);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['second']);
  });

  it('expires each request once, and one deleted twice or after it expired changes nothing', () => {
    const expired: string[] = [];
    const deadlines = new Deadlines(10);
    const once = new Request('once', expired);
    const other = new Request('other', expired);
    deadlines.add(once);
    deadlines.add(other);
    deadlines.delete(other);
    deadlines.delete(other);
    vi.advanceTimersByTime(50);
    deadlines.delete(once);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(['once']);
    // The table is usable again after it emptied.
    deadlines.add(other);
    vi.advanceTimersByTime(10);
    expect(expired).toEqual(['once', 'other']);
  });

  it('a timeout longer than a timer can wait is still kept: nothing expires before it', () => {
    const expired: string[] = [];
    const longest = 2_147_483_647;
    const deadlines = new Deadlines(longest * 2);
    deadlines.add(new Request('long', expired));
    vi.advanceTimersByTime(longest);
    vi.advanceTimersByTime(longest - 1);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(expired).toEqual(['long']);
  });
});
