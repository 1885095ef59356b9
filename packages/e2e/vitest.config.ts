import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// `npm test` runs the harness's own unit tests only; the end-to-end tests (*.e2e.test.ts) need
// the built binaries and minutes, and run with vitest.e2e.config.ts (`npm run test:e2e` at the root);
// the opt-in backup scenario (*.backup.test.ts) runs with vitest.backup.config.ts (`npm run test:e2e:backup`)
export default mergeConfig(shared, defineConfig({ test: { exclude: ['**/node_modules/**', 'test/**/*.e2e.test.ts', 'test/**/*.backup.test.ts'] } }));
