import { CLUSTER_INPUTS, readTree, weakenedEnforcements } from '@ck8s/core';
import { tenantExceptions } from '@ck8s/policy';
import { type ClusterReport, type PolicyExceptionReport, readClusterOutput, readGitHistory, renderReport } from '@ck8s/report';
import type { FleetContext } from './fleet-context.js';
import { runValidation, type ValidationReport } from './run-validation.js';

export interface FleetReportProps {
  readonly context: FleetContext;
  /** The clusters to report on. */
  readonly clusters: readonly string[];
  /** Whether the clusters were named (recent changes then cover only their folders). */
  readonly named: boolean;
  /** How many recent commits touching the clusters to list. */
  readonly changes: number;
}

export interface FleetReport {
  /** The page: static, self-contained and deterministic. */
  readonly html: string;
  /** The validation the page shows. */
  readonly validation: ValidationReport;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Exceptions of one cluster: declared in cluster.yaml (rules, tenant settings, weaker enforcement),
 * written on namespaces, or declared by the platform's components for their own namespaces.
 */
function clusterExceptions(
  context: FleetContext,
  name: string,
  podSecurity: readonly PolicyExceptionReport[],
  validation: ValidationReport,
): PolicyExceptionReport[] {
  const config = context.fleet.clusters.get(name)!;
  const source = context.workspace.relative(context.workspace.clusterConfigFile(name));
  const declared = [...config.policy.exceptions, ...tenantExceptions(config)].map((e) => ({ ...e, source }));
  const enforcement = weakenedEnforcements(config).map((w) => ({
    namespace: '*',
    rule: w.rule,
    reason: `${w.action}, not deny (policy.enforcement): ${w.reason}`,
    source,
  }));
  const platform = validation.platformExceptions
    .filter((e) => e.cluster === name)
    .map((e) => ({
      namespace: e.namespace,
      rule: e.rule,
      reason: `${e.object}: ${e.reason}`,
      source: `component ${e.component} (exception ${e.name}; the platform's binding of the rule leaves the namespace out)`,
    }));
  return [...declared, ...enforcement, ...podSecurity, ...platform].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.rule, b.rule));
}

function clusterReport(context: FleetContext, name: string, validation: ValidationReport): ClusterReport {
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
      .map((c) => ({
        id: c.id,
        title: c.title,
        status: c.status,
        cis: c.cis,
        nsa: c.nsa,
        kubescape: c.kubescape,
        findings: c.findings,
        evidence: c.objects,
        exceptions: c.exceptions,
        weakened: c.weakened,
      })),
    exceptions: clusterExceptions(context, name, output.podSecurityExceptions, validation),
    secrets: output.secrets,
    access: output.access,
  };
}

/**
 * The fleet report: runs the checks of validate, reads the recent history of the clusters'
 * folders and renders one page. Nothing is written here.
 */
export async function fleetReport(props: FleetReportProps): Promise<FleetReport> {
  const { context, clusters } = props;
  const validation = await runValidation(context, clusters);
  const paths = props.named ? clusters.map((n) => `${context.workspace.relative(context.workspace.clusterDir(n))}/`) : ['clusters/'];
  const history = await readGitHistory({ cwd: context.workspace.root, paths, limit: props.changes });
  const html = renderReport({
    ...(history.revision ? { revision: history.revision } : {}),
    clusters: clusters.map((name) => clusterReport(context, name, validation)),
    problems: validation.problems,
    changes: history.changes,
  });
  return { html, validation };
}
