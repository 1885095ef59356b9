import * as path from 'node:path';
import { CLUSTER_INPUTS, ConfigError, removeDeadScratch, type RepositoryLockOptions, stagedTree, withRepositoryLockAsync } from '@ck8s/core';
import type { FleetContext } from './fleet-context.js';
import { writeSopsConfig } from './sops-config.js';
import { type SynthesisThreads, synthesizeClusters } from './synthesize-shares.js';

export interface SynthesizeFleetResult {
  readonly clusters: number;
  readonly files: number;
  /** Clusters whose folder changed. */
  readonly changed: readonly string[];
  readonly sopsChanged: boolean;
}

/** How to wait for the repository lock, and the threads to synthesize on (see synthesizeClusters). */
export type SynthesizeFleetOptions = RepositoryLockOptions & SynthesisThreads;

/**
 * Synthesizes the selected clusters and replaces their folders, holding the repository's write
 * lock so overlapping runs take turns. Every cluster is synthesized and staged beside its folder
 * first (see stageTree; a large fleet's texts are never all in memory): an error in any cluster
 * leaves every folder untouched. Each folder is then swapped in whole, and scratch left by a
 * crashed run is removed.
 * @param options how to wait for the lock (@default wait up to two minutes, silently) and the worker script
 * @throws ConfigError with the problems of every cluster
 */
export function synthesizeFleet(
  context: FleetContext,
  selected: readonly string[],
  options: SynthesizeFleetOptions = {},
): Promise<SynthesizeFleetResult> {
  return withRepositoryLockAsync(context.workspace.root, () => synthesizeLocked(context, selected, options), options);
}

async function synthesizeLocked(context: FleetContext, selected: readonly string[], threads: SynthesisThreads): Promise<SynthesizeFleetResult> {
  // temporary files of atomic writes that a killed run left (the cluster folders' own scratch is removed by stageTree)
  removeDeadScratch(context.workspace.root);
  for (const name of selected) removeDeadScratch(path.join(context.workspace.secretsDir, name));
  const results = await synthesizeClusters(context, selected, 'stage', threads);
  const staged = results.flatMap((r) =>
    r.staging ? [{ name: r.name, tree: stagedTree(context.workspace.clusterDir(r.name), r.staging, { keep: CLUSTER_INPUTS }) }] : [],
  );
  try {
    // problems and writes in the order asked for, whatever the order of composition
    const problems = results.flatMap((r) => r.problems ?? []);
    if (problems.length > 0) throw new ConfigError(problems);
    const changed: string[] = [];
    while (staged.length > 0) {
      const { name, tree } = staged.shift()!;
      tree.commit();
      changed.push(name);
    }
    return { clusters: selected.length, files: results.reduce((sum, r) => sum + r.files, 0), changed, sopsChanged: writeSopsConfig(context) };
  } finally {
    for (const { tree } of staged) tree.discard();
  }
}
