import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ClusterReport, PolicyExceptionReport } from '@ck8s/report';
import type { Command } from 'commander';
import type { RepoContext } from '../context.js';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';
import type { ValidationReport } from '../validate/run-validation.js';
import { CLUSTER_INPUTS } from './synth.js';

/** Default of --changes: DEFAULT_CHANGE_LIMIT of @ck8s/report, written out so that help loads no library (a test keeps them equal). */
export const DEFAULT_CHANGES = '20';

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exceptions of one cluster: declared in cluster.yaml (rules, tenant settings, weaker enforcement) or written on namespaces. */
async function clusterExceptions(context: RepoContext, name: string, podSecurity: readonly PolicyExceptionReport[]): Promise<PolicyExceptionReport[]> {
  const { tenantExceptions } = await import('@ck8s/policy');
  const config = context.fleet.clusters.get(name)!;
  const source = context.workspace.relative(context.workspace.clusterConfigFile(name));
  const declared = [...config.policy.exceptions, ...tenantExceptions(config)].map((e) => ({ ...e, source }));
  const enforcement = Object.entries(config.policy.enforcement)
    .filter(([, action]) => action !== 'deny')
    .map(([rule, action]) => ({ namespace: '*', rule, reason: `enforcement is ${action}, not deny (policy.enforcement)`, source }));
  return [...declared, ...enforcement, ...podSecurity].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.rule, b.rule));
}

async function clusterReport(context: RepoContext, name: string, validation: ValidationReport): Promise<ClusterReport> {
  const { readTree } = await import('@ck8s/core/base');
  const { readClusterOutput } = await import('@ck8s/report');
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
      .map((c) => ({ id: c.id, title: c.title, status: c.status, cis: c.cis, nsa: c.nsa, kubescape: c.kubescape, findings: c.findings, evidence: c.objects, exceptions: c.exceptions })),
    exceptions: await clusterExceptions(context, name, output.podSecurityExceptions),
    secrets: output.secrets,
  };
}

export function registerReport(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('write the fleet report: one static HTML page with each cluster, its components and chart versions, every control with its evidence, policy exceptions and recent changes')
    .argument('[clusters...]', 'cluster names (default: all)')
    .option('--out <file>', 'where to write the page (outside clusters/)', 'report.html')
    .option('--changes <count>', 'how many recent commits touching the clusters to list', DEFAULT_CHANGES)
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
      const { loadContext, selectClusters } = await import('../context.js');
      const { readGitHistory, renderReport } = await import('@ck8s/report');
      const { writeFileAtomic } = await import('@ck8s/secrets');
      const { runValidation } = await import('../validate/run-validation.js');
      const context = loadContext(io.cwd, program.opts().root);
      const out = path.resolve(io.cwd, options.out);
      const clustersDir = context.workspace.clustersDir;
      // every file under clusters/ is generated: a report there would be drift
      if (out === clustersDir || out.startsWith(`${clustersDir}${path.sep}`)) {
        throw new UsageError(`--out "${options.out}" is inside clusters/, where every file is generated; allowed: a file outside clusters/`);
      }
      const clusters = selectClusters(context, names);
      const validation = await runValidation(context, clusters);
      const paths = names.length === 0 ? ['clusters/'] : clusters.map((n) => `${context.workspace.relative(context.workspace.clusterDir(n))}/`);
      const history = await readGitHistory({ cwd: context.workspace.root, paths, limit: Number(options.changes) });
      const html = renderReport({
        ...(history.revision ? { revision: history.revision } : {}),
        clusters: await Promise.all(clusters.map((name) => clusterReport(context, name, validation))),
        problems: validation.problems,
        changes: history.changes,
      });
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileAtomic(out, html);

      for (const p of validation.problems) io.stdout(`${p.check}: ${p.file}: ${p.object ? `${p.object}: ` : ''}${p.message}\n`);
      const passed = validation.controls.filter((c) => c.status === 'pass').length;
      io.stdout(
        `report: ${clusters.length} cluster(s), ${passed}/${validation.controls.length} controls passed, ${validation.problems.length} problem(s); written to ${options.out}\n`,
      );
      if (validation.problems.length > 0) throw new ReportedFailure(1);
    });
}
