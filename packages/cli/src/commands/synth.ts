import { type ConfigProblem, ConfigError, type RenderedTree, replaceTree } from '@ck8s/core';
import type { Command } from 'commander';
import { loadContext, type RepoContext, selectClusters } from '../context.js';
import type { CliIo } from '../io.js';
import { synthesizeCluster } from '../synth/synthesize-cluster.js';
import { writeSopsConfig } from '../synth/sops-config.js';

/** Input files of a cluster folder that synth never writes. */
export const CLUSTER_INPUTS = ['cluster.yaml'];

export function registerSynth(program: Command, io: CliIo): void {
  program
    .command('synth')
    .description('generate the manifests of clusters into clusters/<name>/ (all clusters by default)')
    .argument('[clusters...]', 'cluster names')
    .action((names: string[]) => {
      const context = loadContext(io.cwd, program.opts().root);
      const result = synthesizeFleet(context, selectClusters(context, names));
      const what = result.changed.length === 0 ? 'no changes' : `changed: ${result.changed.join(', ')}`;
      io.stdout(`synth: ${result.clusters} cluster(s), ${result.files} files, ${what}${result.sopsChanged ? '; .sops.yaml updated' : ''}\n`);
    });
}

export interface SynthesizeFleetResult {
  readonly clusters: number;
  readonly files: number;
  /** Clusters whose folder changed. */
  readonly changed: readonly string[];
  readonly sopsChanged: boolean;
}

/**
 * Synthesizes the selected clusters and replaces their folders. Everything is synthesized in memory
 * first: an error in any cluster leaves every folder untouched.
 * @throws ConfigError with the problems of every cluster
 */
export function synthesizeFleet(context: RepoContext, selected: readonly string[]): SynthesizeFleetResult {
  const trees = new Map<string, RenderedTree>();
  const problems: ConfigProblem[] = [];
  for (const name of selected) {
    try {
      trees.set(name, synthesizeCluster({ ...context, name }));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const changed: string[] = [];
  let files = 0;
  for (const [name, tree] of trees) {
    files += tree.size;
    if (replaceTree(context.workspace.clusterDir(name), tree, { keep: CLUSTER_INPUTS })) changed.push(name);
  }
  return { clusters: trees.size, files, changed, sopsChanged: writeSopsConfig(context) };
}
