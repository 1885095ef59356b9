#!/usr/bin/env node
// Benchmark: synthesizes and validates generated fleets of 2, 10 and 50 clusters and prints wall
// time and peak memory for each size. Each size runs in a fresh Node process, so peak RSS is its own.
// Usage: npm run bench [-- 2 10 50]
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--run') {
  // child: run synth and validate in-process on the fleet in argv[3]
  const { main } = await import(pathToFileURL(path.join(root, 'packages/cli/dist/main.js')).href);
  // keep the commands' output for the report of a failed run, off the JSON channel
  let log = '';
  const quiet = { cwd: argv3(), stdout: (t) => (log += t), stderr: (t) => (log += t), readStdin: async () => '' };
  const started = performance.now();
  const synth = await main(['synth'], quiet);
  const synthMs = performance.now() - started;
  const validate = await main(['validate'], quiet);
  const totalMs = performance.now() - started;
  if (synth !== 0 || validate !== 0) process.stderr.write(log);
  process.stdout.write(JSON.stringify({ synth, validate, synthMs, totalMs, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

function argv3() {
  return process.argv[3];
}

/** Writes a fleet of `size` clusters: one service cluster per ten, the rest workload clusters with three tenants each. */
function makeFleet(size) {
  const dir = mkdtempSync(path.join(tmpdir(), `ck8s-bench-${size}-`));
  const settings = readFileSync(path.join(root, 'ck8s.config.yaml'), 'utf8').replace(/schemaMirror: (.*)/, (_, p) => `schemaMirror: ${path.resolve(root, p)}`);
  writeFileSync(path.join(dir, 'ck8s.config.yaml'), settings);
  cpSync(path.join(root, 'charts'), path.join(dir, 'charts'), { recursive: true });
  // the pinned tools of this checkout; the schema cache starts empty, so its import is measured too
  symlinkSync(path.join(root, '.tools'), path.join(dir, '.tools'));
  const services = Math.max(1, Math.ceil(size / 10));
  for (let i = 0; i < size; i++) {
    const service = i < services;
    const name = service ? `sc-${i}` : `wc-${i}`;
    const lines = [
      `name: ${name}`,
      `profile: ${service ? 'service' : 'workload'}`,
      'environment: bench',
      'kubernetesVersion: "1.33"',
      `domain: ${name}.bench.example.com`,
      ...(service ? [] : [`serviceCluster: sc-${i % services}`]),
      'gitops:',
      '  repository: https://git.example.com/fleet.git',
      // components whose credentials would have to be encrypted per cluster first are off; the
      // rest (Flux, policies, RBAC, ingress, certificates, posture, node config, tenants) is on
      'certificates: { issuer: private-ca }',
      'network: { apiServer: { cidrs: [10.0.0.1/32] }, serviceClusterCidrs: [192.0.2.10/32], objectStorageCidrs: [198.51.100.0/24] }',
      'ids: { enabled: false }',
      'logging: { enabled: false }',
      'observability: { enabled: false }',
      'backup: { enabled: false }',
      ...(service ? ['registry: { enabled: false }', 'identity: { enabled: false }'] : []),
      ...(service ? [] : ['tenants:', ...[1, 2, 3].map((t) => `  - name: team-${t}\n    adminGroups: [team-${t}-admins]`)]),
    ];
    mkdirSync(path.join(dir, 'clusters', name), { recursive: true });
    writeFileSync(path.join(dir, 'clusters', name, 'cluster.yaml'), `${lines.join('\n')}\n`);
  }
  return dir;
}

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
console.log('clusters  synth (s)  synth+validate (s)  peak RSS (MiB)');
for (const size of sizes.length > 0 ? sizes : [2, 10, 50]) {
  const dir = makeFleet(size);
  try {
    const { stdout } = await execa(process.execPath, [fileURLToPath(import.meta.url), '--run', dir], { stderr: 'inherit' });
    const r = JSON.parse(stdout);
    if (r.synth !== 0 || r.validate !== 0) throw new Error(`bench fleet of ${size} failed: synth exit ${r.synth}, validate exit ${r.validate}`);
    console.log(`${String(size).padStart(8)}  ${(r.synthMs / 1000).toFixed(2).padStart(9)}  ${(r.totalMs / 1000).toFixed(2).padStart(18)}  ${(r.maxRssKiB / 1024).toFixed(0).padStart(14)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
