// The run's defaults, light on purpose: `run --help` shows them without loading the runner.
export const runDefaults = {
  concurrency: 16,
  // Four cases at once: against a target 50-100 ms away a run takes about a third of the serial
  // time, while a per-user quota meets at most four cases' tokens at once and the request rate
  // stays a small multiple of a serial run's (429s are waited out either way). bench/README.md.
  parallel: 4,
  burst: 200,
  burstConcurrency: 50,
  timeoutMs: 10_000,
  throttleBudgetMs: 30_000,
  outDir: 'reports',
};
