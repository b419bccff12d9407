// A recording's segments taken one at a time, for callers whose traffic comes in turns
// (`explore`'s programs, the tests): one tap for everything, handing each request to the
// segment open now. `run --parallel` opens its segments side by side instead, each with a tap
// of its own.
import type { TrafficTap } from '../transport/transport.js';
import type { WireOutcome, WireRequest } from '../transport/wire.js';

/** One open segment: its own tap (for a transport of its own) and its end. */
export interface Segment {
  tap: TrafficTap;
  /** The segment's requests in flight finish first. */
  end(): Promise<void>;
}

export interface SegmentsInTurn {
  readonly tap: TrafficTap;
  /** Open the next segment; the one before is ended first. */
  beginCase(id: string): Promise<void>;
  /** End the segment open now, if any. */
  endCase(): Promise<void>;
}

/**
 * @param outside what a request sent while no segment is open gets (replay: an error naming it;
 *   recording: sent, and not recorded).
 */
export function segmentsInTurn(
  openSegment: (id: string) => Segment,
  outside: (wire: WireRequest, perform: () => Promise<WireOutcome>) => Promise<WireOutcome>,
): SegmentsInTurn {
  let current: Segment | undefined;
  const endCase = async (): Promise<void> => {
    const segment = current;
    current = undefined;
    await segment?.end();
  };
  return {
    tap: { carry: (wire, perform) => (current ? current.tap.carry(wire, perform) : outside(wire, perform)) },
    async beginCase(id) {
      await endCase();
      current = openSegment(id);
    },
    endCase,
  };
}
