import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readTree, weakenedEnforcements } from '@ck8s/core';
import { tenantExceptions } from '@ck8s/policy';
import { type ClusterReport, DEFAULT_CHANGE_LIMIT, type PolicyExceptionReport, readClusterOutput, readGitHistory, renderReport } from '@ck8s/report';
import { writeFileAtomic } from '@ck8s/secrets';
import type { Command } from 'commander';
import { loadContext, type RepoContext, selectClusters } from '../context.js';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';
import { runValidation, type ValidationReport } from '../validate/run-validation.js';
import { CLUSTER_INPUTS } from './synth.js';
import { controlsSummary, weakenedLines } from './validate.js';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exceptions of one cluster: declared in cluster.yaml (rules, tenant settings, weaker enforcement) or written on namespaces. */
function clusterExceptions(context: RepoContext, name: string, podSecurity: readonly PolicyExceptionReport[]): PolicyExceptionReport[] {
  const config = context.fleet.clusters.get(name)!;
  const source = context.workspace.relative(context.workspace.clusterConfigFile(name));
  const declared = [...config.policy.exceptions, ...tenantExceptions(config)].map((e) => ({ ...e, source }));
  const enforcement = weakenedEnforcements(config).map((w) => ({ namespace: '*', rule: w.rule, reason: `${w.action}, not deny (policy.enforcement): ${w.reason}`, source }));
  return [...declared, ...enforcement, ...podSecurity].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.rule, b.rule));
}

function clusterReport(context: RepoContext, name: string, validation: ValidationReport): ClusterReport {
  const config = context.fleet.clusters.get(name)!;
  const dir = context.workspace.clusterDir(name);
  const catalog = context.catalog.names.map((n) => context.catalog.get(n));
  const output = readClusterOutput(readTree(dir, { keep: CLUSTER_INPUTS }), { displayDir: context.workspace.relative(dir), catalog });
  return {
    name,
    profile: config.profile,
    environment: config.environment,
    ...(config.customer ? { customer: config.customer } : {}),
    kubernetesVersion: config.kubernetesVersion,
    domain: config.domain,
    ...(config.serviceCluster ? { serviceCluster: config.serviceCluster } : {}),
    components: output.components,
    controls: validation.controls
      .filter((c) => c.cluster === name)
      .map((c) => ({ id: c.id, title: c.title, status: c.status, cis: c.cis, nsa: c.nsa, kubescape: c.kubescape, findings: c.findings, evidence: c.objects, exceptions: c.exceptions, weakened: c.weakened })),
    exceptions: clusterExceptions(context, name, output.podSecurityExceptions),
    secrets: output.secrets,
  };
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('write the fleet report: one static HTML page with each cluster, its components and chart versions, every control with its evidence, policy exceptions and recent changes')
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('--out <file>', 'where to write the page (outside clusters/)', 'report.html')
    .option('--changes <count>', 'how many recent commits touching the clusters to list', String(DEFAULT_CHANGE_LIMIT))
    .addHelpText(
      'after',
      [
        '',
        'The report runs the checks of `ck8s validate` and shows their problems. It is written even when',
        'validation finds problems; the exit status is then 1, so CI can publish the page and still fail.',
        'Secrets appear by name only: their values are never read. The page has no date of its own (only',
        "that of the HEAD commit), so the same repository always gives the same bytes.",
        '',
      ].join('\n'),
    )
    .action(async (names: string[], options: { out: string; changes: string }) => {
      if (!/^[1-9][0-9]*$/.test(options.changes)) throw new UsageError(`--changes "${options.changes}" is not supported; allowed: a whole number of 1 or more`);
      const context = loadContext(io.cwd, program.opts().root);
      const out = path.resolve(io.cwd, options.out);
      const clustersDir = context.workspace.clustersDir;
      // every file under clusters/ is generated: a report there would be drift
      if (out === clustersDir || out.startsWith(`${clustersDir}${path.sep}`)) {
        throw new UsageError(`--out "${options.out}" is inside clusters/, where every file is generated; allowed: a file outside clusters/`);
      }
      // checked before the work: the page replaces a file, never a folder
      if (existsSync(out) && statSync(out).isDirectory()) {
        throw new UsageError(`--out "${options.out}" is a folder; allowed: a file path, e.g. --out ${path.join(options.out, 'report.html')}`);
      }
      const clusters = selectClusters(context, names);
      const validation = await runValidation(context, clusters);
      const paths = names.length === 0 ? ['clusters/'] : clusters.map((n) => `${context.workspace.relative(context.workspace.clusterDir(n))}/`);
      const history = await readGitHistory({ cwd: context.workspace.root, paths, limit: Number(options.changes) });
      const html = renderReport({
        ...(history.revision ? { revision: history.revision } : {}),
        clusters: clusters.map((name) => clusterReport(context, name, validation)),
        problems: validation.problems,
        changes: history.changes,
      });
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileAtomic(out, html);

      for (const p of validation.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
      for (const line of weakenedLines(validation.controls)) io.stdout(line);
      io.stdout(`report: ${clusters.length} cluster(s), ${controlsSummary(validation.controls)}, ${validation.problems.length} problem(s); written to ${options.out}\n`);
      if (validation.problems.length > 0) throw new ReportedFailure(1);
    });
}
