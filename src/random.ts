// A seeded pseudo-random source. Everything the runner invents (token names, unknown IDs,
// backoff jitter) comes from here, so that a run is reproducible from its seed; a recording
// stores the seed so that replay sends the same requests.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet?: string): string;
  /** A UUID-shaped string (version 4 layout) made from this source. */
  uuid(): string;
}

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789';

// mulberry32: tiny, fast and good enough for test data (not for secrets).
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const string = (length: number, alphabet = lowerAlnum): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[int(alphabet.length)];
    return out;
  };
  const uuid = (): string => {
    const hex = string(32, '0123456789abcdef');
    const variant = '89ab'[int(4)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return { next, int, string, uuid };
}

/** A seed for runs that were not given one: printed in the report so the run can be repeated. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

/** The seed of the n-th part of a run (a case), drawn from the run's seed: parts do not share one stream. */
export function derivedSeed(seed: number, part: number): number {
  return Math.imul(seed ^ Math.imul(part, 0x9e3779b1), 0x85ebca6b) >>> 0;
}
