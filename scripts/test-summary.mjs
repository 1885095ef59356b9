#!/usr/bin/env node
// Adds up the vitest results of every package (written by each run or restored from the Nx
// cache) into one closing line, and fails when a package has no results or any test failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const brokenSuites = [];
// --unit: the unit tests alone; otherwise the end-to-end results (.vitest/e2e-results.json) count too
const files = [];
for (const pkg of readdirSync(path.join(root, 'packages')).sort()) {
  files.push([pkg, path.join(root, 'packages', pkg, '.vitest', 'results.json')]);
  if (!process.argv.includes('--unit') && existsSync(path.join(root, 'packages', pkg, 'vitest.e2e.config.ts'))) {
    files.push([`${pkg} (end-to-end)`, path.join(root, 'packages', pkg, '.vitest', 'e2e-results.json')]);
  }
}
for (const [pkg, file] of files) {
  if (!existsSync(file)) {
    missing.push(pkg);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  // a file that fails to load counts no failed test, only a failed suite
  if (r.numFailedTestSuites > 0 || r.success === false) brokenSuites.push(pkg);
  console.log(
    `${pkg}: ${r.numPassedTests} passed, ${r.numFailedTests} failed${r.numFailedTestSuites > 0 ? `, ${r.numFailedTestSuites} test file(s) failed` : ''}`,
  );
}
if (missing.length > 0) console.log(`no test results for: ${missing.join(', ')}`);
if (brokenSuites.length > 0) console.log(`failed test files in: ${brokenSuites.join(', ')}`);
// the backup/restore scenario with real Velero is opt-in (its cold build takes most of an hour): say so, never count it
if (!process.argv.includes('--unit')) console.log('not run: the backup/restore scenario with real Velero (opt-in: npm run test:e2e:backup)');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 || brokenSuites.length > 0 || passed === 0 ? 1 : 0);
