import { defineConfig } from 'vitest/config';

/**
 * Test settings shared by every package. The "source" condition resolves workspace packages to
 * their TypeScript sources (tests run in Vite's server environment, hence `ssr.resolve`), so
 * tests never run stale builds. Results also go to .vitest/results.json, which
 * scripts/test-summary.mjs adds up for the closing line of `npm test`.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // guards against a hang, not a speed limit: a busy 2-core machine may run ten times slower
    testTimeout: 600_000,
    hookTimeout: 900_000,
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
