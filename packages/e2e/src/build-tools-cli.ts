#!/usr/bin/env node
// Builds the e2e binaries pinned in e2e-tools/versions.json into .tools/e2e (see build-tools.ts).
// Usage: node dist/build-tools-cli.js [--force] [--only kube-apiserver,etcd] [--suite backup]
import { parseArgs } from 'node:util';
import { buildTools } from './build-tools.js';
import type { BinaryName } from './versions.js';

const { values } = parseArgs({ options: { force: { type: 'boolean', default: false }, only: { type: 'string' }, suite: { type: 'string' } } });
const started = Date.now();
try {
  const only = values.only?.split(',').map((s) => s.trim()) as BinaryName[] | undefined;
  const results = await buildTools({ force: values.force, ...(only ? { only } : {}), ...(values.suite ? { suite: values.suite } : {}) });
  const built = results.filter((r) => r.built);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.error(
    built.length === 0
      ? `e2e-tools: ${results.length} binaries up to date in .tools/e2e (${seconds}s)`
      : `e2e-tools: built ${built.length} of ${results.length} binaries in ${seconds}s`,
  );
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
