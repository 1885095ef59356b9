import * as path from 'node:path';
import type { AdmissionRule } from '@ck8s/policy';
import type { Command } from 'commander';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';

interface EvalOptions {
  readonly level?: string;
  readonly namespace?: string;
  readonly cluster?: string;
  readonly kubernetesVersion?: string;
  readonly output: string;
}

interface EvalSetup {
  readonly rules: readonly AdmissionRule[];
  readonly exceptions: { namespace: string; rule: string }[];
  readonly namespaces: ReadonlyMap<string, unknown>;
  readonly source: string;
}

/**
 * The rules and exceptions to evaluate: Pod Security checks alone with --level (of --kubernetes-version,
 * default the newest supported), else a cluster's full set, its Pod Security checks those of its kubernetesVersion.
 */
async function rulesFor(io: CliIo, root: string | undefined, options: EvalOptions): Promise<EvalSetup> {
  const { clusterRules, podSecurityPolicyVersion, podSecurityRules, tenantExceptions } = await import('@ck8s/policy');
  if (options.kubernetesVersion && options.cluster)
    throw new UsageError("--kubernetes-version and --cluster exclude each other: a cluster's rules follow its kubernetesVersion");
  if (options.level && !options.cluster) {
    const { DEFAULT_KUBERNETES_VERSION, isSupportedKubernetesVersion, SUPPORTED_KUBERNETES_MINORS } = await import('@ck8s/core');
    const version = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    if (!isSupportedKubernetesVersion(version.replace(/^v/, '')))
      throw new UsageError(`--kubernetes-version "${version}" is not supported; allowed: ${SUPPORTED_KUBERNETES_MINORS.join(', ')}`);
    return {
      rules: podSecurityRules(version),
      exceptions: [],
      namespaces: new Map(),
      source: `pod security ${options.level}:${podSecurityPolicyVersion(version).version}`,
    };
  }
  if (options.kubernetesVersion) throw new UsageError("--kubernetes-version needs --level (without it, the rules are a cluster's)");
  const { openWorkspace } = await import('@ck8s/platform/fleet-context');
  const { loadFleet, tenantNamespaces } = await import('@ck8s/core');
  const workspace = openWorkspace(io.cwd, root);
  const fleet = loadFleet(workspace);
  const workloads = [...fleet.clusters.values()].filter((c) => c.profile === 'workload').map((c) => c.name);
  const name = options.cluster ?? (workloads.length === 1 ? workloads[0] : undefined);
  if (!name)
    throw new UsageError(
      `say which cluster's rules to use: --cluster ${workloads.join('|') || '<name>'} (or --level for the Pod Security Standards alone)`,
    );
  const cluster = fleet.clusters.get(name);
  if (!cluster) throw new UsageError(`unknown cluster "${name}"; clusters: ${[...fleet.clusters.keys()].join(', ')}`);
  return {
    rules: clusterRules(cluster, fleet),
    exceptions: [...cluster.policy.exceptions, ...tenantExceptions(cluster)],
    namespaces: tenantNamespaces(cluster),
    source: `cluster ${name}, pod security ${podSecurityPolicyVersion(cluster.kubernetesVersion).version}`,
  };
}

export function registerPolicy(program: Command, io: CliIo): void {
  const policy = program.command('policy').description('admission policies');
  policy
    .command('eval')
    .description(
      'evaluate the admission policies (the same CEL the cluster runs) against manifest files or folders; exit 1 when any object is denied',
    )
    .argument('<paths...>', 'YAML files or folders')
    .option('--level <level>', 'only the Pod Security Standards checks of this level: baseline or restricted')
    .option('--namespace <ns>', "evaluate every object in this namespace (default: each object's own)")
    .option(
      '--kubernetes-version <version>',
      'with --level: judge by the Pod Security policy of this supported Kubernetes minor, as a namespace enforce-version does (default: the newest supported)',
    )
    .option('--cluster <name>', "use this cluster's rules, allowed registries, exceptions and tenant namespaces (default: the only workload cluster)")
    .option('--output <format>', 'text or json', 'text')
    .action(async (paths: string[], options: EvalOptions) => {
      if (options.level && !['baseline', 'restricted'].includes(options.level))
        throw new UsageError(`--level "${options.level}" is not supported; allowed: baseline, restricted`);
      if (!['text', 'json'].includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: text, json`);
      const { rules, exceptions, namespaces, source } = await rulesFor(io, program.opts().root, options);
      const { evaluateManifests, loadManifests } = await import('@ck8s/policy');
      const documents = loadManifests(paths.map((p) => path.resolve(io.cwd, p))).map((d) => ({
        ...d,
        file: path.relative(io.cwd, d.file) || d.file,
      }));
      const results = evaluateManifests(rules, documents, {
        ...(options.level ? { level: options.level as 'baseline' | 'restricted' } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
        exceptions,
        namespaces,
      });
      const denied = results.filter((r) => !r.allowed);
      if (options.output === 'json') {
        io.stdout(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const r of results) {
          const what = `${r.file}: ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
          io.stdout(`${r.allowed ? 'admitted' : 'denied  '} ${what}\n`);
          for (const v of r.violations) io.stdout(`    ${v.policy}: ${v.message}\n`);
        }
        io.stdout(
          `policy eval: ${results.length} object(s), ${results.length - denied.length} admitted, ${denied.length} denied (${source}, ${rules.length} rules)\n`,
        );
      }
      if (denied.length > 0) throw new ReportedFailure(1);
    });
}
