import type { Command } from 'commander';
import { type CliIo, UsageError } from '../io.js';

const OUTPUTS = ['text', 'markdown', 'json'];

export function registerDiff(program: Command, io: CliIo): void {
  program
    .command('diff')
    .description(
      'object-level difference of the generated output between a git revision and the working tree (Secrets: key names only, never values)',
    )
    .argument('[clusters...]', 'cluster names (default: every cluster at the base or in the working tree)')
    .requiredOption('--base <ref>', 'git revision to compare with, e.g. origin/main')
    .option('--output <format>', 'text, markdown (a pull-request comment) or json', 'text')
    .option(
      '--render',
      'also render, with helm at their pinned chart versions, the HelmReleases (Argo CD: Helm-source Applications) whose chart, version or values changed, and show the rendered objects that differ',
    )
    .option(
      '--chart-mirror <folder|url>',
      'with --render: take charts from this mirror (default: ck8s.config.yaml charts.mirror, else the chart repositories)',
    )
    .addHelpText(
      'after',
      `
The working tree side is the files in clusters/<name>/ as they are on disk: run \`ck8s synth\` first
locally; in CI they are the committed output, which \`ck8s validate\` proves equal to a fresh synth.
cluster.yaml is input, so its changes show through the objects they change. Exit status: 0 whether
or not there are differences, 1 on an error (an unknown revision or cluster, no git repository).

With --render, each HelmRelease (on a cluster Argo CD syncs, each Helm-source Application, keyed by
the release it installs) whose chart, version, values or post-render patches differ is rendered at both sides (as \`validate --render\` renders it, for the working tree's Kubernetes version)
and its rendered objects are compared, like flux-local's diff: a chart bump shows what it changes in
the cluster. Identical releases are not rendered. Values from sops Secrets are given to helm as the
same placeholder at both sides (never decrypted); rendered Secrets show key names only. A release
that does not render at one side is reported with helm's message, and the exit status stays 0.`,
    )
    .action(async (names: string[], options: { base: string; output: string; render?: boolean; chartMirror?: string }) => {
      if (!OUTPUTS.includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: ${OUTPUTS.join(', ')}`);
      if (options.chartMirror && !options.render) throw new UsageError('--chart-mirror needs --render');
      const { openWorkspace } = await import('@ck8s/platform/fleet-context');
      const { diffFleet, GitRepository, renderDiffMarkdown, renderDiffText } = await import('@ck8s/review');
      const workspace = openWorkspace(io.cwd, program.opts().root);
      if (!(await new GitRepository(workspace.root).resolveCommit(options.base))) {
        throw new UsageError(
          `--base "${options.base}" is not a commit in this repository; name a branch, tag or commit (fetch it first, e.g. git fetch origin main)`,
        );
      }
      let diff = await diffFleet({ root: workspace.root, base: options.base, clusters: names });
      if (options.render) diff = { ...diff, rendered: await renderedDiff(io, program.opts().root, options.base, names, options.chartMirror) };
      if (options.output === 'json') io.stdout(`${JSON.stringify(diff, null, 2)}\n`);
      else if (options.output === 'markdown') io.stdout(renderDiffMarkdown(diff));
      else io.stdout(renderDiffText(diff));
    });
}

/** The rendered side of the diff: the working tree's clusters give the Kubernetes version; removed clusters are not rendered. */
async function renderedDiff(io: CliIo, root: string | undefined, base: string, names: string[], chartMirror: string | undefined) {
  const path = await import('node:path');
  const { FLUX_API, findTool } = await import('@ck8s/core');
  const { loadFleetContext } = await import('@ck8s/platform/fleet-context');
  const { diffRenderedReleases, fleetOutputs } = await import('@ck8s/review');
  const context = loadFleetContext(io.cwd, root);
  const { workspace } = context;
  const configured = chartMirror ?? workspace.settings.charts.mirror;
  const mirror = configured && !/^(https?|oci):\/\//.test(configured) ? path.resolve(workspace.root, configured) : configured;
  const outputs = await fleetOutputs({ root: workspace.root, base, clusters: names });
  const clusters = outputs.clusters.flatMap((c) => {
    const cluster = context.fleet.clusters.get(c.cluster);
    if (!cluster || !c.after) return [];
    // cluster.yaml names a minor release; helm takes a full version
    const version = /^\d+\.\d+$/.test(cluster.kubernetesVersion) ? `${cluster.kubernetesVersion}.0` : cluster.kubernetesVersion;
    return [{ ...c, kubernetesVersion: version }];
  });
  return diffRenderedReleases({
    clusters,
    helm: findTool('helm', workspace.root),
    cacheDir: path.join(workspace.root, '.ck8s', 'charts'),
    extraApiVersions: [...new Set(Object.values(FLUX_API))],
    ...(mirror ? { mirror } : {}),
  });
}
