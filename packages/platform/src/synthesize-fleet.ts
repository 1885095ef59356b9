import * as path from 'node:path';
import {
  CLUSTER_INPUTS,
  type ConfigProblem,
  ConfigError,
  removeDeadScratch,
  type RenderedTree,
  replaceTree,
  type RepositoryLockOptions,
  withRepositoryLock,
} from '@ck8s/core';
import { compositionOrder } from './compose-cluster.js';
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
 * Synthesizes the selected clusters and replaces their folders, holding the repository's write
 * lock so overlapping runs take turns. Everything is synthesized in memory first: an error in any
 * cluster leaves every folder untouched. Each folder is swapped in whole (see replaceTree), and
 * scratch left by a crashed run is removed.
 * @param lock how to wait for the lock. @default wait up to two minutes, silently
 * @throws ConfigError with the problems of every cluster
 */
export function synthesizeFleet(context: FleetContext, selected: readonly string[], lock: RepositoryLockOptions = {}): SynthesizeFleetResult {
  return withRepositoryLock(context.workspace.root, () => synthesizeLocked(context, selected), lock);
}

function synthesizeLocked(context: FleetContext, selected: readonly string[]): SynthesizeFleetResult {
  // temporary files of atomic writes that a killed run left (the cluster folders' own scratch is removed by replaceTree)
  removeDeadScratch(context.workspace.root);
  for (const name of selected) removeDeadScratch(path.join(context.workspace.secretsDir, name));
  const trees = new Map<string, RenderedTree>();
  const problems = new Map<string, readonly ConfigProblem[]>();
  for (const name of compositionOrder(context.fleet, selected)) {
    try {
      trees.set(name, synthesizeCluster({ ...context, name }));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.set(name, e.problems);
    }
  }
  // problems and writes in the order asked for, whatever the order of composition
  if (problems.size > 0) throw new ConfigError(selected.flatMap((name) => problems.get(name) ?? []));
  const changed: string[] = [];
  let files = 0;
  for (const name of selected) {
    const tree = trees.get(name)!;
    files += tree.size;
    if (replaceTree(context.workspace.clusterDir(name), tree, { keep: CLUSTER_INPUTS })) changed.push(name);
  }
  return { clusters: trees.size, files, changed, sopsChanged: writeSopsConfig(context) };
}
