import * as path from 'node:path';
import {
  CLUSTER_INPUTS,
  type ConfigProblem,
  ConfigError,
  removeDeadScratch,
  type RepositoryLockOptions,
  type StagedTree,
  stageTree,
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
 * lock so overlapping runs take turns. Every cluster is synthesized and staged beside its folder
 * first (see stageTree; a large fleet's texts are never all in memory): an error in any cluster
 * leaves every folder untouched. Each folder is then swapped in whole, and scratch left by a
 * crashed run is removed.
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
  const staged = new Map<string, StagedTree | undefined>();
  const problems = new Map<string, readonly ConfigProblem[]>();
  let files = 0;
  try {
    for (const name of compositionOrder(context.fleet, selected)) {
      let tree;
      try {
        tree = synthesizeCluster({ ...context, name });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.set(name, e.problems);
        continue;
      }
      files += tree.size;
      // once a cluster has failed, nothing will be written: the others are only checked
      if (problems.size === 0) staged.set(name, stageTree(context.workspace.clusterDir(name), tree, { keep: CLUSTER_INPUTS }));
    }
    // problems and writes in the order asked for, whatever the order of composition
    if (problems.size > 0) throw new ConfigError(selected.flatMap((name) => problems.get(name) ?? []));
    const changed: string[] = [];
    for (const name of selected) {
      const tree = staged.get(name);
      staged.delete(name);
      if (tree) {
        tree.commit();
        changed.push(name);
      }
    }
    return { clusters: selected.length, files, changed, sopsChanged: writeSopsConfig(context) };
  } finally {
    for (const tree of staged.values()) tree?.discard();
  }
}
