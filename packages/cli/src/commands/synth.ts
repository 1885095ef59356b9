import * as path from 'node:path';
import { type ConfigProblem, ConfigError, type RenderedTree, removeDeadScratch, replaceTree, type RepositoryLockOptions, withRepositoryLock } from '@ck8s/core';
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
      const result = synthesizeFleet(context, selectClusters(context, names), { onWait: waitNotice(io) });
      const what = result.changed.length === 0 ? 'no changes' : `changed: ${result.changed.join(', ')}`;
      io.stdout(`synth: ${result.clusters} cluster(s), ${result.files} files, ${what}${result.sopsChanged ? '; .sops.yaml updated' : ''}\n`);
    });
}

/** Tells the person at the terminal why a command that writes the repository does not start yet. */
export function waitNotice(io: CliIo): RepositoryLockOptions['onWait'] {
  return (holder, file) => io.stderr(`ck8s: waiting for another ck8s command (pid ${holder.pid}) to finish writing this repository (${path.basename(file)})\n`);
}

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
export function synthesizeFleet(context: RepoContext, selected: readonly string[], lock: RepositoryLockOptions = {}): SynthesizeFleetResult {
  return withRepositoryLock(context.workspace.root, () => synthesizeLocked(context, selected), lock);
}

function synthesizeLocked(context: RepoContext, selected: readonly string[]): SynthesizeFleetResult {
  // temporary files of atomic writes that a killed run left (the cluster folders' own scratch is removed by replaceTree)
  removeDeadScratch(context.workspace.root);
  for (const name of selected) removeDeadScratch(path.join(context.workspace.secretsDir, name));
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
