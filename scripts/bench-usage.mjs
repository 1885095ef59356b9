// Preloaded by scripts/bench.mjs (node --import) into the ck8s runs it measures: writes the
// process's resource usage (peak RSS) to CK8S_BENCH_USAGE when the process exits.
import { writeFileSync } from 'node:fs';

const file = process.env.CK8S_BENCH_USAGE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify(process.resourceUsage())));
