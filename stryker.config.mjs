// Mutation testing of the code that decides verdicts, on demand: `npm run mutation`
// (not part of `npm test` or CI). Reports land in reports/mutation/.
//
// Only the in-process unit tests (vitest.mutation.config.ts) run against the mutants: the other
// tests run the built CLI from dist/, which never contains a mutant.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  // No type checker (@stryker-mutator/typescript-checker): it type-checks the whole project per
  // batch of mutants, which took a run from about 2 to about 15 minutes on two cores. Mutants
  // that would not compile run as plain JavaScript instead; most are killed, and the few that
  // survive are easy to tell apart in the report.
  mutate: [
    'src/checks/**/*.ts',
    'src/run/run-case.ts',
    'src/verdict.ts',
    'src/engine/unchanged.ts',
    'src/engine/probe-guard.ts',
    'src/contract/**/*.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  // The sandbox needs src/, suites/, test/ and docs/ (the contract document), not the build or recordings.
  ignorePatterns: ['dist', 'recordings', 'bench'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 75, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
