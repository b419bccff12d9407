// exploreConformance(): `pat-conformance explore` as a function. The same option checks, the same
// explorer and the same report (what explore.json holds), with none of the command's side
// effects: no console output and no report files unless asked for, no signal handlers, no exit.
import { join } from 'node:path';
import { UsageError } from '../exit-codes.js';
import { explore } from '../explore/explore.js';
import { type ExploreOptionValues, exploreDefaults, resolveExploreLimits, shardSeed } from '../explore/options.js';
import { type ExploreReport, exploreReportOf } from '../explore/report.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { freshSeed } from '../random.js';
import { renderExploreHtml } from '../reporters/explore-html.js';
import { startEmbeddedTarget } from '../run/embedded-target.js';
import { identityPlaceholder } from '../secrets/placeholders.js';
import { SecretRedactor } from '../secrets/registry.js';
import { interruptionOf } from './run-conformance.js';

export type ExploreReporterName = 'json' | 'html';
const exploreReporterNames: readonly string[] = ['json', 'html'];

export interface ExploreConformanceOptions extends ExploreOptionValues {
  /** Base URL of the implementation under test; absent: the embedded reference on a free loopback port. */
  target?: string;
  /** Bearer token of the first identity (required with `target`). */
  token?: string;
  /** Bearer token of a second identity: interleaved with the first, and wrong-owner deletes. */
  otherToken?: string;
  /** Seed of the generated programs (absent: random; the report's `seed` shows it). */
  seed?: number;
  /** Requests the search may send (default 3000; shrinking and confirming a violation get as many again). */
  budget?: number;
  /** Operations released together at most (1 to 64, default 8). */
  concurrency?: number;
  /** Seconds the search may take (default 60; shrinking and confirming get half as long again). */
  timeLimit?: number;
  /** Milliseconds one request may take (default 10000). */
  timeout?: number;
  /** "i/n": this machine's share of a CI matrix; each shard explores with a seed of its own, derived from `seed`. */
  shard?: string;
  /** Report files to write into `out` (explore.json, explore.html); absent or empty: none. */
  reporters?: readonly ExploreReporterName[];
  /** Directory for report files (default `reports`). */
  out?: string;
  /**
   * Stops the exploration: the tokens it created are deleted, and the report resolves with
   * verdict `incomplete` and exit code 130 (143 when the abort reason is the string 'SIGTERM'),
   * unless a violation was already found.
   */
  signal?: AbortSignal;
  /** Progress lines, as the command prints them dimmed. */
  onProgress?: (line: string) => void;
}

/**
 * Generates concurrent programs of creates, lists and deletes against `target` (default: the
 * embedded reference) and judges every history for linearizability (docs/contract.md §10).
 * Resolves to the exploration's report: verdict 'no-violation', 'violation' (with the smallest
 * failing program and its timeline) or 'incomplete', and the exit code the command would end with.
 * Rejects with a UsageError (exitCode 2) for bad options and a CannotRunError (exitCode 3) when
 * the target cannot be explored.
 */
export async function exploreConformance(options: ExploreConformanceOptions = {}): Promise<ExploreReport> {
  const limits = resolveExploreLimits(options);
  const reporters = [...(options.reporters ?? [])];
  const bad = reporters.find((name) => !exploreReporterNames.includes(name));
  if (bad !== undefined) throw new UsageError(`unknown reporter "${bad}" for explore; valid names: ${exploreReporterNames.join(', ')}`);
  const givenSeed = options.seed ?? freshSeed();
  const seed = shardSeed(givenSeed, limits.shard);
  const signal = options.signal ?? new AbortController().signal;
  const embedded = options.target === undefined ? await startEmbeddedTarget() : undefined;
  try {
    const targetUrl = options.target ?? embedded!.server.url;
    const ownerToken = options.token ?? embedded!.ownerToken;
    const otherToken = options.otherToken ?? embedded?.otherToken;
    const redactor = new SecretRedactor();
    redactor.add(ownerToken, identityPlaceholder(1));
    redactor.add(otherToken, identityPlaceholder(2));
    const startedAt = new Date();
    const summary = await explore({
      targetUrl,
      ownerToken,
      otherToken,
      seed,
      budget: limits.budget,
      concurrency: limits.concurrency,
      timeLimitMs: limits.timeLimit * 1000,
      timeoutMs: limits.timeout,
      redactor,
      signal,
      progress: options.onProgress,
    });
    const report = exploreReportOf(summary, {
      targetUrl,
      embedded: embedded !== undefined,
      startedAt,
      finishedAt: new Date(),
      options: {
        budget: limits.budget,
        concurrency: limits.concurrency,
        timeLimitSeconds: limits.timeLimit,
        timeoutMs: limits.timeout,
        otherIdentity: otherToken !== undefined,
        ...(limits.shard ? { shard: { ...limits.shard, seed: givenSeed } } : {}),
      },
      interrupted: interruptionOf(options.signal),
    });
    // What explore.json holds, redacted as the command redacts it (bearers never appear).
    const json = redactor.text(JSON.stringify(report, null, 2));
    const out = options.out ?? exploreDefaults.outDir;
    if (reporters.includes('json')) await writeFileAtomic(join(out, 'explore.json'), `${json}\n`);
    if (reporters.includes('html')) await writeFileAtomic(join(out, 'explore.html'), redactor.text(renderExploreHtml(report)));
    return JSON.parse(json) as ExploreReport;
  } finally {
    await embedded?.server.close();
  }
}
