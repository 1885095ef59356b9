import { CLUSTER_INPUTS, type ConfigProblem, ConfigError, type RenderedTree, replaceTree } from '@ck8s/core';
import type { FleetContext } from './fleet-context.js';
import { writeSopsConfig } from './sops-config.js';
import { synthesizeCluster } from './synthesize-cluster.js';

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
export function synthesizeFleet(context: FleetContext, selected: readonly string[]): SynthesizeFleetResult {
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
