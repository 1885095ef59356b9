import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: each file starts its own local cluster (a dozen processes), so files run one at
 * a time (a 2-core machine has no room for two clusters) with generous timeouts. Results are
 * written beside the unit tests' (not into .vitest/results.json, which `npm test` sums up).
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: '.vitest/e2e-results.json' }]],
  },
});
