import { defineConfig } from 'vitest/config';

/**
 * The opt-in backup scenario (`npm run test:e2e:backup`): real Velero, whose cold build takes most
 * of an hour, so it is not part of `npm test`. One cluster at a time, like the end-to-end tests;
 * its results go to their own file, which the summary of `npm test` does not count.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['test/**/*.backup.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default', ['json', { outputFile: '.vitest/backup-results.json' }]],
  },
});
