// The exploration's options, checked: the defaults and the bounds of `explore` and of the
// programmatic exploreConformance() alike. Light on purpose (no explorer, no fast-check): the
// command's --help shows the defaults without loading the explorer.
import { derivedSeed } from '../random.js';
import { UsageError } from '../exit-codes.js';

export const exploreDefaults = { budget: 3000, concurrency: 8, timeLimitSeconds: 60, timeoutMs: 10_000, outDir: 'reports' } as const;

/** What a caller may give: the command's flags, or the API's options. */
export interface ExploreOptionValues {
  target?: string;
  token?: string;
  otherToken?: string;
  seed?: number;
  budget?: number;
  concurrency?: number;
  /** Seconds. */
  timeLimit?: number;
  /** Milliseconds one request may take. */
  timeout?: number;
  /** "i/n": this machine's share of a CI matrix (1-based, as vitest and Playwright count). */
  shard?: string;
}

/** One of n shards: each explores programs of a seed of its own, derived from the given seed. */
export interface Shard {
  index: number;
  count: number;
}

/** The bounds of one exploration, checked. */
export interface ExploreLimits {
  budget: number;
  concurrency: number;
  /** Seconds. */
  timeLimit: number;
  /** Milliseconds. */
  timeout: number;
  shard?: Shard;
}

/**
 * The seed a shard explores with: the given seed for no shard (or shard 1/1), else a mix of the
 * seed and the shard's index, so that the shards of one seed generate different programs and
 * each shard's are the same every time. The report and the console print this seed: `--seed`
 * with it alone runs that shard's programs again.
 */
export function shardSeed(seed: number, shard: Shard | undefined): number {
  if (!shard || shard.index === 1) return seed;
  return derivedSeed(seed, shard.index) | 0;
}

function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > 1000 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n <= 1000 (e.g. 2/4), not ${text}`);
  }
  return { index, count };
}

/** Checks the options (a UsageError naming the flag otherwise) and fills in the defaults. */
export function resolveExploreLimits(options: ExploreOptionValues): ExploreLimits {
  const budget = options.budget ?? exploreDefaults.budget;
  const concurrency = options.concurrency ?? exploreDefaults.concurrency;
  const timeLimit = options.timeLimit ?? exploreDefaults.timeLimitSeconds;
  const timeout = options.timeout ?? exploreDefaults.timeoutMs;
  const positiveInteger = (flag: string, value: number, max?: number): void => {
    if (!Number.isInteger(value) || value < 1 || (max !== undefined && value > max)) {
      throw new UsageError(`${flag} must be a whole number ${max === undefined ? 'of 1 or more' : `from 1 to ${max}`}, not ${value}`);
    }
  };
  positiveInteger('--budget', budget);
  positiveInteger('--concurrency', concurrency, 64);
  positiveInteger('--timeout', timeout);
  if (!(timeLimit > 0)) throw new UsageError(`--time-limit must be a number of seconds above 0, not ${timeLimit}`);
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new UsageError(`--seed must be a whole number, not ${options.seed}`);
  if (options.target !== undefined && !options.token)
    throw new UsageError('--target needs --token (the bearer token of the first identity)');
  if (options.target === undefined && (options.token || options.otherToken))
    throw new UsageError('--token and --other-token go with --target (without it the embedded reference has identities of its own)');
  if (options.target !== undefined) {
    let url: URL;
    try {
      url = new URL(options.target);
    } catch {
      throw new UsageError(`--target is not a URL: ${options.target}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--target must be an http or https URL, not ${url.protocol}`);
  }
  if (options.token && options.token === options.otherToken)
    throw new UsageError('--token and --other-token are the same; the second identity needs a token of its own');
  const shard = parseShard(options.shard);
  return { budget, concurrency, timeLimit, timeout, ...(shard ? { shard } : {}) };
}
