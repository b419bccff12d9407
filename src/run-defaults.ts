// The run's defaults, light on purpose: `run --help` shows them without loading the runner.
export const runDefaults = {
  concurrency: 16,
  burst: 200,
  burstConcurrency: 50,
  timeoutMs: 10_000,
  throttleBudgetMs: 30_000,
  outDir: 'reports',
};
