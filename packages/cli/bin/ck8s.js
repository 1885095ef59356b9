#!/usr/bin/env node
// Entry point of the ck8s command; the TypeScript sources are compiled and bundled by `npm run setup`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('ck8s: the CLI is not built; run `npm run setup` in the repository root');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
