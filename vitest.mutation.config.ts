// The tests Stryker runs against each mutant (`npm run mutation`, stryker.config.mjs): only the
// in-process unit tests that import src/ directly. The rest of the suite runs the built CLI from
// dist/ in child processes, which never sees a mutant of src/, so it would only cost time.
// Not used by `npm test`, which keeps vitest.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/checks.test.ts',
      'test/probe-guard.test.ts',
      'test/reporters.test.ts',
      'test/verdict.test.ts',
      'test/mutation-*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
