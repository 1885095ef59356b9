#!/usr/bin/env node
// Entry point of the ck8s command; the TypeScript sources are compiled and bundled by `npm run setup`.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// V8 hands a function to its optimizing compiler after a short run (an "interrupt budget" of 66 KiB of
// bytecode); a command of a few seconds then spends a tenth of its CPU compiling code it barely runs
// afterwards. Sixteen times that budget saves it on short commands, and long ones still optimize their
// hot loops: `secrets check` 0.35 -> 0.29 s CPU, `validate` of the demo fleet 2.06 -> 1.83 s, `synth`
// of 100 clusters 6.9 -> 5.7 s (measured for issue 12; `npm run bench` shows the current figures).
// The flag is process-wide, so the synthesis worker threads get it too.
setFlagsFromString('--interrupt-budget=1081344');

const entry = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('ck8s: the CLI is not built; run `npm run setup` in the repository root');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
