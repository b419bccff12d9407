// Command-line options become one resolved, validated run configuration. Nothing after this
// point reads argv or the environment. It sits beside src/run/, not in it, because src/recording/
// reads it too: the runner runs by it, and a recording keeps it so that a replay can run the
// same way.
import { UsageError } from './exit-codes.js';
import { freshSeed } from './random.js';
import { runDefaults } from './run-defaults.js';
import { resolveReporterNames, type ReporterName } from './reporters/index.js';
import { scenarios } from '../suites/index.js';
import { redactedValue } from './secrets/placeholders.js';

export interface RunOptions {
  target?: string;
  token?: string;
  otherToken?: string;
  scenario?: string[];
  strict?: boolean;
  expectThrottle?: boolean;
  concurrency?: number;
  parallel?: number;
  burst?: number;
  burstConcurrency?: number;
  timeout?: number;
  throttleBudget?: number;
  seed?: number;
  reporter?: string[];
  out?: string;
  quiet?: boolean;
  /** Record every exchange into this directory (src/record). */
  record?: string;
  /** Answer every request from this recording instead of a target (src/record). */
  replay?: string;
  /** Extra header names / JSON member names redacted in a recording. */
  redactHeader?: string[];
  redactField?: string[];
}

export interface RunConfig {
  /** undefined: start the embedded reference implementation. */
  target: string | undefined;
  token: string | undefined;
  otherToken: string | undefined;
  /** Scenario names in run order. */
  scenarios: string[];
  strict: boolean;
  expectThrottle: boolean;
  concurrency: number;
  /** Cases in flight at once (exclusive cases always run alone). */
  parallel: number;
  burst: number;
  burstConcurrency: number;
  timeoutMs: number;
  throttleBudgetMs: number;
  seed: number;
  reporters: ReporterName[];
  outDir: string;
  quiet: boolean;
  /** --record DIR / --replay DIR (at most one). */
  record: string | undefined;
  replay: string | undefined;
  redactHeaders: string[];
  redactFields: string[];
}

export { runDefaults } from './run-defaults.js';

function positiveInteger(value: number | undefined, flag: string, fallback: number, max: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${Number.isNaN(value) ? 'not a number' : value})`);
  }
  return value;
}

function parseTarget(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--target must be an http:// or https:// URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--target must be an http:// or https:// URL (got "${value}")`);
  }
  if (url.username || url.password) throw new UsageError('--target must not carry credentials; use --token');
  if (url.search || url.hash) throw new UsageError('--target must be a base URL without ?query or #fragment');
  return url.toString().replace(/\/+$/, '');
}

export function resolveRunConfig(options: RunOptions): RunConfig {
  if (options.record && options.replay) throw new UsageError('--record and --replay cannot be used together');
  if (options.replay && options.target) throw new UsageError('--replay answers from the recording and reaches no target; drop --target');
  const redactHeaders = (options.redactHeader ?? [])
    .flatMap((h) => String(h).split(','))
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const badHeader = redactHeaders.find((h) => !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(h));
  if (badHeader !== undefined) throw new UsageError(`--redact-header "${badHeader}" is not a header name`);
  const redactFields = (options.redactField ?? [])
    .flatMap((f) => String(f).split(','))
    .map((f) => f.trim())
    .filter(Boolean);
  const target = parseTarget(options.target);
  const token = options.token || undefined;
  const otherToken = options.otherToken || undefined;
  if (target && !token) {
    throw new UsageError('--token is required with --target (or set PAT_CONFORMANCE_TOKEN)');
  }
  if (!target && (token || otherToken)) {
    throw new UsageError('--token and --other-token need --target; without one the embedded reference makes its own identities');
  }
  if (token && otherToken && token === otherToken) {
    throw new UsageError('--other-token must be a different identity from --token');
  }

  const known = scenarios.map((s) => s.name);
  const asked = (options.scenario ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = asked.filter((s) => !known.includes(s));
  if (unknown.length > 0) {
    throw new UsageError(`unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}; valid names: ${known.join(', ')}`);
  }
  const selected = asked.length === 0 ? known : known.filter((s) => asked.includes(s));

  const reporters = resolveReporterNames(options.reporter, options.quiet ?? false);

  const seed = options.seed ?? freshSeed();
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new UsageError(`--seed must be a whole number from 0 to ${2 ** 32 - 1}`);

  return {
    target,
    token,
    otherToken,
    scenarios: selected,
    strict: options.strict ?? false,
    expectThrottle: options.expectThrottle ?? false,
    // A race needs two racers to prove anything.
    concurrency: positiveInteger(options.concurrency, '--concurrency', runDefaults.concurrency, 1000, 2),
    parallel: positiveInteger(options.parallel, '--parallel', runDefaults.parallel, 64),
    burst: positiveInteger(options.burst, '--burst', runDefaults.burst, 100_000),
    burstConcurrency: positiveInteger(options.burstConcurrency, '--burst-concurrency', runDefaults.burstConcurrency, 1000),
    timeoutMs: positiveInteger(options.timeout, '--timeout', runDefaults.timeoutMs, 600_000),
    throttleBudgetMs: positiveInteger(options.throttleBudget, '--throttle-budget', runDefaults.throttleBudgetMs, 3_600_000),
    seed,
    reporters,
    outDir: options.out || runDefaults.outDir,
    quiet: options.quiet ?? false,
    record: options.record || undefined,
    replay: options.replay || undefined,
    redactHeaders,
    redactFields,
  };
}

/** The configuration as reports show it: never a token. */
export function publicOptions(config: RunConfig): Record<string, unknown> {
  const { token, otherToken, ...rest } = config;
  return { ...rest, token: token ? redactedValue : undefined, otherToken: otherToken ? redactedValue : undefined };
}
