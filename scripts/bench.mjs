#!/usr/bin/env node
// Benchmark of the real platform, run through the ck8s command as a user runs it.
//
// 1. Start and validate speed, as ratios measured in this run, interleaved, medians of --runs:
//    `ck8s --help` and `ck8s secrets check` against `node -e 0`, and `ck8s validate` on this
//    repository's demo fleet against kubeconform -strict alone on the same files.
// 2. Fleets of full-platform clusters (every component on: logging, metrics, IDS, backup,
//    registry, SSO, posture; one service cluster per ten, workload clusters with three tenants).
//    Their credentials are made by `ck8s init` for one service and one workload cluster and
//    copied to the others, which share those two age key pairs, so every copy stays a valid sops
//    file of its cluster. Per size: CPU and wall seconds and peak RSS of `ck8s synth` and of
//    `ck8s validate` (CPU includes kubeconform's; RSS is the ck8s process), objects and files.
//
// Usage: npm run bench [-- [--runs N] [--no-ratios] [--no-fleets] [--keep] [SIZE...]]   (default: 10 100 1000, 5 runs)
//   --no-ratios / --no-fleets  leave out a part;  --keep  leave the fleets in the temp folder (paths printed)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ck8s = path.join(root, 'packages/cli/bin/ck8s.js');
const usageHook = path.join(root, 'scripts/bench-usage.mjs');

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
const flag = (name) => (args.includes(name) ? (args.splice(args.indexOf(name), 1), true) : false);
const noRatios = flag('--no-ratios');
const keep = flag('--keep');
const noFleets = flag('--no-fleets');
const sizes = args.map(Number).filter((n) => Number.isInteger(n) && n > 0);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of 1 or more');

/**
 * Runs a command to its end and measures it: CPU (user + system) of the command and everything it
 * waited for, from bash's `times`; wall time; with `usage`, the peak RSS of ck8s's Node process.
 */
function measure(command, commandArgs, options = {}) {
  const usageFile = path.join(tmpdir(), `ck8s-bench-usage-${process.pid}.json`);
  rmSync(usageFile, { force: true });
  // the usage hook only where peak RSS is reported: the start ratios measure the command alone
  const node = options.usage ? [process.execPath, '--import', pathToFileURL(usageHook).href] : [process.execPath];
  const argv = command === 'ck8s' ? [...node, ck8s, ...commandArgs] : [command, ...commandArgs];
  const started = performance.now();
  // bash runs the command and then `times`, whose second line is the CPU time of its children
  const run = spawnSync('bash', ['-c', '"$@" >"$CK8S_BENCH_OUT" 2>&1; status=$?; times; exit $status', 'bench', ...argv], {
    cwd: options.cwd ?? root,
    env: { ...process.env, ...options.env, CK8S_BENCH_OUT: options.out ?? '/dev/null', CK8S_BENCH_USAGE: usageFile },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const wall = (performance.now() - started) / 1000;
  const lines = run.stdout.trim().split('\n');
  const cpu = (lines.at(-1) ?? '').match(/(\d+)m([\d.]+)s/g)?.reduce((sum, t) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(t);
    return sum + Number(m) * 60 + Number(s);
  }, 0);
  let maxRssMiB;
  try {
    maxRssMiB = JSON.parse(readFileSync(usageFile, 'utf8')).maxRSS / 1024;
  } catch {
    maxRssMiB = undefined;
  }
  rmSync(usageFile, { force: true });
  return { status: run.status, cpu, wall, maxRssMiB };
}

/** Runs ck8s, failing the benchmark (with its output) when it does not exit 0; returns its measure and output. */
function ck8sRun(commandArgs, cwd, env) {
  const out = path.join(tmpdir(), `ck8s-bench-out-${process.pid}.txt`);
  const result = measure('ck8s', commandArgs, { cwd, env, out, usage: true });
  const text = readFileSync(out, 'utf8');
  rmSync(out, { force: true });
  if (result.status !== 0) throw new Error(`ck8s ${commandArgs.join(' ')} in ${cwd} exited ${result.status}:\n${text.slice(-4000)}`);
  return { ...result, text };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const fmt = (n, digits = 2) => (n === undefined ? '-' : n.toFixed(digits));

/** Interleaves the subjects run by run, so load from elsewhere falls on all of them alike. */
function interleaved(subjects) {
  const cpu = new Map(subjects.map((s) => [s.name, []]));
  for (const s of subjects) s.run(); // warm the file cache once, unmeasured
  for (let i = 0; i < runs; i++) {
    for (const s of subjects) {
      const r = s.run();
      if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}`);
      cpu.get(s.name).push(r.cpu);
    }
  }
  return new Map([...cpu].map(([name, values]) => [name, { median: median(values), values }]));
}

/** The files `ck8s validate` gives kubeconform, staged the same way (sops metadata removed), and its arguments. */
async function kubeconformReference() {
  const { Workspace } = await import(pathToFileURL(path.join(root, 'packages/core/dist/index.js')).href);
  const { prepareManifest, resolveSchemaLocations } = await import(pathToFileURL(path.join(root, 'packages/validate/dist/index.js')).href);
  const workspace = new Workspace(root);
  const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-bench-kubeconform-'));
  const versions = new Set();
  for (const cluster of readdirSync(workspace.clustersDir).filter((c) => existsSync(workspace.clusterConfigFile(c)))) {
    versions.add(/kubernetesVersion: "?([\d.]+)"?/.exec(readFileSync(workspace.clusterConfigFile(cluster), 'utf8'))[1]);
    const walk = (rel) => {
      for (const entry of readdirSync(path.join(workspace.clustersDir, cluster, rel))) {
        const file = path.posix.join(rel, entry);
        const absolute = path.join(workspace.clustersDir, cluster, file);
        if (statSync(absolute).isDirectory()) {
          if (file !== 'node') walk(file);
        } else if (file.endsWith('.yaml') && !file.endsWith('kustomization.yaml') && file !== 'cluster.yaml') {
          const prepared = prepareManifest({ displayPath: `clusters/${cluster}/${file}`, content: readFileSync(absolute, 'utf8') });
          if (prepared.content === undefined) continue;
          mkdirSync(path.join(dir, cluster, rel), { recursive: true });
          writeFileSync(path.join(dir, cluster, file), prepared.content);
        }
      }
    };
    walk('');
  }
  if (versions.size !== 1) throw new Error(`the demo fleet has kubernetes versions ${[...versions].join(', ')}; the reference runs one`);
  const locations = resolveSchemaLocations(workspace, [...versions][0]);
  const kubeconformArgs = [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-kubernetes-version',
    locations.kubernetesVersion,
    '-n',
    String(availableParallelism()),
  ];
  for (const location of locations.locations) kubeconformArgs.push('-schema-location', location);
  kubeconformArgs.push('.');
  return { dir, kubeconformArgs };
}

async function ratios() {
  const kubeconform = path.join(root, '.tools/bin/kubeconform');
  const reference = await kubeconformReference();
  try {
    const start = interleaved([
      { name: 'node -e 0', run: () => measure(process.execPath, ['-e', '0']) },
      { name: 'ck8s --help', run: () => measure('ck8s', ['--help']) },
      { name: 'ck8s secrets check', run: () => measure('ck8s', ['secrets', 'check']) },
    ]);
    // synth runs in a copy: it would otherwise rewrite this checkout's clusters/
    const demo = demoCopy();
    let validate;
    try {
      validate = interleaved([
        { name: 'kubeconform -strict', run: () => measure(kubeconform, reference.kubeconformArgs, { cwd: reference.dir }) },
        { name: 'ck8s validate', run: () => measure('ck8s', ['validate']) },
        { name: 'ck8s synth', run: () => measure('ck8s', ['synth'], { cwd: demo }) },
      ]);
    } finally {
      rmSync(demo, { recursive: true, force: true });
    }
    const row = (name, cpu, ref, refName, target) => {
      const ratio = cpu.get(name).median / ref.median;
      const raw = cpu
        .get(name)
        .values.map((v) => v.toFixed(2))
        .join(' ');
      console.log(`| \`${name}\` | ${fmt(cpu.get(name).median)} | ${refName}: ${fmt(ref.median)} | ${fmt(ratio, 1)}× | ≤ ${target}× | ${raw} |`);
    };
    console.log(`\nstart and validate on the demo fleet: CPU seconds (user + system), medians of ${runs} interleaved runs\n`);
    console.log('| command | CPU | reference in the same run | ratio | target | runs |');
    console.log('|---|---|---|---|---|---|');
    row('ck8s --help', start, start.get('node -e 0'), '`node -e 0`', 2);
    row('ck8s secrets check', start, start.get('node -e 0'), '`node -e 0`', 3);
    row('ck8s validate', validate, validate.get('kubeconform -strict'), '`kubeconform -strict` on the same files', 2);
    // validate runs kubeconform on these files and the drift check's synth of the same fleet, so
    // its ratio cannot go below 1 + this one whatever the rest costs
    const synthRatio = validate.get('ck8s synth').median / validate.get('kubeconform -strict').median;
    console.log(
      `\nfloor of the validate ratio: kubeconform itself (1×) + the drift check's synth alone ` +
        `(\`ck8s synth\` of the demo fleet: ${fmt(validate.get('ck8s synth').median)} s, ${fmt(synthRatio, 1)}×) = ${fmt(1 + synthRatio, 1)}×`,
    );
  } finally {
    rmSync(reference.dir, { recursive: true, force: true });
  }
}

/** A repository with this checkout's settings, charts and tools; the schema cache starts empty. */
function emptyRepository(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const settings = readFileSync(path.join(root, 'ck8s.config.yaml'), 'utf8').replace(
    /schemaMirror: (.*)/,
    (_, p) => `schemaMirror: ${path.resolve(root, p)}`,
  );
  writeFileSync(path.join(dir, 'ck8s.config.yaml'), settings);
  cpSync(path.join(root, 'charts'), path.join(dir, 'charts'), { recursive: true });
  symlinkSync(path.join(root, '.tools'), path.join(dir, '.tools'));
  mkdirSync(path.join(dir, 'clusters'));
  return dir;
}

/** A repository holding a copy of this checkout's demo fleet (cluster.yaml files, generated output and secrets). */
function demoCopy() {
  const dir = emptyRepository('ck8s-bench-demo-');
  cpSync(path.join(root, 'clusters'), path.join(dir, 'clusters'), { recursive: true });
  cpSync(path.join(root, 'secrets'), path.join(dir, 'secrets'), { recursive: true });
  return dir;
}

/** One service and one workload cluster onboarded by `ck8s init`, with every credential of the full platform. */
function templateFleet() {
  const dir = emptyRepository('ck8s-bench-template-');
  const keys = mkdtempSync(path.join(tmpdir(), 'ck8s-bench-keys-'));
  // placeholders for the outside systems' credentials, which init takes from the environment
  const env = {
    CK8S_S3_ACCESS_KEY_ID: 'bench-access-key',
    CK8S_S3_SECRET_ACCESS_KEY: 'bench-secret-key',
    CK8S_IDP_CLIENT_SECRET: 'bench-client-secret',
    CK8S_RECEIVER_SECRET: 'https://hooks.slack.example.com/bench',
  };
  const common = ['--customer', 'Bench', '--acme-email', 'ops@example.com', '--base-domain', 'bench.example.com'];
  ck8sRun(
    [
      'init',
      'tpl-sc',
      '--profile',
      'service',
      ...common,
      '--environment',
      'bench',
      '--git-repository',
      'https://git.example.com/fleet.git',
      '--s3-endpoint',
      'https://s3.example.com',
      '--api-server-cidrs',
      '10.1.0.1/32',
      '--service-cluster-cidrs',
      '192.0.2.10/32',
      '--object-storage-cidrs',
      '198.51.100.0/24',
      '--idp-type',
      'oidc',
      '--idp-issuer',
      'https://login.example.com',
      '--idp-client-id',
      'ck8s',
      '--receiver-type',
      'slack',
      '--slack-channel',
      '#alerts',
      '--key-file',
      path.join(keys, 'sc.agekey'),
    ],
    dir,
    env,
  );
  ck8sRun(
    [
      'init',
      'tpl-wc',
      '--profile',
      'workload',
      ...common,
      '--api-server-cidrs',
      '10.0.0.1/32',
      '--key-file',
      path.join(keys, 'wc.agekey'),
      '--service-cluster-key-file',
      path.join(keys, 'sc.agekey'),
    ],
    dir,
    env,
  );
  rmSync(keys, { recursive: true, force: true }); // the copies need no private key: synth and validate never decrypt
  return dir;
}

const TENANTS = `tenants:\n${[1, 2, 3].map((t) => `  - name: team-${t}\n    adminGroups: [team-${t}-admins]\n    viewGroups: [team-${t}-developers]\n    ingressPorts: [8080]\n    metricsPorts: [9090]\n`).join('')}`;

/** A fleet of `size` clusters copied from the template: one service cluster per ten, the rest workload clusters. */
function makeFleet(template, size) {
  const dir = emptyRepository(`ck8s-bench-${size}-`);
  const services = Math.max(1, Math.ceil(size / 10));
  const sc = readFileSync(path.join(template, 'clusters/tpl-sc/cluster.yaml'), 'utf8');
  const wc = readFileSync(path.join(template, 'clusters/tpl-wc/cluster.yaml'), 'utf8');
  for (let i = 0; i < size; i++) {
    const service = i < services;
    const name = service ? `sc-${i}` : `wc-${i}`;
    const text = service
      ? sc.replaceAll('tpl-sc', name)
      : wc
          .replaceAll('tpl-wc', name)
          .replaceAll('tpl-sc', `sc-${i % services}`)
          .replace(/^tenants: \[\]\n/m, TENANTS);
    if (!text.includes(`name: ${name}\n`) || (!service && !text.includes('team-3')))
      throw new Error(`template cluster.yaml of ${name} has no name line or no tenants: []:\n${text}`);
    mkdirSync(path.join(dir, 'clusters', name));
    writeFileSync(path.join(dir, 'clusters', name, 'cluster.yaml'), text);
    cpSync(path.join(template, 'secrets', service ? 'tpl-sc' : 'tpl-wc'), path.join(dir, 'secrets', name), { recursive: true });
  }
  // the service clusters' identity providers hold one client secret per web application, keyed by
  // cluster (Headlamp's): the template's keys become those of each copy's clusters
  for (let s = 0; s < services; s++) {
    const file = path.join(dir, 'secrets', `sc-${s}`, 'dex.dex-client-secrets.sops.yaml');
    const workloads = Array.from({ length: size }, (_, i) => i).filter((i) => i >= services && i % services === s);
    const text = readFileSync(file, 'utf8')
      .replace(/^(\s+)([a-z0-9-]+)-tpl-sc: /gm, `$1$2-sc-${s}: `)
      .replace(/^(\s+)([a-z0-9-]+)-tpl-wc: (.*)\n/gm, (_, indent, app, value) =>
        workloads.map((i) => `${indent}${app}-wc-${i}: ${value}\n`).join(''),
      );
    writeFileSync(file, text);
  }
  return dir;
}

function count(pattern, text, what) {
  const m = pattern.exec(text);
  if (!m) throw new Error(`no ${what} in:\n${text.slice(-2000)}`);
  return Number(m[1]);
}

async function fleets() {
  console.log(`\nfull-platform fleets (${availableParallelism()} CPUs): seconds, MiB\n`);
  console.log('| clusters | synth CPU | synth wall | synth peak RSS | validate CPU | validate wall | validate peak RSS | objects | files |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const template = templateFleet();
  try {
    for (const size of sizes.length > 0 ? sizes : [10, 100, 1000]) {
      const dir = makeFleet(template, size);
      try {
        const synth = ck8sRun(['synth'], dir);
        const validate = ck8sRun(['validate'], dir);
        const files = count(/synth: \d+ cluster\(s\), (\d+) files/, synth.text, 'file count');
        const objects = count(/validate: \d+ cluster\(s\), (\d+) objects checked/, validate.text, 'object count');
        console.log(
          `| ${size} | ${fmt(synth.cpu)} | ${fmt(synth.wall)} | ${fmt(synth.maxRssMiB, 0)} | ${fmt(validate.cpu)} | ${fmt(validate.wall)} | ${fmt(validate.maxRssMiB, 0)} | ${objects} | ${files} |`,
        );
      } finally {
        if (keep) console.log(`(kept: ${dir})`);
        else rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(template, { recursive: true, force: true });
  }
}

if (!noRatios) await ratios();
if (!noFleets) await fleets();
