// The exploration's options, checked: the defaults and the bounds of `explore` and of the
// programmatic exploreConformance() alike. Light on purpose (no explorer, no fast-check): the
// command's --help shows the defaults without loading the explorer.
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
}

/** The bounds of one exploration, checked. */
export interface ExploreLimits {
  budget: number;
  concurrency: number;
  /** Seconds. */
  timeLimit: number;
  /** Milliseconds. */
  timeout: number;
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
  return { budget, concurrency, timeLimit, timeout };
}
